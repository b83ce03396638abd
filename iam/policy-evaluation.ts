import { Condition, Statement } from './statements';

/**
 * IAM's evaluation of one identity policy, for one action on one resource, as far as
 * these policies use it: wildcards in actions and resources, an explicit Deny winning
 * over any Allow, and the condition operators the statements use. A condition whose
 * key the request does not carry does not hold (unless it is an ...IfExists test).
 * Pure, so the tests can ask "may this role touch that?" of every pair without AWS.
 */

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** The request's context keys: tags, the principal, the S3 prefix, the boundary a role would get... */
export type RequestContext = Readonly<Record<string, string | readonly string[] | undefined>>;

/** IAM's wildcard match: `*` any run of characters, `?` one; case-sensitive (ARNs), except actions. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function conditionHolds(condition: Condition, context: RequestContext): boolean {
  const present = context[condition.variable];
  const values = present === undefined ? [] : Array.isArray(present) ? (present as readonly string[]) : [present as string];
  let test = condition.test;
  const ifExists = test.endsWith('IfExists');
  if (ifExists) test = test.slice(0, -'IfExists'.length);
  // Null tests whether the key is absent ("true") or present ("false").
  if (test === 'Null') return condition.values.includes(values.length === 0 ? 'true' : 'false');
  if (values.length === 0) {
    // A missing key: ...IfExists and ForAllValues hold, ForAnyValue does not, a negated operator does.
    if (ifExists || test.startsWith('ForAllValues:')) return true;
    return !test.startsWith('ForAnyValue:') && /^(String|Arn)Not/.test(test);
  }
  const anyValue = test.startsWith('ForAnyValue:');
  test = test.replace(/^ForAnyValue:|^ForAllValues:/, '');
  const one = (value: string): boolean => {
    switch (test) {
      case 'StringEquals':
      case 'ArnEquals':
        return condition.values.includes(value);
      case 'StringNotEquals':
      case 'ArnNotEquals':
        return !condition.values.includes(value);
      case 'StringLike':
      case 'ArnLike':
        return condition.values.some((pattern) => wildcardMatch(pattern, value));
      case 'StringNotLike':
      case 'ArnNotLike':
        return !condition.values.some((pattern) => wildcardMatch(pattern, value));
      case 'Bool':
        return condition.values.includes(value);
      default:
        throw new Error(`condition operator ${condition.test} is not evaluated here`);
    }
  };
  return anyValue ? values.some(one) : values.every(one);
}

function applies(statement: Statement, action: string, resource: string, context: RequestContext): boolean {
  return (
    statement.actions.some((pattern) => wildcardMatch(pattern, action, true)) &&
    (statement.notResources
      ? !statement.notResources.some((pattern) => wildcardMatch(pattern, resource))
      : statement.resources.some((pattern) => wildcardMatch(pattern, resource))) &&
    (statement.conditions ?? []).every((condition) => conditionHolds(condition, context))
  );
}

/** What the statements decide for `action` on `resource`: an explicit Deny wins, then any Allow, else nothing is allowed. */
export function evaluate(statements: readonly Statement[], action: string, resource: string, context: RequestContext = {}): Decision {
  const matching = statements.filter((statement) => applies(statement, action, resource, context));
  if (matching.some((statement) => statement.effect === 'Deny')) return 'ExplicitDeny';
  return matching.some((statement) => (statement.effect ?? 'Allow') === 'Allow') ? 'Allow' : 'ImplicitDeny';
}

/** The service an action or an ARN belongs to: "iam" of "iam:CreateRole" and of "arn:aws:iam::1:role/x". */
export function serviceOf(actionOrArn: string): string {
  return actionOrArn.startsWith('arn:') ? actionOrArn.split(':')[2] : actionOrArn.split(':')[0];
}

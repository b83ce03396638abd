/**
 * The account model of the chain analysis, read from synthesised stacks: every aws_iam_role with its trust
 * (assume_role_policy), inline policies (aws_iam_role_policy), boundary and attached managed policies;
 * managed policies (aws_iam_policy); bucket and key policies; and which role each Lambda function runs as.
 * Terraform references are replaced from `values` (the account id, the partition, the key's ARN...), and one
 * that is not known fails the read, so a new reference in a stack cannot slip past the analysis unread.
 */
import { AccountModel, PrincipalSet, ResourceStatement, RoleModel, TrustStatement } from '../../iam/access-chains';
import { Statement } from '../../iam/statements';
import { Json } from './json';

export interface SynthValues {
  readonly account: string;
  readonly region: string;
  /** Other references by their text inside ${...}, e.g. "aws_kms_key.state-key.arn". */
  readonly references?: Readonly<Record<string, string>>;
}

function resolver(stacks: readonly Json[], values: SynthValues) {
  const known: Record<string, string> = {
    'data.aws_partition.partition.partition': 'aws',
    'data.aws_caller_identity.caller.account_id': values.account,
    'data.aws_region.region.name': values.region,
    ...values.references,
  };
  for (const stack of stacks) {
    for (const [id, role] of Object.entries((stack['resource']?.aws_iam_role ?? {}) as Json)) {
      known[`aws_iam_role.${id}.arn`] = `arn:aws:iam::${values.account}:role${role.path ?? '/'}${role.name}`;
      known[`aws_iam_role.${id}.id`] = role.name;
      known[`aws_iam_role.${id}.name`] = role.name;
    }
    for (const [id, policy] of Object.entries((stack['resource']?.aws_iam_policy ?? {}) as Json)) {
      known[`aws_iam_policy.${id}.arn`] = `arn:aws:iam::${values.account}:policy${policy.path ?? '/'}${policy.name}`;
    }
    for (const id of Object.keys((stack['resource']?.aws_iam_openid_connect_provider ?? {}) as Json)) {
      known[`aws_iam_openid_connect_provider.${id}.arn`] = `arn:aws:iam::${values.account}:oidc-provider/token.actions.githubusercontent.com`;
    }
    for (const id of Object.keys((stack['resource']?.aws_kms_key ?? {}) as Json)) {
      known[`aws_kms_key.${id}.arn`] = `arn:aws:kms:${values.region}:${values.account}:key/${id}`;
    }
    for (const [id, bucket] of Object.entries((stack['resource']?.aws_s3_bucket ?? {}) as Json)) {
      known[`aws_s3_bucket.${id}.id`] = bucket.bucket;
      known[`aws_s3_bucket.${id}.bucket`] = bucket.bucket;
      known[`aws_s3_bucket.${id}.arn`] = `arn:aws:s3:::${bucket.bucket}`;
    }
  }
  const resolve = (text: string): string =>
    text.replace(/\$\{([^}]+)\}/g, (whole, reference: string) => {
      const value = known[reference.trim()];
      if (value === undefined) throw new Error(`the chain analysis does not know ${whole}; give it a value in SynthValues.references`);
      return value;
    });
  return resolve;
}

function principalSet(principals: readonly Json[] | undefined): PrincipalSet {
  const set: { aws?: string[]; service?: string[]; federated?: string[] } = {};
  for (const principal of principals ?? []) {
    const key = principal.type === 'Service' ? 'service' : principal.type === 'Federated' ? 'federated' : 'aws';
    set[key] = [...(set[key] ?? []), ...(principal.type === '*' ? ['*'] : principal.identifiers)];
  }
  return set;
}

/** The model of every role, policy and function the stacks hold. */
export function accountModelFromSynth(stacks: readonly Json[], values: SynthValues, extra: Pick<AccountModel, 'tagValues'> = {}): AccountModel {
  const resolve = resolver(stacks, values);
  const documents = new Map<string, Json[]>();
  for (const stack of stacks) {
    for (const [id, document] of Object.entries((stack['data']?.aws_iam_policy_document ?? {}) as Json)) {
      documents.set(`data.aws_iam_policy_document.${id}.json`, JSON.parse(resolve(JSON.stringify(document.statement ?? []))) as Json[]);
    }
  }
  const documentOf = (reference: string): Json[] => {
    const match = /^\$\{(.+)\}$/.exec(reference);
    const statements = match ? documents.get(match[1]) : undefined;
    if (!statements) throw new Error(`the chain analysis reads policies from aws_iam_policy_document only, not ${reference}`);
    return statements;
  };
  const statement = (raw: Json, index: number): Statement => ({
    sid: raw.sid ?? `statement${index}`,
    effect: raw.effect ?? 'Allow',
    actions: raw.actions ?? [],
    resources: raw.not_resources ? [] : (raw.resources ?? ['*']),
    ...(raw.not_resources ? { notResources: raw.not_resources } : {}),
    ...(raw.condition ? { conditions: raw.condition.map((c: Json) => ({ test: c.test, variable: c.variable, values: c.values })) } : {}),
  });
  const all = (type: string) => stacks.flatMap((stack) => Object.entries((stack['resource']?.[type] ?? {}) as Json));

  const managedPolicies = Object.fromEntries(
    all('aws_iam_policy').map(([id, policy]) => [resolve(`\${aws_iam_policy.${id}.arn}`), documentOf(policy.policy).map(statement)]),
  );
  const roles: RoleModel[] = all('aws_iam_role').map(([id, role]) => {
    const name = role.name as string;
    const inline = all('aws_iam_role_policy')
      .filter(([, policy]) => resolve(policy.role) === name)
      .flatMap(([, policy]) => documentOf(policy.policy).map(statement));
    const attached = all('aws_iam_role_policy_attachment')
      .filter(([, attachment]) => resolve(attachment.role) === name)
      .flatMap(([, attachment]) => managedPolicies[resolve(attachment.policy_arn)] ?? []);
    const trust: TrustStatement[] = documentOf(role.assume_role_policy).map((raw) => ({
      principals: principalSet(raw.principals),
      ...(raw.condition ? { conditions: raw.condition.map((c: Json) => ({ test: c.test, variable: c.variable, values: c.values })) } : {}),
    }));
    return {
      arn: resolve(`\${aws_iam_role.${id}.arn}`),
      policy: [...inline, ...attached],
      ...(role.permissions_boundary ? { boundary: resolve(role.permissions_boundary) } : {}),
      trust,
    };
  });
  const resourcePolicies = [
    ...all('aws_s3_bucket_policy').map(([, policy]) => ({
      resource: `arn:aws:s3:::${resolve(policy.bucket)}*`,
      statements: documentOf(policy.policy).map((raw, index): ResourceStatement => ({ ...statement(raw, index), principals: principalSet(raw.principals) })),
    })),
  ];
  const functions = all('aws_lambda_function').map(([, fn]) => ({
    arn: `arn:aws:lambda:${values.region}:${values.account}:function:${fn.function_name}`,
    role: resolve(fn.role),
  }));
  return { account: values.account, roles, managedPolicies, functions, resourcePolicies, ...extra };
}

/**
 * What a principal can reach in an account, not only by what its own policy allows but through every role it
 * can get into: roles it may assume, roles it may hand to Lambda and then run code as, roles whose policy,
 * boundary or trust it may rewrite, roles it may create, and resources whose tags it may change so that a
 * tag-conditioned statement starts to apply. Pure: it reads an account model (roles, their policies,
 * boundaries and trust, what runs as which role, resource policies) and answers "can X do A to R, and how?"
 * with the chain of steps, so a test can show that no chain exists and, fed weaker policies, that one does.
 *
 * It models what these stacks use, not all of IAM: identity policies, permissions boundaries, role trust,
 * resource policies that name principals, Lambda as the one compute service that runs as a role, and tag
 * writes. Sessions policies, SCPs and other compute services (EC2, ECS, CodeBuild...) are out of its reach;
 * a principal that may use one of those is outside what this proves, and the CI roles hold no such action.
 */
import { Condition, Statement } from './statements';
import { Decision, RequestContext, evaluate, serviceOf, wildcardMatch } from './policy-evaluation';

/** Who a trust or resource policy admits. */
export interface PrincipalSet {
  /** Role, user or account ARNs ("arn:aws:iam::123456789012:root" admits the whole account); "*" anyone. */
  readonly aws?: readonly string[];
  readonly service?: readonly string[];
  readonly federated?: readonly string[];
}

export interface TrustStatement {
  readonly principals: PrincipalSet;
  readonly conditions?: readonly Condition[];
}

export interface ResourceStatement extends Statement {
  readonly principals: PrincipalSet;
}

export interface RoleModel {
  readonly arn: string;
  /** Its identity policies, inline and attached, as one list. */
  readonly policy: readonly Statement[];
  /** The ARN of its permissions boundary, a key of `AccountModel.managedPolicies`. */
  readonly boundary?: string;
  readonly trust: readonly TrustStatement[];
}

export interface AccountModel {
  readonly account: string;
  readonly partition?: string;
  readonly roles: readonly RoleModel[];
  /** Managed policies by ARN (the boundaries). */
  readonly managedPolicies?: Readonly<Record<string, readonly Statement[]>>;
  /** What runs as which role: each Lambda function's ARN and its execution role's ARN. */
  readonly functions?: readonly { readonly arn: string; readonly role: string }[];
  /** Resource policies (bucket, key...), each for the resources its ARN pattern covers. */
  readonly resourcePolicies?: readonly { readonly resource: string; readonly statements: readonly ResourceStatement[] }[];
  /** The values a tag-conditioned statement is tried with: e.g. environment: dev, staging, prod. */
  readonly tagValues?: Readonly<Record<string, readonly string[]>>;
}

/** A way of acting: a role as it is, or as a holder of the chain can make it. */
export interface Identity {
  readonly role: string;
  /** How it was reached, in words, first step first; empty for the starting role itself. */
  readonly chain: readonly string[];
  readonly policy: readonly Statement[];
  readonly boundary?: readonly Statement[];
}

/** A resource to reach: its ARN, its tags, and (API Gateway) the ARN its tags are written through. */
export interface Target {
  readonly arn: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** @default arn */
  readonly tagArn?: string;
  readonly context?: RequestContext;
}

export interface Reach {
  readonly identity: Identity;
  /** The steps: how the identity was reached, then any tag change on the target, then the action. */
  readonly chain: readonly string[];
}

/** A way out of the account's control: a trust policy or resource policy one can open to anyone. */
export interface Exposure {
  readonly kind: 'trust' | 'resource-policy';
  readonly resource: string;
  readonly action: string;
  readonly chain: readonly string[];
}

/** What a holder did to a role, each as the chain of steps that did it. */
interface Edits {
  policy?: readonly string[];
  boundary?: readonly string[];
  trust?: readonly string[];
}

const EVERYTHING: readonly Statement[] = [{ sid: 'AnythingItsWriterPuts', actions: ['*'], resources: ['*'] }];
const LAMBDA = 'lambda.amazonaws.com';
/** An account that is not this one, for "could it admit an outsider?". */
export const OUTSIDE_ACCOUNT = '999999999999';
/** A managed policy the attacker would pick: AWS's own administrator policy. */
const ADMINISTRATOR = 'arn:aws:iam::aws:policy/AdministratorAccess';

/** Tag writes by service, for existing resources; untag is tried with `UNTAG`. */
const TAG: Record<string, readonly string[]> = {
  apigateway: ['apigateway:POST', 'apigateway:PUT'],
  lambda: ['lambda:TagResource'],
  dynamodb: ['dynamodb:TagResource'],
  logs: ['logs:TagResource', 'logs:TagLogGroup'],
  iam: ['iam:TagRole'],
  s3: ['s3:PutObjectTagging'],
};
const UNTAG: Record<string, readonly string[]> = {
  apigateway: ['apigateway:DELETE'],
  lambda: ['lambda:UntagResource'],
  dynamodb: ['dynamodb:UntagResource'],
  logs: ['logs:UntagResource', 'logs:UntagLogGroup'],
  iam: ['iam:UntagRole'],
};

/** Writes of a resource policy, each of which could open a resource to another account. */
const RESOURCE_POLICY_WRITES = [
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  'kms:PutKeyPolicy',
  'kms:CreateGrant',
  'lambda:AddLayerVersionPermission',
] as const;

/** Replace the wildcards of an ARN pattern, to name one resource it would cover. */
function instance(pattern: string): string {
  return pattern.replace(/\*/g, 'chained').replace(/\?/g, 'x');
}

function admits(principals: PrincipalSet, principal: string, account: string, partition: string): 'named' | 'account' | undefined {
  for (const aws of principals.aws ?? []) {
    if (aws === '*') return 'account';
    if (aws === principal) return 'named';
    if (aws === account || aws === `arn:${partition}:iam::${account}:root`) return 'account';
  }
  return undefined;
}

export class AccessAnalysis {
  private readonly partition: string;
  private readonly roles: Map<string, RoleModel>;
  /** Tag states by the identities that can make them and the target: a search asks many actions of one target. */
  private readonly tagCache = new WeakMap<readonly Identity[], Map<string, ReturnType<AccessAnalysis['tagStates']>>>();

  constructor(private readonly model: AccountModel) {
    this.partition = model.partition ?? 'aws';
    this.roles = new Map(model.roles.map((role) => [role.arn, role]));
  }

  /** One identity's decision for a request, with its boundary and the resource's policy. */
  decide(identity: Identity, action: string, resource: string, context: RequestContext = {}): Decision {
    const ctx = { 'aws:PrincipalArn': identity.role, 'aws:PrincipalAccount': this.model.account, ...context };
    const own = evaluate(identity.policy, action, resource, ctx);
    const boundary = identity.boundary ? evaluate(identity.boundary, action, resource, ctx) : 'Allow';
    const resourcePolicy = (this.model.resourcePolicies ?? [])
      .filter((policy) => wildcardMatch(policy.resource, resource))
      .flatMap((policy) => policy.statements.filter((statement) => admits(statement.principals, identity.role, this.model.account, this.partition)));
    const viaResource = resourcePolicy.length ? evaluate(resourcePolicy, action, resource, ctx) : 'ImplicitDeny';
    if ([own, boundary, viaResource].includes('ExplicitDeny')) return 'ExplicitDeny';
    const namedInResource = viaResource === 'Allow' && resourcePolicy.some((statement) => (statement.principals.aws ?? []).includes(identity.role));
    return (own === 'Allow' || namedInResource) && boundary === 'Allow' ? 'Allow' : 'ImplicitDeny';
  }

  private allows(identity: Identity, action: string, resource: string, context: RequestContext = {}): boolean {
    return this.decide(identity, action, resource, context) === 'Allow';
  }

  /** Resource patterns of the identity's Allow statements for `action`, instantiated: where a create could land. */
  private landings(identity: Identity, action: string): string[] {
    return identity.policy
      .filter((statement) => (statement.effect ?? 'Allow') === 'Allow' && statement.actions.some((pattern) => wildcardMatch(pattern, action, true)))
      .flatMap((statement) => statement.resources.map(instance));
  }

  private as(role: RoleModel, chain: readonly string[], policyAll: boolean, boundaryGone: boolean): Identity {
    const boundary = role.boundary && !boundaryGone ? (this.model.managedPolicies?.[role.boundary] ?? []) : undefined;
    return { role: role.arn, chain, policy: policyAll ? EVERYTHING : role.policy, ...(boundary ? { boundary } : {}) };
  }

  /**
   * Every identity `start` can act as, each with the chain that gets there: a fixed point over assuming,
   * running code as a role through Lambda, rewriting a role's policy, boundary or trust, and creating roles.
   */
  identities(start: string): Identity[] {
    const first = this.roles.get(start);
    if (!first) throw new Error(`no role ${start} in the account model`);
    const held = new Map<string, Identity>([[start, this.as(first, [], false, false)]]);
    const edits = new Map<string, Edits>();
    const created = new Map<string, RoleModel>();
    const strength = (identity: Identity | undefined) => (identity ? `${identity.policy === EVERYTHING}|${!identity.boundary}` : 'none');
    for (let changed = true; changed;) {
      changed = false;
      const holders = [...held.values()];
      // A role a holder can create trusts whoever it says, so it can always get in; its policy is as wide as the boundary condition leaves.
      for (const holder of holders) {
        for (const arn of this.landings(holder, 'iam:CreateRole')) {
          if (this.roles.has(arn) || created.has(arn)) continue;
          const boundary = this.creatableWith(holder, arn);
          if (boundary === null) continue;
          created.set(arn, { arn, policy: [], ...(boundary ? { boundary } : {}), trust: [{ principals: { aws: ['*'] } }] });
          edits.set(arn, { trust: [...holder.chain, `${holder.role} creates role ${arn}, trusting whoever it names`] });
        }
      }
      for (const role of [...this.roles.values(), ...created.values()]) {
        const edit = { ...(edits.get(role.arn) ?? {}) };
        const boundaryContext = role.boundary ? { 'iam:PermissionsBoundary': role.boundary } : {};
        for (const holder of holders) {
          const step = (words: string) => [...holder.chain, `${holder.role} ${words}`];
          if (
            !edit.policy &&
            ['iam:PutRolePolicy', 'iam:AttachRolePolicy'].some((action) =>
              this.allows(holder, action, role.arn, { ...boundaryContext, 'iam:PolicyARN': ADMINISTRATOR }),
            )
          ) {
            edit.policy = step(`writes any policy on ${role.arn}${role.boundary ? ` (its boundary ${role.boundary} still applies)` : ''}`);
          }
          if (!edit.boundary && role.boundary && this.liftsBoundary(holder, role)) edit.boundary = step(`lifts the boundary of ${role.arn}`);
          if (!edit.trust && this.allows(holder, 'iam:UpdateAssumeRolePolicy', role.arn, boundaryContext))
            edit.trust = step(`rewrites the trust of ${role.arn} to admit anyone`);
        }
        edits.set(role.arn, edit);
        const entry = role.arn === start ? { chain: [] } : this.entry(role, holders, edit);
        if (!entry) continue;
        const next = this.as(role, [...entry.chain, ...(edit.policy ?? []), ...(edit.boundary ?? [])], Boolean(edit.policy), Boolean(edit.boundary));
        if (strength(next) !== strength(held.get(role.arn))) {
          held.set(role.arn, next);
          changed = true;
        }
      }
    }
    return [...held.values()];
  }

  /** The boundary `holder` may create a role at `arn` with: undefined for none at all, null when it may not create one. */
  private creatableWith(holder: Identity, arn: string): string | undefined | null {
    if (this.allows(holder, 'iam:CreateRole', arn)) return undefined;
    return (
      Object.keys(this.model.managedPolicies ?? {}).find((boundary) => this.allows(holder, 'iam:CreateRole', arn, { 'iam:PermissionsBoundary': boundary })) ??
      null
    );
  }

  private liftsBoundary(holder: Identity, role: RoleModel): boolean {
    return (
      this.allows(holder, 'iam:DeleteRolePermissionsBoundary', role.arn, { 'iam:PermissionsBoundary': role.boundary! }) ||
      this.allows(holder, 'iam:PutRolePermissionsBoundary', role.arn, { 'iam:PermissionsBoundary': ADMINISTRATOR }) ||
      ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion'].some((action) => this.allows(holder, action, role.boundary!))
    );
  }

  /** How a holder gets to act as `role`, if one can: assume it, or run code as it through Lambda. */
  private entry(role: RoleModel, holders: readonly Identity[], edits: Edits): { chain: readonly string[] } | undefined {
    const functions = this.model.functions ?? [];
    for (const holder of holders) {
      if (holder.role === role.arn) continue;
      const trusted = edits.trust
        ? 'named'
        : role.trust.map((statement) => admits(statement.principals, holder.role, this.model.account, this.partition)).find(Boolean);
      if (trusted === 'named' || (trusted === 'account' && this.allows(holder, 'sts:AssumeRole', role.arn))) {
        return { chain: [...(edits.trust ?? holder.chain), `${holder.role} assumes ${role.arn}`] };
      }
      const lambdaTrusts = role.trust.some((statement) => (statement.principals.service ?? []).includes(LAMBDA));
      if (!lambdaTrusts) continue;
      const running = functions.find((fn) => fn.role === role.arn && this.allows(holder, 'lambda:UpdateFunctionCode', fn.arn));
      if (running) return { chain: [...holder.chain, `${holder.role} changes the code of ${running.arn}, which runs as ${role.arn}`] };
      if (this.allows(holder, 'iam:PassRole', role.arn, { 'iam:PassedToService': LAMBDA })) {
        const targets = [
          ...functions.map((fn) => fn.arn),
          ...this.landings(holder, 'lambda:CreateFunction'),
          ...this.landings(holder, 'lambda:UpdateFunctionConfiguration'),
        ];
        const fn = targets.find((arn) => ['lambda:CreateFunction', 'lambda:UpdateFunctionConfiguration'].some((action) => this.allows(holder, action, arn)));
        if (fn) return { chain: [...holder.chain, `${holder.role} passes ${role.arn} to Lambda function ${fn} and runs its own code there`] };
      }
    }
    return undefined;
  }

  /** The tag sets `identities` can give a target: its own, then any reachable by setting or removing one tag at a time. */
  private tagStates(identities: readonly Identity[], target: Target): { tags: Readonly<Record<string, string>>; chain: readonly string[] }[] {
    const start = { tags: { ...(target.tags ?? {}) }, chain: [] as string[] };
    const states = [start];
    const seen = new Set([JSON.stringify(start.tags)]);
    const service = serviceOf(target.arn);
    const tagArn = target.tagArn ?? target.arn;
    const keys = Object.keys(this.model.tagValues ?? {});
    for (let i = 0; i < states.length; i++) {
      const state = states[i];
      const resourceTags = Object.fromEntries(Object.entries(state.tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value]));
      // One tag at a time, or every tag in one request (a statement may want all of them together), or one removed.
      const assignments = [
        ...keys.flatMap((key) => (this.model.tagValues![key] ?? []).map((value) => ({ [key]: value }))),
        ...keys.reduce<Record<string, string>[]>(
          (partial, key) => partial.flatMap((done) => (this.model.tagValues![key] ?? []).map((value) => ({ ...done, [key]: value }))),
          [{}],
        ),
      ].filter((assignment) => Object.keys(assignment).length);
      const moves = [
        ...assignments.map((assignment) => ({
          tags: { ...state.tags, ...assignment },
          verb: `tags it ${Object.entries(assignment)
            .map(([key, value]) => `${key}=${value}`)
            .join(', ')}`,
          actions: TAG[service] ?? [],
          context: {
            ...resourceTags,
            ...Object.fromEntries(Object.entries(assignment).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
            'aws:TagKeys': Object.keys(assignment),
          },
        })),
        ...keys.map((key) => ({
          tags: Object.fromEntries(Object.entries(state.tags).filter(([other]) => other !== key)),
          verb: `removes its ${key} tag`,
          actions: UNTAG[service] ?? [],
          context: { ...resourceTags, 'aws:TagKeys': [key] },
        })),
      ];
      for (const move of moves) {
        const id = JSON.stringify(move.tags);
        if (seen.has(id)) continue;
        const who = identities.find((identity) => move.actions.some((action) => this.allows(identity, action, tagArn, move.context)));
        if (!who) continue;
        seen.add(id);
        states.push({ tags: move.tags, chain: [...state.chain, ...who.chain, `${who.role} ${move.verb} (${tagArn})`] });
      }
    }
    return states;
  }

  /** Whether `start` can do `action` to `target` by any chain, and the first chain found. */
  reach(start: string, action: string, target: Target, identities = this.identities(start)): Reach | undefined {
    const cache = this.tagCache.get(identities) ?? new Map<string, ReturnType<AccessAnalysis['tagStates']>>();
    this.tagCache.set(identities, cache);
    const key = JSON.stringify([target.arn, target.tagArn, target.tags]);
    const states = cache.get(key) ?? this.tagStates(identities, target);
    cache.set(key, states);
    // The shortest chain first: the one a reader can follow.
    const ordered = [...identities].sort((a, b) => a.chain.length - b.chain.length);
    for (const state of states) {
      const context: RequestContext = {
        ...(target.context ?? {}),
        ...Object.fromEntries(Object.entries(state.tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value])),
      };
      for (const identity of ordered) {
        if (this.allows(identity, action, target.arn, context)) {
          return { identity, chain: [...state.chain, ...identity.chain, `${identity.role} may ${action} on ${target.arn}`] };
        }
      }
    }
    return undefined;
  }

  /**
   * Ways out: a trust policy `start` can rewrite or write (a role it can create trusts whoever it says), and
   * resource policies it can open to another account or to anyone.
   */
  exposures(start: string, identities = this.identities(start)): Exposure[] {
    const found: Exposure[] = [];
    const roles = [...this.roles.values()];
    for (const identity of identities) {
      for (const role of roles) {
        if (this.allows(identity, 'iam:UpdateAssumeRolePolicy', role.arn, role.boundary ? { 'iam:PermissionsBoundary': role.boundary } : {})) {
          found.push({
            kind: 'trust',
            resource: role.arn,
            action: 'iam:UpdateAssumeRolePolicy',
            chain: [...identity.chain, `${identity.role} may rewrite the trust of ${role.arn}`],
          });
        }
      }
      for (const arn of this.landings(identity, 'iam:CreateRole')) {
        if (this.creatableWith(identity, arn) !== null) {
          found.push({
            kind: 'trust',
            resource: arn,
            action: 'iam:CreateRole',
            chain: [...identity.chain, `${identity.role} may create ${arn} with a trust policy of its choosing`],
          });
        }
      }
      const functions = [...(this.model.functions ?? []).map((fn) => fn.arn), ...this.landings(identity, 'lambda:AddPermission')];
      for (const arn of new Set(functions)) {
        for (const principal of ['*', OUTSIDE_ACCOUNT, `arn:${this.partition}:iam::${OUTSIDE_ACCOUNT}:root`, 's3.amazonaws.com']) {
          if (this.allows(identity, 'lambda:AddPermission', arn, { 'lambda:Principal': principal })) {
            found.push({
              kind: 'resource-policy',
              resource: arn,
              action: 'lambda:AddPermission',
              chain: [...identity.chain, `${identity.role} may let ${principal} invoke ${arn}`],
            });
            break;
          }
        }
      }
      for (const action of RESOURCE_POLICY_WRITES) {
        for (const arn of new Set([
          ...(this.model.resourcePolicies ?? []).map((policy) => policy.resource.replace(/\/\*$/, '')),
          ...this.landings(identity, action),
        ])) {
          if (this.allows(identity, action, arn))
            found.push({ kind: 'resource-policy', resource: arn, action, chain: [...identity.chain, `${identity.role} may ${action} on ${arn}`] });
        }
      }
    }
    const unique = new Map(found.map((exposure) => [`${exposure.kind} ${exposure.action} ${exposure.resource}`, exposure]));
    return [...unique.values()];
  }
}

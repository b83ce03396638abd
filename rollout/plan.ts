import { ROLLOUT_VARIABLES } from '../config/rollout-names';

/**
 * The phases of a rollout, as data: which Terraform variables each apply gets and
 * what follows each outcome. `npm run deploy` and the deploy workflow run them; the
 * decisions are here, pure, so every path (including every failure) is tested.
 */

/** The variables of one apply: where the alias `live` points, and a canary beside it. */
export interface AliasVars {
  /** A version number, or "" for the newest this apply publishes. */
  readonly liveVersion: string;
  readonly canaryVersion: string;
  readonly canaryPercent: number;
  /** The other functions' `live` aliases, by function name: a version, or left out for the newest. Absent in a stack of one function. */
  readonly functionLive?: Readonly<Record<string, string>>;
  /** The other HTTP functions' canary versions, by function name (each takes canaryPercent of its live's traffic). */
  readonly functionCanary?: Readonly<Record<string, string>>;
}

/** Another function of the stack, as the rollout moves it: its own alias, probed with its own probe. */
export interface FunctionRollout {
  readonly name: string;
  /** Where its alias `live` points now; undefined when the function is new (it goes live in the publishing apply). */
  readonly previousLive?: string;
  /** It answers HTTP routes, so a canary applies to it. */
  readonly http: boolean;
}

/** The versions the publishing apply left: the API's newest, and each other function's. */
export interface NewVersions {
  readonly api: string;
  readonly functions: Readonly<Record<string, string>>;
}

export interface CanaryOptions {
  /** The new version's share of live's traffic, 1 to 50 percent. */
  readonly percent: number;
  /** How long to watch its errors and throttles before promoting, in seconds. */
  readonly watchSeconds: number;
}

export interface RolloutInput {
  /** The version `live` points to now; undefined on a stack's first deploy (no alias yet). */
  readonly previousLive?: string;
  readonly canary?: CanaryOptions;
  /** The stack's other functions; each alias moves with the API's, all or none. */
  readonly functions?: readonly FunctionRollout[];
}

export type Phase =
  /** Publish the new version, `live` held where it is (the reviewed plan, in CI). */
  | { readonly kind: 'publish'; readonly vars: AliasVars }
  /** Invoke the new version directly, by qualified ARN, with the read-only routes. */
  | { readonly kind: 'probe' }
  /** Give the new version a share of live's traffic. */
  | { readonly kind: 'canary'; readonly vars: (newVersion: string, others?: Readonly<Record<string, string>>) => AliasVars }
  /** Read the new version's errors and throttles for the window. */
  | { readonly kind: 'watch'; readonly seconds: number }
  /** Move `live` to the new version, whole (and every other function's alias to its newest). */
  | { readonly kind: 'go-live'; readonly vars: (newVersion: string, others?: Readonly<Record<string, string>>) => AliasVars };

export const NO_CANARY = { canaryVersion: '', canaryPercent: 0 } as const;

/** Variables that put `live` on one version with no canary. */
export function liveOn(version: string): AliasVars {
  return { liveVersion: version, ...NO_CANARY };
}

/** A map for a `-var`, with its keys sorted: Terraform reads a JSON object as an HCL object. */
function mapValue(map: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b))));
}

/** `-var name=value` arguments for Terraform, in a fixed order (the other functions' maps only in a stack that has them). */
export function terraformVars(vars: AliasVars): string[] {
  return [
    `-var=${ROLLOUT_VARIABLES.liveVersion}=${vars.liveVersion}`,
    `-var=${ROLLOUT_VARIABLES.canaryVersion}=${vars.canaryVersion}`,
    `-var=${ROLLOUT_VARIABLES.canaryPercent}=${vars.canaryPercent}`,
    ...(vars.functionLive ? [`-var=${ROLLOUT_VARIABLES.functionLiveVersions}=${mapValue(vars.functionLive)}`] : []),
    ...(vars.functionCanary ? [`-var=${ROLLOUT_VARIABLES.functionCanaryVersions}=${mapValue(vars.functionCanary)}`] : []),
  ];
}

/** The other functions' aliases held where they are (a new function's goes to its newest). */
function heldFunctions(input: RolloutInput): Pick<AliasVars, 'functionLive' | 'functionCanary'> {
  if (!input.functions?.length) return {};
  return {
    functionLive: Object.fromEntries(input.functions.flatMap((fn) => (fn.previousLive !== undefined ? [[fn.name, fn.previousLive]] : []))),
    functionCanary: {},
  };
}

/**
 * Where each other function's `live` alias points at a stage of the rollout: `held` before the publishing apply and after
 * a revert; `published` after it (every alias held, but a function new to the stack, or every function on the stack's
 * first deploy, is live on its newest); `live` after go-live (each on its newest). Undefined: no version known.
 */
export type AliasStage = 'held' | 'published' | 'live';

export function functionsLiveAt(input: RolloutInput, stage: AliasStage, others: Readonly<Record<string, string>> = {}): Record<string, string | undefined> {
  return Object.fromEntries(
    (input.functions ?? []).map((fn) => {
      if (stage === 'live') return [fn.name, others[fn.name] ?? fn.previousLive];
      if (stage === 'published' && (input.previousLive === undefined || fn.previousLive === undefined)) return [fn.name, others[fn.name]];
      return [fn.name, fn.previousLive];
    }),
  );
}

/** The other functions' aliases on their newest versions. */
function newestFunctions(input: RolloutInput, others: Readonly<Record<string, string>>): Pick<AliasVars, 'functionLive' | 'functionCanary'> {
  if (!input.functions?.length) return {};
  // A function with no version known is left out of the map: its alias goes to its newest.
  const live = Object.entries(functionsLiveAt(input, 'live', others)).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return { functionLive: Object.fromEntries(live), functionCanary: {} };
}

/**
 * The phases in order. A stack's first deploy has nothing to hold `live` on: the new
 * version goes live in the publishing apply, and is probed after, to say how it answers.
 */
export function planRollout(input: RolloutInput): Phase[] {
  const held = heldFunctions(input);
  if (input.previousLive === undefined)
    return [{ kind: 'publish', vars: { ...liveOn(''), ...(held.functionLive ? { functionLive: {}, functionCanary: {} } : {}) } }, { kind: 'probe' }];
  const publish: Phase = { kind: 'publish', vars: { ...liveOn(input.previousLive), ...held } };
  const previous = input.previousLive;
  const goLive: Phase = { kind: 'go-live', vars: (version, others = {}) => ({ ...liveOn(version), ...newestFunctions(input, others) }) };
  if (!input.canary) return [publish, { kind: 'probe' }, goLive];
  const { percent, watchSeconds } = input.canary;
  return [
    publish,
    { kind: 'probe' },
    {
      kind: 'canary',
      vars: (version, others = {}) => ({
        liveVersion: previous,
        canaryVersion: version === previous ? '' : version,
        canaryPercent: percent,
        ...(held.functionLive
          ? {
              functionLive: held.functionLive,
              // Each HTTP function with a new version takes the same share beside its live; the others wait for go-live.
              functionCanary: canaryOf(input, others),
            }
          : {}),
      }),
    },
    { kind: 'watch', seconds: watchSeconds },
    goLive,
  ];
}

/** The other HTTP functions the canary gives a share of traffic: those with a new version and an alias to stand beside. */
export function canaryOf(input: RolloutInput, others: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    (input.functions ?? []).flatMap((fn) => {
      const version = others[fn.name];
      return fn.http && fn.previousLive !== undefined && version !== undefined && version !== fn.previousLive ? [[fn.name, version]] : [];
    }),
  );
}

/**
 * Whether the publishing apply left nothing to roll out: the function did not change (a change to
 * the table or the API alone), so Lambda published no version and the newest is the live one.
 */
export function nothingPublished(input: RolloutInput, newestAfterPublish: string, others: Readonly<Record<string, string>> = {}): boolean {
  return (
    input.previousLive !== undefined &&
    newestAfterPublish === input.previousLive &&
    (input.functions ?? []).every((fn) => fn.previousLive !== undefined && others[fn.name] === fn.previousLive)
  );
}

/** The functions the publishing apply gave a new version, the API first ("api"): those the probe invokes. */
export function changedFunctions(input: RolloutInput, newest: NewVersions): string[] {
  return [
    ...(newest.api !== input.previousLive ? ['api'] : []),
    ...(input.functions ?? []).filter((fn) => newest.functions[fn.name] !== undefined && newest.functions[fn.name] !== fn.previousLive).map((fn) => fn.name),
  ];
}

/** What happens after a phase fails: the apply (if any) that puts `live` back, and what to say. */
export interface Recovery {
  /** The variables of the apply that returns `live` to the previous version; none when it never moved. */
  readonly revert?: AliasVars;
  readonly summary: string;
}

export function recoveryAfter(failed: Phase['kind'], input: RolloutInput, newVersion?: string): Recovery {
  const previous = input.previousLive;
  const version = newVersion ? `version ${newVersion}` : 'the new version';
  if (previous === undefined) {
    return {
      summary:
        failed === 'publish'
          ? 'The first apply failed; nothing was published.'
          : `This is the stack's first deploy, so ${version} went live in its apply and there is no earlier version to return to; fix it and deploy again.`,
    };
  }
  switch (failed) {
    case 'publish':
      return { summary: `The apply that publishes failed; live stays on version ${previous}.` };
    case 'probe':
      return {
        summary: input.functions?.length
          ? `The probe failed, so no alias of the stack moves: live stays on version ${previous}, and every other function on its previous version; nothing took traffic.`
          : `${version} did not answer the probe, so live stays on version ${previous}; nothing took traffic.`,
      };
    case 'canary':
    case 'watch':
    case 'go-live':
      return {
        revert: { ...liveOn(previous), ...heldFunctions(input) },
        summary: `${version} failed while taking traffic (${failed}); live returns to version ${previous}${input.functions?.length ? ', and every other function to its previous version' : ''}.`,
      };
  }
}

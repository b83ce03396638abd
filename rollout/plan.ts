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
}

export type Phase =
  /** Publish the new version, `live` held where it is (the reviewed plan, in CI). */
  | { readonly kind: 'publish'; readonly vars: AliasVars }
  /** Invoke the new version directly, by qualified ARN, with the read-only routes. */
  | { readonly kind: 'probe' }
  /** Give the new version a share of live's traffic. */
  | { readonly kind: 'canary'; readonly vars: (newVersion: string) => AliasVars }
  /** Read the new version's errors and throttles for the window. */
  | { readonly kind: 'watch'; readonly seconds: number }
  /** Move `live` to the new version, whole. */
  | { readonly kind: 'go-live'; readonly vars: (newVersion: string) => AliasVars };

export const NO_CANARY = { canaryVersion: '', canaryPercent: 0 } as const;

/** Variables that put `live` on one version with no canary. */
export function liveOn(version: string): AliasVars {
  return { liveVersion: version, ...NO_CANARY };
}

/** `-var name=value` arguments for Terraform, in a fixed order. */
export function terraformVars(vars: AliasVars): string[] {
  return [
    `-var=${ROLLOUT_VARIABLES.liveVersion}=${vars.liveVersion}`,
    `-var=${ROLLOUT_VARIABLES.canaryVersion}=${vars.canaryVersion}`,
    `-var=${ROLLOUT_VARIABLES.canaryPercent}=${vars.canaryPercent}`,
  ];
}

/**
 * The phases in order. A stack's first deploy has nothing to hold `live` on: the new
 * version goes live in the publishing apply, and is probed after, to say how it answers.
 */
export function planRollout(input: RolloutInput): Phase[] {
  if (input.previousLive === undefined) return [{ kind: 'publish', vars: liveOn('') }, { kind: 'probe' }];
  const held: Phase = { kind: 'publish', vars: liveOn(input.previousLive) };
  const previous = input.previousLive;
  if (!input.canary) return [held, { kind: 'probe' }, { kind: 'go-live', vars: (version) => liveOn(version) }];
  const { percent, watchSeconds } = input.canary;
  return [
    held,
    { kind: 'probe' },
    { kind: 'canary', vars: (version) => ({ liveVersion: previous, canaryVersion: version, canaryPercent: percent }) },
    { kind: 'watch', seconds: watchSeconds },
    { kind: 'go-live', vars: (version) => liveOn(version) },
  ];
}

/**
 * Whether the publishing apply left nothing to roll out: the function did not change (a change to
 * the table or the API alone), so Lambda published no version and the newest is the live one.
 */
export function nothingPublished(input: RolloutInput, newestAfterPublish: string): boolean {
  return input.previousLive !== undefined && newestAfterPublish === input.previousLive;
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
      return { summary: `${version} did not answer the probe, so live stays on version ${previous}; nothing took traffic.` };
    case 'canary':
    case 'watch':
    case 'go-live':
      return { revert: liveOn(previous), summary: `${version} failed while taking traffic (${failed}); live returns to version ${previous}.` };
  }
}

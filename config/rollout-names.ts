/**
 * The names the stacks and the rollout agree on: the Terraform variables each phase of a rollout sets
 * (`-var live_version=7`), and the outputs it reads back.
 */
export const ROLLOUT_VARIABLES = {
  liveVersion: 'live_version',
  canaryVersion: 'canary_version',
  canaryPercent: 'canary_percent',
} as const;

export const ROLLOUT_OUTPUTS = {
  newestVersion: 'newest_version',
  liveVersion: 'live_version',
  canary: 'canary',
} as const;

/** The alias the API invokes. */
export const LIVE_ALIAS = 'live';

/**
 * The names the stacks and the rollout agree on: the Terraform variables each phase of a rollout sets
 * (`-var live_version=7`), and the outputs it reads back.
 */
export const ROLLOUT_VARIABLES = {
  liveVersion: 'live_version',
  canaryVersion: 'canary_version',
  canaryPercent: 'canary_percent',
  /** The other functions' live versions, by function name (a map; absent or "" for the newest). */
  functionLiveVersions: 'function_live_versions',
  /** The other HTTP functions' canary versions, by function name (a map; each takes canary_percent). */
  functionCanaryVersions: 'function_canary_versions',
} as const;

export const ROLLOUT_OUTPUTS = {
  newestVersion: 'newest_version',
  liveVersion: 'live_version',
  canary: 'canary',
  /** The newest published version of each other function, by function name. */
  functionVersions: 'function_versions',
  /** The version each other function's alias live points to, by function name. */
  functionLiveVersions: 'function_live_versions',
} as const;

/** The alias the API invokes. */
export const LIVE_ALIAS = 'live';

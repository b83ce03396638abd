import { UserError, errorReason } from '../project/errors';

/** Configuration and the CI settings: the errors a user can fix, one factory each, each message made from the values it names. */

export const CONFIG_ERROR_CODES = ['CI_NOT_CONFIGURED', 'CONFIG_INVALID', 'CONTEXT_INVALID', 'MANAGED_LAYER_UNKNOWN', 'NOT_DEPLOY_BRANCH'] as const;
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/** Every configuration problem at once; `whereSettingsLive` tells where to change them (and which document explains them). */
export function configInvalid(problems: readonly string[], whereSettingsLive: string): UserError<ConfigErrorCode> {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new UserError<ConfigErrorCode>(
    'CONFIG_INVALID',
    `Invalid configuration (${count}); nothing was built or synthesised:\n` + problems.map((problem) => `  - ${problem}`).join('\n') + `\n${whereSettingsLive}`,
  );
}

export function contextEnvInvalid(error: unknown): UserError<ConfigErrorCode> {
  return new UserError<ConfigErrorCode>('CONTEXT_INVALID', `CDKTF_CONTEXT_JSON is not valid JSON (${errorReason(error)}).`);
}

export function cdktfJsonInvalid(error: unknown): UserError<ConfigErrorCode> {
  return new UserError<ConfigErrorCode>('CONTEXT_INVALID', `cdktf.json is not valid JSON (${errorReason(error)}); fix the file.`);
}

export function ciNotConfigured(example: string): UserError<ConfigErrorCode> {
  return new UserError<ConfigErrorCode>(
    'CI_NOT_CONFIGURED',
    `cdktf.json has no "ci" context. After the bootstrap, put its outputs there: ${example}, and "stateBucket": "<state_bucket>" (docs/security.md, First-time setup).`,
  );
}

export function notDeployBranch(ref: string, deployBranch: string): UserError<ConfigErrorCode> {
  return new UserError<ConfigErrorCode>(
    'NOT_DEPLOY_BRANCH',
    `This job changes an environment, and runs only from the deploy branch (refs/heads/${deployBranch}, cdktf context "deployBranch"), not from ${JSON.stringify(ref)}. ` +
      `Run the workflow from ${deployBranch}: merge the change first. The deploy roles trust no other ref either.`,
  );
}

export function managedLayerUnknown(language: string, region: string, partition: string): UserError<ConfigErrorCode> {
  return new UserError<ConfigErrorCode>(
    'MANAGED_LAYER_UNKNOWN',
    `No Powertools for AWS Lambda ${language} layer is known for region ${region} (partition ${partition}); use the "single" or "split" strategy there.`,
  );
}

import { UserError } from '../project/errors';

/** Terraform, rollouts, probes and promotion: the errors a user can fix, one factory each, each message made from the values it names. */

export const ROLLOUT_ERROR_CODES = [
  'DEPLOY_NEEDS_APPROVAL',
  'PROBE_VERSION_UNKNOWN',
  'PROMOTE_FAILED',
  'PROMOTE_PLAN_MISSING',
  'PROMOTE_REFUSED',
  'ROLLOUT_RECORD_MISSING',
  'TERRAFORM_FAILED',
  'TERRAFORM_NOT_FOUND',
  'VERSION_NOT_RETAINED',
] as const;
export type RolloutErrorCode = (typeof ROLLOUT_ERROR_CODES)[number];

export function terraformNotFound(binary: string): UserError<RolloutErrorCode> {
  return new UserError<RolloutErrorCode>(
    'TERRAFORM_NOT_FOUND',
    `Terraform was not found ("${binary}"). Install Terraform 1.11 (docs/deploying.md), or set TERRAFORM to its path.`,
  );
}

export function terraformFailed(what: string, exitCode: number, outputAbove = true): UserError<RolloutErrorCode> {
  return new UserError<RolloutErrorCode>('TERRAFORM_FAILED', `terraform ${what} failed (exit ${exitCode})${outputAbove ? '; its output is above' : ''}.`);
}

export function deployNeedsApproval(): UserError<RolloutErrorCode> {
  return new UserError<RolloutErrorCode>(
    'DEPLOY_NEEDS_APPROVAL',
    'The plan above needs an approval, and this is not a terminal: run with --auto-approve to apply it.',
  );
}

export function rolloutRecordMissing(file: string): UserError<RolloutErrorCode> {
  return new UserError<RolloutErrorCode>(
    'ROLLOUT_RECORD_MISSING',
    `${file} is missing: the saved plan must come from \`npm run deploy -- <stack> --plan-only\`, which writes it beside the plan.`,
  );
}

export function probeVersionUnknown(stack: string, output: string): UserError<RolloutErrorCode> {
  return new UserError<RolloutErrorCode>('PROBE_VERSION_UNKNOWN', `The state of ${stack} has no output ${output}; name the version with --version.`);
}

export function probeVersionsUnreadable(functionName: string, reason: string): UserError<RolloutErrorCode> {
  return new UserError<RolloutErrorCode>(
    'PROBE_VERSION_UNKNOWN',
    `Cannot list the published versions of ${functionName} (${reason}). Check --function (and AWS_ENDPOINT_URL_LAMBDA for the local run), or name the version with --version.`,
  );
}

export function noPublishedVersion(functionName: string): UserError<RolloutErrorCode> {
  return new UserError<RolloutErrorCode>(
    'PROBE_VERSION_UNKNOWN',
    `${functionName} has no published version yet (only $LATEST); name one with --version, e.g. --version '$LATEST'.`,
  );
}

export function versionNotRetained(functionName: string, version: string, versions: readonly string[]): UserError<RolloutErrorCode> {
  return new UserError<RolloutErrorCode>(
    'VERSION_NOT_RETAINED',
    `${functionName} has no version ${version}; its published versions are ${versions.join(', ') || 'none'}.`,
  );
}

export function promoteFailed(live: string | undefined, why: string): UserError<RolloutErrorCode> {
  return new UserError<RolloutErrorCode>('PROMOTE_FAILED', `live stays on version ${live ?? '(none)'}: ${why}`);
}

export function promoteRefused(live: string | undefined, why: string, answers: readonly { route: string; answer: string }[]): UserError<RolloutErrorCode> {
  return new UserError<RolloutErrorCode>(
    'PROMOTE_REFUSED',
    `live stays on version ${live ?? '(none)'}: ${why}.\n` +
      answers.map((answer) => `  the probe's answer to ${answer.route}: ${answer.answer || '(none)'}`).join('\n'),
  );
}

export function promotePlanMissing(file: string): UserError<RolloutErrorCode> {
  return new UserError<RolloutErrorCode>(
    'PROMOTE_PLAN_MISSING',
    `There is no saved promotion here (${file}); the plan job makes it: npm run promote -- <stack> --to <version> --plan-only.`,
  );
}

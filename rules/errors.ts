import { UserError } from '../project/errors';

/** The deployment rules: the errors a user can fix, one factory each, each message made from the values it names. */

export const RULE_ERROR_CODES = ['IMPORT_NOT_PROVIDED', 'LAMBDA_LIMITS'] as const;
export type RuleErrorCode = (typeof RULE_ERROR_CODES)[number];

export function deploymentRefused(refused: boolean, findings: readonly { readonly rule: string; readonly message: string }[]): UserError<RuleErrorCode> {
  const count = findings.length === 1 ? '1 problem' : `${findings.length} problems`;
  return new UserError<RuleErrorCode>(
    refused ? 'LAMBDA_LIMITS' : 'IMPORT_NOT_PROVIDED',
    `${refused ? `Lambda would refuse this deployment (${count})` : `The function would fail on Lambda (${count})`}; nothing was deployed:\n` +
      findings.map((finding) => `  - [${finding.rule}] ${finding.message}`).join('\n'),
  );
}

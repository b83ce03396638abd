import { PluginRegistry } from '../family-plugins/plugin';
import { PROJECT_ERROR_CODES } from '../project/errors';
import { CONFIG_ERROR_CODES } from '../config/errors';
import { ARTIFACT_ERROR_CODES } from '../artifacts/errors';
import { CONSTRUCT_ERROR_CODES } from '../constructs/errors';
import { RULE_ERROR_CODES } from '../rules/errors';
import { HISTORY_ERROR_CODES } from '../history/errors';
import { LEDGER_ERROR_CODES } from '../ledger/errors';
import { AWS_ERROR_CODES } from '../aws/errors';
import { BUILD_ERROR_CODES } from '../builder/errors';
import { REVIEW_ERROR_CODES } from '../review/errors';
import { ROLLOUT_ERROR_CODES } from '../rollout/errors';
import { LOCAL_RUN_ERROR_CODES } from '../local-lambda/errors';
import { USE_CASE_ERROR_CODES } from '../use-cases/errors';

/**
 * The error codes of the project's folders, one per kind of problem a user can fix: each folder's errors.ts declares its
 * codes beside its factories, and this list is their sum.
 */
export const FOLDER_ERROR_CODES = [
  ...PROJECT_ERROR_CODES,
  ...CONFIG_ERROR_CODES,
  ...ARTIFACT_ERROR_CODES,
  ...CONSTRUCT_ERROR_CODES,
  ...RULE_ERROR_CODES,
  ...HISTORY_ERROR_CODES,
  ...LEDGER_ERROR_CODES,
  ...AWS_ERROR_CODES,
  ...BUILD_ERROR_CODES,
  ...REVIEW_ERROR_CODES,
  ...ROLLOUT_ERROR_CODES,
  ...LOCAL_RUN_ERROR_CODES,
  ...USE_CASE_ERROR_CODES,
] as const;

export type ErrorCode = (typeof FOLDER_ERROR_CODES)[number];

/** Every error code of a run: the folders', and each registered runtime family's (its plug-in's errors.ts); a test keeps each code in one place only. */
export function errorCodesOf(families: Pick<PluginRegistry, 'families'>): readonly string[] {
  return [...FOLDER_ERROR_CODES, ...families.families.flatMap((family) => family.errorCodes)];
}

import { UserError } from '../project/errors';

/** State history, rollback and prune: the errors a user can fix, one factory each, each message made from the values it names. */

export const HISTORY_ERROR_CODES = [
  'HISTORY_EMPTY',
  'PRUNE_STATE_UNREADABLE',
  'ROLLBACK_CODE_GONE',
  'ROLLBACK_CODE_NOT_KEPT',
  'ROLLBACK_FUNCTION_UNKNOWN',
  'ROLLBACK_LAYERS_LACK_PACKAGES',
  'ROLLBACK_LAYER_GONE',
  'ROLLBACK_NO_FUNCTION',
  'ROLLBACK_TARGET_CURRENT',
  'ROLLBACK_TARGET_UNKNOWN',
] as const;
export type HistoryErrorCode = (typeof HISTORY_ERROR_CODES)[number];

export function historyEmpty(stack = 'The stack'): UserError<HistoryErrorCode> {
  return new UserError<HistoryErrorCode>('HISTORY_EMPTY', `${stack} has no deployment in its state history yet; there is nothing to roll back to.`);
}

export function serialNotInHistory(serial: number, serials: readonly number[]): UserError<HistoryErrorCode> {
  return new UserError<HistoryErrorCode>(
    'ROLLBACK_TARGET_UNKNOWN',
    `Serial ${serial} is not in the history of this stack; its serials are ${serials.join(', ')}.`,
  );
}

export function stepsBeyondHistory(steps: number, serials: readonly number[]): UserError<HistoryErrorCode> {
  return new UserError<HistoryErrorCode>(
    'ROLLBACK_TARGET_UNKNOWN',
    `The history holds ${serials.length} deployment(s) (serials ${serials.join(', ')}); ${steps} step(s) back is beyond it.`,
  );
}

export function rollbackTargetCurrent(serial: number, serials: readonly number[]): UserError<HistoryErrorCode> {
  return new UserError<HistoryErrorCode>(
    'ROLLBACK_TARGET_CURRENT',
    `Serial ${serial} is the current deployment; choose an earlier one (serials ${serials.join(', ')}).`,
  );
}

export function rollbackNoFunction(serial: number): UserError<HistoryErrorCode> {
  return new UserError<HistoryErrorCode>('ROLLBACK_NO_FUNCTION', `Serial ${serial} has no function in its state; it cannot be rolled back to.`);
}

export function rollbackFunctionUnknown(name: string, serial: number, inTarget: readonly string[], deployed: readonly string[]): UserError<HistoryErrorCode> {
  const where = inTarget.includes(name)
    ? `this environment no longer deploys it (it deploys ${deployed.join(', ')})`
    : `serial ${serial} has no function ${name} (it has ${inTarget.join(', ') || 'none'})`;
  return new UserError<HistoryErrorCode>(
    'ROLLBACK_FUNCTION_UNKNOWN',
    `--function ${name} cannot be rolled back to serial ${serial}: ${where}. Name one of the functions both have, or leave out --function to roll back all of them.`,
  );
}

export function rollbackCodeNotKept(serial: number, fn?: string): UserError<HistoryErrorCode> {
  return new UserError<HistoryErrorCode>(
    'ROLLBACK_CODE_NOT_KEPT',
    `The ${fn ? `${fn} function's code` : 'function code'} of serial ${serial} was uploaded directly, so no copy of it is kept and it cannot be restored. ` +
      'To put back only its layers and keep the current code, add --layers-only. ' +
      'For next time, set an artifact bucket (artifactBucket in cdktf.json, or ARTIFACT_BUCKET): every deploy then keeps its bundle there as an object version.',
  );
}

export function rollbackLayerGone(arn: string, serial: number, stack: string): UserError<HistoryErrorCode> {
  return new UserError<HistoryErrorCode>(
    'ROLLBACK_LAYER_GONE',
    `Layer version ${arn} of serial ${serial} no longer exists (pruned or deleted), so that deployment cannot be restored. Choose a later serial (npm run history -- ${stack}).`,
  );
}

export function rollbackCodeGone(serial: number, location: string, fn?: string): UserError<HistoryErrorCode> {
  return new UserError<HistoryErrorCode>(
    'ROLLBACK_CODE_GONE',
    `The ${fn ? `${fn} function's code` : 'function code'} of serial ${serial} (${location}) is no longer in the artifact bucket; choose a later serial, or add --layers-only to put back its layers alone.`,
  );
}

export function rollbackLayersLackPackages(stack: string, missing: readonly string[], serial: number, runtime: string): UserError<HistoryErrorCode> {
  return new UserError<HistoryErrorCode>(
    'ROLLBACK_LAYERS_LACK_PACKAGES',
    `The current code of ${stack} needs ${missing.join(', ')} from outside its bundle, and neither the ${runtime} runtime nor the layers of serial ${serial} provide ${missing.length > 1 ? 'them' : 'it'}: ` +
      "a layers-only rollback would deploy code that cannot import its packages (the seed's incident). Roll back layers and code (leave out --layers-only), or choose another serial.",
  );
}

export function pruneStateUnreadable(count: number, location: string, listed: string): UserError<HistoryErrorCode> {
  return new UserError<HistoryErrorCode>(
    'PRUNE_STATE_UNREADABLE',
    `${count} retained state version(s) of ${location} could not be read, and a layer version only they reference would look unused, so nothing is pruned: ${listed}. ` +
      'Restore or delete those state versions (aws s3api delete-object --version-id ...), then prune again.',
  );
}

import { RollbackPin } from '../artifacts/rollback-pin';
import { UserError } from '../project/errors';
import { Deployment } from './deployments';

/**
 * The pin for a rollback from `current` to `target`; refuses when the old code cannot be restored. With
 * `layersOnly`, only the target's layers are pinned and the current build's code stays, so it works where
 * the target's code was uploaded directly and is kept nowhere.
 */
export function pinFor(stack: string, current: Deployment, target: Deployment, options: { layersOnly?: boolean } = {}): RollbackPin {
  const then = target.function;
  const now = current.function;
  if (!then) throw new UserError('ROLLBACK_NO_FUNCTION', `Serial ${target.serial} has no function in its state; it cannot be rolled back to.`);
  const base = { stack, serial: target.serial, ...(target.commit ? { commit: target.commit } : {}), layers: then.layers, replacesSerial: current.serial };
  if (options.layersOnly) return { ...base, scope: 'layers' };
  if (!then.s3 && then.codeHash !== now?.codeHash) {
    throw new UserError(
      'ROLLBACK_CODE_NOT_KEPT',
      `The function code of serial ${target.serial} was uploaded directly, so no copy of it is kept and it cannot be restored. ` +
        'To put back only its layers and keep the current code, add --layers-only. ' +
        'For next time, set an artifact bucket (artifactBucket in cdktf.json, or ARTIFACT_BUCKET): every deploy then keeps its bundle there as an object version.',
    );
  }
  return { ...base, scope: 'layers and code', code: { codeHash: then.codeHash, ...(then.s3 ? { s3: then.s3 } : {}) } };
}

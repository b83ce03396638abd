import { RollbackPin } from '../artifacts/rollback-pin';
import { rollbackCodeNotKept, rollbackNoFunction } from './errors';
import { Deployment } from './deployments';

/** Deciding a rollback's pin from the state history; the pin itself and its file are in artifacts/rollback-pin.ts. */

/**
 * The pin for a rollback from `current` to `target`; refuses when the old code cannot be restored. With
 * `layersOnly`, only the target's layers are pinned and the current build's code stays, so it works where
 * the target's code was uploaded directly and is kept nowhere.
 */
export function pinFor(stack: string, current: Deployment, target: Deployment, options: { layersOnly?: boolean } = {}): RollbackPin {
  const then = target.function;
  const now = current.function;
  if (!then) throw rollbackNoFunction(target.serial);
  const base = { stack, serial: target.serial, ...(target.commit ? { commit: target.commit } : {}), layers: then.layers, replacesSerial: current.serial };
  if (options.layersOnly) return { ...base, scope: 'layers' };
  if (!then.s3 && then.codeHash !== now?.codeHash) {
    throw rollbackCodeNotKept(target.serial);
  }
  return { ...base, scope: 'layers and code', code: { codeHash: then.codeHash, ...(then.s3 ? { s3: then.s3 } : {}) } };
}

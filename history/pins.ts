import { FunctionPin, RollbackPin } from '../artifacts/rollback-pin';
import { API_FUNCTION } from '../config/functions';
import { rollbackCodeNotKept, rollbackFunctionUnknown, rollbackNoFunction } from './errors';
import { Deployment } from './deployments';
import { deployedFunctions } from './terraform-state';

/** Deciding a rollback's pin from the state history; the pin itself and its file are in artifacts/rollback-pin.ts. */

export interface PinOptions {
  /** Only the target's layers; the current build's code stays. */
  readonly layersOnly?: boolean;
  /** One function alone (--function); every other function deploys as built. */
  readonly only?: string;
  /** The functions the environment deploys now; a function of the target it no longer deploys is not restored. @default every function of the target */
  readonly deploys?: readonly string[];
}

/** Which functions a rollback restores: the one named, else every function of the target the environment still deploys. */
export function functionsToRestore(target: Deployment, options: PinOptions = {}): { restore: string[]; notDeployed: string[] } {
  const inTarget = Object.keys(deployedFunctions(target));
  const deploys = options.deploys ?? inTarget;
  if (options.only !== undefined) {
    if (!inTarget.includes(options.only) || !deploys.includes(options.only)) throw rollbackFunctionUnknown(options.only, target.serial, inTarget, deploys);
    return { restore: [options.only], notDeployed: [] };
  }
  if (!inTarget.includes(API_FUNCTION)) throw rollbackNoFunction(target.serial);
  return { restore: inTarget.filter((name) => deploys.includes(name)), notDeployed: inTarget.filter((name) => !deploys.includes(name)) };
}

/**
 * The pin for a rollback from `current` to `target`, of every function it restores (functionsToRestore); refuses when
 * a function's old code cannot be restored. With `layersOnly`, only the target's layers are pinned and the current
 * build's code stays, so it works where the target's code was uploaded directly and is kept nowhere.
 */
export function pinFor(stack: string, current: Deployment, target: Deployment, options: PinOptions = {}): RollbackPin {
  const then = deployedFunctions(target);
  const now = deployedFunctions(current);
  const { restore } = functionsToRestore(target, options);
  const functions = Object.fromEntries(
    restore.map((name): [string, FunctionPin] => {
      const fn = then[name];
      if (options.layersOnly) return [name, { layers: fn.layers }];
      if (!fn.s3 && fn.codeHash !== now[name]?.codeHash) throw rollbackCodeNotKept(target.serial, name !== API_FUNCTION ? name : undefined);
      return [name, { layers: fn.layers, code: { codeHash: fn.codeHash, ...(fn.s3 ? { s3: fn.s3 } : {}) } }];
    }),
  );
  return {
    stack,
    serial: target.serial,
    ...(target.commit ? { commit: target.commit } : {}),
    scope: options.layersOnly ? 'layers' : 'layers and code',
    functions,
    replacesSerial: current.serial,
  };
}

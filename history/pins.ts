import * as fs from 'node:fs';
import * as path from 'node:path';
import { Deployment } from './deployments';
import { UserError } from '../project/errors';
import { writeFileAtomic } from '../builder/tree';
import { RollbackScope } from '../config/deployment-record';

/**
 * A rollback pin: what the stack deploys instead of the current build, read at
 * synth time, so the usual deploy (and its plan) carries out the rollback.
 */
export interface RollbackPin {
  readonly stack: string;
  /** The state serial rolled back to, and the commit it was deployed from. */
  readonly serial: number;
  readonly commit?: string;
  /** What the pin restores: layers and code, or layers alone (the current build's code stays). */
  readonly scope: RollbackScope;
  /** Layer ARNs the function gets, in order, from that state. */
  readonly layers: readonly string[];
  /** The function code of that deployment, as the artifact bucket keeps it; absent for a layers-only pin. */
  readonly code?: { readonly codeHash: string; readonly s3?: { readonly bucket: string; readonly key: string; readonly version?: string } };
  /** The serial that was current when the pin was made. */
  readonly replacesSerial: number;
}

export function pinsDir(buildDir: string): string {
  return path.join(buildDir, 'pins');
}

export function pinFile(buildDir: string, stack: string): string {
  return path.join(pinsDir(buildDir), `${stack}.json`);
}

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

export function writePin(buildDir: string, pin: RollbackPin): string {
  const file = pinFile(buildDir, pin.stack);
  writeFileAtomic(file, `${JSON.stringify(pin, null, 2)}\n`);
  return file;
}

export function readPin(buildDir: string, stack: string): RollbackPin | undefined {
  const file = pinFile(buildDir, stack);
  if (!fs.existsSync(file)) return undefined;
  try {
    const read = JSON.parse(fs.readFileSync(file, 'utf8')) as Omit<RollbackPin, 'scope'> & { scope?: RollbackScope };
    // Pins written before layers-only rollbacks existed restore layers and code.
    const pin: RollbackPin = { ...read, scope: read.scope ?? 'layers and code' };
    if (pin.stack !== stack || !Array.isArray(pin.layers)) throw new Error('missing fields');
    if (pin.scope === 'layers and code' ? typeof pin.code?.codeHash !== 'string' : pin.scope !== 'layers' || pin.code !== undefined) throw new Error(`a pin of scope "${pin.scope}" with the wrong code`);
    return pin;
  } catch (error) {
    throw new UserError('PIN_INVALID', `The rollback pin ${file} is not readable (${(error as Error).message}); delete it or run the rollback again.`);
  }
}

export function removePin(buildDir: string, stack: string): boolean {
  const file = pinFile(buildDir, stack);
  if (!fs.existsSync(file)) return false;
  fs.rmSync(file);
  return true;
}

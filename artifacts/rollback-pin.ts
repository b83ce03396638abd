import * as fs from 'node:fs';
import * as path from 'node:path';
import { pinInvalid } from './errors';
import { writeFileAtomic } from '../project/files';
import { RollbackScope } from '../config/deployment-record';

/** What a rollback restores of one function: its layers, and its code unless the rollback is of layers only. */
export interface FunctionPin {
  /** Layer ARNs the function gets, in order, from that state. */
  readonly layers: readonly string[];
  /** The function code of that deployment, as the artifact bucket keeps it; absent for a layers-only pin. */
  readonly code?: { readonly codeHash: string; readonly s3?: { readonly bucket: string; readonly key: string; readonly version?: string } };
}

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
  /** The functions it restores, by name in the configuration (the API is "api"); every other function deploys as built. */
  readonly functions: Readonly<Record<string, FunctionPin>>;
  /** The serial that was current when the pin was made. */
  readonly replacesSerial: number;
}

export function pinsDir(buildDir: string): string {
  return path.join(buildDir, 'pins');
}

export function pinFile(buildDir: string, stack: string): string {
  return path.join(pinsDir(buildDir), `${stack}.json`);
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
    const read = JSON.parse(fs.readFileSync(file, 'utf8')) as Omit<RollbackPin, 'scope' | 'functions'> & {
      scope?: RollbackScope;
      functions?: Record<string, FunctionPin>;
      layers?: readonly string[];
      code?: FunctionPin['code'];
    };
    // Pins written before layers-only rollbacks existed restore layers and code; before several functions, the API's.
    const { layers, code, ...rest } = read;
    const functions = read.functions ?? (layers ? { api: { layers, ...(code ? { code } : {}) } } : undefined);
    const pin: RollbackPin = { ...rest, scope: read.scope ?? 'layers and code', functions: functions! };
    if (pin.stack !== stack || typeof pin.functions !== 'object' || pin.functions === null || Object.keys(pin.functions).length === 0)
      throw new Error('missing fields');
    for (const [name, fn] of Object.entries(pin.functions)) {
      if (!Array.isArray(fn.layers)) throw new Error(`function ${name} has no list of layers`);
      if (pin.scope === 'layers and code' ? typeof fn.code?.codeHash !== 'string' : pin.scope !== 'layers' || fn.code !== undefined)
        throw new Error(`a pin of scope "${pin.scope}" with the wrong code for function ${name}`);
    }
    return pin;
  } catch (error) {
    throw pinInvalid(file, error);
  }
}

export function removePin(buildDir: string, stack: string): boolean {
  const file = pinFile(buildDir, stack);
  if (!fs.existsSync(file)) return false;
  fs.rmSync(file);
  return true;
}

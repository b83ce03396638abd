import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerSourceInvalid } from '../../builder/errors';
import { toPosix } from '../../project/paths';
import { normalisePythonName } from './pep508';
import { LayerSource } from '../../builder/layer-sources';
import { pythonFamily } from './definition';
import { LayerTarget } from '../../builder/build-plan';
import { ReadSourceOptions } from '../../builder/family-builders';
import { LockFile, lockCommand, lockFileName, lockFileTarget, lockSpecOf, lockTargetKey, parseLockTarget, salvageLockPins } from './python-lock';

/** A Python layer's source: requirements.txt and what it includes, and the locks beside it. */
export interface PythonLayerSource extends LayerSource {
  /** requirements.txt pins hashes, so pip runs with --require-hashes. */
  readonly requireHashes: boolean;
  /** The extras requirements.txt asks for, by normalised name. */
  readonly extras: Readonly<Record<string, readonly string[]>>;
  /** Normalised names requirements.txt pins to one version. */
  readonly pinned: readonly string[];
  /** The lock of each target the layer is locked for (requirements.<target>.lock.txt), by target key. */
  readonly locks?: Readonly<Record<string, LockFile>>;
  /** The bytes of each lock file, by target key; a target's build reads only its own. */
  readonly lockFiles?: ReadonlyMap<string, Buffer>;
  /** Read for relocking only: the lock files that cannot be read as locks (a merge conflict), with the pins their lines hold, by target key. */
  readonly unreadableLocks?: Readonly<Record<string, UnreadableLock>>;
}

/** A lock file that cannot be read as a lock, and the pins its lines still hold. */
export interface UnreadableLock {
  readonly file: string;
  readonly why: string;
  readonly pins: readonly { readonly name: string; readonly version: string }[];
}

/** Whether a layer source is a Python one (read by this family's builder). */
export function isPythonSource(source: LayerSource): source is PythonLayerSource {
  return source.family === pythonFamily.id;
}

export interface ParsedRequirements {
  /** Normalised names of the requirements, sorted. */
  readonly names: readonly string[];
  /** Files named by -r / -c, relative to the requirements file. */
  readonly includes: readonly string[];
  readonly pinsHashes: boolean;
  /** The extras each requirement asks for (`python-jose[cryptography]`), by normalised name; only those with extras. */
  readonly extras: Readonly<Record<string, readonly string[]>>;
  /** Normalised names pinned to one version (`==1.2.3`, no wildcard). */
  readonly pinned: readonly string[];
}

/** What pip will read from a requirements file: names, extras, pins, included files, and whether hashes are pinned. */
export function parseRequirements(text: string): ParsedRequirements {
  const names = new Set<string>();
  const includes: string[] = [];
  const extras: Record<string, string[]> = {};
  const pinned = new Set<string>();
  let pinsHashes = false;
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const raw of logical) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    if (/--hash[=\s]/.test(line)) pinsHashes = true;
    const include = /^(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)/.exec(line);
    if (include) {
      includes.push(include[1]);
      continue;
    }
    if (line.startsWith('-')) continue;
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(==\s*[^\s,;*]+(?=\s|;|$))?/.exec(line);
    if (!match) continue;
    const name = normalisePythonName(match[1]);
    names.add(name);
    const wanted = (match[2] ?? '')
      .split(',')
      .map((extra) => normalisePythonName(extra.trim()))
      .filter(Boolean);
    if (wanted.length) extras[name] = [...new Set([...(extras[name] ?? []), ...wanted])].sort();
    if (match[3]) pinned.add(name);
  }
  return { names: [...names].sort(), includes, pinsHashes, extras, pinned: [...pinned].sort() };
}

export function readPythonSource(dir: string, folder: string, name: string, options: ReadSourceOptions = {}): Omit<PythonLayerSource, 'options'> {
  const files = new Map<string, Buffer>();
  const names = new Set<string>();
  const pinned = new Set<string>();
  let extras: Record<string, readonly string[]> = {};
  let requireHashes = false;
  const visit = (relative: string, from: string): void => {
    const full = path.resolve(dir, relative);
    const inside = toPosix(path.relative(dir, full));
    if (inside.startsWith('..')) {
      throw layerSourceInvalid(folder, `${from} includes ${relative}, outside the layer folder; keep included requirement files inside it.`);
    }
    if (files.has(inside)) return;
    if (!fs.existsSync(full)) throw layerSourceInvalid(folder, `${from} includes ${relative}, which does not exist.`);
    const bytes = fs.readFileSync(full);
    files.set(inside, bytes);
    const parsed = parseRequirements(bytes.toString('utf8'));
    requireHashes = requireHashes || parsed.pinsHashes;
    if (inside === 'requirements.txt') parsed.names.forEach((n) => names.add(n));
    // Constraint files (-c) pin versions too; only requirement files add names and extras.
    parsed.pinned.forEach((n) => pinned.add(n));
    if (inside === 'requirements.txt') extras = { ...extras, ...parsed.extras };
    for (const include of parsed.includes) visit(path.join(path.dirname(inside), include), inside);
  };
  visit('requirements.txt', 'requirements.txt');
  if (names.size === 0) {
    throw layerSourceInvalid(folder, 'requirements.txt names no package; a layer with nothing to provide is a mistake.');
  }
  if (fs.existsSync(path.join(dir, 'requirements.lock.json'))) {
    throw layerSourceInvalid(
      folder,
      `requirements.lock.json is the lock format of an earlier version of this project; delete it and run \`${lockCommand(name)}\`.`,
    );
  }
  const locks: Record<string, LockFile> = {};
  const lockFiles = new Map<string, Buffer>();
  const unreadable: Record<string, UnreadableLock> = {};
  for (const file of fs.readdirSync(dir).sort()) {
    const target = lockFileTarget(file);
    if (!target) continue;
    const bytes = fs.readFileSync(path.join(dir, file));
    let lock: LockFile;
    try {
      lock = parseLockTarget(bytes.toString('utf8'), file, name);
    } catch (error) {
      // A lock with a merge conflict in it, say: `layers:lock` writes it again, keeping the pins its lines hold; everything else refuses it.
      if (!options.relocking) throw error;
      unreadable[lockTargetKey(target)] = { file, why: (error as Error).message, pins: salvageLockPins(bytes.toString('utf8')) };
      continue;
    }
    locks[lockTargetKey(target)] = lock;
    lockFiles.set(lockTargetKey(target), bytes);
  }
  const locked = lockFiles.size > 0 ? { locks, lockFiles } : {};
  const salvaged = Object.keys(unreadable).length > 0 ? { unreadableLocks: unreadable } : {};
  return { name, family: pythonFamily.id, dir, files, provides: [...names].sort(), requireHashes, extras, pinned: [...pinned].sort(), ...locked, ...salvaged };
}

/**
 * The files a build of `target` reads from its source, for its input hash: the package files and the lock of that
 * target only (locking another architecture rebuilds nothing here).
 */
export function pythonInputFiles(source: PythonLayerSource, target: LayerTarget): ReadonlyMap<string, Buffer> {
  const spec = lockSpecOf(target);
  const lock = source.lockFiles?.get(lockTargetKey(spec));
  return lock ? new Map([...source.files, [lockFileName(spec), lock]]) : source.files;
}

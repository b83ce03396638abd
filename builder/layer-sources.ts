import * as fs from 'node:fs';
import * as path from 'node:path';
import { LayerKind } from '../artifacts/manifest';
import { layerSourceInvalid } from './errors';
import { toPosix } from '../project/paths';
import { normalisePythonName } from '../families/python/pep508';
import { LockFile, lockCommand, lockFileName, lockFileTarget, lockTargetKey, parseLockTarget } from './python-lock';
import { Architecture } from '../config/environments';

/** Optional per-layer settings, in layers/<name>/layer.config.json. */
export interface LayerOptions {
  /**
   * Extra files to leave out of the built tree, as globs relative to the tree root
   * (`**` crosses folders, `*` does not), e.g. `python/**\/tests/**`.
   * @default - none beyond the safe defaults (Python caches and compiled files)
   */
  readonly exclude: readonly string[];
}

export const LAYER_OPTIONS_FILE = 'layer.config.json';

/** One runtime family's packages in a layer folder: the files that decide what gets installed. */
export interface LayerSource {
  readonly name: string;
  readonly kind: LayerKind;
  /** Absolute path of layers/<name>. */
  readonly dir: string;
  /** File name (relative to the folder) -> bytes, for every file the install reads. */
  readonly files: ReadonlyMap<string, Buffer>;
  /**
   * What the layer declares: npm package names (functions import these from it), or
   * normalised Python distribution names from requirements.txt.
   */
  readonly provides: readonly string[];
  readonly options: LayerOptions;
  /** Python: requirements.txt pins hashes, so pip runs with --require-hashes. */
  readonly requireHashes: boolean;
  /** Python: the extras requirements.txt asks for, by normalised name. */
  readonly extras?: Readonly<Record<string, readonly string[]>>;
  /** Python: normalised names requirements.txt pins to one version. */
  readonly pinned?: readonly string[];
  /** Python: the lock of each target the layer is locked for (requirements.<target>.lock.txt), by target key. */
  readonly locks?: Readonly<Record<string, LockFile>>;
  /** Python: the bytes of each lock file, by target key; a target's build reads only its own. */
  readonly lockFiles?: ReadonlyMap<string, Buffer>;
}

function readJson(file: string, folder: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw layerSourceInvalid(folder, `${path.basename(file)} is not valid JSON (${(error as Error).message}).`);
  }
}

export function readOptions(dir: string, folder: string): { options: LayerOptions; bytes?: Buffer } {
  const file = path.join(dir, LAYER_OPTIONS_FILE);
  if (!fs.existsSync(file)) return { options: { exclude: [] } };
  const parsed = readJson(file, folder);
  const unknown = Object.keys(parsed).filter((key) => key !== 'exclude');
  const exclude = parsed['exclude'] ?? [];
  if (unknown.length > 0 || !Array.isArray(exclude) || !exclude.every((pattern) => typeof pattern === 'string' && pattern.length > 0)) {
    throw layerSourceInvalid(folder, `${LAYER_OPTIONS_FILE} may hold only "exclude": a list of globs relative to the tree root, e.g. ["python/**/tests/**"].`);
  }
  return { options: { exclude: exclude as string[] }, bytes: fs.readFileSync(file) };
}

export function readNodeSource(dir: string, folder: string, name: string): Omit<LayerSource, 'options' | 'requireHashes'> {
  const lockFile = path.join(dir, 'package-lock.json');
  if (!fs.existsSync(lockFile)) {
    throw layerSourceInvalid(
      folder,
      'package.json has no package-lock.json beside it, so the build would not be reproducible. ' +
        `Run \`npm install --package-lock-only --prefix ${folder}\` and commit the lockfile.`,
    );
  }
  const manifest = readJson(path.join(dir, 'package.json'), folder);
  const lock = readJson(lockFile, folder);
  if (typeof lock['lockfileVersion'] !== 'number' || lock['lockfileVersion'] < 2) {
    throw layerSourceInvalid(
      folder,
      `package-lock.json has lockfileVersion ${String(lock['lockfileVersion'])}; npm 7 or later writes 2 or 3. ` +
        `Run \`npm install --package-lock-only --prefix ${folder}\` with a current npm.`,
    );
  }
  const dependencies = manifest['dependencies'];
  const provides = dependencies && typeof dependencies === 'object' ? Object.keys(dependencies).sort() : [];
  if (provides.length === 0) {
    throw layerSourceInvalid(folder, 'package.json lists no "dependencies"; a layer with nothing to provide is a mistake.');
  }
  const files = new Map<string, Buffer>();
  for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
    const full = path.join(dir, file);
    if (fs.existsSync(full)) files.set(file, fs.readFileSync(full));
  }
  return { name, kind: 'nodejs', dir, files, provides };
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

export function readPythonSource(dir: string, folder: string, name: string): Omit<LayerSource, 'options'> {
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
  for (const file of fs.readdirSync(dir).sort()) {
    const target = lockFileTarget(file);
    if (!target) continue;
    const bytes = fs.readFileSync(path.join(dir, file));
    locks[lockTargetKey(target)] = parseLockTarget(bytes.toString('utf8'), file, name);
    lockFiles.set(lockTargetKey(target), bytes);
  }
  const locked = lockFiles.size > 0 ? { locks, lockFiles } : {};
  return { name, kind: 'python', dir, files, provides: [...names].sort(), requireHashes, extras, pinned: [...pinned].sort(), ...locked };
}

/**
 * The files a build of `target` reads from its source, for its input hash: the package files, and for a
 * Python layer the lock of that target only (locking another architecture rebuilds nothing here).
 */
export function inputFilesOf(
  source: LayerSource,
  target: { readonly kind: LayerKind; readonly architecture: Architecture; readonly pythonVersion?: string },
): ReadonlyMap<string, Buffer> {
  if (target.kind !== 'python' || !target.pythonVersion) return source.files;
  const spec = { pythonVersion: target.pythonVersion, architecture: target.architecture };
  const lock = source.lockFiles?.get(lockTargetKey(spec));
  return lock ? new Map([...source.files, [lockFileName(spec), lock]]) : source.files;
}

export function findSource(sources: readonly LayerSource[], name: string, kind: LayerKind): LayerSource {
  const source = sources.find((candidate) => candidate.name === name && candidate.kind === kind);
  if (!source) throw new Error(`layer source ${name} (${kind}) was not read; loadConfig should have rejected it`);
  return source;
}

import { indexesOf, pythonIndexSettings } from './python-index';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { wheelFetchFailed, wheelIndexUnreachable, wheelsNotCached } from './errors';
import { runCommand } from '../../project/run-command';
import { PythonToolchain } from './toolchain';
import { explainPipFailure, firstUnreachableIndex, pipDownloadArgs, pipEnvironment } from './pip';
import { LockTarget, LockedDistribution, lockTargetKey } from './python-lock';

/**
 * The wheel cache: the wheel files locks name, filled once from the index and read by every locked
 * build after (uv and pip install from it with no index at all). Each file is kept under its sha256
 * (`sha256/<hash>/<file name>`), checked when it arrives, so two sources that publish different files
 * under one name (a rebuilt private wheel) never serve each other's bytes, and one cache serves every
 * project and clone of this machine, like pip's and uv's own caches, which key by hash too.
 */

/** How long the look at an index before fetching may take: an index that does not answer in this is taken as unreachable. */
const INDEX_PROBE_TIMEOUT_MS = 3000;

/** PYTHON_WHEEL_CACHE, else lambda-layer-stacks/wheels in the user's cache folder (XDG_CACHE_HOME or ~/.cache). */
export function wheelCacheDir(env: NodeJS.ProcessEnv): string {
  if (env['PYTHON_WHEEL_CACHE']) return path.resolve(env['PYTHON_WHEEL_CACHE']);
  return path.join(env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache'), 'lambda-layer-stacks', 'wheels');
}

/** The folder of the cache that holds one locked wheel: its name says the file's sha256. */
export function cachedWheelDir(cacheDir: string, dist: Pick<LockedDistribution, 'sha256'>): string {
  return path.join(cacheDir, 'sha256', dist.sha256);
}

/** Where the cache keeps one locked wheel. */
export function cachedWheel(cacheDir: string, dist: Pick<LockedDistribution, 'sha256' | 'wheel'>): string {
  return path.join(cachedWheelDir(cacheDir, dist), dist.wheel);
}

/** The folders of the cache that hold a target's locked wheels, one per wheel: what an install is pointed at (--find-links), nothing else. */
export function lockedWheelDirs(cacheDir: string, target: LockTarget): string[] {
  return target.distributions.map((dist) => cachedWheelDir(cacheDir, dist));
}

/** Every wheel file the cache holds (full paths), in its layout. */
export function cachedWheelFiles(cacheDir: string): string[] {
  const root = path.join(cacheDir, 'sha256');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .sort()
    .flatMap((hash) => fs.readdirSync(path.join(root, hash)).map((file) => path.join(root, hash, file)));
}

/** The locked wheels not in the cache yet. */
export function missingWheels(cacheDir: string, target: LockTarget): LockedDistribution[] {
  return target.distributions.filter((dist) => !fs.existsSync(cachedWheel(cacheDir, dist)));
}

function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Where wheels are kept and fetched from, with what, and how progress is said. */
export interface WheelCacheOptions {
  readonly cacheDir: string;
  /** Another wheel cache to copy verified wheels from before fetching any (read only: a wrong file there is passed over). */
  readonly seedFrom?: string;
  readonly toolchain: PythonToolchain;
  readonly env: NodeJS.ProcessEnv;
  readonly pipCacheDir: string;
  readonly progress?: (line: string) => void;
}

/** Moves a file whose sha256 was checked into its place in the cache; a reader never sees half a file. */
function placeWheel(cacheDir: string, dist: LockedDistribution, file: string): void {
  fs.mkdirSync(cachedWheelDir(cacheDir, dist), { recursive: true });
  fs.renameSync(file, cachedWheel(cacheDir, dist));
}

/**
 * Copies the missing wheels that another cache holds with the right sha256 (under its hash, or by name alone, as
 * caches of earlier versions kept them); returns what is still missing. A file whose bytes differ is left alone.
 */
function copyVerified(missing: readonly LockedDistribution[], sources: readonly string[], options: WheelCacheOptions, scratch: string): LockedDistribution[] {
  return missing.filter((dist) => {
    for (const dir of sources) {
      for (const candidate of [cachedWheel(dir, dist), path.join(dir, dist.wheel)]) {
        if (!fs.existsSync(candidate) || sha256File(candidate) !== dist.sha256) continue;
        // This cache's own file of the earlier layout moves into place; another folder's is copied, never changed.
        if (candidate === path.join(options.cacheDir, dist.wheel)) {
          placeWheel(options.cacheDir, dist, candidate);
          return false;
        }
        fs.mkdirSync(scratch, { recursive: true });
        const copy = path.join(scratch, `${dist.sha256}.whl`);
        fs.copyFileSync(candidate, copy);
        if (sha256File(copy) !== dist.sha256) continue;
        placeWheel(options.cacheDir, dist, copy);
        return false;
      }
    }
    return true;
  });
}

/**
 * Puts every wheel of a locked target in the cache: first those another cache (`seedFrom`, or this cache's
 * earlier layout by name) or a local folder of UV_FIND_LINKS holds with the locked sha256; the rest are downloaded by the toolchain's pip
 * (`pip download --no-deps --require-hashes`, for the target's platform) into a scratch folder beside the
 * cache, checked against the lock and renamed into place. UV_OFFLINE stops here, naming what is missing.
 */
export async function ensureWheels(layer: string, target: LockTarget, options: WheelCacheOptions): Promise<void> {
  if (missingWheels(options.cacheDir, target).length === 0) return;
  const settings = pythonIndexSettings(options.env);
  // Folders of wheels on this machine are sources too (UV_FIND_LINKS): reading them is not downloading, so offline may.
  const localFolders = settings.findLinks.filter((link) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(link) && fs.existsSync(link));
  const seeded = path.join(options.cacheDir, `.seed-${randomBytes(6).toString('hex')}`);
  let missing: LockedDistribution[];
  try {
    const sources = [options.cacheDir, ...(options.seedFrom ? [options.seedFrom] : []), ...localFolders];
    missing = copyVerified(missingWheels(options.cacheDir, target), sources, options, seeded);
  } finally {
    fs.rmSync(seeded, { recursive: true, force: true });
  }
  if (missing.length === 0) return;
  if (settings.offline)
    throw wheelsNotCached(
      layer,
      lockTargetKey(target),
      missing.map((dist) => dist.wheel),
      options.cacheDir,
    );
  // One quick look at the index first: when it cannot be reached, say so now, rather than after pip's retries
  // (five per file, with back-off: most of a build's time when a layer no environment uses is fetched offline).
  const unreachable = await firstUnreachableIndex(indexesOf(settings), INDEX_PROBE_TIMEOUT_MS);
  if (unreachable) {
    throw wheelIndexUnreachable(
      layer,
      lockTargetKey(target),
      unreachable,
      missing.map((dist) => dist.wheel),
      options.cacheDir,
    );
  }
  fs.mkdirSync(options.cacheDir, { recursive: true });
  const scratch = path.join(options.cacheDir, `.fetch-${randomBytes(6).toString('hex')}`);
  try {
    fs.mkdirSync(scratch);
    const requirements = path.join(scratch, 'requirements.txt');
    fs.writeFileSync(requirements, missing.map((dist) => `${dist.name}==${dist.version} --hash=sha256:${dist.sha256}\n`).join(''));
    options.progress?.(`fetching ${missing.length} wheel(s) of ${layer} for ${lockTargetKey(target)} into the wheel cache`);
    const dest = path.join(scratch, 'wheels');
    const result = await runCommand(options.toolchain.python, pipDownloadArgs(target, requirements, dest, options.pipCacheDir, settings), {
      env: pipEnvironment(options.env),
    });
    if (result.code !== 0) {
      const nothingFound = /No matching distribution found|Could not find a version/.test(result.output);
      const unreachable = nothingFound ? await firstUnreachableIndex(indexesOf(settings)) : undefined;
      throw wheelFetchFailed(
        explainPipFailure(`Fetching the locked wheels of layer "${layer}" (${lockTargetKey(target)})`, target, result.output, settings, unreachable),
      );
    }
    for (const dist of missing) {
      const file = path.join(dest, dist.wheel);
      if (!fs.existsSync(file) || sha256File(file) !== dist.sha256) {
        throw wheelFetchFailed(
          `Fetching the locked wheels of layer "${layer}" (${lockTargetKey(target)}): the index did not give ${dist.wheel} with sha256 ${dist.sha256} ` +
            `(got ${fs.readdirSync(dest).join(', ') || 'nothing'}). The index serves other files than the lock was made from; refresh the lock or use the index it was made from.`,
        );
      }
      placeWheel(options.cacheDir, dist, file);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Every wheel every Python layer of the project is locked to, for every target, in the cache: what a
 * machine needs before it builds offline (the tests' global setup does it once, then runs with UV_OFFLINE).
 */
export async function fetchLockedWheels(
  sources: readonly { readonly name: string; readonly locks?: Readonly<Record<string, { readonly target: LockTarget }>> }[],
  options: WheelCacheOptions,
): Promise<{ readonly wheels: number; readonly fetched: number }> {
  const wanted = new Map<string, LockedDistribution>();
  for (const source of sources)
    for (const lock of Object.values(source.locks ?? {})) for (const dist of lock.target.distributions) wanted.set(dist.sha256, dist);
  const before = [...wanted.values()].filter((dist) => fs.existsSync(cachedWheel(options.cacheDir, dist))).length;
  for (const source of sources) {
    for (const lock of Object.values(source.locks ?? {})) await ensureWheels(source.name, lock.target, options);
  }
  return { wheels: wanted.size, fetched: wanted.size - before };
}

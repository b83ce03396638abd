import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { wheelFetchFailed, wheelIndexUnreachable, wheelsNotCached } from '../../builder/errors';
import { runCommand } from '../../project/run-command';
import { PythonToolchain } from '../../toolchain/python-toolchain';
import { explainPipFailure, firstUnreachableIndex, pipDownloadArgs, pipEnvironment } from './pip';
import { LockTarget, LockedDistribution, lockTargetKey } from './python-lock';
import { indexesOf, pythonIndexSettings } from './uv';

/**
 * The wheel cache: a folder of the wheel files locks name, filled once from the index and read by
 * every locked build after (uv and pip install from it with no index at all). Files keep their
 * names and are checked against the lock's sha256 when they arrive, so one cache serves every
 * project and clone of this machine, like pip's and uv's own caches.
 */

/** How long the look at an index before fetching may take: an index that does not answer in this is taken as unreachable. */
const INDEX_PROBE_TIMEOUT_MS = 3000;

/** PYTHON_WHEEL_CACHE, else lambda-layer-stacks/wheels in the user's cache folder (XDG_CACHE_HOME or ~/.cache). */
export function wheelCacheDir(env: NodeJS.ProcessEnv): string {
  if (env['PYTHON_WHEEL_CACHE']) return path.resolve(env['PYTHON_WHEEL_CACHE']);
  return path.join(env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache'), 'lambda-layer-stacks', 'wheels');
}

/** The locked wheels not in the cache yet (by file name). */
export function missingWheels(cacheDir: string, target: LockTarget): LockedDistribution[] {
  return target.distributions.filter((dist) => !fs.existsSync(path.join(cacheDir, dist.wheel)));
}

function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Where wheels are kept and fetched from, with what, and how progress is said. */
export interface WheelCacheOptions {
  readonly cacheDir: string;
  readonly toolchain: PythonToolchain;
  readonly env: NodeJS.ProcessEnv;
  readonly pipCacheDir: string;
  readonly progress?: (line: string) => void;
}

/**
 * Puts every wheel of a locked target in the cache: the missing ones are downloaded by the toolchain's
 * pip (`pip download --no-deps --require-hashes`, for the target's platform) into a scratch folder beside
 * the cache, checked against the lock and renamed into place, so a reader never sees half a file.
 * UV_OFFLINE stops here, naming what is missing.
 */
export async function ensureWheels(layer: string, target: LockTarget, options: WheelCacheOptions): Promise<void> {
  const missing = missingWheels(options.cacheDir, target);
  if (missing.length === 0) return;
  const settings = pythonIndexSettings(options.env);
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
      fs.renameSync(file, path.join(options.cacheDir, dist.wheel));
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
  const before = new Set(fs.existsSync(options.cacheDir) ? fs.readdirSync(options.cacheDir) : []);
  const wanted = new Set<string>();
  for (const source of sources) {
    for (const lock of Object.values(source.locks ?? {})) {
      lock.target.distributions.forEach((dist) => wanted.add(dist.wheel));
      await ensureWheels(source.name, lock.target, options);
    }
  }
  return { wheels: wanted.size, fetched: [...wanted].filter((wheel) => !before.has(wheel)).length };
}

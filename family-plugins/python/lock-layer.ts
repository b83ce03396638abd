import { pythonIndexSettings } from './python-index';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ARCHITECTURES, ProjectConfig } from '../../config/environments';
import { pythonVersionOf, pythonFamily } from './definition';
import {
  lockSpecOf,
  LockChanges,
  LockTarget,
  LockTargetSpec,
  lockChanges,
  lockFileName,
  lockFileTarget,
  lockTargetFromPylock,
  lockTargetKey,
  preferencesPylock,
  requirementFileHashes,
  serialiseLockTarget,
} from './python-lock';
import { FamilyRegistry } from '../../families/registry';
import { layerLockFailed } from './errors';
import { writeFileAtomic } from '../../project/files';
import { runCommand } from '../../project/run-command';
import { ensurePythonToolchain } from './toolchain';
import { planBuild } from '../../builder/build-plan';
import { withTicker } from '../../builder/layer-build';
import { LayerSource } from '../../builder/layer-sources';
import { ProgressStep } from '../../project/progress';
import { PythonLayerSource } from './python-source';
import { UpgradeSettings, explainUvFailure, uvCompileArgs, uvEnvironment } from './uv';
import { cachedWheelFiles, wheelCacheDir } from './wheel-cache';

/** Every layer is locked at least for the default Python runtime on both architectures, so moving an environment to arm64 needs no new lock. */
export const DEFAULT_LOCK_TARGETS: readonly LockTargetSpec[] = ARCHITECTURES.map((architecture) => ({
  pythonVersion: pythonVersionOf(pythonFamily.defaultRuntime),
  architecture,
}));

/** The targets a Python layer is locked for: the defaults and every (Python version, architecture) an environment builds it for, sorted. */
export function lockTargetsOf(families: FamilyRegistry, config: ProjectConfig, sources: readonly LayerSource[], layer: string): LockTargetSpec[] {
  const built = planBuild(families, config, sources, { onlyUsed: true })
    .layers.filter((target) => target.layer === layer && target.family === pythonFamily.id)
    .map(lockSpecOf);
  const byKey = new Map([...DEFAULT_LOCK_TARGETS, ...built].map((target) => [lockTargetKey(target), target]));
  return [...byKey.keys()].sort().map((key) => byKey.get(key)!);
}

export interface LockResult {
  readonly layer: string;
  /** Project-relative paths of the target's lock files (one per target). */
  readonly files: readonly string[];
  /** Those of them whose bytes changed. */
  readonly written: readonly string[];
  /** Lock files that could not be read (a merge conflict), written again keeping the pins their lines held. */
  readonly salvaged: readonly string[];
  /** Lock files of targets no longer needed, removed. */
  readonly removed: readonly string[];
  readonly targets: readonly LockTarget[];
  /** What changed in each target's lock, by target key (a target locked for the first time: everything added). */
  readonly changes: Readonly<Record<string, LockChanges>>;
  /** False when every file already held exactly this lock. */
  readonly changed: boolean;
}

/**
 * `npm run layers:lock`: uv resolves requirements.txt for each target (Lambda's platform, the target's
 * Python version, markers evaluated for it, wheels only), nothing installed; each distribution gets the
 * wheel that loads there, and each target's lock file is written beside requirements.txt. Every pin of the
 * target's existing lock that still satisfies the requirements is kept (uv's preferences), unless `upgrade`
 * lets it move: removing one requirement removes that package and what only it needed, and nothing else moves.
 */
export async function lockPythonLayer(
  source: PythonLayerSource,
  targets: readonly LockTargetSpec[],
  options: {
    readonly projectRoot: string;
    /** Where this tool's Python toolchain and its lock are. @default projectRoot */
    readonly toolHome?: string;
    readonly buildDir: string;
    readonly env: NodeJS.ProcessEnv;
    readonly step: ProgressStep;
    readonly upgrade?: UpgradeSettings;
  },
): Promise<LockResult> {
  const toolchain = await ensurePythonToolchain({
    env: options.env,
    projectRoot: options.toolHome ?? options.projectRoot,
    progress: (line) => options.step.update(line),
  });
  const resolver = `uv ${toolchain.versions['uv'] ?? ''}`.trim();
  const scratch = path.join(options.buildDir, 'tmp', `lock-${source.name}-${randomBytes(6).toString('hex')}`);
  const locked: LockTarget[] = [];
  const settings = pythonIndexSettings(options.env);
  // Offline, uv sees only its own cache and the folders of wheels: the wheel cache's folders are folders of wheels too.
  const offlineFolders = settings.offline ? [...new Set(cachedWheelFiles(wheelCacheDir(options.env)).map((file) => path.dirname(file)))] : [];
  try {
    for (const target of targets) {
      fs.mkdirSync(scratch, { recursive: true });
      // uv names its PEP 751 output pylock.<name>.toml, a name without dots.
      const output = path.join(scratch, `pylock.${lockTargetKey(target).replace(/\./g, '')}.toml`);
      const previous = previousLock(source, target);
      if (previous && !options.upgrade?.all) fs.writeFileSync(output, preferencesPylock(previous));
      const args = uvCompileArgs(target, {
        requirements: 'requirements.txt',
        output,
        cacheDir: path.join(options.buildDir, 'cache', 'uv'),
        settings,
        upgrade: options.upgrade,
        findLinks: offlineFolders,
      });
      const result = await withTicker(options.step, `uv resolves ${source.name} for ${lockTargetKey(target)}`, () =>
        runCommand(toolchain.uv, args, { env: uvEnvironment(options.env), cwd: source.dir }),
      );
      if (result.code !== 0) {
        throw layerLockFailed(
          explainUvFailure(`Locking layer "${source.name}" (Python ${target.pythonVersion}, ${target.architecture})`, target, result.output, settings),
        );
      }
      locked.push(lockTargetFromPylock(target, fs.readFileSync(output, 'utf8'), source.name));
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const requirements = requirementFileHashes(source.files);
  const files: string[] = [];
  const written: string[] = [];
  for (const target of locked) {
    const file = path.join(source.dir, lockFileName(target));
    const text = serialiseLockTarget(source.name, target, requirements, resolver);
    const relative = path.relative(options.projectRoot, file).split(path.sep).join('/');
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
      writeFileAtomic(file, text);
      written.push(relative);
    }
    files.push(relative);
  }
  const wanted = new Set(locked.map(lockFileName));
  const removed = fs.readdirSync(source.dir).filter((file) => lockFileTarget(file) && !wanted.has(file));
  for (const file of removed) fs.rmSync(path.join(source.dir, file));
  const changes = Object.fromEntries(locked.map((target) => [lockTargetKey(target), lockChanges(previousLock(source, target), target)]));
  const salvaged = Object.values(source.unreadableLocks ?? {}).map((lock) => lock.file);
  return { layer: source.name, files, written, removed, salvaged, targets: locked, changes, changed: written.length > 0 || removed.length > 0 };
}

/** The pins a target's lock holds now: its lock, or what the lines of a lock that cannot be read still say. */
function previousLock(source: PythonLayerSource, target: LockTargetSpec): LockTarget | undefined {
  const key = lockTargetKey(target);
  const lock = source.locks?.[key]?.target;
  if (lock) return lock;
  const pins = source.unreadableLocks?.[key]?.pins;
  return pins ? { ...target, distributions: pins.map((pin) => ({ ...pin, wheel: '', sha256: '' })) } : undefined;
}

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProjectConfig } from '../config/environments';
import { layerLockFailed } from '../project/errors';
import { planBuild } from './build-plan';
import { withTicker } from './layer-build';
import { LayerSource } from './layer-sources';
import { explainPipFailure, firstUnreachableIndex, locatePip, pipEnvironment, pipIndexes, pipResolveArgs } from './pip';
import { ProgressStep } from './progress';
import { LOCK_FILE, LockTarget, LockTargetSpec, PipReport, lockTargetFromReport, lockTargetKey, requirementFileHashes, serialiseLock } from './python-lock';
import { runCommand } from './run-command';
import { writeFileAtomic } from '../project/files';

/** The targets a Python layer is locked for: every (Python version, architecture) an environment builds it for, or the default. */
export function lockTargetsOf(config: ProjectConfig, sources: readonly LayerSource[], layer: string): LockTargetSpec[] {
  return planBuild(config, sources)
    .layers.filter((target) => target.layer === layer && target.kind === 'python')
    .map((target) => ({ pythonVersion: target.pythonVersion!, architecture: target.architecture }));
}

export interface LockResult {
  readonly layer: string;
  /** Project-relative path of the lock file. */
  readonly file: string;
  readonly targets: readonly LockTarget[];
  /** False when the file already held exactly this lock. */
  readonly changed: boolean;
}

/**
 * `npm run layers:lock`: pip's own resolver, for Lambda's platform and each target
 * Python version (`pip install --dry-run --report`, nothing installed), then the
 * lock file beside requirements.txt with every distribution's version and sha256.
 */
export async function lockPythonLayer(
  source: LayerSource,
  targets: readonly LockTargetSpec[],
  options: { readonly projectRoot: string; readonly buildDir: string; readonly env: NodeJS.ProcessEnv; readonly step: ProgressStep },
): Promise<LockResult> {
  const pip = await locatePip(options.env);
  const env = pipEnvironment(options.env);
  const scratch = path.join(options.buildDir, 'tmp', `lock-${source.name}-${randomBytes(6).toString('hex')}`);
  const locked: LockTarget[] = [];
  try {
    for (const target of targets) {
      const dir = path.join(scratch, lockTargetKey(target));
      fs.mkdirSync(dir, { recursive: true });
      const report = path.join(dir, 'report.json');
      const args = pipResolveArgs(target, 'requirements.txt', path.join(dir, 'target'), report, path.join(options.buildDir, 'cache', 'pip'));
      const result = await withTicker(options.step, `pip resolves ${source.name} for ${lockTargetKey(target)}`, () => runCommand(pip.python, args, { env, cwd: source.dir }));
      if (result.code !== 0) {
        const nothingFound = /No matching distribution found|Could not find a version/.test(result.output);
        const unreachable = nothingFound ? await firstUnreachableIndex(await pipIndexes(pip, env, source.dir)) : undefined;
        throw layerLockFailed(explainPipFailure(source.name, target, result.output, options.env, unreachable).replace(/^Layer/, 'Locking layer'));
      }
      locked.push(lockTargetFromReport(target, JSON.parse(fs.readFileSync(report, 'utf8')) as PipReport));
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const text = serialiseLock(requirementFileHashes(source.files), locked);
  const file = path.join(source.dir, LOCK_FILE);
  const changed = !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text;
  if (changed) writeFileAtomic(file, text);
  return { layer: source.name, file: path.relative(options.projectRoot, file).split(path.sep).join('/'), targets: locked, changed };
}

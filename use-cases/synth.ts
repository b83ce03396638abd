import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProjectConfig } from '../config/environments';
import { synthFailed } from './errors';
import { PROJECT_ROOT, synthOutdir } from '../project/paths';
import { Progress } from '../project/progress';

/**
 * Node's flags for the cdktf app's process: the framework chosen by CDK_FRAMEWORK (frameworks/select.cjs: cdktf, or CDK
 * Terrain), and no DEP0044 warning (cdktf 0.21.0 calls util.isArray, which says nothing to a user).
 */
export const CDKTF_APP_NODE_FLAGS = ['--disable-warning=DEP0044', '--require', './frameworks/select.cjs'] as const;

/** Runs the cdktf app (main.ts) the way `cdktf synth` does, in its own process; returns the stacks it wrote, in the configuration's order. */
export async function synthesiseStacks(config: ProjectConfig, buildDir: string, env: NodeJS.ProcessEnv, progress: Progress): Promise<string[]> {
  const outdir = synthOutdir(env);
  const step = progress.step(`synthesise ${config.environments.length} environment(s)`);
  const started = Date.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [...CDKTF_APP_NODE_FLAGS, '--import', 'tsx', 'main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...env, BUILD_DIR: buildDir, CDKTF_OUTDIR: outdir },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  if (code !== 0) {
    step.fail('the cdktf app failed (see above)');
    throw synthFailed();
  }
  const written = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
  const order = config.environments.map((environment) => environment.stackName);
  const stacks = Object.keys(written.stacks).sort((a, b) => (order.indexOf(a) + 1 || 1e9) - (order.indexOf(b) + 1 || 1e9));
  step.done(`${stacks.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)}s -> ${path.relative(PROJECT_ROOT, outdir)}/stacks/`);
  return stacks;
}

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBuild } from '../../builder/build';
import { Progress } from '../../builder/progress';
import { ProjectConfig } from '../../config/environments';
import { loadProjectConfig } from '../../config/config-sources';
import { synthFailed } from '../../project/errors';
import { PROJECT_ROOT, resolveBuildDir } from '../../project/paths';
import { Command, writeJson } from '../command';

export const SYNTH_OUTDIR = 'cdktf.out';

/** Runs the cdktf app (main.ts) the way `cdktf synth` does, in its own process. */
export async function synthesiseStacks(
  config: ProjectConfig,
  buildDir: string,
  env: NodeJS.ProcessEnv,
  progress: Progress,
): Promise<string[]> {
  const step = progress.step(`synthesise ${config.environments.length} environment(s)`);
  const started = Date.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...env, BUILD_DIR: buildDir, CDKTF_OUTDIR: path.join(PROJECT_ROOT, SYNTH_OUTDIR) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  if (code !== 0) {
    step.fail('the cdktf app failed (see above)');
    throw synthFailed();
  }
  const written = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, SYNTH_OUTDIR, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
  const order = config.environments.map((environment) => environment.stackName);
  const stacks = Object.keys(written.stacks).sort((a, b) => (order.indexOf(a) + 1 || 1e9) - (order.indexOf(b) + 1 || 1e9));
  step.done(`${stacks.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)}s -> ${SYNTH_OUTDIR}/stacks/`);
  return stacks;
}

export const synthCommand: Command = {
  name: 'synth',
  summary: 'Build, then synthesise every environment into cdktf.out/stacks/',
  usage: 'npm run synth -- [--skip-build] [--json]',
  help: `Builds what the environments deploy (unless --skip-build; \`npm run build\` also
builds layers no environment uses yet), then runs the cdktf app (main.ts) exactly as
\`cdktf synth\` would, writing one Terraform JSON stack per environment to
cdktf.out/stacks/api-<env>/cdk.tf.json. Synthesis stops before writing anything when
the configuration is invalid, the manifest is missing, a built tree no longer
matches its sources, Lambda would refuse a deployment, or a function imports
something no attached layer or the runtime provides.`,
  options: {
    'skip-build': { type: 'boolean', describe: 'synthesise from the existing build' },
    json: { type: 'boolean', describe: 'print the synthesised stacks as JSON on stdout' },
  },
  async run(values, _positionals, { env, err, out }) {
    const config = loadProjectConfig(PROJECT_ROOT, env);
    const buildDir = resolveBuildDir(undefined, env);
    if (!values['skip-build']) await runBuild({ projectRoot: PROJECT_ROOT, buildDir, config, progress: err, env, onlyUsed: true });
    const stacks = await synthesiseStacks(config, buildDir, env, err);
    if (values['json']) {
      writeJson(out, { outdir: SYNTH_OUTDIR, stacks: stacks.map((name) => ({ name, file: `${SYNTH_OUTDIR}/stacks/${name}/cdk.tf.json` })) });
    }
    return 0;
  },
};

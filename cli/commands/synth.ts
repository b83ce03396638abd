import * as path from 'node:path';
import { runBuild } from '../../builder/build';
import { loadProjectConfig } from '../../config/config-sources';
import { PROJECT_ROOT, resolveBuildDir, synthOutdir } from '../../project/paths';
import { synthesiseStacks } from '../../use-cases/synth';
import { Command, writeJson } from '../command';
import { PLUGINS } from '../../family-plugins/registry';

export const synthCommand: Command = {
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
    const config = loadProjectConfig(PLUGINS, PROJECT_ROOT, env);
    const buildDir = resolveBuildDir(undefined, env);
    if (!values['skip-build']) await runBuild({ families: PLUGINS, projectRoot: PROJECT_ROOT, buildDir, config, progress: err, env, onlyUsed: true });
    const stacks = await synthesiseStacks(config, buildDir, env, err);
    if (values['json']) {
      const outdir = path.relative(PROJECT_ROOT, synthOutdir(env));
      writeJson(out, { outdir, stacks: stacks.map((name) => ({ name, file: `${outdir}/stacks/${name}/cdk.tf.json` })) });
    }
    return 0;
  },
};

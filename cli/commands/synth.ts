import * as path from 'node:path';
import { buildProject } from '../../use-cases/build';
import { synthesiseStacks } from '../../use-cases/synth';
import { Command, writeJson } from '../command';

export const synthCommand: Command = {
  usage: 'npm run synth -- [--skip-build] [--json]',
  help: `Builds what the environments deploy (unless --skip-build; \`npm run build\` also
builds layers no environment uses yet), then synthesises, in this process, what the
cdktf app (main.ts) synthesises for \`cdktf synth\`: one Terraform JSON stack per environment to
cdktf.out/stacks/api-<env>/cdk.tf.json. Synthesis stops before writing anything when
the configuration is invalid, the manifest is missing, a built tree no longer
matches its sources, Lambda would refuse a deployment, or a function imports
something no attached layer or the runtime provides.`,
  options: {
    'skip-build': { type: 'boolean', describe: 'synthesise from the existing build' },
    json: { type: 'boolean', describe: 'print the synthesised stacks as JSON on stdout' },
  },
  async run(values, _positionals, { project, err, out }) {
    const buildDir = project.buildDir();
    const build = values['skip-build'] ? undefined : await buildProject(project, { buildDir, progress: err, onlyUsed: true });
    const stacks = synthesiseStacks(project, { buildDir, ...(build ? { built: build.environments } : {}) }, err);
    if (values['json']) {
      const outdir = path.relative(project.root, project.outdir());
      writeJson(out, { outdir, stacks: stacks.map((name) => ({ name, file: `${outdir}/stacks/${name}/cdk.tf.json` })) });
    }
    return 0;
  },
};

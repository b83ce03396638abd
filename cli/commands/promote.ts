import * as fs from 'node:fs';
import * as path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { loadProjectConfig } from '../../config/config-sources';
import { functionNameOf } from '../../config/environments';
import { promoteFailed, terraformFailed, usage, versionNotRetained } from '../../project/errors';
import { PROJECT_ROOT, resolveBuildDir } from '../../project/paths';
import { currentLiveVersion, publishedVersions } from '../../rollout/lambda';
import { liveOn } from '../../rollout/plan';
import { PhaseFailed, applyAliasOnly } from '../../rollout/run';
import { terraformIn } from '../../rollout/terraform';
import { Command, writeJson } from '../command';
import { SYNTH_OUTDIR, synthesiseStacks } from './synth';
import { environmentForStack } from './stacks';

export const promoteCommand: Command = {
  name: 'promote',
  summary: 'Move live to a retained version through Terraform: the instant rollback, no rebuild, no new layer version',
  usage: 'npm run promote -- <stack> --to <version> [--dry-run] [--json]',
  help: `Moves the alias live, which the API invokes, to a version the function has published and
still keeps (every deploy publishes one; \`npm run history\` shows which were live when).
It is a Terraform apply with -var live_version=<version>, so state records it, and it is
refused when that apply would change anything but the alias (when cdktf.out is of
another build than the deployed one): nothing is rebuilt and no layer version is made.
For an older deployment as a whole (code and layers through a new apply), see npm run rollback.`,
  options: {
    to: { type: 'string', value: '<version>', describe: 'the published version to make live' },
    'dry-run': { type: 'boolean', describe: 'say what would move, change nothing' },
    json: { type: 'boolean', describe: 'print the result as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { env, err, out }) {
    const config = loadProjectConfig(PROJECT_ROOT, env);
    const environment = environmentForStack(config, positionals[0], 'promote');
    const to = values['to'] as string | undefined;
    if (to === undefined || !/^\d+$/.test(to)) throw usage(`Name the version to make live with --to <version number>${to === undefined ? '' : `, not "${to}"`}.`, 'promote');
    const functionName = functionNameOf(environment);
    const lambda = new LambdaClient({ region: environment.region });
    try {
      const versions = await publishedVersions(lambda, functionName);
      if (!versions.includes(to)) {
        throw versionNotRetained(functionName, to, versions);
      }
      const live = await currentLiveVersion(lambda, functionName);
      const result = { stack: environment.stackName, function: functionName, from: live ?? null, to, dryRun: Boolean(values['dry-run']) };
      if (live === to) {
        err.line(`live already points to version ${to}; nothing to do.`);
        if (values['json']) writeJson(out, { ...result, changed: false });
        return 0;
      }
      err.line(`live: version ${live ?? '(none)'} → version ${to} on ${functionName}`);
      if (values['dry-run']) {
        err.line('Dry run: nothing changed. Without --dry-run this is one Terraform apply that moves only the alias.');
        if (values['json']) writeJson(out, { ...result, changed: false });
        return 0;
      }
      const stackDir = path.join(PROJECT_ROOT, SYNTH_OUTDIR, 'stacks', environment.stackName);
      // Synthesised from the build on disk, never rebuilt: the check below refuses an apply that would change more than the alias.
      if (!fs.existsSync(path.join(stackDir, 'cdk.tf.json'))) await synthesiseStacks(config, resolveBuildDir(undefined, env), env, err);
      const terraform = terraformIn(stackDir, env, (chunk) => process.stderr.write(chunk));
      const init = await terraform.run(['init', '-input=false']);
      if (init.code !== 0) throw terraformFailed('init', init.code);
      try {
        await applyAliasOnly(terraform, 'go-live', liveOn(to));
      } catch (error) {
        if (error instanceof PhaseFailed) throw promoteFailed(live, error.message);
        throw error;
      }
      err.line(err.green(`live now points to version ${to}.`));
      if (values['json']) writeJson(out, { ...result, changed: true });
      return 0;
    } finally {
      lambda.destroy();
    }
  },
};

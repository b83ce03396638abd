import * as fs from 'node:fs';
import * as path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { runBuild } from '../../builder/build';
import { loadProjectConfig } from '../../config/config-sources';
import { functionNameOf } from '../../config/environments';
import { stackNotSynthesised } from '../../project/errors';
import { PROJECT_ROOT, resolveBuildDir } from '../../project/paths';
import { renderPlanSummary } from '../../review/plan-summary';
import { currentLiveVersion } from '../../rollout/lambda';
import { terraformIn } from '../../rollout/terraform';
import { Command, writeJson } from '../command';
import { PLAN_JSON, planFirstPhase, terraformOk } from './deploy';
import { reviewPlanFile } from './plan-summary';
import { SYNTH_OUTDIR, synthesiseStacks } from './synth';
import { environmentForStack } from './stacks';

export const planCommand: Command = {
  name: 'plan',
  summary: 'Build, synthesise and plan one stack, and print the review a pull request shows (packages, imports, destructive changes)',
  usage: 'npm run plan -- <stack> [--skip-build] [--json]',
  help: `What the plan workflow shows on a pull request, on your terminal: builds and synthesises
(unless --skip-build), runs terraform init and plan in cdktf.out/stacks/<stack> the way a
deploy's first phase does (the alias live held where it is, no state lock), and prints
the summary: the package changes inside each new layer version (and, for a Python
function, known advisories of their locked versions), every import of the function and
what provides it, destructive changes first. Changes nothing.

Needs AWS credentials that can read the stack's state (and the artifact bucket, for the
deployed layers' manifests), and Terraform 1.11 (TERRAFORM names another binary).`,
  options: {
    'skip-build': { type: 'boolean', describe: 'plan cdktf.out as it is' },
    'skip-audit': { type: 'boolean', describe: 'do not look up known advisories for the Python layers (the summary says so)' },
    json: { type: 'boolean', describe: 'print the data behind the summary as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { env, err, out }) {
    const config = loadProjectConfig(PROJECT_ROOT, env);
    const environment = environmentForStack(config, positionals[0], 'plan');
    const stack = environment.stackName;
    const buildDir = resolveBuildDir(undefined, env);
    const stackDir = path.join(PROJECT_ROOT, SYNTH_OUTDIR, 'stacks', stack);
    if (!values['skip-build']) {
      await runBuild({ projectRoot: PROJECT_ROOT, buildDir, config, progress: err, env, onlyUsed: true });
      await synthesiseStacks(config, buildDir, env, err);
    }
    if (!fs.existsSync(path.join(stackDir, 'cdk.tf.json'))) {
      throw stackNotSynthesised(`${path.relative(PROJECT_ROOT, stackDir)}/cdk.tf.json`);
    }
    const terraform = terraformIn(stackDir, env, (chunk) => process.stderr.write(chunk));
    await terraformOk(terraform, ['init', '-input=false'], 'init');
    const lambda = new LambdaClient({ region: environment.region });
    try {
      const functionName = functionNameOf(environment);
      err.line(await planFirstPhase({ stack, stackDir, terraform, functionName, previousLive: await currentLiveVersion(lambda, functionName) }));
    } finally {
      lambda.destroy();
    }
    const review = await reviewPlanFile(path.join(stackDir, PLAN_JSON), stack, env, undefined, { skipAudit: Boolean(values['skip-audit']) });
    if (values['json']) writeJson(out, review);
    else out.write(renderPlanSummary(stack, review.summary));
    return 0;
  },
};

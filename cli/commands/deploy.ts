import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline/promises';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { runBuild } from '../../builder/build';
import { layerTargetsOf } from '../../builder/build-plan';
import { readAllLayerSources } from '../../builder/layer-sources';
import { readManifest } from '../../artifacts/manifest';
import { s3Client } from '../../history/aws';
import { storeLayerManifests } from '../../review/manifest-store';
import { loadProjectConfig } from '../../config/config-sources';
import { EnvironmentConfig, functionNameOf } from '../../config/environments';
import { readPin, removePin } from '../../artifacts/rollback-pin';
import { deployNeedsApproval, stackNotSynthesised, terraformFailed, usage } from '../../project/errors';
import { PROJECT_ROOT, resolveBuildDir } from '../../project/paths';
import { parseDuration } from '../../rollout/canary';
import { currentLiveVersion } from '../../rollout/lambda';
import { CanaryOptions, liveOn, terraformVars } from '../../rollout/plan';
import { ROLLOUT_RECORD, RolloutReport, readRolloutRecord, runRollout, writeRolloutRecord } from '../../rollout/run';
import { Terraform, terraformIn } from '../../rollout/terraform';
import { latestLogLines } from '../../verification/gather';
import { Command, appendJobSummary, writeJson } from '../command';
import { Output } from '../output';
import { SYNTH_OUTDIR, synthesiseStacks } from './synth';
import { environmentForStack } from './stacks';

export const PUBLISH_PLAN = 'plan.tfplan';
/** The publishing plan in Terraform's JSON form, beside it: what the review summarises. */
export const PLAN_JSON = 'plan.json';

/** --canary and --watch, read and checked together. */
export function canaryOption(values: Record<string, unknown>, command: string): CanaryOptions | undefined {
  const percent = values['canary'] as string | undefined;
  const watch = values['watch'] as string | undefined;
  if (percent === undefined && watch === undefined) return undefined;
  if (percent === undefined || watch === undefined) throw usage('--canary <percent> and --watch <duration> go together.', command);
  if (!/^\d+$/.test(percent) || Number(percent) < 1 || Number(percent) > 50) throw usage(`--canary takes a percentage from 1 to 50, got "${percent}".`, command);
  const seconds = parseDuration(watch);
  if (seconds === undefined || seconds < 60 || seconds > 6 * 3600) throw usage(`--watch takes a duration from 1m to 6h such as 10m or 90s, got "${watch}".`, command);
  return { percent: Number(percent), watchSeconds: seconds };
}

export async function terraformOk(terraform: Terraform, args: string[], what: string): Promise<void> {
  const result = await terraform.run(args);
  if (result.code !== 0) throw terraformFailed(what, result.code);
}

function printReport(report: RolloutReport, err: Output): void {
  for (const phase of report.phases) err.line(`${phase.ok ? err.green('✓') : err.red('✗')} ${phase.phase}: ${phase.detail}`);
  if (!report.ok) {
    for (const result of (report.probe ?? []).filter((candidate) => !candidate.ok)) err.line(`  the probe's answer to ${result.route}: ${result.answer || '(none)'}`);
    if (report.logs?.length) {
      err.line(`  latest log events of version ${report.newVersion}:`);
      for (const line of report.logs) err.line(`    ${line}`);
    }
  }
  err.line(report.ok ? err.green(report.summary) : err.red(report.summary));
}

function clients(environment: EnvironmentConfig): { lambda: LambdaClient; cloudwatch: CloudWatchClient } {
  return { lambda: new LambdaClient({ region: environment.region }), cloudwatch: new CloudWatchClient({ region: environment.region }) };
}

async function confirm(autoApprove: boolean): Promise<boolean> {
  if (autoApprove) return true;
  if (!process.stdin.isTTY) throw deployNeedsApproval();
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question('Apply this plan (publish the new version; live stays where it is)? [y/N] ')).trim());
  } finally {
    rl.close();
  }
}

/**
 * Plans a rollout's first phase in a synthesised stack folder (initialised): publish with live held where it
 * is, no state lock (a plan writes nothing); writes the saved plan, its JSON (plan.json, for the review) and
 * the rollout record beside it. Returns the sentence that says what the plan does to live.
 */
export async function planFirstPhase(options: { stack: string; stackDir: string; terraform: Terraform; functionName: string; previousLive: string | undefined }): Promise<string> {
  const { stack, stackDir, terraform, functionName, previousLive } = options;
  const planned = await terraform.run(['plan', '-input=false', '-lock=false', `-out=${PUBLISH_PLAN}`, ...terraformVars(liveOn(previousLive ?? ''))]);
  if (planned.code !== 0) throw terraformFailed('plan', planned.code);
  const shown = await terraform.run(['show', '-json', PUBLISH_PLAN], { quiet: true });
  if (shown.code !== 0) throw terraformFailed('show', shown.code, false);
  fs.writeFileSync(path.join(stackDir, PLAN_JSON), shown.stdout);
  writeRolloutRecord(stackDir, { ...(previousLive !== undefined ? { previousLive } : {}), functionName });
  return previousLive === undefined
    ? `First deploy of ${stack}: the new version goes live in this apply.`
    : `This plan publishes a new version with live held on version ${previousLive}; after the apply, the new version is probed, then takes traffic.`;
}

/**
 * Stores this build's layer manifests in the artifact bucket under their content hashes, so the review of
 * the next change can list what changed inside each layer; a failure is said, and does not stop the deploy.
 */
async function storeLayerManifestsOf(environment: EnvironmentConfig, buildDir: string, err: Output): Promise<void> {
  if (!environment.artifactBucket) return;
  const s3 = s3Client(environment.region);
  try {
    const manifest = readManifest(buildDir);
    const ids = new Set(layerTargetsOf(environment, readAllLayerSources(PROJECT_ROOT)).map((target) => target.id));
    const layers = manifest.layers.filter((layer) => ids.has(layer.id));
    const keys = await storeLayerManifests(s3, environment.artifactBucket, { project: environment.project, environment: environment.name }, layers);
    err.line(`Layer manifests stored for review: ${keys.map((key) => `s3://${environment.artifactBucket}/${key}`).join(', ') || 'none (no layers)'}.`);
  } catch (error) {
    err.warn(`the layer manifests could not be stored (${(error as Error).name}: ${(error as Error).message}); the next review lists only the packages the layer descriptions name.`);
  } finally {
    s3.destroy();
  }
}

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Build, publish a new version, probe it, then move live to it (or a canary); live stays on the old version on any failure',
  usage: 'npm run deploy -- <stack> [--canary <percent> --watch <duration>] [--auto-approve] [--skip-build] [--plan-only | --apply-saved] [--json]',
  help: `Rolls a build out in phases, each a Terraform apply that state records:
  1. publish: apply with the alias live held on the current version (the function publishes
     a new version; the API still invokes the old one); asks first unless --auto-approve;
  2. probe: invoke the new version directly (by qualified ARN, not through the API) with
     payload 2.0 events for GET / and GET /api/messages/: 200 and a well-formed body, or fail;
  3. go live: apply with live on the new version; or, with --canary P --watch D, give the new
     version P% of live's traffic, read its Errors and Throttles from CloudWatch (by
     ExecutedVersion) for D, then promote, or revert at the first error.
On any failure live stays on (or returns to) the previous version, the exit code is 1, and
the probe's answer and the new version's latest log events are printed. A stack's first
deploy has no previous version: it goes live directly and says so. A rollback pin (npm run
rollback) is deployed the same way and removed once live.

In CI the publishing plan is the reviewed one: the plan job runs --plan-only (plans with
live held and -lock=false, writes ${PUBLISH_PLAN} and ${ROLLOUT_RECORD} in the stack folder);
the apply job runs --apply-saved (applies that plan unchanged, then the other phases).

Needs AWS credentials, Terraform 1.11 (TERRAFORM names another binary) and the state bucket.`,
  options: {
    canary: { type: 'string', value: '<percent>', describe: 'give the new version this share (1-50) of live\'s traffic first' },
    watch: { type: 'string', value: '<duration>', describe: 'how long to watch the canary, e.g. 10m (1m to 6h)' },
    'auto-approve': { type: 'boolean', describe: 'apply the publishing plan without asking' },
    'skip-build': { type: 'boolean', describe: 'use cdktf.out as it is: no build, no synth' },
    'plan-only': { type: 'boolean', describe: 'plan the publishing phase and stop (CI\'s plan job)' },
    'apply-saved': { type: 'boolean', describe: 'apply the saved publishing plan, then roll out (CI\'s apply job)' },
    json: { type: 'boolean', describe: 'print the rollout report as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { env, err, out }) {
    const config = loadProjectConfig(PROJECT_ROOT, env);
    const environment = environmentForStack(config, positionals[0], 'deploy');
    const stack = environment.stackName;
    const canary = canaryOption(values, 'deploy');
    if (values['plan-only'] && values['apply-saved']) throw usage('--plan-only and --apply-saved are the two halves of a deploy; give one.', 'deploy');
    const buildDir = resolveBuildDir(undefined, env);
    const stackDir = path.join(PROJECT_ROOT, SYNTH_OUTDIR, 'stacks', stack);
    if (!values['skip-build'] && !values['apply-saved']) {
      await runBuild({ projectRoot: PROJECT_ROOT, buildDir, config, progress: err, env, onlyUsed: true });
      await synthesiseStacks(config, buildDir, env, err);
    }
    if (!fs.existsSync(path.join(stackDir, 'cdk.tf.json'))) {
      throw stackNotSynthesised(`${path.relative(PROJECT_ROOT, stackDir)}/cdk.tf.json`);
    }
    const terraform = terraformIn(stackDir, env, (chunk) => process.stderr.write(chunk));
    const { lambda, cloudwatch } = clients(environment);
    const pin = readPin(buildDir, stack);
    const storeManifests = () => storeLayerManifestsOf(environment, buildDir, err);
    try {
      if (values['apply-saved']) {
        const record = readRolloutRecord(stackDir);
        await terraformOk(terraform, ['init', '-input=false', '-lockfile=readonly'], 'init');
        const report = await rollout(record.previousLive, PUBLISH_PLAN);
        return report.ok ? 0 : 1;
      }
      await terraformOk(terraform, ['init', '-input=false'], 'init');
      const functionName = functionNameOf(environment);
      const previousLive = await currentLiveVersion(lambda, functionName);
      if (pin) err.line(`${stack} is pinned to serial ${pin.serial} by a rollback: this deploy rolls it back.`);
      if (values['plan-only']) {
        const note = await planFirstPhase({ stack, stackDir, terraform, functionName, previousLive });
        appendJobSummary(env, `> ${note}\n`);
        err.line(note);
        if (values['json']) writeJson(out, { stack, plan: path.relative(PROJECT_ROOT, path.join(stackDir, PUBLISH_PLAN)), ...(previousLive !== undefined ? { previousLive } : {}) });
        return 0;
      }
      const report = await rollout(previousLive);
      if (report.ok && pin && removePin(buildDir, stack)) err.line(`Rolled back to serial ${pin.serial}; the pin is removed, so the next deploy deploys the current build.`);
      return report.ok ? 0 : 1;
    } finally {
      lambda.destroy();
      cloudwatch.destroy();
    }

    async function rollout(previousLive: string | undefined, savedPlan?: string): Promise<RolloutReport> {
      await storeManifests();
      const functionName = functionNameOf(environment);
      const report = await runRollout({
        stack,
        functionName,
        terraform,
        lambda,
        cloudwatch,
        ...(previousLive !== undefined ? { previousLive } : {}),
        ...(canary ? { canary } : {}),
        ...(savedPlan ? { savedPlan } : {}),
        approve: () => confirm(Boolean(values['auto-approve'])),
        say: (line) => err.line(line),
        logs: (version) => latestLogLines(environment.region, functionName, 40, version),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      });
      printReport(report, err);
      appendJobSummary(env, `### Rollout of ${stack}\n\n${report.phases.map((phase) => `- ${phase.ok ? '✅' : '❌'} **${phase.phase}**: ${phase.detail}`).join('\n')}\n\n${report.summary}\n`);
      if (values['json']) writeJson(out, report);
      return report;
    }
  },
};

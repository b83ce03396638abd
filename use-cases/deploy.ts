import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline/promises';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { readManifest } from '../artifacts/manifest';
import { readPin, removePin } from '../artifacts/rollback-pin';
import { s3Client } from '../aws/clients';
import { buildProject } from './build';
import { layerTargetsOf } from '../builder/build-plan';
import { EnvironmentConfig, functionNameOf } from '../config/environments';
import { deployNeedsApproval, terraformFailed } from '../rollout/errors';
import { stackNotSynthesised } from './errors';
import { Reporter } from '../project/progress';
import { storeLayerManifests } from '../review/manifest-store';
import { currentLiveVersion } from '../rollout/lambda';
import { AliasVars, CanaryOptions, planRollout, terraformVars } from '../rollout/plan';
import { RolloutReport, StackFunction, readRolloutRecord, rolloutInputOf, runRollout, writeRolloutRecord } from '../rollout/run';
import { API_FUNCTION, functionNameFor } from '../config/functions';
import { Terraform, terraformIn } from '../rollout/terraform';
import { latestLogLines } from '../verification/gather';
import { appendJobSummary } from './job-summary';
import { synthesiseStacks } from './synth';
import { ProjectContext } from './context';

export const PUBLISH_PLAN = 'plan.tfplan';
/** The publishing plan in Terraform's JSON form, beside it: what the review summarises. */
export const PLAN_JSON = 'plan.json';

/** The environment's functions besides the API, each with where its alias `live` points now (undefined: none yet). */
export async function stackFunctions(
  environment: EnvironmentConfig,
  liveOf: (name: string) => Promise<string | undefined> | string | undefined,
): Promise<StackFunction[]> {
  const functions: StackFunction[] = [];
  for (const fn of environment.functions.filter((candidate) => candidate.name !== API_FUNCTION)) {
    const previousLive = await liveOf(fn.name);
    functions.push({
      name: fn.name,
      functionName: functionNameFor(environment, fn.name),
      trigger: fn.trigger,
      ...(previousLive !== undefined && previousLive !== null ? { previousLive } : {}),
    });
  }
  return functions;
}

export async function terraformOk(terraform: Terraform, args: string[], what: string): Promise<void> {
  const result = await terraform.run(args);
  if (result.code !== 0) throw terraformFailed(what, result.code);
}

/** Builds (only what the environments use) and synthesises every stack, unless told not to. */
export async function buildAndSynthesise(project: ProjectContext, buildDir: string, report: Reporter): Promise<void> {
  const build = await buildProject(project, { buildDir, progress: report, onlyUsed: true });
  synthesiseStacks(project, { buildDir, built: build.environments }, report);
}

/** The synthesised stack's folder; refuses when synth has not written it. */
export function synthesisedStack(project: ProjectContext, stack: string): string {
  const stackDir = project.stackFolder(stack);
  if (!fs.existsSync(path.join(stackDir, 'cdk.tf.json'))) throw stackNotSynthesised(`${path.relative(project.root, stackDir)}/cdk.tf.json`);
  return stackDir;
}

/**
 * Plans a rollout's first phase in a synthesised stack folder (initialised): publish with live held where it
 * is, no state lock (a plan writes nothing); writes the saved plan, its JSON (plan.json, for the review) and
 * the rollout record beside it. Returns the sentence that says what the plan does to live.
 */
export async function planFirstPhase(options: {
  stack: string;
  stackDir: string;
  terraform: Terraform;
  functionName: string;
  previousLive: string | undefined;
  /** The stack's other functions and where their aliases point now. */
  functions?: readonly StackFunction[];
}): Promise<string> {
  const { stack, stackDir, terraform, functionName, previousLive } = options;
  const functions = options.functions ?? [];
  const [publish] = planRollout(rolloutInputOf({ previousLive, functions }));
  const planned = await terraform.run(['plan', '-input=false', '-lock=false', `-out=${PUBLISH_PLAN}`, ...terraformVars((publish as { vars: AliasVars }).vars)]);
  if (planned.code !== 0) throw terraformFailed('plan', planned.code);
  const shown = await terraform.run(['show', '-json', PUBLISH_PLAN], { quiet: true });
  if (shown.code !== 0) throw terraformFailed('show', shown.code, false);
  fs.writeFileSync(path.join(stackDir, PLAN_JSON), shown.stdout);
  writeRolloutRecord(stackDir, {
    ...(previousLive !== undefined ? { previousLive } : {}),
    functionName,
    ...(functions.length ? { functions: Object.fromEntries(functions.map((fn) => [fn.name, fn.previousLive ?? null])) } : {}),
  });
  return previousLive === undefined
    ? `First deploy of ${stack}: the new version goes live in this apply.`
    : `This plan publishes a new version with live held on version ${previousLive}; after the apply, the new version is probed, then takes traffic.`;
}

/**
 * Stores this build's layer manifests in the artifact bucket under their content hashes, so the review of
 * the next change can list what changed inside each layer; a failure is said, and does not stop the deploy.
 */
async function storeLayerManifestsOf(project: ProjectContext, environment: EnvironmentConfig, buildDir: string, report: Reporter): Promise<void> {
  if (!environment.artifactBucket) return;
  const s3 = s3Client(environment.region);
  try {
    const manifest = readManifest(buildDir);
    const ids = new Set(layerTargetsOf(project.families, environment, project.layerSources()).map((target) => target.id));
    const layers = manifest.layers.filter((layer) => ids.has(layer.id));
    const keys = await storeLayerManifests(
      s3,
      environment.artifactBucket,
      { project: environment.project, environment: environment.name },
      layers,
      project.families,
    );
    report.line(`Layer manifests stored for review: ${keys.map((key) => `s3://${environment.artifactBucket}/${key}`).join(', ') || 'none (no layers)'}.`);
  } catch (error) {
    report.warn(
      `the layer manifests could not be stored (${(error as Error).name}: ${(error as Error).message}); the next review lists only the packages the layer descriptions name.`,
    );
  } finally {
    s3.destroy();
  }
}

function printReport(rollout: RolloutReport, report: Reporter): void {
  for (const phase of rollout.phases) report.line(`${phase.ok ? report.green('✓') : report.red('✗')} ${phase.phase}: ${phase.detail}`);
  if (!rollout.ok) {
    for (const result of (rollout.probe ?? []).filter((candidate) => !candidate.ok))
      report.line(`  the probe's answer to ${result.route}: ${result.answer || '(none)'}`);
    if (rollout.logs?.length) {
      report.line(`  latest log events of version ${rollout.newVersion}:`);
      for (const line of rollout.logs) report.line(`    ${line}`);
    }
  }
  report.line(rollout.ok ? report.green(rollout.summary) : report.red(rollout.summary));
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

export interface DeployOptions {
  readonly project: ProjectContext;
  readonly environment: EnvironmentConfig;
  readonly report: Reporter;
  readonly canary?: CanaryOptions;
  readonly autoApprove?: boolean;
  readonly skipBuild?: boolean;
  /** CI's plan job: plan the publishing phase and stop. */
  readonly planOnly?: boolean;
  /** CI's apply job: apply the saved publishing plan, then roll out. */
  readonly applySaved?: boolean;
}

export type DeployResult =
  | { readonly kind: 'planned'; readonly stack: string; readonly plan: string; readonly previousLive?: string }
  | { readonly kind: 'rolled-out'; readonly report: RolloutReport };

/**
 * A deploy in phases: build and synthesise (unless skipped), then plan the publishing phase (--plan-only), or
 * apply it (the saved plan, or a new one after approval) and roll out: probe the new version, move live.
 */
export async function deployStack(options: DeployOptions): Promise<DeployResult> {
  const { project, environment, report } = options;
  const { env } = project;
  const stack = environment.stackName;
  const buildDir = project.buildDir();
  if (!options.skipBuild && !options.applySaved) await buildAndSynthesise(project, buildDir, report);
  const stackDir = synthesisedStack(project, stack);
  const terraform = terraformIn(stackDir, env, (chunk) => process.stderr.write(chunk));
  const lambda = new LambdaClient({ region: environment.region });
  const cloudwatch = new CloudWatchClient({ region: environment.region });
  const functionName = functionNameOf(environment);
  const pin = readPin(buildDir, stack);
  try {
    if (options.applySaved) {
      const record = readRolloutRecord(stackDir);
      await terraformOk(terraform, ['init', '-input=false', '-lockfile=readonly'], 'init');
      // Where the aliases were when the reviewed plan was made: the plan holds them there.
      const held = stackFunctions(environment, (name) => record.functions?.[name] ?? undefined);
      return { kind: 'rolled-out', report: await rollout(record.previousLive, await held, PUBLISH_PLAN) };
    }
    await terraformOk(terraform, ['init', '-input=false'], 'init');
    const previousLive = await currentLiveVersion(lambda, functionName);
    const functions = await stackFunctions(environment, (name) => currentLiveVersion(lambda, functionNameFor(environment, name)));
    if (pin) report.line(`${stack} is pinned to serial ${pin.serial} by a rollback: this deploy rolls it back.`);
    if (options.planOnly) {
      const note = await planFirstPhase({ stack, stackDir, terraform, functionName, previousLive, functions });
      appendJobSummary(env, `> ${note}\n`);
      report.line(note);
      return {
        kind: 'planned',
        stack,
        plan: path.relative(project.root, path.join(stackDir, PUBLISH_PLAN)),
        ...(previousLive !== undefined ? { previousLive } : {}),
      };
    }
    const result = await rollout(previousLive, functions);
    if (result.ok && pin && removePin(buildDir, stack))
      report.line(`Rolled back to serial ${pin.serial}; the pin is removed, so the next deploy deploys the current build.`);
    return { kind: 'rolled-out', report: result };
  } finally {
    lambda.destroy();
    cloudwatch.destroy();
  }

  async function rollout(previousLive: string | undefined, functions: readonly StackFunction[], savedPlan?: string): Promise<RolloutReport> {
    await storeLayerManifestsOf(project, environment, buildDir, report);
    const result = await runRollout({
      stack,
      functionName,
      terraform,
      lambda,
      cloudwatch,
      ...(previousLive !== undefined ? { previousLive } : {}),
      ...(options.canary ? { canary: options.canary } : {}),
      ...(functions.length ? { functions } : {}),
      ...(savedPlan ? { savedPlan } : {}),
      approve: () => confirm(Boolean(options.autoApprove)),
      say: (line) => report.line(line),
      logs: (version) => latestLogLines(environment.region, functionName, 40, version),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    printReport(result, report);
    appendJobSummary(
      env,
      `### Rollout of ${stack}\n\n${result.phases.map((phase) => `- ${phase.ok ? '✅' : '❌'} **${phase.phase}**: ${phase.detail}`).join('\n')}\n\n${result.summary}\n`,
    );
    return result;
  }
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ROLLOUT_OUTPUTS } from '../config/rollout-names';
import { rolloutRecordMissing } from './errors';
import { CanaryDecision, CanaryMetrics, judgeCanary } from './canary';
import { canaryMetrics, runFunctionProbe, runProbe } from './lambda';
import {
  AliasStage,
  AliasVars,
  CanaryOptions,
  Phase,
  RolloutInput,
  canaryOf,
  changedFunctions,
  functionsLiveAt,
  nothingPublished,
  planRollout,
  recoveryAfter,
  terraformVars,
} from './plan';
import { ProbeResult } from './probe';
import { Terraform, changedAddresses, isStalePlan } from './terraform';

/** What a rollout needs: where Terraform runs, whom to probe, how to say what happens. */
export interface RolloutContext {
  readonly stack: string;
  readonly functionName: string;
  readonly terraform: Terraform;
  readonly lambda: LambdaClient;
  readonly cloudwatch: CloudWatchClient;
  /** The version `live` points to before this rollout; undefined on the first deploy. */
  readonly previousLive?: string;
  readonly canary?: CanaryOptions;
  /** The stack's other functions: each published, probed and moved with the API, all or none. */
  readonly functions?: readonly StackFunction[];
  /**
   * The reviewed plan of the publishing phase, to apply unchanged (CI); otherwise the publish is planned here,
   * and `approve` is asked before it is applied.
   */
  readonly savedPlan?: string;
  readonly approve: () => Promise<boolean>;
  /** One line for people. */
  readonly say: (line: string) => void;
  /** The new version's latest log lines, for a failure. */
  readonly logs: (version: string) => Promise<string[]>;
  readonly sleep: (ms: number) => Promise<void>;
  /** Seconds between reads of the canary's metrics. @default 60 */
  readonly pollSeconds?: number;
}

/** Another function of the stack, as the rollout sees it. */
export interface StackFunction {
  /** Its name in the configuration ("worker"). */
  readonly name: string;
  /** The whole name Lambda knows it by. */
  readonly functionName: string;
  readonly trigger: Parameters<typeof runFunctionProbe>[1]['trigger'];
  /** Where its alias `live` points before this rollout; undefined for a function new to the stack. */
  readonly previousLive?: string;
}

export interface PhaseRecord {
  readonly phase: Phase['kind'] | 'revert';
  readonly ok: boolean;
  readonly detail: string;
}

export interface RolloutReport {
  readonly ok: boolean;
  readonly stack: string;
  readonly firstDeploy: boolean;
  readonly previousLive?: string;
  readonly newVersion?: string;
  /** Where `live` points at the end, as far as this rollout knows. */
  readonly live?: string;
  readonly phases: readonly PhaseRecord[];
  readonly probe?: readonly ProbeResult[];
  readonly canary?: CanaryDecision;
  readonly logs?: readonly string[];
  readonly summary: string;
  /** The other functions: where each alias was, the version this apply published, and where it is at the end. */
  readonly functions?: readonly { readonly name: string; readonly previousLive?: string; readonly newVersion?: string; readonly live?: string }[];
}

/** A phase that did not complete, and why. */
export class PhaseFailed extends Error {
  constructor(
    readonly phase: Phase['kind'],
    message: string,
  ) {
    super(message);
  }
}

async function applyOrFail(terraform: Terraform, phase: Phase['kind'], args: string[]): Promise<void> {
  const result = await terraform.run(['apply', '-input=false', '-lock-timeout=10m', ...args]);
  if (result.code === 0) return;
  if (isStalePlan(result.output)) {
    throw new PhaseFailed(
      phase,
      'the state changed after this plan was made (another apply ran in between), so Terraform refused to apply it and nothing changed. Plan again (re-run the workflow, or npm run deploy) and review the new plan.',
    );
  }
  throw new PhaseFailed(phase, `terraform apply failed (exit ${result.code}); its output is above`);
}

/**
 * Plans a move of the alias into `planFile` and reads the plan: one that would change more than the alias (the
 * stack folder is of another build than the one deployed) is refused. With `lock: false` it takes no state lock
 * (a plan job's, which writes nothing). Returns the plan's JSON (terraform show -json), for the review.
 */
export async function planAliasOnly(
  terraform: Terraform,
  phase: Phase['kind'],
  vars: AliasVars,
  options: { planFile?: string; lock?: boolean } = {},
): Promise<string> {
  const planFile = options.planFile ?? `rollout-${phase}.tfplan`;
  const lock = options.lock === false ? ['-lock=false'] : ['-lock-timeout=10m'];
  const planned = await terraform.run(['plan', '-input=false', ...lock, `-out=${planFile}`, ...terraformVars(vars)], { quiet: true });
  if (planned.code !== 0)
    throw new PhaseFailed(phase, `terraform plan failed (exit ${planned.code}):\n${planned.output.trim().split('\n').slice(-15).join('\n')}`);
  const shown = await terraform.run(['show', '-json', planFile], { quiet: true });
  const others = changedAddresses(JSON.parse(shown.stdout) as Parameters<typeof changedAddresses>[0]).filter((change) => change.type !== 'aws_lambda_alias');
  if (others.length > 0) {
    throw new PhaseFailed(
      phase,
      `moving the alias would also change ${others.map((change) => `${change.address} (${change.actions.join(', ')})`).join(', ')}: this stack folder is not what is deployed. ` +
        'Move the alias from the build that was deployed, or deploy this build with npm run deploy.',
    );
  }
  return shown.stdout;
}

/** Moves the alias through Terraform, and nothing else: planned and read first (planAliasOnly), then applied. */
export async function applyAliasOnly(terraform: Terraform, phase: Phase['kind'], vars: AliasVars): Promise<void> {
  const planFile = `rollout-${phase}.tfplan`;
  await planAliasOnly(terraform, phase, vars, { planFile });
  await applyOrFail(terraform, phase, [planFile]);
}

/** Applies a saved plan unchanged; a stale one (another apply ran since) is refused by Terraform and said so. */
export async function applySavedPlan(terraform: Terraform, phase: Phase['kind'], planFile: string): Promise<void> {
  await applyOrFail(terraform, phase, [planFile]);
}

async function newestVersion(ctx: RolloutContext): Promise<string> {
  const result = await ctx.terraform.run(['output', '-json', ROLLOUT_OUTPUTS.newestVersion], { quiet: true });
  const version = result.code === 0 ? String(JSON.parse(result.stdout)) : '';
  if (!/^\d+$/.test(version))
    throw new PhaseFailed('publish', `the stack's output ${ROLLOUT_OUTPUTS.newestVersion} is ${JSON.stringify(version)}, not a published version`);
  return version;
}

/** The other functions' newest versions after the publishing apply (the stack's output), by function name. */
async function newestOfOthers(ctx: RolloutContext): Promise<Record<string, string>> {
  if (!ctx.functions?.length) return {};
  const result = await ctx.terraform.run(['output', '-json', ROLLOUT_OUTPUTS.functionVersions], { quiet: true });
  const versions = result.code === 0 ? (JSON.parse(result.stdout) as unknown) : undefined;
  const valid =
    typeof versions === 'object' && versions !== null && ctx.functions.every((fn) => /^\d+$/.test(String((versions as Record<string, unknown>)[fn.name])));
  if (!valid)
    throw new PhaseFailed(
      'publish',
      `the stack's output ${ROLLOUT_OUTPUTS.functionVersions} is ${JSON.stringify(versions ?? null)}, not a published version of each function`,
    );
  return Object.fromEntries(ctx.functions.map((fn) => [fn.name, String((versions as Record<string, unknown>)[fn.name])]));
}

/** Every canaried function's metrics together: an error or a throttle of any reverts them all. */
async function canaryMetricsOf(ctx: RolloutContext, canaried: readonly { functionName: string; version: string }[], from: Date): Promise<CanaryMetrics> {
  const all = await Promise.all(canaried.map(({ functionName, version }) => canaryMetrics(ctx.cloudwatch, functionName, version, from, new Date())));
  return { errors: all.flatMap((m) => m.errors), throttles: all.flatMap((m) => m.throttles), invocations: all.flatMap((m) => m.invocations) };
}

async function watch(ctx: RolloutContext, canaried: readonly { functionName: string; version: string }[], seconds: number): Promise<CanaryDecision> {
  const started = Date.now();
  const poll = (ctx.pollSeconds ?? 60) * 1000;
  for (;;) {
    const elapsed = (Date.now() - started) / 1000;
    const metrics = await canaryMetricsOf(ctx, canaried, new Date(started - 60_000));
    const decision = judgeCanary(metrics, elapsed, seconds);
    ctx.say(`  canary: ${decision.reason}`);
    if (decision.decision !== 'wait') return decision;
    await ctx.sleep(Math.min(poll, Math.max(1000, (seconds - elapsed) * 1000)));
  }
}

/** What the rollout's phases are planned from: where the API's live points, the canary, and each other function's alias. */
export function rolloutInputOf(ctx: Pick<RolloutContext, 'previousLive' | 'canary' | 'functions'>): RolloutInput {
  return {
    ...(ctx.previousLive !== undefined ? { previousLive: ctx.previousLive } : {}),
    ...(ctx.canary ? { canary: ctx.canary } : {}),
    ...(ctx.functions?.length
      ? {
          functions: ctx.functions.map((fn) => ({
            name: fn.name,
            http: fn.trigger.type === 'http',
            ...(fn.previousLive !== undefined ? { previousLive: fn.previousLive } : {}),
          })),
        }
      : {}),
  };
}

/** Runs the phases of planRollout; on any failure, what recoveryAfter says, then the report. */
export async function runRollout(ctx: RolloutContext): Promise<RolloutReport> {
  const input = rolloutInputOf(ctx);
  const phases = planRollout(input);
  const records: PhaseRecord[] = [];
  const firstDeploy = ctx.previousLive === undefined;
  let newVersion: string | undefined;
  let others: Record<string, string> = {};
  let aliases: AliasStage = 'held';
  let probe: ProbeResult[] | undefined;
  let canary: CanaryDecision | undefined;
  let live = ctx.previousLive;
  const report = (ok: boolean, summary: string, logs?: string[]): RolloutReport => {
    const othersLive = functionsLiveAt(input, aliases, others);
    return {
      ok,
      stack: ctx.stack,
      firstDeploy,
      ...(ctx.previousLive !== undefined ? { previousLive: ctx.previousLive } : {}),
      ...(newVersion && newVersion !== ctx.previousLive ? { newVersion } : {}),
      ...(live !== undefined ? { live } : {}),
      phases: records,
      ...(probe ? { probe } : {}),
      ...(canary ? { canary } : {}),
      ...(logs ? { logs } : {}),
      summary,
      ...(ctx.functions?.length
        ? {
            functions: ctx.functions.map((fn) => ({
              name: fn.name,
              ...(fn.previousLive !== undefined ? { previousLive: fn.previousLive } : {}),
              ...(others[fn.name] !== undefined && others[fn.name] !== fn.previousLive ? { newVersion: others[fn.name] } : {}),
              ...(othersLive[fn.name] !== undefined ? { live: othersLive[fn.name] } : {}),
            })),
          }
        : {}),
    };
  };
  try {
    for (const phase of phases) {
      switch (phase.kind) {
        case 'publish': {
          ctx.say(
            firstDeploy
              ? 'First deploy of this stack: there is no earlier version, so the new one goes live in this apply.'
              : `Publishing the new version; live stays on version ${ctx.previousLive}.`,
          );
          if (ctx.savedPlan) {
            await applyOrFail(ctx.terraform, 'publish', [ctx.savedPlan]);
          } else {
            const planned = await ctx.terraform.run(['plan', '-input=false', '-lock-timeout=10m', '-out=rollout-publish.tfplan', ...terraformVars(phase.vars)]);
            if (planned.code !== 0) throw new PhaseFailed('publish', `terraform plan failed (exit ${planned.code}); its output is above`);
            if (!(await ctx.approve())) throw new PhaseFailed('publish', 'not approved; nothing was applied');
            await applyOrFail(ctx.terraform, 'publish', ['rollout-publish.tfplan']);
          }
          newVersion = await newestVersion(ctx);
          others = await newestOfOthers(ctx);
          if (nothingPublished(input, newVersion, others)) {
            const what = ctx.functions?.length ? 'no function of the stack changed' : 'the function did not change';
            records.push({ phase: 'publish', ok: true, detail: `no new version: ${what}, version ${newVersion} stays live` });
            return report(true, `Applied; ${what}, so there was nothing to probe and version ${newVersion} stays live.`);
          }
          if (firstDeploy) live = newVersion;
          aliases = 'published';
          const published = changedFunctions(input, { api: newVersion, functions: others }).filter((name) => name !== 'api');
          records.push({
            phase: 'publish',
            ok: true,
            detail: `version ${newVersion} published${firstDeploy ? ' and live' : ''}${published.length ? `; ${published.map((name) => `${name} version ${others[name]}`).join(', ')}` : ''}`,
          });
          break;
        }
        case 'probe': {
          probe = await runProbe(ctx.lambda, ctx.functionName, newVersion!);
          const failed: string[] = [];
          if (probe.some((result) => !result.ok)) failed.push(ctx.functions?.length ? `api (version ${newVersion})` : `version ${newVersion}`);
          // Every other function with a new version, each with its own probe; one failure and no alias moves.
          for (const name of changedFunctions(input, { api: newVersion!, functions: others }).filter((candidate) => candidate !== 'api')) {
            const fn = ctx.functions!.find((candidate) => candidate.name === name)!;
            const results = await runFunctionProbe(ctx.lambda, fn, others[name]);
            probe.push(...results);
            if (results.some((result) => !result.ok)) failed.push(`${name} (version ${others[name]})`);
          }
          for (const result of probe) ctx.say(`  probe ${result.route}: ${result.ok ? 'ok' : 'FAILED'}, ${result.detail}`);
          if (failed.length > 0) {
            const details = probe.filter((result) => !result.ok).map((result) => `${result.route}: ${result.detail}`);
            throw new PhaseFailed('probe', `${failed.join(' and ')} did not answer the probe: ${details.join('; ')}`);
          }
          records.push({ phase: 'probe', ok: true, detail: `version ${newVersion} answered ${probe.map((result) => result.route).join(' and ')}` });
          break;
        }
        case 'canary': {
          ctx.say(`Canary: version ${newVersion} takes ${ctx.canary!.percent}% of live's traffic.`);
          await applyAliasOnly(ctx.terraform, 'canary', phase.vars(newVersion!, others));
          records.push({ phase: 'canary', ok: true, detail: `${ctx.canary!.percent}% to version ${newVersion}` });
          break;
        }
        case 'watch': {
          const canaried = [
            { functionName: ctx.functionName, version: newVersion! },
            ...Object.entries(canaryOf(input, others)).map(([name, version]) => ({
              functionName: ctx.functions!.find((fn) => fn.name === name)!.functionName,
              version,
            })),
          ];
          canary = await watch(ctx, canaried, phase.seconds);
          if (canary.decision === 'revert') throw new PhaseFailed('watch', canary.reason);
          records.push({ phase: 'watch', ok: true, detail: canary.reason });
          break;
        }
        case 'go-live': {
          await applyAliasOnly(ctx.terraform, 'go-live', phase.vars(newVersion!, others));
          live = newVersion;
          aliases = 'live';
          records.push({ phase: 'go-live', ok: true, detail: `live moved to version ${newVersion}` });
          break;
        }
      }
    }
  } catch (error) {
    if (!(error instanceof PhaseFailed)) throw error;
    records.push({ phase: error.phase, ok: false, detail: error.message });
    const recovery = recoveryAfter(error.phase, input, newVersion);
    if (recovery.revert) {
      try {
        await applyAliasOnly(ctx.terraform, 'go-live', recovery.revert);
        live = recovery.revert.liveVersion;
        aliases = 'held';
        records.push({ phase: 'revert', ok: true, detail: `live returned to version ${live}` });
      } catch (revertError) {
        records.push({
          phase: 'revert',
          ok: false,
          detail: `live could not be returned: ${(revertError as Error).message}. Run npm run promote -- ${ctx.stack} --to ${ctx.previousLive} now.`,
        });
      }
    }
    return report(false, `${error.message}. ${recovery.summary}`, newVersion ? await ctx.logs(newVersion) : []);
  }
  return report(
    true,
    firstDeploy
      ? `Version ${newVersion} is live (the stack's first deploy).`
      : `Version ${newVersion} is live; version ${ctx.previousLive} stays published for an instant rollback.`,
  );
}

/** What the plan job hands the apply job besides the saved plan: where live was when the plan was made. */
export const ROLLOUT_RECORD = 'rollout.json';

/** The rollout record: where each alias pointed when the publishing plan was made (null for a function with none yet). */
export interface RolloutRecord {
  readonly previousLive?: string;
  readonly functionName: string;
  readonly functions?: Readonly<Record<string, string | null>>;
}

export function writeRolloutRecord(stackDir: string, record: RolloutRecord): void {
  fs.writeFileSync(path.join(stackDir, ROLLOUT_RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

export function readRolloutRecord(stackDir: string): RolloutRecord {
  const file = path.join(stackDir, ROLLOUT_RECORD);
  if (!fs.existsSync(file)) {
    throw rolloutRecordMissing(file);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RolloutRecord;
}

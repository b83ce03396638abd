import * as fs from 'node:fs';
import * as path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { EnvironmentConfig, functionNameOf } from '../config/environments';
import { promoteFailed, promotePlanMissing, promoteRefused, terraformFailed, versionNotRetained } from '../rollout/errors';
import { ProjectContext } from './context';
import { Reporter } from '../project/progress';
import { currentLiveVersion, publishedVersions } from '../rollout/lambda';
import { PROMOTE_PLAN, PromotionRefused, planPromotion, promote, readPromotionRecord } from '../rollout/promote';
import { PhaseFailed } from '../rollout/run';
import { terraformIn } from '../rollout/terraform';
import { PLAN_JSON } from './deploy';
import { appendJobSummary } from './job-summary';
import { synthesiseStacks } from './synth';

export interface PromoteOptions {
  readonly project: ProjectContext;
  readonly environment: EnvironmentConfig;
  readonly report: Reporter;
  /** The version to make live (not for applySaved, which reads it from the saved plan's record). */
  readonly to?: string;
  /** dry-run: say what would move; plan-only: CI's plan job; apply-saved: CI's approved job; move: plan, probe and apply here. */
  readonly mode: 'move' | 'dry-run' | 'plan-only' | 'apply-saved';
}

/** What happened, as `--json` prints it. */
export type PromoteResult = Readonly<Record<string, unknown>>;

/**
 * Moves the alias live to a retained version: checks it is kept, probes it, and applies a plan that moves the
 * alias and nothing else (planned here, or by CI's plan job and applied unchanged by the approved one).
 */
export async function promoteStack(options: PromoteOptions): Promise<PromoteResult> {
  const { project, environment, report } = options;
  const { env } = project;
  const stackDir = project.stackFolder(environment.stackName);
  const functionName = functionNameOf(environment);
  const lambda = new LambdaClient({ region: environment.region });
  const terraform = () => terraformIn(stackDir, env, (chunk) => process.stderr.write(chunk));
  const say = (line: string) => report.line(line);
  try {
    if (options.mode === 'apply-saved') {
      const record = readPromotionRecord(stackDir);
      if (!record || !fs.existsSync(path.join(stackDir, PROMOTE_PLAN)))
        throw promotePlanMissing(path.relative(project.root, path.join(stackDir, PROMOTE_PLAN)));
      const tf = terraform();
      const init = await tf.run(['init', '-input=false', '-lockfile=readonly']);
      if (init.code !== 0) throw terraformFailed('init', init.code);
      await moveLive(record.from, record.to, () => promote({ terraform: tf, lambda, functionName, to: record.to, savedPlan: PROMOTE_PLAN, say }));
      return { stack: environment.stackName, function: functionName, from: record.from ?? null, to: record.to, changed: true };
    }
    const to = options.to!;
    const versions = await publishedVersions(lambda, functionName);
    if (!versions.includes(to)) throw versionNotRetained(functionName, to, versions);
    const live = await currentLiveVersion(lambda, functionName);
    const result = { stack: environment.stackName, function: functionName, from: live ?? null, to, dryRun: options.mode === 'dry-run' };
    if (live === to) {
      report.line(`live already points to version ${to}; nothing to do.`);
      return { ...result, changed: false };
    }
    report.line(`live: version ${live ?? '(none)'} → version ${to} on ${functionName}`);
    if (options.mode === 'dry-run') {
      report.line('Dry run: nothing changed. Without --dry-run the version is probed, then one Terraform apply moves only the alias.');
      return { ...result, changed: false };
    }
    // Synthesised from the build on disk, never rebuilt: the plan is refused if it would change more than the alias.
    if (!fs.existsSync(path.join(stackDir, 'cdk.tf.json'))) synthesiseStacks(project, { buildDir: project.buildDir() }, report);
    const tf = terraform();
    const init = await tf.run(['init', '-input=false']);
    if (init.code !== 0) throw terraformFailed('init', init.code);
    if (options.mode === 'plan-only') {
      try {
        await planPromotion(tf, stackDir, { functionName, ...(live !== undefined ? { from: live } : {}), to }, PLAN_JSON);
      } catch (error) {
        if (error instanceof PhaseFailed) throw promoteFailed(live, error.message);
        throw error;
      }
      const note = `This plan moves live of ${environment.stackName} from version ${live ?? '(none)'} to version ${to} and changes nothing else; the approved job probes version ${to} first and refuses it if it does not answer.`;
      appendJobSummary(env, `> ${note}\n`);
      report.line(note);
      return { ...result, planned: path.relative(project.root, path.join(stackDir, PROMOTE_PLAN)) };
    }
    await moveLive(live, to, () => promote({ terraform: tf, lambda, functionName, to, say }));
    return { ...result, changed: true };
  } finally {
    lambda.destroy();
  }

  async function moveLive(from: string | undefined, to: string, move: () => Promise<unknown>): Promise<void> {
    try {
      await move();
    } catch (error) {
      if (error instanceof PromotionRefused)
        throw promoteRefused(
          from,
          error.message,
          error.probe.filter((result) => !result.ok),
        );
      if (error instanceof PhaseFailed) throw promoteFailed(from, error.message);
      throw error;
    }
    report.line(report.green(`live now points to version ${to}.`));
    appendJobSummary(env, `live of ${environment.stackName} now points to version ${to} (it answered the probe).\n`);
  }
}

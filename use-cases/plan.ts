import * as path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { EnvironmentConfig, ProjectConfig, functionNameOf } from '../config/environments';
import { resolveBuildDir } from '../project/paths';
import { Reporter } from '../project/progress';
import { PlanSummary } from '../review/plan-summary';
import { currentLiveVersion } from '../rollout/lambda';
import { terraformIn } from '../rollout/terraform';
import { PLAN_JSON, buildAndSynthesise, planFirstPhase, synthesisedStack, terraformOk } from './deploy';
import { reviewPlanFile } from './review-plan';

/**
 * What the plan workflow shows on a pull request: build and synthesise (unless skipped), plan the deploy's
 * first phase (live held where it is, no state lock), and review that plan in packages and imports.
 */
export async function planStack(options: {
  config: ProjectConfig;
  environment: EnvironmentConfig;
  env: NodeJS.ProcessEnv;
  report: Reporter;
  skipBuild?: boolean;
  skipAudit?: boolean;
}): Promise<{ stack: string; summary: PlanSummary }> {
  const { config, environment, env, report } = options;
  const stack = environment.stackName;
  if (!options.skipBuild) await buildAndSynthesise(config, resolveBuildDir(undefined, env), env, report);
  const stackDir = synthesisedStack(stack, env);
  const terraform = terraformIn(stackDir, env, (chunk) => process.stderr.write(chunk));
  await terraformOk(terraform, ['init', '-input=false'], 'init');
  const lambda = new LambdaClient({ region: environment.region });
  try {
    const functionName = functionNameOf(environment);
    report.line(await planFirstPhase({ stack, stackDir, terraform, functionName, previousLive: await currentLiveVersion(lambda, functionName) }));
  } finally {
    lambda.destroy();
  }
  return reviewPlanFile(path.join(stackDir, PLAN_JSON), stack, env, undefined, { skipAudit: Boolean(options.skipAudit) });
}

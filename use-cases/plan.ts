import * as path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { EnvironmentConfig, functionNameOf } from '../config/environments';
import { ProjectContext } from './context';
import { Reporter } from '../project/progress';
import { PlanSummary } from '../review/plan-summary';
import { currentLiveVersion } from '../rollout/lambda';
import { terraformIn } from '../rollout/terraform';
import { PLAN_JSON, buildAndSynthesise, planFirstPhase, stackFunctions, synthesisedStack, terraformOk } from './deploy';
import { functionNameFor } from '../config/functions';
import { reviewPlanFile } from './review-plan';

/**
 * What the plan workflow shows on a pull request: build and synthesise (unless skipped), plan the deploy's
 * first phase (live held where it is, no state lock), and review that plan in packages and imports.
 */
export async function planStack(options: {
  project: ProjectContext;
  environment: EnvironmentConfig;
  report: Reporter;
  skipBuild?: boolean;
  skipAudit?: boolean;
}): Promise<{ stack: string; summary: PlanSummary }> {
  const { project, environment, report } = options;
  const { env } = project;
  const stack = environment.stackName;
  if (!options.skipBuild) await buildAndSynthesise(project, project.buildDir(), report);
  const stackDir = synthesisedStack(project, stack);
  const terraform = terraformIn(stackDir, env, (chunk) => process.stderr.write(chunk));
  await terraformOk(terraform, ['init', '-input=false'], 'init');
  const lambda = new LambdaClient({ region: environment.region });
  try {
    const functionName = functionNameOf(environment);
    const functions = await stackFunctions(environment, (name) => currentLiveVersion(lambda, functionNameFor(environment, name)));
    report.line(await planFirstPhase({ stack, stackDir, terraform, functionName, previousLive: await currentLiveVersion(lambda, functionName), functions }));
  } finally {
    lambda.destroy();
  }
  return reviewPlanFile(project, path.join(stackDir, PLAN_JSON), stack, undefined, { skipAudit: Boolean(options.skipAudit) });
}

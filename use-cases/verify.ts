import { PLUGINS } from '../family-plugins/registry';
import { readManifest } from '../artifacts/manifest';
import { awsClients } from '../aws/clients';
import { EnvironmentConfig } from '../config/environments';
import { resolveBuildDir, stackFolder } from '../project/paths';
import { DeployedStackFacts, Verdict, judgeDeployment } from '../verification/deployment-check';
import { gatherFacts } from '../verification/gather';

/**
 * After a deploy: reads the stack's state and its function, checks the layers against this build (when it is
 * here) and the API, and judges them; a check that could not run is skipped, and with `strict` fails.
 */
export async function verifyStack(options: {
  environment: EnvironmentConfig;
  env: NodeJS.ProcessEnv;
  buildDir?: string;
  waitMs: number;
  strict: boolean;
}): Promise<{ facts: DeployedStackFacts; verdict: Verdict }> {
  const { environment, env } = options;
  let manifest;
  try {
    manifest = readManifest(resolveBuildDir(options.buildDir, env));
  } catch {
    // Each layer's package check says it was skipped, and why.
  }
  const facts = await gatherFacts({
    env: environment,
    family: PLUGINS.ofRuntime(environment.runtime),
    clients: awsClients(environment.region),
    ...(manifest ? { manifest } : {}),
    stackDir: stackFolder(environment.stackName, env),
    waitMs: options.waitMs,
  });
  return { facts, verdict: judgeDeployment(facts, { strict: options.strict }) };
}

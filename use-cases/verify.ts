import { readManifest } from '../artifacts/manifest';
import { awsClients } from '../aws/clients';
import { EnvironmentConfig } from '../config/environments';
import { ProjectContext } from './context';
import { DeployedStackFacts, Verdict, judgeDeployment } from '../verification/deployment-check';
import { gatherFacts } from '../verification/gather';

/**
 * After a deploy: reads the stack's state and its function, checks the layers against this build (when it is
 * here) and the API, and judges them; a check that could not run is skipped, and with `strict` fails.
 */
export async function verifyStack(options: {
  project: ProjectContext;
  environment: EnvironmentConfig;
  buildDir?: string;
  waitMs: number;
  strict: boolean;
}): Promise<{ facts: DeployedStackFacts; verdict: Verdict }> {
  const { project, environment } = options;
  let manifest;
  try {
    manifest = readManifest(project.buildDir(options.buildDir));
  } catch {
    // Each layer's package check says it was skipped, and why.
  }
  const facts = await gatherFacts({
    env: environment,
    family: project.families.ofRuntime(environment.runtime),
    clients: awsClients(environment.region),
    ...(manifest ? { manifest } : {}),
    stackDir: project.stackFolder(environment.stackName),
    waitMs: options.waitMs,
  });
  return { facts, verdict: judgeDeployment(facts, { strict: options.strict }) };
}

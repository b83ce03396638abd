import { EnvironmentConfig, ProjectConfig } from '../config/environments';
import { AwsClients, awsClients } from '../aws/clients';
import { stateVersions } from '../aws/state';
import { Deployment, UnreadableStateVersion, deploymentsFrom } from '../history/deployments';
import { noSuch, stackNotNamed } from '../project/errors';
import { ProjectContext } from './context';

export interface StackHistory {
  readonly env: EnvironmentConfig;
  readonly clients: AwsClients;
  readonly history: Deployment[];
  /** State versions that could not be read as state. */
  readonly unreadable: UnreadableStateVersion[];
}

/** The environment behind a stack name given on the command line; the message lists the stacks. */
export function environmentForStack(config: ProjectConfig, stack: string | undefined, command: string): EnvironmentConfig {
  const names = config.environments.map((environment) => environment.stackName);
  if (!stack) throw stackNotNamed(names, command);
  const environment = config.environments.find((candidate) => candidate.stackName === stack);
  if (!environment) throw noSuch('stack', stack, names, command);
  return environment;
}

/** The environment behind a stack name, its AWS clients and its deployments, newest first. */
export async function loadStackHistory(project: ProjectContext, stack: string | undefined, command: string): Promise<StackHistory> {
  const environment = environmentForStack(project.config(), stack, command);
  const clients = awsClients(environment.region);
  const { readable, unreadable } = await stateVersions(clients, environment.stateBucket, environment.stateKey);
  return { env: environment, clients, history: deploymentsFrom(readable), unreadable };
}

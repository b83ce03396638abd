import { EnvironmentArtifacts, deploymentsOf } from '../builder/artifact-check';
import { buildProject } from './build';
import { EnvironmentConfig } from '../config/environments';
import { LocalApi, startLocalApi } from '../local-lambda/local-api';
import { QueueServer } from '../local-lambda/local-queue';
import { scheduledEvent, startScheduleClock } from '../local-lambda/schedule-clock';
import { portInUse } from '../local-lambda/errors';
import { notDeployedHint } from './errors';
import { Reporter } from '../project/progress';
import { synthesiseStacks } from './synth';
import { ProjectContext } from './context';
import { assertDeployable, checkDeployments } from '../rules';

export interface StartOptions {
  readonly project: ProjectContext;
  readonly environment: EnvironmentConfig;
  readonly report: Reporter;
  readonly buildDir: string;
  readonly host: string;
  readonly port: number;
  readonly skipBuild: boolean;
  readonly skipChecks: boolean;
  /** Fire each scheduled function on its schedule ("on"), and also once when the API is up ("at-start"). @default off */
  readonly schedules?: 'on' | 'at-start';
}

/**
 * `npm start`: builds what the environments use and synthesises every stack (the deployment rules run there),
 * unless skipped, then serves one environment's API from the built artifacts as Lambda would.
 */
export async function startLocal(options: StartOptions): Promise<LocalApi> {
  const { project, environment, report, buildDir, skipChecks } = options;
  if (skipChecks) {
    report.line(
      report.red(report.bold('!! --skip-checks: the deployment rules are not enforced. What is served here may be refused by synth and fail on Lambda. !!')),
    );
  }
  // A queue server, when the environment has a queue function, starts now and comes up while the build runs.
  const queues = environment.functions.some((fn) => fn.trigger.type === 'queue') ? queueServerOf(project, (line) => report.line(line)) : {};
  const early = queues.queueServer?.();
  early?.catch(() => undefined);
  const stopEarly = async (): Promise<void> => {
    await early?.then((server) => server.stop()).catch(() => undefined);
  };
  // Each step once: the build checks every environment (sources and rules), synth and the local API take what it checked.
  let built: EnvironmentArtifacts | undefined;
  let artifacts: EnvironmentArtifacts;
  try {
    if (!options.skipBuild) {
      const build = await buildProject(project, { buildDir, progress: report, onlyUsed: true, skipChecks });
      if (skipChecks) report.warn('not synthesising: synth never skips the checks (run `npm run synth` to see what it refuses)');
      else {
        synthesiseStacks(project, { buildDir, built: build.environments, bootstrapFromContextOnly: true }, report);
        built = build.environments.find((candidate) => candidate.environment.name === environment.name)?.artifacts;
      }
    }
    artifacts = built ?? servedFromBuildFolder(project, environment, buildDir, skipChecks, (line) => report.line(line));
  } catch (error) {
    await stopEarly();
    throw error;
  }
  const step = report.step(`start the local API for ${environment.name}`);
  try {
    const api = await startLocalApi({
      env: environment,
      families: project.families,
      artifacts,
      buildDir,
      projectRoot: project.root,
      toolHome: project.home,
      ...(early ? { queueServer: () => early } : {}),
      host: options.host,
      port: options.port,
      log: (line) => report.line(line),
    });
    step.done(api.url);
    return options.schedules ? withScheduleClock(api, environment, options.schedules, report) : api;
  } catch (error) {
    await stopEarly();
    step.fail((error as Error).message.split('\n')[0]);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw portInUse(options.port);
    throw error;
  }
}

/**
 * What the local API serves from a build folder no build of this run checked: its artifacts checked against the sources
 * (a tree edited after the build is said and served as it is) and by the deployment rules, which refuse; with
 * skipChecks, what they refuse is said and served anyway, to see how it fails.
 */
export function servedFromBuildFolder(
  project: ProjectContext,
  environment: EnvironmentConfig,
  buildDir: string,
  skipChecks: boolean,
  say: (line: string) => void,
): EnvironmentArtifacts {
  const artifacts = project.builtArtifacts(environment, buildDir, { onDrift: (message) => say(`warning: ${message} Serving it as it is.`) });
  const deployments = deploymentsOf(project.families, environment, artifacts);
  if (!skipChecks) assertDeployable(deployments);
  else {
    for (const finding of checkDeployments(deployments).filter((candidate) => candidate.severity === 'error')) {
      say(`warning: --skip-checks: serving what the deployment rules refuse: [${finding.rule}] ${finding.message}`);
    }
  }
  return artifacts;
}

/** The SQS-compatible server of the first family whose toolchain has one (Python's: moto's), for a service with queues. */
export function queueServerOf(project: ProjectContext, progress: (line: string) => void): { queueServer?: () => Promise<QueueServer> } {
  const family = project.families.families.find((candidate) => candidate.queueServer);
  return family?.queueServer ? { queueServer: () => family.queueServer!(project, progress) } : {};
}

/** The local API with the schedule clock running its scheduled functions; stopping it stops the clock first. */
function withScheduleClock(api: LocalApi, environment: EnvironmentConfig, schedules: 'on' | 'at-start', report: Reporter): LocalApi {
  const scheduled = api.functions.flatMap((fn) =>
    fn.trigger.type === 'schedule' ? [{ name: fn.name, functionName: fn.functionName, trigger: fn.trigger, invoke: (event: unknown) => fn.invoke(event) }] : [],
  );
  if (scheduled.length === 0) {
    report.line(`--schedules: no function ${environment.stackName} deploys has a schedule. ${notDeployedHint(environment)}`);
    return api;
  }
  const clock = startScheduleClock(scheduled, { say: (line) => report.line(line), atStart: schedules === 'at-start' });
  for (const next of clock.upcoming()) {
    report.line(`schedule ${next.name}: ${next.at ? `next at ${scheduledEvent(next.at).scheduledTime}` : `will not fire here: ${next.never}`}`);
  }
  return {
    ...api,
    stop: async () => {
      await clock.stop();
      await api.stop();
    },
  };
}

import { readManifest } from '../artifacts/manifest';
import { runBuild, readAllLayerSources } from '../builder/build';
import { EnvironmentConfig, ProjectConfig } from '../config/environments';
import { LocalApi, startLocalApi } from '../local-lambda/local-api';
import { portInUse } from '../local-lambda/errors';
import { PROJECT_ROOT } from '../project/paths';
import { Reporter } from '../project/progress';
import { synthesiseStacks } from './synth';
import { PLUGINS } from '../family-plugins/registry';

export interface StartOptions {
  readonly config: ProjectConfig;
  readonly environment: EnvironmentConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly report: Reporter;
  readonly buildDir: string;
  readonly host: string;
  readonly port: number;
  readonly skipBuild: boolean;
  readonly skipChecks: boolean;
}

/**
 * `npm start`: builds what the environments use and synthesises every stack (the deployment rules run there),
 * unless skipped, then serves one environment's API from the built artifacts as Lambda would.
 */
export async function startLocal(options: StartOptions): Promise<LocalApi> {
  const { config, environment, env, report, buildDir, skipChecks } = options;
  if (skipChecks) {
    report.line(
      report.red(report.bold('!! --skip-checks: the deployment rules are not enforced. What is served here may be refused by synth and fail on Lambda. !!')),
    );
  }
  if (!options.skipBuild) {
    await runBuild({ families: PLUGINS, projectRoot: PROJECT_ROOT, buildDir, config, progress: report, env, onlyUsed: true, skipChecks });
    if (skipChecks) report.warn('not synthesising: synth never skips the checks (run `npm run synth` to see what it refuses)');
    else {
      // Every environment's stack; the bootstrap only when cdktf.json names the repository, not because the
      // machine is a GitHub runner or Codespace (GITHUB_REPOSITORY): serving locally needs no GitHub settings.
      const { GITHUB_REPOSITORY: _implicit, ...withoutImplicitRepository } = env;
      await synthesiseStacks(config, buildDir, withoutImplicitRepository, report);
    }
  }
  const step = report.step(`start the local API for ${environment.name}`);
  try {
    const api = await startLocalApi({
      env: environment,
      families: PLUGINS,
      manifest: readManifest(buildDir),
      buildDir,
      projectRoot: PROJECT_ROOT,
      sources: readAllLayerSources(PLUGINS, PROJECT_ROOT),
      host: options.host,
      port: options.port,
      skipChecks,
      log: (line) => report.line(line),
    });
    step.done(api.url);
    return api;
  } catch (error) {
    step.fail((error as Error).message.split('\n')[0]);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw portInUse(options.port);
    throw error;
  }
}

import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { artifactsForEnvironment, deploymentOf } from './builder/artifact-check';
import { assertDeployable } from './rules';
import { readAllLayerSources } from './builder/layer-folders';
import { readManifest } from './artifacts/manifest';
import { gatherConfigSources } from './config/config-sources';
import { loadConfig } from './config/load-config';
import { loadBootstrapConfig } from './config/bootstrap-config';
import { BootstrapStack } from './stacks/bootstrap-stack';
import { currentCommit } from './project/git-commit';
import { deployOrigin } from './project/deploy-origin';
import { readPin } from './artifacts/rollback-pin';
import { buildDirOutsideProject, isUserError, outdirOutsideProject } from './project/errors';
import { PROJECT_ROOT, relativeInside, resolveBuildDir, stackFolder, synthOutdir } from './project/paths';
import { ApiStack } from './stacks/api-stack';
import { PLUGINS } from './family-plugins/registry';

/**
 * The cdktf app: one stack per environment, from the configuration and the build
 * manifest. Everything is read and checked before the App exists, because
 * creating it already writes the output folder.
 */
function synthesise(): void {
  const env = process.env;
  const sources = gatherConfigSources(PLUGINS, PROJECT_ROOT, env);
  const config = loadConfig(sources);
  const bootstrap = loadBootstrapConfig(sources, config);
  const buildDir = resolveBuildDir(undefined, env);
  const manifest = readManifest(buildDir);
  const layerSources = readAllLayerSources(PLUGINS, PROJECT_ROOT);
  const outdir = synthOutdir(env);
  if (!relativeInside(PROJECT_ROOT, outdir)) throw outdirOutsideProject(outdir);
  if (!relativeInside(PROJECT_ROOT, buildDir)) throw buildDirOutsideProject(buildDir);

  const stacks = config.environments.map((environment) => {
    const stackDir = stackFolder(environment.stackName, env);
    return {
      environment,
      artifacts: artifactsForEnvironment(PLUGINS, environment, manifest, layerSources, buildDir, PROJECT_ROOT),
      buildDirFromStack: path.relative(stackDir, buildDir).split(path.sep).join('/'),
      pin: readPin(buildDir, environment.stackName),
    };
  });
  const warnings = assertDeployable(stacks.map(({ environment, artifacts }) => deploymentOf(PLUGINS, environment, artifacts)));
  for (const warning of warnings) process.stderr.write(`warning: [${warning.rule}] ${warning.message}\n`);

  const commit = currentCommit(PROJECT_ROOT, env);
  const origin = deployOrigin(env, { user: safeUserName(), host: os.hostname() });
  const app = new App({ outdir });
  for (const { environment, artifacts, buildDirFromStack, pin } of stacks) {
    if (pin)
      process.stderr.write(
        `note: ${environment.stackName} is pinned to serial ${pin.serial} (${pin.scope}) by a rollback (${buildDir}/pins); the next deploy applies it.\n`,
      );
    new ApiStack(app, environment.stackName, {
      ...(commit ? { commit } : {}),
      origin,
      ...(pin ? { pin } : {}),
      env: environment,
      layers: artifacts.layers,
      bundle: artifacts.bundle,
      managedLayers: artifacts.managed,
      buildDirFromStack,
    });
  }
  if (bootstrap) {
    const stackDir = stackFolder('bootstrap', env);
    const localStatePath = `${path.relative(stackDir, PROJECT_ROOT).split(path.sep).join('/')}/bootstrap.tfstate`;
    new BootstrapStack(app, 'bootstrap', { config, bootstrap, localStatePath });
  } else {
    process.stderr.write(
      'note: the bootstrap stack is synthesised once GITHUB_REPOSITORY (owner/name) or the context "githubRepository" is set; see docs/security.md, "First-time setup".\n',
    );
  }
  app.synth();
}

/** The local user's name; os.userInfo() throws where the uid has no passwd entry (some containers). */
function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env['USER'] ?? '';
  }
}

try {
  synthesise();
} catch (error) {
  if (!isUserError(error)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = 1;
}

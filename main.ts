import * as path from 'node:path';
import { App } from 'cdktf';
import { artifactsForEnvironment, deploymentOf } from './builder/artifact-check';
import { assertDeployable } from './rules';
import { readAllLayerSources } from './builder/layer-sources';
import { readManifest } from './builder/manifest';
import { loadProjectConfig } from './config/config-sources';
import { buildDirOutsideProject, isUserError, outdirOutsideProject } from './project/errors';
import { PROJECT_ROOT, relativeInside, resolveBuildDir } from './project/paths';
import { ApiStack } from './stacks/api-stack';

/**
 * The cdktf app: one stack per environment, from the configuration and the build
 * manifest. Everything is read and checked before the App exists, because
 * creating it already writes the output folder.
 */
function synthesise(): void {
  const env = process.env;
  const config = loadProjectConfig(PROJECT_ROOT, env);
  const buildDir = resolveBuildDir(undefined, env);
  const manifest = readManifest(buildDir);
  const sources = readAllLayerSources(PROJECT_ROOT);
  const outdir = path.resolve(env['CDKTF_OUTDIR'] ?? 'cdktf.out');
  if (!relativeInside(PROJECT_ROOT, outdir)) throw outdirOutsideProject(outdir);
  if (!relativeInside(PROJECT_ROOT, buildDir)) throw buildDirOutsideProject(buildDir);

  const stacks = config.environments.map((environment) => {
    const stackDir = path.join(outdir, 'stacks', environment.stackName);
    return {
      environment,
      artifacts: artifactsForEnvironment(environment, manifest, sources, buildDir, PROJECT_ROOT),
      buildDirFromStack: path.relative(stackDir, buildDir).split(path.sep).join('/'),
    };
  });
  const warnings = assertDeployable(stacks.map(({ environment, artifacts }) => deploymentOf(environment, artifacts)));
  for (const warning of warnings) process.stderr.write(`warning: [${warning.rule}] ${warning.message}\n`);

  const app = new App({ outdir });
  for (const { environment, artifacts, buildDirFromStack } of stacks) {
    new ApiStack(app, environment.stackName, {
      env: environment,
      layers: artifacts.layers,
      bundle: artifacts.bundle,
      managedLayers: artifacts.managed,
      buildDirFromStack,
    });
  }
  app.synth();
}

try {
  synthesise();
} catch (error) {
  if (!isUserError(error)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = 1;
}

/* eslint-disable @typescript-eslint/no-require-imports -- cdktf and the stacks load only when a synthesis runs, after the framework it chose is in place (frameworks/choose.cjs) */
import * as os from 'node:os';
import * as path from 'node:path';
import { readManifest } from '../artifacts/manifest';
import { readPin } from '../artifacts/rollback-pin';
import { BuiltEnvironment, deploymentsOf } from '../builder/artifact-check';
import { loadBootstrapConfig } from '../config/bootstrap-config';
import { deployOrigin } from '../project/deploy-origin';
import { buildDirOutsideProject, outdirOutsideProject } from '../project/errors';
import { currentCommit } from '../project/git-commit';
import { relativeInside } from '../project/paths';
import { Progress } from '../project/progress';
import { assertDeployable } from '../rules';
import { ProjectContext } from './context';
import { frameworkUnknown } from './errors';

/**
 * Node's flags for the cdktf app's own process (main.ts, what `cdktf synth` runs): the framework chosen by
 * CDK_FRAMEWORK (frameworks/select.cjs: cdktf, or CDK Terrain), and no DEP0044 warning (cdktf 0.21.0 calls
 * util.isArray, which says nothing to a user).
 */
export const CDKTF_APP_NODE_FLAGS = ['--disable-warning=DEP0044', '--require', './frameworks/select.cjs'] as const;

/** What a synthesis is made from: the build folder, and each environment's artifacts when the build has checked them already. */
export interface SynthInput {
  readonly buildDir: string;
  /**
   * Every environment's artifacts as the build that just ran checked them, against the sources and by the deployment
   * rules; when absent, the manifest in the build folder is read and checked here.
   */
  readonly built?: readonly BuiltEnvironment[];
  /**
   * The bootstrap stack only when cdktf.json names the repository, not because the machine is a GitHub runner or
   * Codespace (GITHUB_REPOSITORY): `npm start` serves locally and needs no GitHub settings.
   * @default false
   */
  readonly bootstrapFromContextOnly?: boolean;
  /** Notes and warnings for people (stderr). */
  readonly say: (line: string) => void;
}

/** Each environment's artifacts from the build folder, checked against the sources and by the deployment rules; warnings said. */
export function checkBuild(project: ProjectContext, buildDir: string, say: (line: string) => void): BuiltEnvironment[] {
  const { families } = project;
  const manifest = readManifest(buildDir);
  const built = project.config().environments.map((environment) => ({
    environment,
    artifacts: project.builtArtifacts(environment, buildDir, { manifest }),
  }));
  const warnings = assertDeployable(built.flatMap(({ environment, artifacts }) => deploymentsOf(families, environment, artifacts)));
  for (const warning of warnings) say(`warning: [${warning.rule}] ${warning.message}`);
  return built;
}

/**
 * The cdktf app: one stack per environment, from the configuration and the build, and the bootstrap stack when the
 * repository is named. Everything is read and checked before the App exists, because creating it already writes the
 * output folder. Returns the stacks written, in the configuration's order.
 */
export function synthesiseApp(project: ProjectContext, input: SynthInput): string[] {
  const { env, root } = project;
  const { buildDir, say } = input;
  const config = project.config();
  const sources = project.configSources();
  const { GITHUB_REPOSITORY: _implicit, ...withoutImplicitRepository } = sources.env;
  const bootstrap = loadBootstrapConfig(input.bootstrapFromContextOnly ? { ...sources, env: withoutImplicitRepository } : sources, config);
  const outdir = project.outdir();
  if (!relativeInside(root, outdir)) throw outdirOutsideProject(outdir);
  if (!relativeInside(root, buildDir)) throw buildDirOutsideProject(buildDir);
  const built = input.built ?? checkBuild(project, buildDir, say);
  const stacks = built.map(({ environment, artifacts }) => ({
    environment,
    artifacts,
    buildDirFromStack: path.relative(project.stackFolder(environment.stackName), buildDir).split(path.sep).join('/'),
    pin: readPin(buildDir, environment.stackName),
  }));

  const problem = (require(path.join(root, 'frameworks', 'choose.cjs')) as { chooseFramework(name?: string): string | undefined }).chooseFramework(
    env['CDK_FRAMEWORK'],
  );
  if (problem) throw frameworkUnknown(problem);
  const { App } = require('cdktf') as typeof import('cdktf');
  const { ApiStack } = require('../stacks/api-stack') as typeof import('../stacks/api-stack');
  const { BootstrapStack } = require('../stacks/bootstrap-stack') as typeof import('../stacks/bootstrap-stack');

  const commit = currentCommit(root, env);
  const origin = deployOrigin(env, { user: safeUserName(env), host: os.hostname() });
  const app = new App({ outdir });
  for (const { environment, artifacts, buildDirFromStack, pin } of stacks) {
    if (pin) {
      say(
        `note: ${environment.stackName} is pinned to serial ${pin.serial} (${pin.scope} of ${Object.keys(pin.functions).join(', ')}) by a rollback (${buildDir}/pins); the next deploy applies it.`,
      );
    }
    new ApiStack(app, environment.stackName, {
      ...(commit ? { commit } : {}),
      origin,
      ...(pin ? { pin } : {}),
      env: environment,
      families: project.families,
      layers: artifacts.layers,
      bundle: artifacts.bundle,
      managedLayers: artifacts.managed,
      functions: artifacts.functions,
      buildDirFromStack,
    });
  }
  if (bootstrap) {
    const localStatePath = `${path.relative(project.stackFolder('bootstrap'), root).split(path.sep).join('/')}/bootstrap.tfstate`;
    new BootstrapStack(app, 'bootstrap', { config, bootstrap, localStatePath });
  } else {
    say(
      'note: the bootstrap stack is synthesised once GITHUB_REPOSITORY (owner/name) or the context "githubRepository" is set; see docs/security.md, "First-time setup".',
    );
  }
  app.synth();
  return [...stacks.map(({ environment }) => environment.stackName), ...(bootstrap ? ['bootstrap'] : [])];
}

/** The local user's name; os.userInfo() throws where the uid has no passwd entry (some containers). */
function safeUserName(env: NodeJS.ProcessEnv): string {
  try {
    return os.userInfo().username;
  } catch {
    return env['USER'] ?? '';
  }
}

/**
 * Synthesises every stack in this process, as a step of the command that asked (synth, start, deploy, plan, promote):
 * from the environments the build just checked, or from the build folder. Returns the stacks written.
 */
export function synthesiseStacks(project: ProjectContext, input: Omit<SynthInput, 'say'>, progress: Progress): string[] {
  const config = project.config();
  const step = progress.step(`synthesise ${config.environments.length} environment(s)`);
  const started = Date.now();
  try {
    const stacks = synthesiseApp(project, { ...input, say: (line) => progress.info(line) });
    step.done(`${stacks.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)}s -> ${path.relative(project.root, project.outdir())}/stacks/`);
    return stacks;
  } catch (error) {
    step.fail((error as Error).message.split('\n')[0]);
    throw error;
  }
}

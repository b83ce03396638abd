import { EnvironmentArtifacts, artifactsForEnvironment } from '../builder/artifact-check';
import { readAllLayerSources } from '../builder/layer-folders';
import { LayerSource } from '../builder/layer-sources';
import { ConfigSources, loadConfig } from '../config/load-config';
import { gatherConfigSources } from '../config/config-sources';
import { EnvironmentConfig, ProjectConfig } from '../config/environments';
import { BuildManifest, readManifest } from '../artifacts/manifest';
import { PluginProject, PluginRegistry } from '../family-plugins/plugin';
import { ReadSourceOptions } from '../builder/family-builders';
import { resolveBuildDir, stackFolder, synthOutdir } from '../project/paths';

/**
 * One project as a run sees it: its folder, the variables it runs under, the runtime families it builds and runs,
 * and what is read from them, each read once. The entry points (the CLI, the synth app) make one and hand it down;
 * nothing below them finds the project's folder or assembles the families itself.
 */
export interface ProjectContext extends PluginProject {
  /** The project's folder: cdktf.json, layers/, handlers/. */
  readonly root: string;
  /**
   * Where this tool's own files are: its Python toolchain and that toolchain's lock, the local runtime clients, the
   * CDK framework switch. The project's folder, when the tool and the project are one repository, as here.
   */
  readonly home: string;
  /** The variables the run sees (settings, credentials, index settings). */
  readonly env: NodeJS.ProcessEnv;
  /** Every runtime family this project builds and runs, as plug-ins. */
  readonly families: PluginRegistry;
  /** What the configuration is read from: the cdktf context, the variables, the families, the layer folders; read once. */
  configSources(): ConfigSources;
  /** The configuration, read and checked once, on first use. */
  config(): ProjectConfig;
  /** The layer folders' sources, read once, on first use. */
  layerSources(): readonly LayerSource[];
  /** The layer folders' sources read again with other options (a relock reads locks that cannot be read). */
  readLayerSources(options: ReadSourceOptions): readonly LayerSource[];
  /**
   * An environment's artifacts in a build folder, checked against today's sources: changed sources stop it, and so does
   * a tree edited after the build, unless onDrift is given to say it and go on. The folder's manifest is read unless given.
   */
  builtArtifacts(environment: EnvironmentConfig, buildDir: string, options?: BuiltArtifactsOptions): EnvironmentArtifacts;
  /** The build folder: the option, else BUILD_DIR, else .build. */
  buildDir(option?: string): string;
  /** Where synth writes: CDKTF_OUTDIR, else cdktf.out. */
  outdir(): string;
  /** A synthesised stack's folder. */
  stackFolder(stack: string): string;
  /** The same project under other variables: what is read from them is read again. */
  withEnv(env: NodeJS.ProcessEnv): ProjectContext;
}

export interface BuiltArtifactsOptions {
  /** Say a tree edited after the build and go on, instead of stopping. */
  readonly onDrift?: (message: string) => void;
  /** The build folder's manifest, when the caller has read it already. */
  readonly manifest?: BuildManifest;
}

/** Remembers the first answer. */
function once<T>(read: () => T): () => T {
  let value: { readonly is: T } | undefined;
  return () => (value ??= { is: read() }).is;
}

export function projectContext(root: string, env: NodeJS.ProcessEnv, families: PluginRegistry, home = root): ProjectContext {
  const configSources = once(() => gatherConfigSources(families, root, env));
  const layerSources = once(() => readAllLayerSources(families, root));
  return {
    root,
    home,
    env,
    families,
    configSources,
    config: once(() => loadConfig(configSources())),
    layerSources,
    readLayerSources: (options) => readAllLayerSources(families, root, options),
    builtArtifacts: (environment, buildDir, options = {}) =>
      artifactsForEnvironment(families, environment, options.manifest ?? readManifest(buildDir), layerSources(), buildDir, root, options.onDrift),
    buildDir: (option) => resolveBuildDir(root, option, env),
    outdir: () => synthOutdir(root, env),
    stackFolder: (stack) => stackFolder(root, stack, env),
    withEnv: (other) => projectContext(root, other, families, home),
  };
}

import { createHash } from 'node:crypto';
import {
  Architecture,
  DEFAULT_RUNTIME,
  ENVIRONMENT_DEFAULTS,
  EnvironmentConfig,
  ProjectConfig,
  PythonRuntime,
  Runtime,
  pythonVersionOf,
  runtimeFamilyOf,
} from '../config/environments';
import { managedLayersOf } from '../config/managed-layers';
import { LayerSource, findSource } from './layer-sources';
import { LayerKind, layerId } from '../artifacts/manifest';

/** Bumped when the builder changes what it writes, so old trees are rebuilt. */
export const BUILDER_VERSION = 4;

export interface LayerTarget {
  readonly id: string;
  readonly layer: string;
  readonly kind: LayerKind;
  readonly architecture: Architecture;
  /** Python layers: the runtime's Python version, e.g. "3.12". */
  readonly pythonVersion?: string;
}

export interface BundleTarget {
  readonly id: string;
  readonly function: string;
  readonly kind: LayerKind;
  readonly runtime: Runtime;
  /** Source entry (Node.js file, or Python package folder), relative to the project root. */
  readonly entry: string;
  readonly handler: string;
  /** Node.js: packages the environment's layers (and managed layers) provide, sorted; left out of the bundle. */
  readonly externals: readonly string[];
}

export interface BuildPlan {
  readonly layers: readonly LayerTarget[];
  readonly bundles: readonly BundleTarget[];
}

/** The API function in each language: where its code is and how Lambda calls it. */
export const API_FUNCTIONS = {
  nodejs: { name: 'api', entry: 'handlers/api/index.ts', handler: 'index.handler' },
  python: { name: 'api', entry: 'handlers/python_api', handler: 'main.handler' },
} as const;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function layerTargetFor(source: Pick<LayerSource, 'name' | 'kind'>, architecture: Architecture, runtime: Runtime): LayerTarget {
  const pythonVersion = source.kind === 'python' ? pythonVersionOf(runtime as PythonRuntime) : undefined;
  return {
    id: layerId(source.name, source.kind, architecture, pythonVersion),
    layer: source.name,
    kind: source.kind,
    architecture,
    ...(pythonVersion ? { pythonVersion } : {}),
  };
}

/** The layer builds an environment attaches, in its configured order. */
export function layerTargetsOf(env: EnvironmentConfig, sources: readonly LayerSource[]): LayerTarget[] {
  const kind = runtimeFamilyOf(env.runtime);
  return env.layers.map((name) => layerTargetFor(findSource(sources, name, kind), env.architecture, env.runtime));
}

/** The bundle an environment deploys: for Node.js one per runtime and set of packages left to layers. */
export function bundleTargetOf(env: EnvironmentConfig, sources: readonly LayerSource[]): BundleTarget {
  const kind = runtimeFamilyOf(env.runtime);
  const fn = API_FUNCTIONS[kind];
  if (kind === 'python') {
    return { id: `${fn.name}/${env.runtime}`, function: fn.name, kind, runtime: env.runtime, entry: fn.entry, handler: fn.handler, externals: [] };
  }
  const fromLayers = env.layers.flatMap((name) => findSource(sources, name, kind).provides);
  const fromManaged = managedLayersOf(env).flatMap((layer) => layer.externalPackages);
  const externals = [...new Set([...fromLayers, ...fromManaged])].sort();
  return {
    id: `${fn.name}/${env.runtime}-${sha256(externals.join('\n')).slice(0, 8)}`,
    function: fn.name,
    kind,
    runtime: env.runtime,
    entry: fn.entry,
    handler: fn.handler,
    externals,
  };
}

export interface PlanOptions {
  /** Only what environments use; skips the layer folders no environment attaches. */
  readonly onlyUsed?: boolean;
}

/**
 * Everything `npm run build` produces: each layer every environment uses (per
 * architecture and Python version), every other layer source for its family's
 * default runtime and the default architecture, so a new layer can be tried
 * before it is wired in, and one bundle per distinct bundle target.
 */
export function planBuild(config: ProjectConfig, sources: readonly LayerSource[], options: PlanOptions = {}): BuildPlan & { unused: readonly string[] } {
  const layers = new Map<string, LayerTarget>();
  const bundles = new Map<string, BundleTarget>();
  for (const env of config.environments) {
    for (const target of layerTargetsOf(env, sources)) layers.set(target.id, target);
    const bundle = bundleTargetOf(env, sources);
    bundles.set(bundle.id, bundle);
  }
  const unused: string[] = [];
  for (const source of sources) {
    if ([...layers.values()].some((target) => target.layer === source.name && target.kind === source.kind)) continue;
    const target = layerTargetFor(source, ENVIRONMENT_DEFAULTS.architecture, DEFAULT_RUNTIME[source.kind]);
    unused.push(target.id);
    if (!options.onlyUsed) layers.set(target.id, target);
  }
  const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { layers: [...layers.values()].sort(byId), bundles: [...bundles.values()].sort(byId), unused: unused.sort() };
}

export interface LayerInputs {
  readonly kind: LayerKind;
  readonly architecture: Architecture;
  readonly pythonVersion?: string;
  readonly files: ReadonlyMap<string, Buffer>;
  /** Package manager name and version: another npm or pip may lay out another tree. */
  readonly tool: { readonly name: string; readonly version: string };
}

/** Hash of everything a layer build reads; equal hashes let the build reuse the tree. Takes a target or an artifact with the files. */
export function inputHashOf(inputs: LayerInputs): string {
  const files = [...inputs.files.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, bytes]) => [name, createHash('sha256').update(bytes).digest('hex')]);
  return sha256(
    JSON.stringify({
      builder: BUILDER_VERSION,
      kind: inputs.kind,
      platform: 'linux',
      architecture: inputs.architecture,
      pythonVersion: inputs.pythonVersion ?? null,
      tool: inputs.tool,
      files,
    }),
  );
}

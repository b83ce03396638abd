import { createHash } from 'node:crypto';
import { Architecture, ENVIRONMENT_DEFAULTS, EnvironmentConfig, NodeRuntime, ProjectConfig } from '../config/environments';
import { LayerSource } from './layer-sources';
import { LayerKind, layerId } from './manifest';

/** Bumped when the builder changes what it writes, so old trees are rebuilt. */
export const BUILDER_VERSION = 1;

export interface LayerTarget {
  readonly id: string;
  readonly layer: string;
  readonly kind: LayerKind;
  readonly architecture: Architecture;
}

export interface BundleTarget {
  readonly id: string;
  readonly function: string;
  readonly runtime: NodeRuntime;
  /** Source entry, relative to the project root. */
  readonly entry: string;
  /** Packages the environment's layers provide, sorted; left out of the bundle. */
  readonly externals: readonly string[];
}

export interface BuildPlan {
  readonly layers: readonly LayerTarget[];
  readonly bundles: readonly BundleTarget[];
}

export const API_FUNCTION = { name: 'api', entry: 'handlers/api/index.ts', handler: 'index.handler' } as const;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function layerTargetFor(source: Pick<LayerSource, 'name' | 'kind'>, architecture: Architecture): LayerTarget {
  return { id: layerId(source.name, source.kind, architecture), layer: source.name, kind: source.kind, architecture };
}

function sourceNamed(sources: readonly LayerSource[], name: string): LayerSource {
  const source = sources.find((candidate) => candidate.name === name);
  if (!source) throw new Error(`layer source ${name} was not read; loadConfig should have rejected it`);
  return source;
}

/** The layer builds an environment attaches, in its configured order. */
export function layerTargetsOf(env: EnvironmentConfig, sources: readonly LayerSource[]): LayerTarget[] {
  return env.layers.map((name) => layerTargetFor(sourceNamed(sources, name), env.architecture));
}

/** The bundle an environment deploys: one per runtime and set of layer-provided packages. */
export function bundleTargetOf(env: EnvironmentConfig, sources: readonly LayerSource[]): BundleTarget {
  const externals = [...new Set(env.layers.flatMap((name) => sourceNamed(sources, name).provides))].sort();
  const key = sha256(externals.join('\n')).slice(0, 8);
  return {
    id: `${API_FUNCTION.name}/${env.runtime}-${key}`,
    function: API_FUNCTION.name,
    runtime: env.runtime,
    entry: API_FUNCTION.entry,
    externals,
  };
}

/**
 * Everything `npm run build` produces: each layer every environment uses (once per
 * architecture), every other layer folder for the default architecture so a new
 * layer can be tried before it is wired in, and one bundle per distinct bundle target.
 */
export function planBuild(config: ProjectConfig, sources: readonly LayerSource[]): BuildPlan {
  const layers = new Map<string, LayerTarget>();
  const bundles = new Map<string, BundleTarget>();
  for (const env of config.environments) {
    for (const target of layerTargetsOf(env, sources)) layers.set(target.id, target);
    const bundle = bundleTargetOf(env, sources);
    bundles.set(bundle.id, bundle);
  }
  for (const source of sources) {
    if (![...layers.values()].some((target) => target.layer === source.name)) {
      const target = layerTargetFor(source, ENVIRONMENT_DEFAULTS.architecture);
      layers.set(target.id, target);
    }
  }
  const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { layers: [...layers.values()].sort(byId), bundles: [...bundles.values()].sort(byId) };
}

export interface LayerInputs {
  readonly kind: LayerKind;
  readonly architecture: Architecture;
  readonly files: ReadonlyMap<string, Buffer>;
  /** Package manager name and version: a different npm may lay out a different tree. */
  readonly tool: { readonly name: string; readonly version: string };
}

/** Hash of everything a layer build reads; equal hashes let the build reuse the tree. */
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
      tool: inputs.tool,
      files,
    }),
  );
}

import { createHash } from 'node:crypto';
import { Architecture, ENVIRONMENT_DEFAULTS, EnvironmentConfig, ProjectConfig, Runtime, environmentOf } from '../config/environments';
import { managedLayersOf } from '../config/managed-layers';
import { FamilyDefinition } from '../families/family';
import { FamilyId, FamilyRegistry } from '../families/registry';
import { LayerSource, findSource } from './layer-sources';
import { layerId } from '../artifacts/manifest';
import { API_FUNCTION, FunctionConfig } from '../config/functions';

/**
 * Bumped when the builder changes what it writes, so old trees are rebuilt: it is part of every input hash, so a
 * record written before does not match. 6: a layer's record names its family `family` (it was `kind`).
 */
export const BUILDER_VERSION = 6;

export interface LayerTarget {
  readonly id: string;
  readonly layer: string;
  readonly family: FamilyId;
  readonly architecture: Architecture;
  /** What it is built for within its family (FamilyDefinition.layerVariantOf): "python3.12", or "nodejs" for every Node.js runtime. */
  readonly variant: string;
}

export interface BundleTarget {
  readonly id: string;
  readonly function: string;
  readonly family: FamilyId;
  readonly runtime: Runtime;
  /** Source entry (Node.js file, or Python package folder), relative to the project root. */
  readonly entry: string;
  readonly handler: string;
  /** What the function is built with, for its description: "FastAPI", "Node.js". */
  readonly framework: string;
  /** For a family that bundles: the packages the environment's layers (and managed layers) provide, sorted, left out of the bundle; else empty. */
  readonly externals: readonly string[];
}

export interface BuildPlan {
  readonly layers: readonly LayerTarget[];
  readonly bundles: readonly BundleTarget[];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The build of a layer source for a runtime of its family and an architecture. */
export function layerTargetFor(
  family: FamilyDefinition,
  source: Pick<LayerSource, 'name' | 'family'>,
  architecture: Architecture,
  runtime: string,
): LayerTarget {
  const variant = family.layerVariantOf(runtime);
  return { id: layerId(source.name, variant, architecture), layer: source.name, family: source.family, architecture, variant };
}

/** The environment's API function: the first of its functions, configured by the environment's own settings. */
export function apiFunctionOf(env: Pick<EnvironmentConfig, 'functions' | 'name'>): FunctionConfig {
  const api = env.functions[0];
  if (api?.name !== API_FUNCTION) throw new Error(`environment ${env.name} has no API function first: a configuration not made by loadConfig`);
  return api;
}

/**
 * The layer folders a function may attach: its own list, or for "auto" the environment's layers (a function of the
 * API's family) or its strategy's layers for the function's family; the build then chooses among them by its imports.
 */
export function layerCandidatesOf(families: FamilyRegistry, env: EnvironmentConfig, fn: FunctionConfig): readonly string[] {
  if (fn.layers !== 'auto') return fn.layers;
  return fn.family === env.function ? env.layers : families.byId(fn.family).strategyLayers[env.layerStrategy];
}

/** The layer builds a function may attach (its candidates), in order. */
export function functionLayerTargets(families: FamilyRegistry, env: EnvironmentConfig, fn: FunctionConfig, sources: readonly LayerSource[]): LayerTarget[] {
  const family = families.byId(fn.family);
  return layerCandidatesOf(families, env, fn).map((name) => layerTargetFor(family, findSource(sources, name, family.id), env.architecture, fn.runtime));
}

/** The layer builds the environment's API attaches, in its configured order. */
export function layerTargetsOf(families: FamilyRegistry, env: EnvironmentConfig, sources: readonly LayerSource[]): LayerTarget[] {
  return functionLayerTargets(families, env, apiFunctionOf(env), sources);
}

/**
 * The bundle a function of an environment deploys (the API's unless named): one per function, runtime and set of
 * packages left to layers (a family that bundles leaves out what its candidate layers provide; one that does not, as
 * Python, leaves out nothing).
 */
export function bundleTargetOf(
  families: FamilyRegistry,
  env: EnvironmentConfig,
  sources: readonly LayerSource[],
  fn: FunctionConfig = apiFunctionOf(env),
): BundleTarget {
  const family = families.byId(fn.family);
  const name = fn.name;
  const framework = name === API_FUNCTION ? family.apiFunction.framework : family.name;
  const target = { function: name, family: family.id, runtime: fn.runtime, entry: fn.source, handler: fn.handler, framework };
  if (!family.bundlesFunction) return { id: `${name}/${fn.runtime}`, ...target, externals: [] };
  const fromLayers = layerCandidatesOf(families, env, fn).flatMap((layer) => findSource(sources, layer, family.id).provides);
  const fromManaged = managedLayersOf(family, environmentOf(env, fn)).flatMap((layer) => layer.externalPackages);
  const externals = [...new Set([...fromLayers, ...fromManaged])].sort();
  return { id: `${name}/${fn.runtime}-${sha256(externals.join('\n')).slice(0, 8)}`, ...target, externals };
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
export function planBuild(
  families: FamilyRegistry,
  config: ProjectConfig,
  sources: readonly LayerSource[],
  options: PlanOptions = {},
): BuildPlan & { unused: readonly string[] } {
  const layers = new Map<string, LayerTarget>();
  const bundles = new Map<string, BundleTarget>();
  for (const env of config.environments) {
    for (const fn of env.functions) {
      for (const target of functionLayerTargets(families, env, fn, sources)) layers.set(target.id, target);
      const bundle = bundleTargetOf(families, env, sources, fn);
      bundles.set(bundle.id, bundle);
    }
  }
  const unused: string[] = [];
  for (const source of sources) {
    if ([...layers.values()].some((target) => target.layer === source.name && target.family === source.family)) continue;
    const family = families.byId(source.family);
    const target = layerTargetFor(family, source, ENVIRONMENT_DEFAULTS.architecture, family.defaultRuntime);
    unused.push(target.id);
    if (!options.onlyUsed) layers.set(target.id, target);
  }
  const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { layers: [...layers.values()].sort(byId), bundles: [...bundles.values()].sort(byId), unused: unused.sort() };
}

export interface LayerInputs {
  readonly family: FamilyId;
  readonly architecture: Architecture;
  readonly variant: string;
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
      family: inputs.family,
      platform: 'linux',
      architecture: inputs.architecture,
      variant: inputs.variant,
      tool: inputs.tool,
      files,
    }),
  );
}

import * as path from 'node:path';
import { EnvironmentConfig, environmentOf } from '../config/environments';
import { builtTreeModified, bundleSourcesChanged, layerSourceChanged } from './errors';
import { LayerTarget, bundleTargetOf, functionLayerTargets, inputHashOf } from './build-plan';
import { LayerChoice, chooseLayers } from './layer-choice';
import { API_FUNCTION, FunctionConfig } from '../config/functions';
import { LAMBDA_LIMITS } from '../config/lambda-limits';
import { importableNames, unprovidedImports } from '../rules/import-coverage';
import { LayerSource, findSource } from './layer-sources';
import { BuildFamilies } from './family-builders';
import { FamilyRegistry } from '../families/registry';
import { ManagedLayer, managedLayersOf } from '../config/managed-layers';
import { FunctionDeployment } from '../rules/deployment';
import { BuildManifest, BundleArtifact, LayerArtifact, findBundle, findLayer } from '../artifacts/manifest';
import { Fingerprints, freshFingerprints, treeDrift } from './tree';

/** What one function deploys: its bundle, the layers it attaches in order, the managed layers AWS publishes. */
export interface FunctionArtifacts {
  readonly function: FunctionConfig;
  readonly layers: readonly LayerArtifact[];
  readonly bundle: BundleArtifact;
  /** Layers AWS publishes that the function attaches by ARN. */
  readonly managed: readonly ManagedLayer[];
  /** For a function whose layers the build chose ("auto"): the candidates, in order, what it chose and what none provides. */
  readonly choice?: LayerChoice & { readonly candidates: readonly string[] };
}

/** What an environment deploys: the API's artifacts (as before functions), and every function's, the API first. */
export interface EnvironmentArtifacts {
  readonly layers: readonly LayerArtifact[];
  readonly bundle: BundleArtifact;
  /** Layers AWS publishes that the API attaches by ARN. */
  readonly managed: readonly ManagedLayer[];
  readonly functions: readonly FunctionArtifacts[];
}

/** An environment's artifacts, checked against the sources (and, where it says so, by the deployment rules). */
export interface BuiltEnvironment {
  readonly environment: EnvironmentConfig;
  readonly artifacts: EnvironmentArtifacts;
}

/** Which bundled source files differ from what the bundle was built from. */
export function changedSources(recorded: Readonly<Record<string, string>>, current: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(recorded).filter((file) => recorded[file] !== current[file]);
}

/**
 * The built artifacts an environment deploys, for each of its functions, checked against what is on disk now:
 * a layer whose package files changed, a tree edited after the build, or a handler source changed since bundling
 * stops synth with the command that fixes it. A function whose layers are left to the build ("auto") gets the fewest
 * of its candidates that provide its imports (builder/layer-choice.ts); each layer and bundle is checked once.
 */
export function artifactsForEnvironment(
  families: BuildFamilies,
  env: EnvironmentConfig,
  manifest: BuildManifest,
  sources: readonly LayerSource[],
  buildDir: string,
  projectRoot: string,
  /** What to do when a built tree changed after the build: stop (synth), or report and go on (the local run). */
  onDrift: 'error' | ((message: string) => void) = 'error',
  /** How trees are looked at: the build passes the looks it already took (default: afresh). */
  fingerprints: Fingerprints = freshFingerprints,
): EnvironmentArtifacts {
  const drifted = (error: Error): void => {
    if (onDrift === 'error') throw error;
    onDrift(error.message);
  };
  const checkedLayers = new Map<string, LayerArtifact>();
  const layerOf = (target: LayerTarget): LayerArtifact => {
    const known = checkedLayers.get(target.id);
    if (known) return known;
    const artifact = findLayer(manifest, target.id, buildDir);
    const source = findSource(sources, target.layer, target.family);
    // The same hash the build computed, from today's files and the package manager the build used.
    const current = inputHashOf({ ...artifact, files: families.byId(target.family).inputFiles(source, target) });
    if (current !== artifact.inputHash) {
      throw layerSourceChanged(target.layer, `files in layers/${target.layer} differ from the ones built`);
    }
    const drift = treeDrift(artifact, fingerprints.of(path.join(buildDir, artifact.treeDir)));
    if (drift) drifted(builtTreeModified(`layer ${artifact.id}`, drift));
    checkedLayers.set(target.id, artifact);
    return artifact;
  };
  const checkedBundles = new Map<string, BundleArtifact>();
  const bundleOf = (id: string): BundleArtifact => {
    const known = checkedBundles.get(id);
    if (known) return known;
    const bundle = findBundle(manifest, id, buildDir);
    const current: Record<string, string | undefined> = {};
    for (const file of Object.keys(bundle.sources)) current[file] = fingerprints.fileHash(path.join(projectRoot, file));
    const changed = changedSources(bundle.sources, current);
    if (changed.length > 0) {
      throw bundleSourcesChanged(bundle.id, changed);
    }
    const drift = treeDrift(bundle, fingerprints.of(path.join(buildDir, bundle.dir)));
    if (drift) drifted(builtTreeModified(`bundle ${bundle.id}`, drift));
    checkedBundles.set(id, bundle);
    return bundle;
  };
  const functions = env.functions.map((fn): FunctionArtifacts => {
    const family = families.byId(fn.family);
    const candidates = functionLayerTargets(families, env, fn, sources).map(layerOf);
    const bundle = bundleOf(bundleTargetOf(families, env, sources, fn).id);
    const managed = managedLayersOf(family, environmentOf(env, fn));
    if (fn.layers !== 'auto') return { function: fn, layers: candidates, bundle, managed };
    const needed = unprovidedImports({ env: environmentOf(env, fn), family, families, layers: [], managed, bundle });
    const choice = chooseLayers(
      needed,
      candidates.map((layer) => ({ name: layer.name, provides: new Set(importableNames(family, layer)) })),
      LAMBDA_LIMITS.layersPerFunction - managed.length,
    );
    const layers = candidates.filter((layer) => choice.layers.includes(layer.name));
    return { function: fn, layers, bundle, managed, choice: { ...choice, candidates: candidates.map((layer) => layer.name) } };
  });
  const api = functions[0];
  return { layers: api.layers, bundle: api.bundle, managed: api.managed, functions };
}

/** The deployment the rules check for an environment's API, with its runtime's family from the registry handed down. */
export function deploymentOf(families: FamilyRegistry, env: EnvironmentConfig, artifacts: EnvironmentArtifacts): FunctionDeployment {
  return { env, family: families.ofRuntime(env.runtime), families, layers: artifacts.layers, managed: artifacts.managed, bundle: artifacts.bundle };
}

/**
 * The deployments the rules check for every function of an environment, the API first. A function besides the API is
 * checked in the environment as it runs there (its runtime, memory, timeout), and the rules' messages name it.
 */
export function deploymentsOf(families: FamilyRegistry, env: EnvironmentConfig, artifacts: EnvironmentArtifacts): FunctionDeployment[] {
  return artifacts.functions.map(({ function: fn, layers, managed, bundle }) => {
    if (fn.name === API_FUNCTION) return deploymentOf(families, env, artifacts);
    const own = { ...environmentOf(env, fn), stackName: `${env.stackName} (function ${fn.name})` };
    return { env: own, family: families.byId(fn.family), families, layers, managed, bundle };
  });
}

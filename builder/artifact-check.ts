import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { EnvironmentConfig } from '../config/environments';
import { builtTreeModified, bundleSourcesChanged, layerSourceChanged } from './errors';
import { bundleTargetOf, inputHashOf, layerTargetsOf } from './build-plan';
import { LayerSource, findSource } from './layer-sources';
import { BuildFamilies } from './family-builders';
import { FamilyRegistry } from '../families/registry';
import { ManagedLayer, managedLayersOf } from '../config/managed-layers';
import { FunctionDeployment } from '../rules/deployment';
import { BuildManifest, BundleArtifact, LayerArtifact, findBundle, findLayer } from '../artifacts/manifest';
import { Fingerprints, freshFingerprints, treeDrift } from './tree';

export interface EnvironmentArtifacts {
  readonly layers: readonly LayerArtifact[];
  readonly bundle: BundleArtifact;
  /** Layers AWS publishes that the environment attaches by ARN. */
  readonly managed: readonly ManagedLayer[];
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
 * The built artifacts an environment deploys, checked against what is on disk now:
 * a layer whose package files changed, a tree edited after the build, or a handler
 * source changed since bundling stops synth with the command that fixes it.
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
  const family = families.ofRuntime(env.runtime);
  const layers = layerTargetsOf(families, env, sources).map((target) => {
    const artifact = findLayer(manifest, target.id, buildDir);
    const source = findSource(sources, target.layer, target.family);
    // The same hash the build computed, from today's files and the package manager the build used.
    const current = inputHashOf({ ...artifact, files: family.inputFiles(source, target) });
    if (current !== artifact.inputHash) {
      throw layerSourceChanged(target.layer, `files in layers/${target.layer} differ from the ones built`);
    }
    const drift = treeDrift(artifact, fingerprints.of(path.join(buildDir, artifact.treeDir)));
    if (drift) drifted(builtTreeModified(`layer ${artifact.id}`, drift));
    return artifact;
  });
  const bundle = findBundle(manifest, bundleTargetOf(families, env, sources).id, buildDir);
  const current: Record<string, string | undefined> = {};
  for (const file of Object.keys(bundle.sources)) {
    const full = path.join(projectRoot, file);
    current[file] = fs.existsSync(full) ? createHash('sha256').update(fs.readFileSync(full)).digest('hex') : undefined;
  }
  const changed = changedSources(bundle.sources, current);
  if (changed.length > 0) {
    throw bundleSourcesChanged(bundle.id, changed);
  }
  const drift = treeDrift(bundle, fingerprints.of(path.join(buildDir, bundle.dir)));
  if (drift) drifted(builtTreeModified(`bundle ${bundle.id}`, drift));
  return { layers, bundle, managed: managedLayersOf(family, env) };
}

/** The deployment the rules check, for one environment, with its runtime's family from the registry handed down. */
export function deploymentOf(families: FamilyRegistry, env: EnvironmentConfig, artifacts: EnvironmentArtifacts): FunctionDeployment {
  return { env, family: families.ofRuntime(env.runtime), families, layers: artifacts.layers, managed: artifacts.managed, bundle: artifacts.bundle };
}

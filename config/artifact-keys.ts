/**
 * Where an environment's objects live in the artifact bucket: layer zips and their stored manifests under
 * `layers/<project>/<env>/`, function bundles under `functions/<project>/<env>/`. The stacks upload there,
 * the review reads there, and each environment's deploy role may write there and nowhere else, so the
 * three read these names from one place.
 */

export function layerArtifactPrefix(project: string, environment: string): string {
  return `layers/${project}/${environment}/`;
}

export function functionArtifactPrefix(project: string, environment: string): string {
  return `functions/${project}/${environment}/`;
}

/** Every prefix an environment's deploy writes under. */
export function artifactPrefixes(project: string, environment: string): string[] {
  return [layerArtifactPrefix(project, environment), functionArtifactPrefix(project, environment)];
}

export function layerZipKey(project: string, environment: string, layer: string): string {
  return `${layerArtifactPrefix(project, environment)}${layer}.zip`;
}

export function functionZipKey(project: string, environment: string, fn: string): string {
  return `${functionArtifactPrefix(project, environment)}${fn}.zip`;
}

/** A layer's manifest, stored by each deploy under the layer's content hash (its first 16 hex characters). */
export function layerManifestKey(project: string, environment: string, contentHash: string): string {
  return `${layerArtifactPrefix(project, environment)}manifests/${contentHash.slice(0, 16)}.json`;
}

/** A layer's CycloneDX SBOM, stored by each deploy beside its manifest. */
export function layerSbomKey(project: string, environment: string, contentHash: string): string {
  return `${layerArtifactPrefix(project, environment)}manifests/${contentHash.slice(0, 16)}.cdx.json`;
}

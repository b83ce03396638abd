import { FamilyRegistry } from '../families/registry';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LayerArtifact } from '../artifacts/manifest';
import { layerManifestKey, layerSbomKey } from '../config/artifact-keys';
import { layerSbom } from '../artifacts/sbom';
import { PROJECT_TOOL } from '../project/paths';
import { LayerContents, ReviewFamilies, contentsFromStored, storedManifestMismatch, storedManifestOf } from './layer-packages';

/**
 * The layer manifests each deploy stores in the artifact bucket, content-addressed
 * (`layers/<project>/<env>/manifests/<hash16>.json`), so a later review can say what
 * the deployed layer version held, package by package; beside each, the layer's CycloneDX
 * SBOM (`<hash16>.cdx.json`) for scanners. Thin: S3 calls only.
 */

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? 'Error';
}

/**
 * Stores the manifest and the SBOM of each layer under its content hash. They are written every time rather than checked
 * first: a deploy role that may list only its own prefixes gets 403, not 404, for a missing object, and
 * the same content under the same key changes nothing a reader sees.
 */
export async function storeLayerManifests(
  s3: S3Client,
  bucket: string,
  scope: { readonly project: string; readonly environment: string },
  layers: readonly LayerArtifact[],
  families: FamilyRegistry,
): Promise<string[]> {
  const keys: string[] = [];
  for (const layer of layers) {
    const key = layerManifestKey(scope.project, scope.environment, layer.contentHash);
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${JSON.stringify(storedManifestOf(layer), null, 2)}\n`, ContentType: 'application/json' }),
    );
    const sbomKey = layerSbomKey(scope.project, scope.environment, layer.contentHash);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: sbomKey,
        Body: layerSbom(families.byId(layer.family), layer, PROJECT_TOOL),
        ContentType: 'application/vnd.cyclonedx+json',
      }),
    );
    keys.push(key, sbomKey);
  }
  return keys;
}

/**
 * The stored manifests of the given content hashes. A hash with none stored (a first deploy, a layer
 * published before manifests were stored) is simply absent; any other failure is said, per hash.
 */
export async function fetchLayerManifests(
  s3: S3Client,
  bucket: string,
  scope: { readonly project: string; readonly environment: string },
  contentHashes: readonly string[],
  families: ReviewFamilies,
): Promise<{ found: Map<string, LayerContents>; problems: string[] }> {
  const found = new Map<string, LayerContents>();
  const problems: string[] = [];
  for (const hash of [...new Set(contentHashes.map((candidate) => candidate.slice(0, 16)))]) {
    const key = layerManifestKey(scope.project, scope.environment, hash);
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const contents = contentsFromStored(await object.Body!.transformToString('utf8'), families);
      // Content-addressed: one that names another content than its key is not shown as what either holds.
      if (contents && contents.contentHash.startsWith(hash)) found.set(hash, contents);
      else if (contents)
        problems.push(`s3://${bucket}/${key} says content ${contents.contentHash.slice(0, 16)}, not ${hash}: not shown as what the deployed layer holds`);
      else problems.push(`s3://${bucket}/${key} is not a stored layer manifest`);
    } catch (error) {
      const name = errorName(error);
      if (name === 'NoSuchKey' || name === 'NotFound') continue;
      const hint = name === 'AccessDenied' ? '; S3 also answers this for a missing object to a reader that may not list the bucket' : '';
      problems.push(`s3://${bucket}/${key} could not be read (${name}: ${(error as Error).message}${hint})`);
    }
  }
  return { found, problems };
}

/** A layer version whose stored manifest is wanted: its content hash, and its description on Lambda when it has one. */
export interface ManifestWanted {
  readonly contentHash: string;
  /** The version's description, which a stored manifest must agree with (storedManifestMismatch). */
  readonly description?: string;
  /** The version, for the message: its ARN. */
  readonly version: string;
}

/**
 * The stored manifests of an environment's layer versions, by content hash (16 characters). A manifest that disagrees
 * with a version's own description on Lambda is not used (it is read from a bucket; the description is Lambda's), and
 * said; without an artifact bucket there are none, and the problems say so.
 */
export async function environmentLayerManifests(
  s3: S3Client,
  environment: { readonly artifactBucket?: string; readonly project: string; readonly name: string },
  wanted: readonly ManifestWanted[],
  families: ReviewFamilies,
): Promise<{ found: Map<string, LayerContents>; problems: string[] }> {
  if (!environment.artifactBucket) {
    return {
      found: new Map(),
      problems: [
        'no artifact bucket is configured (ARTIFACT_BUCKET, or artifactBucket in cdktf.json), so no layer manifests are read: packages come from the layer descriptions',
      ],
    };
  }
  if (!wanted.length) return { found: new Map(), problems: [] };
  const scope = { project: environment.project, environment: environment.name };
  const fetched = await fetchLayerManifests(
    s3,
    environment.artifactBucket,
    scope,
    wanted.map((layer) => layer.contentHash),
    families,
  );
  for (const layer of wanted) {
    const hash = layer.contentHash.slice(0, 16);
    const stored = fetched.found.get(hash);
    const mismatch = stored && layer.description !== undefined ? storedManifestMismatch(stored, hash, layer.description, families) : undefined;
    if (stored && mismatch) {
      fetched.found.delete(hash);
      fetched.problems.push(
        `s3://${environment.artifactBucket}/${layerManifestKey(scope.project, scope.environment, hash)} is not used for ${layer.version}: ${mismatch}; its description is shown instead`,
      );
    }
  }
  return fetched;
}

import { DescribedLayer, parseLayerDescription, runtimeInDescription } from '../artifacts/layer-description';
import { LayerArtifact } from '../artifacts/manifest';
import { FamilyId, FamilyRegistry } from '../families/registry';

/** The runtime families the review knows, as the entry point handed them down: what a layer's family and a runtime's name are. */
export type ReviewFamilies = Pick<FamilyRegistry, 'find' | 'ofRuntimeName'>;

/**
 * What a layer version holds, in packages, and how two versions differ: the review's view
 * of a layer change. The new side comes from this build's manifest; the old side from the
 * manifest stored for the deployed content hash, else from the two versions' descriptions
 * (direct packages only, said to be partial). Pure.
 */

export interface LayerPackage {
  readonly name: string;
  readonly version: string;
  /** Named in the layer's requirements or package.json (not pulled in by another package). */
  readonly direct: boolean;
}

export interface LayerContents {
  /** The content hash (16 hex characters at least). */
  readonly contentHash: string;
  /** Whose packages, which decides how their versions order; absent only where no package is named. */
  readonly family?: FamilyId;
  readonly packages: readonly LayerPackage[];
  readonly unzippedBytes?: number;
  /** `manifest`: every package, transitive ones too; `description`: the direct ones a description names. */
  readonly source: 'manifest' | 'description';
  /** False when a description's list was cut at Lambda's 256 characters. */
  readonly complete: boolean;
}

/**
 * What each deploy stores per layer, content-addressed, for later reviews to diff against. Format 2 names the
 * family `family`; format 1 (written before) named it `kind`, and is still read, since a bucket keeps old ones.
 */
export interface StoredLayerManifest {
  readonly format: 2;
  readonly contentHash: string;
  readonly name: string;
  readonly family: FamilyId;
  readonly architecture: string;
  readonly unzippedBytes: number;
  readonly zippedBytes: number;
  readonly packages: readonly LayerPackage[];
}

export function storedManifestOf(artifact: LayerArtifact): StoredLayerManifest {
  return {
    format: 2,
    contentHash: artifact.contentHash,
    name: artifact.name,
    family: artifact.family,
    architecture: artifact.architecture,
    unzippedBytes: artifact.unzippedBytes,
    zippedBytes: artifact.zippedBytes,
    packages: artifact.packages.map((pkg) => ({ name: pkg.name, version: pkg.version, direct: pkg.direct })),
  };
}

/** A stored manifest read back; undefined (with the caller saying why) when it is not one. */
export function contentsFromStored(text: string, families: ReviewFamilies): LayerContents | undefined {
  type Readable = Omit<Partial<StoredLayerManifest>, 'format'> & { readonly format?: unknown; readonly kind?: unknown };
  let parsed: Readable;
  try {
    parsed = JSON.parse(text) as Readable;
  } catch {
    return undefined;
  }
  const packagesOk =
    Array.isArray(parsed.packages) &&
    (parsed.packages as unknown[]).every((entry) => {
      const pkg = entry as { name?: unknown; version?: unknown; direct?: unknown } | null;
      return typeof pkg?.name === 'string' && typeof pkg.version === 'string' && typeof pkg.direct === 'boolean';
    });
  const family = families.find(parsed.format === 1 ? parsed.kind : parsed.format === 2 ? parsed.family : undefined);
  if (typeof parsed.contentHash !== 'string' || !packagesOk || !family) return undefined;
  return {
    contentHash: parsed.contentHash,
    family: family.id,
    packages: parsed.packages!,
    ...(typeof parsed.unzippedBytes === 'number' ? { unzippedBytes: parsed.unzippedBytes } : {}),
    source: 'manifest',
    complete: true,
  };
}

export function contentsFromArtifact(artifact: LayerArtifact, families: ReviewFamilies): LayerContents {
  return { ...contentsFromStored(JSON.stringify(storedManifestOf(artifact)), families)!, contentHash: artifact.contentHash };
}

/**
 * Why a stored manifest may not be shown as what a deployed layer version holds; undefined when it may. It is
 * read from a bucket, so it is checked against what does not come from there: the content hash it is filed
 * under (and asked for), and the layer version's own description on Lambda, written when it was published,
 * whose direct packages it must name exactly (or include, when the description's list was cut).
 */
export function storedManifestMismatch(stored: LayerContents, filedUnder: string, description: unknown, families: ReviewFamilies): string | undefined {
  const key = filedUnder.slice(0, 16);
  if (!stored.contentHash.startsWith(key)) return `it says content ${stored.contentHash.slice(0, 16)}, but it is filed under ${key}`;
  const described = contentsFromDescription(description, families);
  if (!described) return undefined;
  if (!stored.contentHash.startsWith(described.contentHash.slice(0, 16)) && !described.contentHash.startsWith(key)) {
    return `the layer version's description says content ${described.contentHash.slice(0, 16)}, not ${key}`;
  }
  const spelt = (pkg: LayerPackage) => `${pkg.name}@${pkg.version}`;
  const storedDirect = new Set(stored.packages.filter((pkg) => pkg.direct).map(spelt));
  const missing = described.packages.map(spelt).filter((name) => !storedDirect.has(name));
  if (missing.length) return `the layer version's description names ${missing.join(', ')}, which it does not`;
  if (described.complete) {
    const extra = [...storedDirect].filter((name) => !described.packages.some((pkg) => spelt(pkg) === name));
    if (extra.length) return `it names ${extra.join(', ')} as direct packages, which the layer version's description does not`;
  }
  return undefined;
}

/** What a description said of a version, as a state recorded it (a deleted version's): its direct packages; undefined without both. */
export function contentsFromDescribed(described: DescribedLayer): LayerContents | undefined {
  if (!described.contentHash || !described.packages) return undefined;
  return {
    contentHash: described.contentHash,
    packages: described.packages.list.map((pkg) => ({ ...pkg, direct: true })),
    source: 'description',
    complete: described.packages.complete,
  };
}

/** The direct packages a version's description names; undefined for a description the stacks did not write. */
export function contentsFromDescription(description: unknown, families: ReviewFamilies): LayerContents | undefined {
  const described = parseLayerDescription(description);
  if (!described.contentHash) return undefined;
  const family = families.ofRuntimeName(runtimeInDescription(description) ?? '');
  return {
    contentHash: described.contentHash,
    ...(family ? { family: family.id } : {}),
    packages: (described.packages?.list ?? []).map((pkg) => ({ ...pkg, direct: true })),
    source: 'description',
    complete: described.packages?.complete ?? false,
  };
}

export interface PackageChange {
  readonly name: string;
  readonly kind: 'added' | 'removed' | 'upgraded' | 'downgraded' | 'changed';
  readonly from?: string;
  readonly to?: string;
  readonly direct: boolean;
}

export interface LayerPackageDiff {
  /** Direct packages first, then transitive ones, each by name. */
  readonly changes: readonly PackageChange[];
  readonly unchanged: number;
  readonly sizeBefore?: number;
  readonly sizeAfter?: number;
  /** Why the list may leave packages out; absent when both sides are whole manifests. */
  readonly partial?: string;
}

/** The packages added, removed, upgraded and downgraded between the deployed version and the new one. */
export function diffLayerContents(before: LayerContents, after: LayerContents, families: ReviewFamilies): LayerPackageDiff {
  const fromDescriptions = before.source === 'description' || after.source === 'description';
  // Packages come with their family (a manifest, or a description naming its runtime); each family orders its versions
  // its own way (SemVer, PEP 440, which disagree on forms such as `1.0-1`). Of an unknown family, a new version is "changed".
  const family = families.find(after.family ?? before.family);
  const order = (a: string, b: string): number => (family ? Math.sign(family.compareVersions(a, b)) : 0);
  // A description names direct packages only: compare like with like.
  const scope = (contents: LayerContents) => (fromDescriptions ? contents.packages.filter((pkg) => pkg.direct) : contents.packages);
  const old = new Map(scope(before).map((pkg) => [pkg.name, pkg]));
  const now = new Map(scope(after).map((pkg) => [pkg.name, pkg]));
  const changes: PackageChange[] = [];
  let unchanged = 0;
  for (const [name, pkg] of now) {
    const was = old.get(name);
    if (!was) changes.push({ name, kind: 'added', to: pkg.version, direct: pkg.direct });
    else if (was.version === pkg.version) unchanged += 1;
    else {
      const newer = order(pkg.version, was.version);
      changes.push({
        name,
        kind: newer > 0 ? 'upgraded' : newer < 0 ? 'downgraded' : 'changed',
        from: was.version,
        to: pkg.version,
        direct: pkg.direct || was.direct,
      });
    }
  }
  for (const [name, pkg] of old) if (!now.has(name)) changes.push({ name, kind: 'removed', from: pkg.version, direct: pkg.direct });
  changes.sort((a, b) => (a.direct === b.direct ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.direct ? -1 : 1));
  const reasons: string[] = [];
  if (before.source === 'description') reasons.push(`no stored manifest for the deployed content ${before.contentHash.slice(0, 16)}`);
  if (after.source === 'description') reasons.push(`no manifest of this build for content ${after.contentHash.slice(0, 16)}`);
  if (fromDescriptions && !(before.complete && after.complete)) reasons.push('a description was cut at 256 characters');
  return {
    changes,
    unchanged,
    ...(before.unzippedBytes !== undefined ? { sizeBefore: before.unzippedBytes } : {}),
    ...(after.unzippedBytes !== undefined ? { sizeAfter: after.unzippedBytes } : {}),
    ...(reasons.length ? { partial: `only the direct packages the layer descriptions name (${reasons.join('; ')})` } : {}),
  };
}

/** Changes a reviewer must not miss: a package removed or downgraded. */
export function cautionsOf(layer: string, diff: LayerPackageDiff): string[] {
  return diff.changes
    .filter((change) => change.kind === 'removed' || change.kind === 'downgraded')
    .map((change) =>
      change.kind === 'removed'
        ? `layer \`${layer}\`: **${change.name} ${change.from} removed**${change.direct ? '' : ' (a transitive package)'}`
        : `layer \`${layer}\`: **${change.name} downgraded ${change.from} → ${change.to}**${change.direct ? '' : ' (a transitive package)'}`,
    );
}

import { FamilyDefinition } from '../families/family';
import { InstalledPackage, LayerArtifact } from '../artifacts/manifest';
import { TreeFile } from '../builder/tree';
import { LAMBDA_LIMITS } from '../config/lambda-limits';

/**
 * What a reviewer asks about a new layer version: what is in it, how big it is
 * and what is biggest, how much room Lambda's limits leave, and what changed
 * since the previous build.
 */

export interface PackageSize {
  readonly name: string;
  readonly version: string;
  readonly bytes: number;
}

export interface PackageChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly upgraded: readonly string[];
}

export interface LayerInspection {
  readonly id: string;
  readonly contentHash: string;
  readonly packages: readonly { readonly name: string; readonly version: string; readonly direct: boolean }[];
  readonly unzippedBytes: number;
  readonly zippedBytes: number;
  readonly largest: readonly PackageSize[];
  readonly headroom: {
    /** Left of 262,144,000 bytes once this layer and the function are counted. */
    readonly unzippedBytes: number;
    readonly functionBytes: number;
    /** Left of the 50 MiB direct-upload limit. */
    readonly directUploadBytes: number;
  };
  /** Against the build before this one; undefined when there was none. */
  readonly changes?: PackageChanges;
}

/** The tree files that belong to a package, as its family says: under its folder (not nested packages), or its modules and dist-info for Python. */
export function filesOfPackage(family: FamilyDefinition, pkg: InstalledPackage, files: readonly TreeFile[]): TreeFile[] {
  return files.filter((file) => family.ownsFile(pkg, file.path));
}

export function largestPackages(family: FamilyDefinition, artifact: LayerArtifact, files: readonly TreeFile[], count = 10): PackageSize[] {
  return artifact.packages
    .map((pkg) => ({ name: pkg.name, version: pkg.version, bytes: filesOfPackage(family, pkg, files).reduce((sum, file) => sum + file.size, 0) }))
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1))
    .slice(0, count);
}

/** Packages added, removed, and moved to another version, by name. */
export function packageChanges(before: readonly InstalledPackage[], after: readonly InstalledPackage[]): PackageChanges {
  const versions = (packages: readonly InstalledPackage[]): Map<string, Set<string>> => {
    const map = new Map<string, Set<string>>();
    for (const pkg of packages) map.set(pkg.name, new Set([...(map.get(pkg.name) ?? []), pkg.version]));
    return map;
  };
  const old = versions(before);
  const now = versions(after);
  const list = (set: Set<string> | undefined): string => [...(set ?? [])].sort().join(', ');
  const added = [...now.keys()]
    .filter((name) => !old.has(name))
    .sort()
    .map((name) => `${name}@${list(now.get(name))}`);
  const removed = [...old.keys()]
    .filter((name) => !now.has(name))
    .sort()
    .map((name) => `${name}@${list(old.get(name))}`);
  const upgraded = [...now.keys()]
    .filter((name) => old.has(name) && list(old.get(name)) !== list(now.get(name)))
    .sort()
    .map((name) => `${name} ${list(old.get(name))} → ${list(now.get(name))}`);
  return { added, removed, upgraded };
}

export function inspectLayer(
  family: FamilyDefinition,
  artifact: LayerArtifact,
  files: readonly TreeFile[],
  functionBytes: number,
  previous?: LayerArtifact,
): LayerInspection {
  return {
    id: artifact.id,
    contentHash: artifact.contentHash,
    packages: artifact.packages.map((pkg) => ({ name: pkg.name, version: pkg.version, direct: pkg.direct })),
    unzippedBytes: artifact.unzippedBytes,
    zippedBytes: artifact.zippedBytes,
    largest: largestPackages(family, artifact, files),
    headroom: {
      unzippedBytes: LAMBDA_LIMITS.unzippedBytes - artifact.unzippedBytes - functionBytes,
      functionBytes,
      directUploadBytes: LAMBDA_LIMITS.directUploadBytes - artifact.zippedBytes,
    },
    ...(previous ? { changes: packageChanges(previous.packages, artifact.packages) } : {}),
  };
}

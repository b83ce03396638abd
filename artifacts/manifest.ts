import * as fs from 'node:fs';
import * as path from 'node:path';
import { Architecture, Runtime, FamilyId } from '../config/environments';
import { artifactNotBuilt, manifestMissing, manifestUnreadable } from './errors';
import { manifestPath, toPosix } from '../project/paths';
import { writeFileAtomic } from '../project/files';

/**
 * The build manifest (.build/manifest.json): what the build wrote, layer trees and function bundles with
 * their hashes, packages and imports. The builder writes it; the rules, stacks, local run, review and
 * verification read it, so its types live here, below all of them.
 */

export const MANIFEST_VERSION = 5;

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  /** Forward-slash path of the package folder inside the layer tree. */
  readonly path: string;
  /** Listed in the layer's own package.json or requirements.txt (not only a dependency of one). */
  readonly direct: boolean;
  /** The top-level modules it installs, what `import` names, where its family imports by module (FamilyDefinition.importsBy). */
  readonly modules?: readonly string[];
  /** The file it came from, by its hash: a locked wheel's SHA-256, or npm's integrity (SHA-512) from package-lock.json. */
  readonly hashes?: readonly PackageHash[];
  /** The license it declares: METADATA's License-Expression, or package.json's "license". */
  readonly license?: string;
  /** The packages of the same layer it needs on this target, by their `path` (markers and extras evaluated). */
  readonly dependsOn?: readonly string[];
}

/**
 * A shared object in a layer or bundle (`.so`, `.so.N`, a Node.js `.node` addon), as its own bytes
 * describe it (builder/elf.ts); the native-code rule judges it against each environment that attaches it.
 */
export interface NativeObject {
  /** Forward-slash path inside the tree. */
  readonly path: string;
  /** The package it belongs to, by that package's `path`. */
  readonly owner?: string;
  readonly format: 'elf' | 'mach-o' | 'pe' | 'unknown';
  /** Not ELF: its first bytes, in hex. */
  readonly magic?: string;
  readonly class?: 32 | 64;
  readonly endian?: 'little' | 'big';
  /** ELF e_machine: 62 x86_64, 183 aarch64. */
  readonly machine?: number;
  /** DT_NEEDED. */
  readonly needed?: readonly string[];
  readonly soname?: string;
  /** Symbol versions needed, by library: `libc.so.6` -> ["GLIBC_2.17", ...]. */
  readonly versions?: Readonly<Record<string, readonly string[]>>;
  /** What of its headers could not be read. */
  readonly problem?: string;
}

export interface PackageHash {
  readonly alg: 'SHA-256' | 'SHA-512';
  /** Lowercase hex. */
  readonly content: string;
}

/** One import in a function's own code: what it names, where, and how it is guarded. */
export interface FunctionImport {
  /**
   * What must provide it: an npm package name (`hono`, `@aws-sdk/client-dynamodb`, `node:fs`),
   * a Python top-level module (`mangum`), or for an import of the function's own code the
   * dotted module it resolves to (`app.routes`).
   */
  readonly module: string;
  /** As written: `fastapi.responses`, `@aws-sdk/client-dynamodb/dist`, `.ids`. */
  readonly specifier: string;
  /** Project-relative path of the importing file. */
  readonly file: string;
  /** 1-based line; absent where the bundler's record gives none and the text does not show it. */
  readonly line?: number;
  /** Resolved against the function's own files (a relative import), where the reader of its family can tell. */
  readonly own?: boolean;
  /** Why a missing module would not fail the function: `try/except ImportError`, `if TYPE_CHECKING`. */
  readonly optional?: string;
  /** Imported inside a function body, so it fails when that code runs, not at init (where the reader of its family can tell). */
  readonly lazy?: boolean;
  /** Named by `importlib.import_module("...")` or `__import__("...")` with a literal. */
  readonly dynamic?: boolean;
  /** Why the import cannot work whatever is attached (a relative import beyond the top-level package). */
  readonly problem?: string;
}

/** A dynamic import whose module is not a literal: seen, but not checkable. */
export interface UncheckedImport {
  readonly file: string;
  readonly line: number;
  /** The call as written, shortened. */
  readonly call: string;
}

/** One built layer tree; written by the builder, read by stacks and the local run. */
export interface LayerArtifact {
  /** `<layer>/<variant>`, e.g. `dependencies/nodejs-x86_64` or `dependencies/python3.12-arm64`. */
  readonly id: string;
  readonly name: string;
  readonly family: FamilyId;
  readonly architecture: Architecture;
  /** What it is built for within its family: "python3.12" (the wheels chosen for that Python), or "nodejs" (every Node.js runtime). */
  readonly variant: string;
  /** Tree folder, relative to the build folder: what the layer zip holds. */
  readonly treeDir: string;
  /** Hash of everything the build reads: package files, target platform, builder and npm versions. */
  readonly inputHash: string;
  /** Hash of the built tree: paths, normalised modes and bytes. */
  readonly contentHash: string;
  readonly fileCount: number;
  readonly unzippedBytes: number;
  /** Size of the zip the archive provider will make (deflate), estimated at build time. */
  readonly zippedBytes: number;
  /** Bytes that slimming removed (caches, compiled files, configured excludes). */
  readonly slimmedBytes: number;
  /** What a function may import from it: npm package names, or Python top-level modules. */
  readonly provides: readonly string[];
  readonly packages: readonly InstalledPackage[];
  /** The package manager that built the tree. */
  readonly tool: { readonly name: string; readonly version: string };
  /** Its CycloneDX SBOM, relative to the build folder (beside the tree). */
  readonly sbom?: string;
  /** Every shared object in the tree, read at build time, so the rule costs nothing on a cache hit. */
  readonly nativeObjects?: readonly NativeObject[];
}

/** One bundled function; the folder is the function's task root. */
export interface BundleArtifact {
  /** `<function>/<runtime>[-<externals hash>]`, e.g. `api/nodejs24.x-1a2b3c4d` or `api/python3.12`. */
  readonly id: string;
  readonly function: string;
  readonly family: FamilyId;
  readonly runtime: Runtime;
  /** Bundle folder, relative to the build folder. */
  readonly dir: string;
  /** Lambda handler setting, e.g. `index.handler`. */
  readonly handler: string;
  /** What the function is built with, as its description says: "FastAPI", "Node.js". */
  readonly framework: string;
  /** Packages left out of the bundle because a layer provides them. */
  readonly externals: readonly string[];
  /**
   * Every import the deployed code makes at run time, from the bundler's record of the
   * bundle's external imports (Node.js) or the syntax trees of every module (Python).
   */
  readonly imports: readonly FunctionImport[];
  /** Every module of the task root by dotted name (`main`, `app`, `app.routes`), where a family's bare imports may be its own; else empty. */
  readonly ownModules: readonly string[];
  /** Dynamic imports of a computed name, which no check can follow. */
  readonly unchecked: readonly UncheckedImport[];
  /** What read the imports, e.g. "esbuild 0.28.2" or "ast of Python 3.12.1". */
  readonly importsReadBy: string;
  /** sha256 of each project source file bundled, by project-relative path; synth checks them. */
  readonly sources: Readonly<Record<string, string>>;
  /**
   * What the bundle was built for, as a hash of its target and its family's import reader: a later build reuses the
   * bundle when this, its files and its tree are the same (builder/function-build.ts reusableBundle).
   */
  readonly builtFor?: string;
  readonly contentHash: string;
  readonly fileCount: number;
  readonly unzippedBytes: number;
  readonly zippedBytes: number;
  /** Shared objects in the bundle (a vendored `.so`), read at build time. */
  readonly nativeObjects?: readonly NativeObject[];
}

export interface BuildManifest {
  readonly manifestVersion: number;
  readonly layers: readonly LayerArtifact[];
  readonly bundles: readonly BundleArtifact[];
  /** Layers no environment uses that the last build could not build, and why. */
  readonly unbuilt?: readonly { readonly id: string; readonly reason: string }[];
}

export function readManifest(buildDir: string): BuildManifest {
  const file = manifestPath(buildDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw manifestMissing(displayPath(file));
  }
  let parsed: BuildManifest;
  try {
    parsed = JSON.parse(text) as BuildManifest;
  } catch (error) {
    throw manifestUnreadable(displayPath(file), (error as Error).message);
  }
  if (parsed.manifestVersion !== MANIFEST_VERSION || !Array.isArray(parsed.layers) || !Array.isArray(parsed.bundles)) {
    throw manifestUnreadable(displayPath(file), `expected manifestVersion ${MANIFEST_VERSION} with layers and bundles`);
  }
  return parsed;
}

/** Stable JSON: no timestamps, fixed key order from the builder, trailing newline. */
export function writeManifest(buildDir: string, manifest: BuildManifest): void {
  writeFileAtomic(manifestPath(buildDir), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** `<layer>/<variant>-<architecture>`: `dependencies/nodejs-x86_64`, `dependencies/python3.12-arm64`. */
export function layerId(name: string, variant: string, architecture: Architecture): string {
  return `${name}/${variant}-${architecture}`;
}

export function findLayer(manifest: BuildManifest, id: string, buildDir: string): LayerArtifact {
  const found = manifest.layers.find((layer) => layer.id === id);
  if (!found) throw artifactNotBuilt(`Layer ${id}`, displayPath(manifestPath(buildDir)));
  return found;
}

export function findBundle(manifest: BuildManifest, id: string, buildDir: string): BundleArtifact {
  const found = manifest.bundles.find((bundle) => bundle.id === id);
  if (!found) throw artifactNotBuilt(`Function bundle ${id}`, displayPath(manifestPath(buildDir)));
  return found;
}

/** A path for messages: relative to the working folder when inside it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? toPosix(relative) : file;
}

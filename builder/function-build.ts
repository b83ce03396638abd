import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BundleArtifact } from '../artifacts/manifest';
import { replaceDirectory } from '../project/files';
import { toPosix } from '../project/paths';
import { BundleTarget } from './build-plan';
import { BuildFamilies } from './family-builders';
import { bundleDir, sourceHashes } from './function-bundle';
import { scanNativeObjects } from './native-scan';
import { Fingerprints, contentHashOf, fingerprintTree, listTree, normaliseTree, summariseTree, treeDrift } from './tree';
import { estimateZipBytes } from './zip-size';

/** What identifies a bundle's build: its target and the family's import reader. */
export function bundleBuiltFor(target: BundleTarget, reader: string): string {
  return createHash('sha256').update(JSON.stringify({ target, reader })).digest('hex');
}

/** What a family says a function is made of (its files and import reader), read once per target and build; undefined when the family does not say. */
export type FunctionInputs = { readonly files: readonly string[]; readonly reader: string } | undefined;

export function functionInputsOf(families: BuildFamilies, projectRoot: string, target: BundleTarget, toolHome = projectRoot): FunctionInputs {
  return families.byId(target.family).functionInputs?.(projectRoot, target, toolHome);
}

/**
 * The previous build's bundle of `target`, when it can be used as it is: the family lists the function's files without
 * building it, they and the import reader are the ones it was built from, and its tree is as the build wrote it.
 * Otherwise undefined, and the bundle is built.
 */
export function reusableBundle(
  families: BuildFamilies,
  projectRoot: string,
  buildDir: string,
  target: BundleTarget,
  previous: BundleArtifact | undefined,
  fingerprints: Fingerprints,
  toolHome = projectRoot,
  inputs: FunctionInputs = functionInputsOf(families, projectRoot, target, toolHome),
): BundleArtifact | undefined {
  if (!previous || !inputs || !previous.builtFor) return undefined;
  if (previous.builtFor !== bundleBuiltFor(target, inputs.reader)) return undefined;
  const recorded = Object.keys(previous.sources).sort();
  if (JSON.stringify(recorded) !== JSON.stringify([...inputs.files].sort())) return undefined;
  const current = sourceHashes(projectRoot, inputs.files, fingerprints.fileHash);
  if (recorded.some((file) => current[file] !== previous.sources[file])) return undefined;
  if (treeDrift(previous, fingerprints.of(path.join(buildDir, previous.dir)))) return undefined;
  return previous;
}

/** Builds the function's task root: an esbuild bundle for Node.js, the package copied for Python. */
export async function bundleFunction(
  families: BuildFamilies,
  projectRoot: string,
  buildDir: string,
  target: BundleTarget,
  env: NodeJS.ProcessEnv = process.env,
  /** Where this tool's own files are (a family's import reader). */
  toolHome = projectRoot,
  inputs: FunctionInputs = functionInputsOf(families, projectRoot, target, toolHome),
): Promise<BundleArtifact> {
  const staging = path.join(buildDir, 'tmp', `bundle-${randomBytes(6).toString('hex')}`);
  try {
    fs.mkdirSync(staging, { recursive: true });
    const family = families.byId(target.family);
    const code = await family.functionCode(projectRoot, staging, target, env, toolHome);
    const reader = inputs?.reader;
    const sources = sourceHashes(projectRoot, code.inputs);
    normaliseTree(staging);
    const files = listTree(staging);
    const summary = contentHashOf(files);
    const zippedBytes = estimateZipBytes(staging, files);
    const nativeObjects = scanNativeObjects(
      staging,
      files.map((file) => file.path),
      [],
    );
    const destination = bundleDir(buildDir, target);
    // An identical bundle already in place stays untouched, so readers of the build folder never see it move.
    const existing = fingerprintTree(destination);
    const unchanged = existing?.normalised && summariseTree(destination).contentHash === summary.contentHash;
    if (!unchanged) replaceDirectory(staging, destination);
    return {
      id: target.id,
      function: target.function,
      family: target.family,
      runtime: target.runtime,
      dir: toPosix(path.relative(buildDir, destination)),
      handler: target.handler,
      framework: target.framework,
      externals: target.externals,
      imports: code.imports,
      ownModules: code.ownModules,
      unchecked: code.unchecked,
      importsReadBy: code.readBy,
      sources,
      ...(reader !== undefined ? { builtFor: bundleBuiltFor(target, reader) } : {}),
      contentHash: summary.contentHash,
      fileCount: summary.fileCount,
      unzippedBytes: summary.unzippedBytes,
      zippedBytes,
      ...(nativeObjects.length ? { nativeObjects } : {}),
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

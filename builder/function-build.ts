import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BundleArtifact } from '../artifacts/manifest';
import { replaceDirectory } from '../project/files';
import { toPosix } from '../project/paths';
import { BundleTarget } from './build-plan';
import { BuildFamilies } from './family-builders';
import { bundleDir, sourceHashes } from './function-bundle';
import { scanNativeObjects } from './native-scan';
import { contentHashOf, fingerprintTree, listTree, normaliseTree, summariseTree } from './tree';
import { estimateZipBytes } from './zip-size';

/** Builds the function's task root: an esbuild bundle for Node.js, the package copied for Python. */
export async function bundleFunction(
  families: BuildFamilies,
  projectRoot: string,
  buildDir: string,
  target: BundleTarget,
  env: NodeJS.ProcessEnv = process.env,
  /** Where this tool's own files are (a family's import reader). */
  toolHome = projectRoot,
): Promise<BundleArtifact> {
  const staging = path.join(buildDir, 'tmp', `bundle-${randomBytes(6).toString('hex')}`);
  try {
    fs.mkdirSync(staging, { recursive: true });
    const code = await families.byId(target.family).functionCode(projectRoot, staging, target, env, toolHome);
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

import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { nodeMajorOf } from '../config/environments';
import { UserError } from '../project/errors';
import { toPosix } from '../project/paths';
import { API_FUNCTION, BundleTarget } from './build-plan';
import { BundleArtifact } from './manifest';
import { fingerprintTree, normaliseTree, replaceDirectory, summariseTree } from './tree';

export function bundleDir(buildDir: string, target: BundleTarget): string {
  return path.join(buildDir, 'functions', ...target.id.split('/'));
}

/** sha256 of each project file the bundle was built from (dependencies excluded), by project-relative path. */
export function sourceHashes(projectRoot: string, inputs: readonly string[]): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const input of [...inputs].sort()) {
    if (input.includes('node_modules/') || input.startsWith('<')) continue;
    hashes[input] = createHash('sha256').update(fs.readFileSync(path.join(projectRoot, input))).digest('hex');
  }
  return hashes;
}

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * Bundles the function with esbuild into `index.mjs`. Every package a layer
 * provides stays external, so at run time it can only come from the layer.
 */
export async function bundleFunction(projectRoot: string, buildDir: string, target: BundleTarget): Promise<BundleArtifact> {
  const staging = path.join(buildDir, 'tmp', `bundle-${randomBytes(6).toString('hex')}`);
  try {
    fs.mkdirSync(staging, { recursive: true });
    const result = await build({
      absWorkingDir: projectRoot,
      entryPoints: [target.entry],
      outfile: path.join(staging, 'index.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${nodeMajorOf(target.runtime)}`,
      external: target.externals.flatMap((name) => [name, `${name}/*`]),
      minify: false,
      sourcemap: false,
      legalComments: 'none',
      charset: 'utf8',
      metafile: true,
      logLevel: 'silent',
      // Bundled CommonJS dependencies may call require(); give them one that resolves like Lambda's.
      banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
    }).catch((error: Error & { errors?: { text: string; location?: { file: string; line: number } | null }[] }) => {
      const details = (error.errors ?? [])
        .map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text))
        .join('\n  ');
      throw new UserError('BUNDLE_FAILED', `Bundling ${target.entry} failed:\n  ${details || error.message}`);
    });
    const imported = new Set<string>();
    for (const output of Object.values(result.metafile.outputs)) {
      for (const imp of output.imports) {
        if (imp.external && !imp.path.startsWith('node:')) imported.add(packageNameOf(imp.path));
      }
    }
    const importsFromLayers = [...imported].filter((name) => target.externals.includes(name)).sort();
    const sources = sourceHashes(projectRoot, Object.keys(result.metafile.inputs));
    normaliseTree(staging);
    const summary = summariseTree(staging);
    const destination = bundleDir(buildDir, target);
    // An identical bundle already in place stays untouched, so readers of the build folder never see it move.
    const existing = fingerprintTree(destination);
    const unchanged = existing?.normalised && summariseTree(destination).contentHash === summary.contentHash;
    if (!unchanged) replaceDirectory(staging, destination);
    return {
      id: target.id,
      function: target.function,
      runtime: target.runtime,
      dir: toPosix(path.relative(buildDir, destination)),
      handler: API_FUNCTION.handler,
      externals: target.externals,
      importsFromLayers,
      sources,
      contentHash: summary.contentHash,
      fileCount: summary.fileCount,
      unzippedBytes: summary.unzippedBytes,
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

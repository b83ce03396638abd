import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { NodeRuntime, nodeMajorOf } from '../config/environments';
import { UserError } from '../project/errors';
import { toPosix } from '../project/paths';
import { BundleTarget } from './build-plan';
import { BundleArtifact } from './manifest';
import { contentHashOf, fingerprintTree, listTree, normaliseTree, replaceDirectory, summariseTree } from './tree';
import { estimateZipBytes } from './zip-size';
import { PYTHON_STDLIB } from './python-stdlib';

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

/** Whether an npm name is covered by an external pattern ("hono", "@aws-sdk/*"). */
export function matchesExternal(name: string, pattern: string): boolean {
  return pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/**
 * Bundles the Node.js function with esbuild into `index.mjs`. Every package a layer
 * provides stays external, so at run time it can only come from the layer.
 */
async function bundleNode(projectRoot: string, staging: string, target: BundleTarget): Promise<{ importsFromLayers: string[]; inputs: string[] }> {
  const result = await build({
    absWorkingDir: projectRoot,
    entryPoints: [target.entry],
    outfile: path.join(staging, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${nodeMajorOf(target.runtime as NodeRuntime)}`,
    external: target.externals.flatMap((name) => (name.endsWith('/*') ? [name] : [name, `${name}/*`])),
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
  return {
    importsFromLayers: [...imported].filter((name) => target.externals.some((pattern) => matchesExternal(name, pattern))).sort(),
    inputs: Object.keys(result.metafile.inputs),
  };
}

/** Python modules Lambda's Python runtimes ship beside the standard library. */
const PYTHON_RUNTIME_MODULES = new Set(['boto3', 'botocore', 's3transfer', 'jmespath', 'dateutil', 'urllib3', 'six', 'awslambdaric']);

/**
 * Copies the Python function's package into the task root, as Lambda runs it:
 * no bundler, imports resolve through /opt/python (layers) and the runtime.
 */
function copyPython(projectRoot: string, staging: string, target: BundleTarget): { importsFromLayers: string[]; inputs: string[] } {
  const sourceDir = path.join(projectRoot, target.entry);
  const packageName = path.basename(target.entry);
  const inputs: string[] = [];
  const imports = new Set<string>();
  const local = new Set<string>();
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '__pycache__' && entry.name !== 'tests') visit(full);
      } else if (entry.name.endsWith('.py')) {
        const relative = toPosix(path.relative(sourceDir, full));
        inputs.push(toPosix(path.relative(projectRoot, full)));
        local.add(relative.split('/')[0]!.replace(/\.py$/, ''));
        const text = fs.readFileSync(full, 'utf8');
        for (const match of text.matchAll(/^\s*(?:from\s+([A-Za-z_][\w]*)[\w.]*\s+import|import\s+([A-Za-z_][\w]*))/gm)) imports.add(match[1] ?? match[2]!);
        fs.mkdirSync(path.join(staging, packageName, path.dirname(relative)), { recursive: true });
        fs.copyFileSync(full, path.join(staging, packageName, relative));
      }
    }
  };
  visit(sourceDir);
  if (inputs.length === 0) throw new UserError('BUNDLE_FAILED', `No Python files in ${target.entry}.`);
  const fromLayers = [...imports].filter(
    (name) => name !== packageName && name !== '__future__' && !local.has(name) && !PYTHON_STDLIB.has(name) && !PYTHON_RUNTIME_MODULES.has(name),
  );
  return { importsFromLayers: fromLayers.sort(), inputs };
}

/** Builds the function's task root: an esbuild bundle for Node.js, the package copied for Python. */
export async function bundleFunction(projectRoot: string, buildDir: string, target: BundleTarget): Promise<BundleArtifact> {
  const staging = path.join(buildDir, 'tmp', `bundle-${randomBytes(6).toString('hex')}`);
  try {
    fs.mkdirSync(staging, { recursive: true });
    const { importsFromLayers, inputs } = target.kind === 'nodejs' ? await bundleNode(projectRoot, staging, target) : copyPython(projectRoot, staging, target);
    const sources = sourceHashes(projectRoot, inputs);
    normaliseTree(staging);
    const files = listTree(staging);
    const summary = contentHashOf(files);
    const zippedBytes = estimateZipBytes(staging, files);
    const destination = bundleDir(buildDir, target);
    // An identical bundle already in place stays untouched, so readers of the build folder never see it move.
    const existing = fingerprintTree(destination);
    const unchanged = existing?.normalised && summariseTree(destination).contentHash === summary.contentHash;
    if (!unchanged) replaceDirectory(staging, destination);
    return {
      id: target.id,
      function: target.function,
      kind: target.kind,
      runtime: target.runtime,
      dir: toPosix(path.relative(buildDir, destination)),
      handler: target.handler,
      externals: target.externals,
      importsFromLayers,
      sources,
      contentHash: summary.contentHash,
      fileCount: summary.fileCount,
      unzippedBytes: summary.unzippedBytes,
      zippedBytes,
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

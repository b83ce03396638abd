import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, version as esbuildVersion } from 'esbuild';
import { NodeRuntime, nodeMajorOf } from './definition';
import { isNodeBuiltin } from './runtime-modules';
import { bundleFailed } from '../../builder/errors';
import { BundleTarget } from '../../builder/build-plan';
import { FunctionImport } from '../../artifacts/manifest';
import { BundledCode } from '../../builder/function-bundle';

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Whether an npm name is covered by an external pattern ("hono", "@aws-sdk/*"). */
export function matchesExternal(name: string, pattern: string): boolean {
  return pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** The 1-based line of the first string literal naming `specifier` in `text`; undefined when the text does not show it. */
export function lineOfSpecifier(text: string, specifier: string): number | undefined {
  const lines = text.split('\n');
  const quoted = [`'${specifier}'`, `"${specifier}"`, `\`${specifier}\``];
  const index = lines.findIndex((line) => quoted.some((literal) => line.includes(literal)));
  return index >= 0 ? index + 1 : undefined;
}

/**
 * Bundles the Node.js function with esbuild into `index.mjs`. Every package a layer
 * provides stays external, so at run time it can only come from the layer. The
 * imports are esbuild's own record of what each bundled file leaves external.
 */
export async function bundleNode(projectRoot: string, staging: string, target: BundleTarget): Promise<BundledCode> {
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
    const details = (error.errors ?? []).map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text)).join('\n  ');
    throw bundleFailed(`Bundling ${target.entry} failed:\n  ${details || error.message}`);
  });
  const imports: FunctionImport[] = [];
  for (const [file, input] of Object.entries(result.metafile.inputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const external = input.imports.filter((imp) => imp.external);
    if (external.length === 0) continue;
    const text = fs.readFileSync(path.join(projectRoot, file), 'utf8');
    for (const imp of external) {
      const specifier = imp.original ?? imp.path;
      const module = isNodeBuiltin(imp.path) ? (imp.path.startsWith('node:') ? imp.path : `node:${imp.path}`).split('/')[0] : packageNameOf(imp.path);
      const line = lineOfSpecifier(text, specifier);
      imports.push({ module, specifier, file, ...(line ? { line } : {}) });
    }
  }
  return { imports, ownModules: [], unchecked: [], readBy: `esbuild ${esbuildVersion}`, inputs: Object.keys(result.metafile.inputs) };
}

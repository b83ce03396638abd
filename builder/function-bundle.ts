import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, version as esbuildVersion } from 'esbuild';
import { NodeRuntime, PythonRuntime, nodeMajorOf, pythonVersionOf } from '../config/environments';
import { isNodeBuiltin } from '../families/nodejs/runtime-modules';
import { bundleFailed } from './errors';
import { toPosix } from '../project/paths';
import { BundleTarget } from './build-plan';
import { FunctionImport, UncheckedImport } from '../artifacts/manifest';
import { readPythonImports } from './python-imports';

export function bundleDir(buildDir: string, target: BundleTarget): string {
  return path.join(buildDir, 'functions', ...target.id.split('/'));
}

/** sha256 of each project file the bundle was built from (dependencies excluded), by project-relative path. */
export function sourceHashes(projectRoot: string, inputs: readonly string[]): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const input of [...inputs].sort()) {
    if (input.includes('node_modules/') || input.startsWith('<')) continue;
    hashes[input] = createHash('sha256')
      .update(fs.readFileSync(path.join(projectRoot, input)))
      .digest('hex');
  }
  return hashes;
}

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

export interface BundledCode {
  readonly imports: FunctionImport[];
  readonly ownModules: string[];
  readonly unchecked: UncheckedImport[];
  readonly readBy: string;
  /** Project files the bundle was made from. */
  readonly inputs: string[];
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

/**
 * Copies the Python function's files into the task root, as Lambda runs them (no
 * bundler: imports resolve through /opt/python and the runtime), then reads every
 * module's imports from its syntax tree.
 */
export async function copyPython(projectRoot: string, staging: string, target: BundleTarget, env: NodeJS.ProcessEnv): Promise<BundledCode> {
  const sourceDir = path.join(projectRoot, target.entry);
  const files: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '__pycache__' && entry.name !== 'tests') visit(full);
      } else if (entry.name.endsWith('.py')) {
        const relative = toPosix(path.relative(sourceDir, full));
        files.push(relative);
        fs.mkdirSync(path.join(staging, path.dirname(relative)), { recursive: true });
        fs.copyFileSync(full, path.join(staging, relative));
      }
    }
  };
  visit(sourceDir);
  if (files.length === 0) throw bundleFailed(`No Python files in ${target.entry}.`);
  const handlerModule = target.handler.slice(0, target.handler.lastIndexOf('.'));
  const handlerFile = [`${handlerModule.replace(/\./g, '/')}.py`, `${handlerModule.replace(/\./g, '/')}/__init__.py`];
  if (!files.some((file) => handlerFile.includes(file))) {
    throw bundleFailed(`The handler ${target.handler} needs ${target.entry}/${handlerFile[0]}, which does not exist.`);
  }
  const read = await readPythonImports(staging, files, pythonVersionOf(target.runtime as PythonRuntime), toPosix(target.entry), env);
  return { ...read, inputs: files.map((file) => `${toPosix(target.entry)}/${file}`) };
}

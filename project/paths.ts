import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The folder that holds package.json, cdktf.json and main.ts: the nearest above this module that has cdktf.json.
 * This file is project/paths.ts in the sources and part of the compiled CLI in .cli/, so it is
 * found, not counted in folders. Only the entry points read it (the CLI, the synth app, the tests' support);
 * they hand the project's folder down in a context.
 */
export const PROJECT_ROOT = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'cdktf.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '..');
  }
})();

/** This project as a tool, by package.json's name and version: what SBOMs name as their producer. */
export const PROJECT_TOOL: { readonly name: string; readonly version: string } = (() => {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
})();

export const MANIFEST_FILE = 'manifest.json';

/** Where synth writes unless CDKTF_OUTDIR says otherwise. */
export const DEFAULT_SYNTH_OUTDIR = 'cdktf.out';

/** The synth output folder: CDKTF_OUTDIR (relative to the project), else cdktf.out. Everything that reads or writes a stack asks here. */
export function synthOutdir(root: string, env: NodeJS.ProcessEnv): string {
  return path.resolve(root, env['CDKTF_OUTDIR'] || DEFAULT_SYNTH_OUTDIR);
}

/** A synthesised stack's folder, `<outdir>/stacks/<stack>`, where its cdk.tf.json, plans and Terraform files live. */
export function stackFolder(root: string, stack: string, env: NodeJS.ProcessEnv): string {
  return path.join(synthOutdir(root, env), 'stacks', stack);
}

/** The build folder: an explicit option, then BUILD_DIR, then the project's .build. */
export function resolveBuildDir(root: string, option: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen = option ?? (env.BUILD_DIR ? env.BUILD_DIR : undefined);
  return chosen ? path.resolve(chosen) : path.join(root, '.build');
}

export function manifestPath(buildDir: string): string {
  return path.join(buildDir, MANIFEST_FILE);
}

/** Forward-slash relative path, for anything written into manifests or Terraform. */
export function toPosix(relativePath: string): string {
  return relativePath.split(path.sep).join('/');
}

/** Relative path from `from` to `to` when `to` is inside `from`; undefined otherwise. */
export function relativeInside(from: string, to: string): string | undefined {
  const relative = path.relative(from, to);
  if (relative === '') return '.';
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return toPosix(relative);
}

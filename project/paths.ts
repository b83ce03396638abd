import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folder that holds package.json, cdktf.json and main.ts. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** This project as a tool, by package.json's name and version: what SBOMs name as their producer. */
export const PROJECT_TOOL: { readonly name: string; readonly version: string } = (() => {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
})();

/** Where builds go unless BUILD_DIR or --build-dir says otherwise. */
export const DEFAULT_BUILD_DIR = path.join(PROJECT_ROOT, '.build');

export const MANIFEST_FILE = 'manifest.json';

/** Build folder from an explicit option, then BUILD_DIR, then the default. */
export function resolveBuildDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = option ?? (env.BUILD_DIR ? env.BUILD_DIR : undefined);
  return chosen ? path.resolve(chosen) : DEFAULT_BUILD_DIR;
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

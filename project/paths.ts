import * as path from 'node:path';

/** The folder that holds package.json, cdktf.json and main.ts. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

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

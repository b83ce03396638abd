import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BundleTarget } from './build-plan';
import { FunctionImport, UncheckedImport } from '../artifacts/manifest';

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

export interface BundledCode {
  readonly imports: FunctionImport[];
  readonly ownModules: string[];
  readonly unchecked: UncheckedImport[];
  readonly readBy: string;
  /** Project files the bundle was made from. */
  readonly inputs: string[];
}

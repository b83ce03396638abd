import * as path from 'node:path';
import { BundleTarget } from './build-plan';
import { Fingerprints, freshFingerprints } from './tree';
import { FunctionImport, UncheckedImport } from '../artifacts/manifest';

export function bundleDir(buildDir: string, target: BundleTarget): string {
  return path.join(buildDir, 'functions', ...target.id.split('/'));
}

/** sha256 of each project file the bundle was built from (dependencies excluded), by project-relative path. */
export function sourceHashes(
  projectRoot: string,
  inputs: readonly string[],
  fileHash: Fingerprints['fileHash'] = freshFingerprints.fileHash,
): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const input of [...inputs].sort()) {
    if (input.includes('node_modules/') || input.startsWith('<')) continue;
    const hash = fileHash(path.join(projectRoot, input));
    // A file gone since it was listed is left out: a bundle that recorded it is not reused.
    if (hash !== undefined) hashes[input] = hash;
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

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { treePathUnsupported, treeSymlinkOutside } from './errors';

/**
 * Built trees are normalised on disk so that the archive provider, which zeroes
 * timestamps but copies modes from disk, zips them identically everywhere.
 */

/** 1980-01-01T00:00:00Z, the earliest time a zip entry can hold. */
export const NORMALISED_MTIME_SECONDS = 315532800;
export const FILE_MODE = 0o644;
export const EXECUTABLE_MODE = 0o755;
export const DIRECTORY_MODE = 0o755;

export interface TreeFile {
  /** Forward-slash path relative to the tree root. */
  readonly path: string;
  /** Normalised permission bits. */
  readonly mode: number;
  readonly size: number;
  /** Hex sha256 of the bytes. */
  readonly sha256: string;
}

export interface TreeSummary {
  /** Hex sha256 over every file's path, mode and bytes. */
  readonly contentHash: string;
  readonly fileCount: number;
  readonly unzippedBytes: number;
}

/** Executable bits survive (as 0755); everything else becomes 0644. */
export function normalisedMode(mode: number): number {
  return (mode & 0o111) !== 0 ? EXECUTABLE_MODE : FILE_MODE;
}

/** Byte-wise order of UTF-8 paths, the same on every machine and locale. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The content hash: relative paths, normalised modes and bytes; nothing about where or when. */
export function contentHashOf(files: readonly TreeFile[]): TreeSummary {
  const hash = createHash('sha256');
  let unzippedBytes = 0;
  for (const file of [...files].sort((a, b) => comparePaths(a.path, b.path))) {
    hash.update(`${file.mode.toString(8)} ${file.size} ${file.sha256} ${file.path}\n`);
    unzippedBytes += file.size;
  }
  return { contentHash: hash.digest('hex'), fileCount: files.length, unzippedBytes };
}

function hashFile(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function assertPlainPath(relative: string, root: string): void {
  if (/[\n\r\\]/.test(relative)) {
    throw treePathUnsupported(root, relative);
  }
}

/**
 * Makes a tree machine-independent in place: internal symlinks become copies,
 * modes become 0644/0755, every mtime becomes 1980-01-01, empty folders go.
 * A symlink that points outside the tree is an error, because the archive
 * provider would follow it and zip files from the build machine.
 */
export function normaliseTree(root: string): void {
  const realRoot = fs.realpathSync(root);
  const visit = (dir: string): boolean => {
    let hasFiles = false;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const target = fs.realpathSync(full);
        if (target !== realRoot && !target.startsWith(realRoot + path.sep)) {
          throw treeSymlinkOutside(root, path.relative(root, full), target);
        }
        fs.rmSync(full);
        fs.cpSync(target, full, { recursive: true, dereference: true });
      }
      const stat = fs.lstatSync(full);
      if (stat.isDirectory()) {
        const childHasFiles = visit(full);
        if (!childHasFiles) {
          fs.rmdirSync(full);
          continue;
        }
        fs.chmodSync(full, DIRECTORY_MODE);
        fs.utimesSync(full, NORMALISED_MTIME_SECONDS, NORMALISED_MTIME_SECONDS);
        hasFiles = true;
      } else if (stat.isFile()) {
        fs.chmodSync(full, normalisedMode(stat.mode));
        fs.utimesSync(full, NORMALISED_MTIME_SECONDS, NORMALISED_MTIME_SECONDS);
        hasFiles = true;
      } else {
        fs.rmSync(full);
      }
    }
    return hasFiles;
  };
  visit(root);
  fs.chmodSync(root, DIRECTORY_MODE);
  fs.utimesSync(root, NORMALISED_MTIME_SECONDS, NORMALISED_MTIME_SECONDS);
}

/** Calls `onFile` for every non-folder entry below `root`, with its forward-slash relative path. */
export function walkFiles(root: string, onFile: (full: string, relative: string, entry: fs.Dirent) => void): void {
  const visit = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(full, relative);
      else onFile(full, relative, entry);
    }
  };
  visit(root, '');
}

/** Every regular file of a tree with its normalised mode and hash. */
export function listTree(root: string): TreeFile[] {
  const files: TreeFile[] = [];
  walkFiles(root, (full, relative, entry) => {
    if (!entry.isFile()) return;
    assertPlainPath(relative, root);
    const stat = fs.statSync(full);
    files.push({ path: relative, mode: normalisedMode(stat.mode), size: stat.size, sha256: hashFile(full) });
  });
  return files.sort((a, b) => comparePaths(a.path, b.path));
}

export function summariseTree(root: string): TreeSummary {
  return contentHashOf(listTree(root));
}

export interface TreeFingerprint {
  readonly fileCount: number;
  readonly unzippedBytes: number;
  /** False when any entry's mode or mtime is not what normaliseTree leaves. */
  readonly normalised: boolean;
}

/**
 * A stat-only look at a tree, cheap enough for every cache hit and every synth:
 * an edit, an added or removed file, or a touched file shows up here.
 */
export function fingerprintTree(root: string): TreeFingerprint | undefined {
  if (!fs.existsSync(root)) return undefined;
  let fileCount = 0;
  let unzippedBytes = 0;
  let normalised = true;
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const stat = fs.lstatSync(full);
      if (stat.isDirectory()) {
        // A folder's time moves whenever an entry is added, even by a faithful copy; files tell the story.
        visit(full);
      } else if (stat.isFile()) {
        if (Math.floor(stat.mtimeMs / 1000) !== NORMALISED_MTIME_SECONDS) normalised = false;
        if ((stat.mode & 0o777) !== normalisedMode(stat.mode)) normalised = false;
        fileCount += 1;
        unzippedBytes += stat.size;
      } else {
        normalised = false;
      }
    }
  };
  visit(root);
  return { fileCount, unzippedBytes, normalised };
}

/** A tree's fingerprint, taken once per tree within one build: the layer check and each environment's rules read the same look. */
export interface Fingerprints {
  of(root: string): TreeFingerprint | undefined;
  /** The tree at `root` was replaced: the next look walks it again. */
  forget(root: string): void;
  /** The SHA-256 of a file's bytes; undefined when there is no file. */
  readonly fileHash: (file: string) => string | undefined;
}

function hashFileIfAny(file: string): string | undefined {
  try {
    return hashFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Fingerprints remembered for the life of one build (never longer: a tree may be touched between two commands). */
export function fingerprintsForOneBuild(): Fingerprints {
  const seen = new Map<string, TreeFingerprint | undefined>();
  const hashes = new Map<string, string | undefined>();
  return {
    of(root) {
      const key = path.resolve(root);
      if (!seen.has(key)) seen.set(key, fingerprintTree(key));
      return seen.get(key);
    },
    forget(root) {
      seen.delete(path.resolve(root));
    },
    // A service's functions often share a folder: each file is read once per build.
    fileHash: (file) => {
      const key = path.resolve(file);
      if (!hashes.has(key)) hashes.set(key, hashFileIfAny(key));
      return hashes.get(key);
    },
  };
}

/** Looks at a tree afresh every time: for callers outside a build (synth, the local run). */
export const freshFingerprints: Fingerprints = { of: (root) => fingerprintTree(root), forget: () => undefined, fileHash: hashFileIfAny };

/** Why a tree no longer matches what its manifest recorded; undefined when it matches. */
export function treeDrift(recorded: { readonly fileCount: number; readonly unzippedBytes: number }, found: TreeFingerprint | undefined): string | undefined {
  if (!found) return 'the tree is missing';
  if (found.fileCount !== recorded.fileCount) return `${found.fileCount} files, the build wrote ${recorded.fileCount}`;
  if (found.unzippedBytes !== recorded.unzippedBytes) {
    return `${found.unzippedBytes} bytes, the build wrote ${recorded.unzippedBytes}`;
  }
  if (!found.normalised) return 'files were touched or their modes changed after the build';
  return undefined;
}

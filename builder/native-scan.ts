import * as fs from 'node:fs';
import * as path from 'node:path';
import { InstalledPackage, NativeObject } from '../artifacts/manifest';
import { readSharedObject } from './elf';

/**
 * Finds every shared object of a built tree and reads what the loader needs of it (a few hundred bytes
 * per file, never the whole file, never running it), with the package each belongs to. The build keeps
 * the result in its manifest, so the native-code rule judges environments without reading files again.
 */

/** Named as something a loader opens: `x.so`, `libffi.so.8`, `libffi.so.8.1.2`, a Node.js addon `x.node`. */
export function isSharedObjectName(file: string): boolean {
  const base = file.split('/').pop() ?? '';
  return /\.so(\.\d+)*$/.test(base) || base.endsWith('.node');
}

/** Reads a file's shared-object description, through reads at offsets. */
export function readSharedObjectFile(file: string): ReturnType<typeof readSharedObject> {
  const fd = fs.openSync(file, 'r');
  try {
    return readSharedObject((offset, length) => {
      const buffer = Buffer.alloc(length);
      const read = fs.readSync(fd, buffer, 0, length, offset);
      return buffer.subarray(0, read);
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** Which package each file belongs to: a Python distribution by the files its RECORD lists, a Node.js package by its folder. */
function ownerFinder(treeDir: string, packages: readonly InstalledPackage[]): (file: string) => string | undefined {
  const recorded = new Map<string, string>();
  for (const pkg of packages) {
    const record = path.join(treeDir, pkg.path, 'RECORD');
    if (!pkg.path.endsWith('.dist-info') || !fs.existsSync(record)) continue;
    const site = path.posix.dirname(pkg.path);
    for (const line of fs.readFileSync(record, 'utf8').split('\n')) {
      const file = line.split(',')[0].trim().replace(/^"|"$/g, '');
      if (file) recorded.set(path.posix.normalize(`${site}/${file}`), pkg.path);
    }
  }
  const folders = packages.filter((pkg) => !pkg.path.endsWith('.dist-info')).sort((a, b) => b.path.length - a.path.length);
  return (file) => recorded.get(file) ?? folders.find((pkg) => file.startsWith(`${pkg.path}/`))?.path;
}

/** Every shared object among `files` (tree-relative, forward slashes), described, with its owner, sorted by path. */
export function scanNativeObjects(treeDir: string, files: readonly string[], packages: readonly InstalledPackage[]): NativeObject[] {
  const ownerOf = ownerFinder(treeDir, packages);
  return files
    .filter(isSharedObjectName)
    .sort()
    .map((file) => {
      const info = readSharedObjectFile(path.join(treeDir, file));
      const owner = ownerOf(file);
      const base = { path: file, ...(owner ? { owner } : {}) };
      if (info.format !== 'elf') return { ...base, format: info.format, magic: info.magic };
      return {
        ...base,
        format: 'elf' as const,
        class: info.class,
        endian: info.endian,
        machine: info.machine,
        needed: info.needed,
        ...(info.soname ? { soname: info.soname } : {}),
        versions: info.versions,
        ...(info.problem ? { problem: info.problem } : {}),
      };
    });
}

import { spawnSync } from 'node:child_process';

/** Zips a folder's contents with Python's zipfile (paths relative to the folder), as a layer zip is laid out. */
export function zipFolder(folder: string, zipFile: string, skip: readonly string[] = []): void {
  const script = [
    'import os, sys, zipfile',
    'root, out, skip = sys.argv[1], sys.argv[2], set(sys.argv[3:])',
    'with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:',
    '    for d, _, files in sorted(os.walk(root)):',
    '        for f in sorted(files):',
    '            full = os.path.join(d, f)',
    '            rel = os.path.relpath(full, root).replace(os.sep, "/")',
    '            if not any(rel.startswith(s) for s in skip):',
    '                z.write(full, rel)',
  ].join('\n');
  const result = spawnSync('python3', ['-c', script, folder, zipFile, ...skip], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`zipping ${folder} failed: ${result.stderr}`);
}

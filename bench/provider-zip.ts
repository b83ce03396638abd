import { spawnSync } from 'node:child_process';

/** The zip the archive provider would make: every file, sorted, zero timestamps, modes from disk. */
export function providerLikeZip(folder: string, zipFile: string): void {
  const script = [
    'import os, sys, zipfile',
    'root, out = sys.argv[1], sys.argv[2]',
    'paths = []',
    'for d, _, files in os.walk(root):',
    '    paths += [os.path.join(d, f) for f in files]',
    'with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:',
    '    for full in sorted(paths, key=lambda p: os.path.relpath(p, root).encode()):',
    '        info = zipfile.ZipInfo(os.path.relpath(full, root).replace(os.sep, "/"), (1980, 1, 1, 0, 0, 0))',
    '        info.external_attr = (os.stat(full).st_mode & 0xFFFF) << 16',
    '        info.compress_type = zipfile.ZIP_DEFLATED',
    '        with open(full, "rb") as f: z.writestr(info, f.read())',
  ].join('\n');
  const result = spawnSync('python3', ['-c', script, folder, zipFile], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`zipping ${folder} failed: ${result.stderr}`);
}

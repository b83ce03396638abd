import * as fs from 'node:fs';
import * as path from 'node:path';
import { listTree } from '../../builder/tree';

/** The first field of a RECORD line (a CSV row: quoted when the path holds a comma or a quote). */
function recordPath(line: string): string {
  if (!line.startsWith('"')) return line.split(',')[0];
  const match = /^"((?:[^"]|"")*)"/.exec(line);
  return match ? match[1].replace(/""/g, '"') : line;
}

/**
 * The files of a Python layer tree that no installed distribution lists in its RECORD: what an installer left behind
 * (uv's `.lock`), rather than what a package installed. A layer should hold none.
 */
export function filesOutsideRecords(treeDir: string): string[] {
  const site = path.join(treeDir, 'python');
  const recorded = new Set<string>();
  for (const entry of fs.readdirSync(site)) {
    const record = path.join(site, entry, 'RECORD');
    if (!entry.endsWith('.dist-info') || !fs.existsSync(record)) continue;
    for (const line of fs.readFileSync(record, 'utf8').split(/\r?\n/)) {
      if (line.trim()) recorded.add(path.posix.normalize(`python/${recordPath(line)}`));
    }
  }
  return listTree(treeDir)
    .map((file) => file.path)
    .filter((file) => !recorded.has(file));
}

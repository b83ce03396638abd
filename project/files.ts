import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writing files so that no reader ever sees half of one: the build, its manifest, locks and pins use these. */

/** Writes a file next to its final name, then renames it into place. */
export function writeFileAtomic(file: string, contents: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

/** Replaces a folder with a fully written one, so readers never see half a tree. */
export function replaceDirectory(staged: string, destination: string): void {
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const retired = `${destination}.old-${process.pid}-${Date.now()}`;
  if (fs.existsSync(destination)) fs.renameSync(destination, retired);
  fs.renameSync(staged, destination);
  fs.rmSync(retired, { recursive: true, force: true });
}

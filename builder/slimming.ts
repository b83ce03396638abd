import * as fs from 'node:fs';
import { walkFiles } from './tree';

/** Slimming a built tree: the globs a family removes by default (LayerInstaller.defaultSlimming) and a layer's own excludes. */

/** `**` matches across folders, `*` and `?` within one; everything else literally. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      pattern += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (char === '*') {
      pattern += '[^/]*';
    } else if (char === '?') {
      pattern += '[^/]';
    } else {
      pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${pattern}$`);
}

export interface SlimmingResult {
  readonly removedFiles: number;
  readonly removedBytes: number;
}

/** Deletes every file whose tree-relative path matches one of the globs; reports what it saved. */
export function slimTree(root: string, globs: readonly string[]): SlimmingResult {
  const patterns = globs.map(globToRegExp);
  let removedFiles = 0;
  let removedBytes = 0;
  walkFiles(root, (full, relative) => {
    if (!patterns.some((pattern) => pattern.test(relative))) return;
    removedBytes += fs.lstatSync(full).size;
    removedFiles += 1;
    fs.rmSync(full);
  });
  return { removedFiles, removedBytes };
}

import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The tests never write into the repository: they run against a copy of its sources in a temporary
 * folder (TEST_PROJECT_ROOT, made once by the global setup, removed by the teardown), which shares
 * node_modules and the runtimes' binaries by symbolic link. It starts with no build folder: nothing
 * the repository's builds cached (uv's, pip's or pip-audit's caches) can make a test pass or fail.
 */

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The tests' fixtures (plans, handlers, IAM models, layers), read in place: tests at any depth find them here. */
export const FIXTURES = path.join(REPO_ROOT, '__tests__', 'fixtures');

/** Layer folders of real packages, locked like the repository's, for what the seed's requirements do not show. */
export const REAL_LAYER_FIXTURES = path.join(FIXTURES, 'real-layers');

/** A terraform that answers from canned plans, for the commands that would run it. */
export const FAKE_TERRAFORM = path.join(REPO_ROOT, '__tests__', 'support', 'fake-terraform.mjs');

/** The Terraform commands the stand-in ran in a stack folder, in order (its calls.jsonl). */
export function terraformCalls(stackDir: string): string[][] {
  return fs
    .readFileSync(path.join(stackDir, 'calls.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as string[]);
}

const NOT_COPIED = new Set(['node_modules', '.git', '.build', 'cdktf.out', 'coverage', '.toolchain', '.cli']);

/** Installed folders below the top that the copy links instead of copying: the runtimes' binaries, CDK Terrain. */
const LINKED = [path.join('runtimes', 'node_modules'), path.join('frameworks', 'cdktn', 'node_modules')];

/** Copies a project's sources (no node_modules, git, synth output or build) and links its node_modules, the LINKED folders and the Python toolchain. */
export function copySources(from: string, to: string): void {
  fs.cpSync(from, to, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(from, source);
      const top = relative.split(path.sep)[0];
      if (NOT_COPIED.has(top) || top.startsWith('cdktf.out') || top.startsWith('.build-')) return false;
      return !LINKED.some((folder) => relative.startsWith(folder));
    },
  });
  fs.symlinkSync(fs.realpathSync(path.join(from, 'node_modules')), path.join(to, 'node_modules'));
  const toolchain = path.join(from, '.toolchain');
  if (fs.existsSync(toolchain)) fs.symlinkSync(fs.realpathSync(toolchain), path.join(to, '.toolchain'));
  for (const folder of LINKED) {
    const installed = path.join(from, folder);
    if (fs.existsSync(installed)) fs.symlinkSync(fs.realpathSync(installed), path.join(to, folder));
  }
}

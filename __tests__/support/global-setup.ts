import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, copySources } from './test-project';

/**
 * Makes the project the tests run against, a copy of the repository's sources in a temporary folder,
 * and builds what the environments deploy there, once, for the tests that serve or synthesise it.
 */
export default function globalSetup(): void {
  const root = path.join(fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'layer-stacks-tests-')), 'project');
  copySources(REPO_ROOT, root);
  process.env['TEST_PROJECT_ROOT'] = root;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'build', '--only-used'], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`npm run build failed before the tests:\n${result.stdout}\n${result.stderr}`);
  }
}

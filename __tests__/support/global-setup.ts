import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** Builds what the environments deploy, once (reused when unchanged), for the tests that serve or synthesise it. */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..', '..');
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'build', '--only-used'], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`npm run build failed before the tests:\n${result.stdout}\n${result.stderr}`);
  }
}

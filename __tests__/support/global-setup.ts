import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readAllLayerSources, readLayerSourcesIn } from '../../builder/layer-folders';
import { fetchLockedWheels, wheelCacheDir } from '../../family-plugins/python/wheel-cache';
import { ensurePythonToolchain } from '../../toolchain/python-toolchain';
import { REAL_LAYER_FIXTURES, REPO_ROOT, copySources } from './test-project';
import { PLUGINS } from '../../family-plugins/registry';

/**
 * Before any test: the project's Python toolchain (moto's server, boto3, uv, pip) and every wheel the
 * repository's Python layers (and the real-package fixture layers) are locked to, fetched once into the
 * wheel cache (the only time the tests reach a package index); then UV_OFFLINE and UV_NO_INDEX for every test, so none can reach one. Then
 * the project the tests run against: a copy of the repository's sources in a temporary folder, with
 * what the environments deploy built there once, for the tests that serve or synthesise it. TMPDIR points beside it,
 * so every temporary folder of the run is removed with it by the global teardown.
 */
export default async function globalSetup(): Promise<void> {
  const progress = (line: string): void => {
    process.stderr.write(`[global setup] ${line}\n`);
  };
  const toolchain = await ensurePythonToolchain({ env: process.env, progress });
  const cacheDir = wheelCacheDir(process.env);
  const pipCacheDir = path.join(os.tmpdir(), `layer-stacks-pip-cache-${process.getuid?.() ?? 'user'}`);
  const fixtures = fs.readdirSync(REAL_LAYER_FIXTURES).flatMap((name) => readLayerSourcesIn(PLUGINS, path.join(REAL_LAYER_FIXTURES, name), name, REPO_ROOT));
  await fetchLockedWheels([...readAllLayerSources(PLUGINS, REPO_ROOT), ...fixtures], { cacheDir, toolchain, env: process.env, pipCacheDir, progress });
  Object.assign(process.env, { PYTHON_WHEEL_CACHE: cacheDir, UV_OFFLINE: '1', UV_NO_INDEX: '1' });

  const root = path.join(fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'layer-stacks-tests-')), 'project');
  copySources(REPO_ROOT, root);
  process.env['TEST_PROJECT_ROOT'] = root;
  // Every temporary folder of this run (the tests', and the processes' they start) goes beside the copy, and the
  // teardown removes them all with it: runs leave nothing behind in the machine's temporary folder.
  const scratch = path.join(path.dirname(root), 'tmp');
  fs.mkdirSync(scratch);
  process.env['TMPDIR'] = scratch;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'build', '--only-used'], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`npm run build failed before the tests:\n${result.stdout}\n${result.stderr}`);
  }
}

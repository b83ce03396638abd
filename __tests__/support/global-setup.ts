import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readAllLayerSources, readLayerSourcesIn } from '../../builder/layer-folders';
import { fetchLockedWheels, wheelCacheDir } from '../../family-plugins/python/wheel-cache';
import { ensurePythonToolchain } from '../../family-plugins/python/toolchain';
import { REAL_LAYER_FIXTURES, REPO_ROOT, copySources } from './test-project';
import { PLUGINS } from '../../family-plugins/registry';

/**
 * Before any test, the only time the tests may reach a package index or registry, and only for files pinned by hash:
 * - the project's Python toolchain (moto's server, boto3, uv, pip), installed from its hashed lock;
 * - a wheel cache of this run's own, holding every wheel the repository's Python layers (and the real-package fixture
 *   layers) are locked to: copied from the user's wheel cache where its bytes match the lock's sha256 (the user's cache is
 *   read, never written, and a wrong file there is passed over), fetched by hash otherwise;
 * - an npm cache of this run's own, filled by the build below from the registry (npm checks each file against the
 *   lockfile's integrity).
 * Then UV_OFFLINE, UV_NO_INDEX and npm's offline for every test, so none can reach an index or a registry. Then the
 * project the tests run against: a copy of the repository's sources in a temporary folder, with what the environments
 * deploy built there once, for the tests that serve or synthesise it. TMPDIR points beside it, so every temporary folder
 * of the run, the caches included, is removed with it by the global teardown.
 */
export default async function globalSetup(): Promise<void> {
  const progress = (line: string): void => {
    process.stderr.write(`[global setup] ${line}\n`);
  };
  const run = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'layer-stacks-tests-'));
  const root = path.join(run, 'project');
  // Every temporary folder of this run (the tests', and the processes' they start) goes beside the copy, and the
  // teardown removes them all with it: runs leave nothing behind in the machine's temporary folder.
  const scratch = path.join(run, 'tmp');
  fs.mkdirSync(scratch);
  process.env['TEST_PROJECT_ROOT'] = root;

  const toolchain = await ensurePythonToolchain({ env: process.env, projectRoot: REPO_ROOT, progress });
  const cacheDir = path.join(run, 'wheels');
  const fixtures = fs.readdirSync(REAL_LAYER_FIXTURES).flatMap((name) => readLayerSourcesIn(PLUGINS, path.join(REAL_LAYER_FIXTURES, name), name, REPO_ROOT));
  const wheels = await fetchLockedWheels([...readAllLayerSources(PLUGINS, REPO_ROOT), ...fixtures], {
    cacheDir,
    seedFrom: wheelCacheDir(process.env),
    toolchain,
    env: process.env,
    pipCacheDir: path.join(scratch, 'pip-cache'),
    progress,
  });
  progress(`${wheels.wheels} locked wheels in this run's wheel cache, ${wheels.fetched} of them copied or fetched`);
  // From here on, no index or folder of the user's: only the run's own.
  for (const key of Object.keys(process.env)) if (key.startsWith('UV_') || key.startsWith('PIP_')) delete process.env[key];
  Object.assign(process.env, { PYTHON_WHEEL_CACHE: cacheDir, UV_OFFLINE: '1', UV_NO_INDEX: '1', npm_config_cache: path.join(run, 'npm-cache') });

  copySources(REPO_ROOT, root);
  process.env['TMPDIR'] = scratch;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'build', '--only-used'], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`npm run build failed before the tests:\n${result.stdout}\n${result.stderr}`);
  }
  process.env['npm_config_offline'] = 'true';
}

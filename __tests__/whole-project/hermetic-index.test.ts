import { pythonIndexSettings } from '../../family-plugins/python/python-index';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { layerTargetFor } from '../../builder/build-plan';
import { readLayerSources } from '../../builder/layer-folders';
import { lockPythonLayer } from '../../family-plugins/python/lock-layer';
import { buildPythonLayer, listPythonPackages } from '../../family-plugins/python/python-layer';
import { parseLockTarget, lockFileName } from '../../family-plugins/python/python-lock';
import { isPythonSource } from '../../family-plugins/python/python-source';
import { uvCompileArgs, uvEnvironment } from '../../family-plugins/python/uv';
import { wheelCacheDir } from '../../family-plugins/python/wheel-cache';
import { PLUGINS } from '../../family-plugins/registry';
import { silentProgress } from '../../project/progress';
import { runCommand } from '../../project/run-command';
import { ensurePythonToolchain } from '../../family-plugins/python/toolchain';
import { makeFixtureWheels, makePythonProject, makeWheel, offlineWheelEnv } from '../support/fixture-wheels';
import { PROJECT_ROOT } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { SimpleIndex, serveSimpleIndex } from '../support/simple-index';

/**
 * The suite resolves and installs Python packages from fixture wheels named alpha and beta. An index the tests can
 * reach, holding newer releases of those names (as the public index may one day), must never be asked: the
 * project's UV_NO_INDEX is uv's and pip's --no-index. Before, uv was left to read a variable it does not have.
 */

let fixtures: string;
let index: SimpleIndex;

beforeAll(async () => {
  fixtures = makeFixtureWheels().dir;
  const newer = makeTempDir('newer-wheels');
  makeWheel(newer, { name: 'alpha', version: '9.0.0', requires: ['beta>=1.0'], files: { 'alpha/__init__.py': 'VALUE = "alpha 9"\n' } });
  makeWheel(newer, { name: 'beta', version: '9.0.0', files: { 'beta.py': 'VALUE = "beta 9"\n' } });
  index = await serveSimpleIndex(newer);
});

afterAll(() => index.close());

const TARGET = { pythonVersion: '3.12', architecture: 'x86_64' as const };

function source(root: string) {
  return readLayerSources(PLUGINS, root, 'pylayer').find(isPythonSource)!;
}

async function lockedVersions(root: string, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  await lockPythonLayer(source(root), [TARGET], {
    projectRoot: root,
    toolHome: PROJECT_ROOT,
    buildDir: path.join(root, '.build'),
    env,
    step: silentProgress.step('lock'),
  });
  const text = fs.readFileSync(path.join(root, 'layers', 'pylayer', lockFileName(TARGET)), 'utf8');
  return Object.fromEntries(parseLockTarget(text, lockFileName(TARGET), 'pylayer').target.distributions.map((dist) => [dist.name, dist.version]));
}

/** Asks of the index made during `work`. */
async function asked(work: () => Promise<unknown>): Promise<string[]> {
  const before = index.requests.length;
  await work();
  return index.requests.slice(before);
}

describe('an index the tests can reach, with newer alpha and beta', () => {
  it('is what uv picks when it is only told UV_NO_INDEX, a variable uv does not have (what the suite did before)', async () => {
    const toolchain = await ensurePythonToolchain({ env: process.env, projectRoot: PROJECT_ROOT });
    const dir = makeTempDir('uv-ignores-no-index');
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'alpha\n');
    const env = { ...offlineWheelEnv(fixtures, { UV_OFFLINE: undefined }), UV_DEFAULT_INDEX: index.url };
    // The arguments as they were: no --no-index from the settings.
    const args = uvCompileArgs(TARGET, {
      requirements: 'requirements.txt',
      output: path.join(dir, 'pylock.out.toml'),
      cacheDir: path.join(dir, 'cache'),
      settings: pythonIndexSettings({}),
    });
    const result = await runCommand(toolchain.uv, args, { env: uvEnvironment(env), cwd: dir });
    expect(result.output).toBe('');
    expect(fs.readFileSync(path.join(dir, 'pylock.out.toml'), 'utf8')).toMatch(/name = "alpha"\nversion = "9\.0\.0"/);
  });

  it('is never asked by npm run layers:lock under UV_NO_INDEX alone: the fixtures are locked', async () => {
    const root = makePythonProject('alpha\n');
    const env = offlineWheelEnv(fixtures, { UV_OFFLINE: undefined, UV_DEFAULT_INDEX: index.url });
    let versions: Record<string, string> = {};
    expect(await asked(async () => (versions = await lockedVersions(root, env)))).toEqual([]);
    expect(versions).toEqual({ alpha: '1.0.0', beta: '1.0.0' });
  });

  it('is asked, and wins, without UV_NO_INDEX: the index is real and reachable, so the test above could fail', async () => {
    const root = makePythonProject('alpha\n');
    const env = offlineWheelEnv(fixtures, { UV_OFFLINE: undefined, UV_NO_INDEX: undefined, UV_DEFAULT_INDEX: index.url });
    let versions: Record<string, string> = {};
    expect(await asked(async () => (versions = await lockedVersions(root, env)))).toContain('/simple/alpha/');
    expect(versions).toEqual({ alpha: '9.0.0', beta: '9.0.0' });
  });

  it.each(['uv', 'pip'])('is never asked by an unlocked build with %s under UV_NO_INDEX alone: the fixtures are installed', async (installer) => {
    const root = makePythonProject('alpha\n');
    const layer = source(root);
    const env = offlineWheelEnv(fixtures, { UV_OFFLINE: undefined, UV_DEFAULT_INDEX: index.url, PYTHON_INSTALLER: installer });
    const target = layerTargetFor(PLUGINS.byId(layer.family), layer, 'x86_64', 'python3.12');
    let treeDir = '';
    const requests = await asked(async () => {
      const result = await buildPythonLayer(target, layer, {
        toolHome: PROJECT_ROOT,
        buildDir: path.join(root, '.build'),
        env,
        step: silentProgress.step('build'),
      });
      treeDir = path.join(root, '.build', result.artifact.treeDir);
    });
    expect(requests).toEqual([]);
    expect(listPythonPackages(treeDir, ['alpha']).map((pkg) => `${pkg.name} ${pkg.version}`)).toEqual(['alpha 1.0.0', 'beta 1.0.0']);
  });

  it('is never asked by an unlocked pip build under UV_OFFLINE alone, which pip gets as --no-index, even when a package is missing', async () => {
    const env = offlineWheelEnv(fixtures, { UV_NO_INDEX: undefined, UV_DEFAULT_INDEX: index.url, PYTHON_INSTALLER: 'pip' });
    const build = (requirements: string) => {
      const root = makePythonProject(requirements);
      const layer = source(root);
      return buildPythonLayer(layerTargetFor(PLUGINS.byId(layer.family), layer, 'x86_64', 'python3.12'), layer, {
        toolHome: PROJECT_ROOT,
        buildDir: path.join(root, '.build'),
        env,
        step: silentProgress.step('build'),
      });
    };
    let built: Awaited<ReturnType<typeof build>> | undefined;
    expect(await asked(async () => (built = await build('alpha\n')))).toEqual([]);
    expect(built!.artifact.packages.map((pkg) => `${pkg.name} ${pkg.version}`)).toEqual(['alpha 1.0.0', 'beta 1.0.0']);
    let failure: Error | undefined;
    expect(await asked(() => build('nosuch\n').catch((error: Error) => (failure = error)))).toEqual([]);
    expect(failure?.message).toBe(
      `Layer "pylayer" (Python 3.12, x86_64): none of the folders of wheels (${fixtures}) has a wheel of nosuch for manylinux_2_34_x86_64 (or an older manylinux) ` +
        'and CPython 3.12, and UV_OFFLINE keeps pip from every index (pip has no offline mode: it gets --no-index). Check its name and that such a wheel is there ' +
        '(source builds are not allowed), add a folder that holds one to UV_FIND_LINKS, or unset UV_OFFLINE.',
    );
  });

  it("is never asked under the tests' own environment (offlineWheelEnv), with uv or with UV_OFFLINE alone", async () => {
    const root = makePythonProject('alpha\n');
    const env = offlineWheelEnv(fixtures, { UV_DEFAULT_INDEX: index.url });
    expect(await asked(() => lockedVersions(root, env))).toEqual([]);
    const offlineOnly = offlineWheelEnv(fixtures, { UV_NO_INDEX: undefined, UV_DEFAULT_INDEX: index.url });
    expect(await asked(() => lockedVersions(makePythonProject('alpha\n'), offlineOnly))).toEqual([]);
  });
});

describe("the tests' environment, as the global setup leaves it", () => {
  it('reaches no index and no registry, and reads only caches of this run', () => {
    expect(process.env['UV_OFFLINE']).toBe('1');
    expect(process.env['UV_NO_INDEX']).toBe('1');
    expect(process.env['npm_config_offline']).toBe('true');
    // The run's caches are inside the run's folder, which the teardown removes; never the user's.
    const run = path.dirname(process.env['TEST_PROJECT_ROOT']!);
    expect(path.basename(run)).toMatch(/^layer-stacks-tests-/);
    for (const cache of [wheelCacheDir(process.env), process.env['npm_config_cache']!]) {
      expect(path.relative(run, cache).startsWith('..')).toBe(false);
      expect(cache.startsWith(os.homedir())).toBe(false);
    }
  });
});

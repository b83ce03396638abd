import { pipIndexArgs, pythonIndexSettings, uvIndexArgs } from '../../../family-plugins/python/python-index';
import { isPythonSource, parseRequirements } from '../../../family-plugins/python/python-source';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerTargetFor } from '../../../builder/build-plan';
import { LayerBuildResult } from '../../../builder/layer-build';
import { readLayerSources } from '../../../builder/layer-folders';
import { explainPipFailure, pipInstallArgs } from '../../../family-plugins/python/pip';
import { silentProgress } from '../../../project/progress';
import { buildPythonLayer } from '../../../family-plugins/python/python-layer';
import { globToRegExp } from '../../../builder/slimming';
import { fingerprintTree, listTree } from '../../../builder/tree';
import { Architecture } from '../../../config/environments';
import { PythonRuntime } from '../../../family-plugins/python/definition';
import { explainUvFailure, uvCompileArgs, uvInstallArgs, uvLockedEnvironment } from '../../../family-plugins/python/uv';
import { makeFixtureWheels, makePythonProject, offlineWheelEnv, sha256File } from '../../support/fixture-wheels';
import { freePort, PROJECT_ROOT } from '../../support/processes';
import { makeTempDir } from '../../support/temp-dirs';
import { PLUGINS } from '../../../family-plugins/registry';
import { lockPythonLayer } from '../../../family-plugins/python/lock-layer';
import { filesOutsideRecords } from '../../support/python-tree';

let wheels: { dir: string; wheels: Record<string, string> };

beforeAll(() => {
  wheels = makeFixtureWheels();
});

function build(
  root: string,
  buildDir: string,
  env: NodeJS.ProcessEnv,
  arch: Architecture = 'x86_64',
  runtime: PythonRuntime = 'python3.12',
  name = 'pylayer',
): Promise<LayerBuildResult> {
  const source = readLayerSources(PLUGINS, root, name).find(isPythonSource)!;
  return buildPythonLayer(layerTargetFor(PLUGINS.byId(source.family), source, arch, runtime), source, {
    toolHome: PROJECT_ROOT,
    buildDir,
    env,
    step: silentProgress.step('test'),
  });
}

async function withUmask<T>(umask: number, work: () => Promise<T>): Promise<T> {
  const previous = process.umask(umask);
  try {
    return await work();
  } finally {
    process.umask(previous);
  }
}

describe('uv and pip for Lambda', () => {
  const settings = pythonIndexSettings({});

  it("ask for the function's platform (Amazon Linux 2023's glibc and older), Python version and wheels only; from the wheel cache alone when locked", () => {
    expect(
      uvInstallArgs({ architecture: 'arm64', pythonVersion: '3.13' }, { requirements: 'requirements.txt', requireHashes: true }, '/t/python', '/c', settings),
    ).toEqual([
      'pip',
      'install',
      '--target',
      '/t/python',
      '--requirement',
      'requirements.txt',
      '--python-platform',
      'aarch64-manylinux_2_34',
      '--python-version',
      '3.13',
      '--only-binary',
      ':all:',
      '--link-mode',
      'copy',
      '--quiet',
      '--cache-dir',
      '/c',
      '--require-hashes',
    ]);
    expect(
      uvInstallArgs(
        { architecture: 'x86_64', pythonVersion: '3.12' },
        { requirements: 'lock.txt', requireHashes: true, lockedFrom: ['/wheels/sha256/a', '/wheels/sha256/b'] },
        '/t',
        '/c',
        settings,
      ).slice(-10),
    ).toEqual([
      '--cache-dir',
      '/c',
      '--no-deps',
      '--require-hashes',
      '--no-index',
      '--find-links',
      '/wheels/sha256/a',
      '--find-links',
      '/wheels/sha256/b',
      '--offline',
    ]);
    const pip = pipInstallArgs({ architecture: 'x86_64', pythonVersion: '3.12' }, { requirements: 'r.txt', requireHashes: false }, '/t', '/c', settings);
    expect(pip.slice(0, 9)).toEqual(['-m', 'pip', 'install', '--requirement', 'r.txt', '--target', '/t', '--platform', 'manylinux_2_34_x86_64']);
    expect(pip).toEqual(
      expect.arrayContaining([
        '--platform',
        'manylinux2014_x86_64',
        '--platform',
        'manylinux1_x86_64',
        '--implementation',
        'cp',
        '--python-version',
        '3.12',
        '--only-binary=:all:',
        '--no-compile',
      ]),
    );
    expect(pip).not.toContain('--require-hashes');
    expect(
      pipInstallArgs(
        { architecture: 'arm64', pythonVersion: '3.12' },
        { requirements: 'l.txt', requireHashes: true, lockedFrom: ['/w'] },
        '/t',
        '/c',
        settings,
      ).slice(-7),
    ).toEqual(['--cache-dir', '/c', '--no-deps', '--require-hashes', '--no-index', '--find-links', '/w']);
  });

  it("take the indexes from uv's variables, and give pip the same as options", () => {
    const custom = pythonIndexSettings({
      UV_DEFAULT_INDEX: 'https://mirror/simple',
      UV_INDEX: 'internal=https://internal/simple https://more/simple',
      UV_FIND_LINKS: '/w1,/w2',
    });
    expect(custom).toEqual({
      defaultIndex: 'https://mirror/simple',
      extraIndexes: ['https://internal/simple', 'https://more/simple'],
      findLinks: ['/w1', '/w2'],
      noIndex: false,
      offline: false,
    });
    expect(pipIndexArgs(custom)).toEqual([
      '--index-url',
      'https://mirror/simple',
      '--extra-index-url',
      'https://internal/simple',
      '--extra-index-url',
      'https://more/simple',
      '--find-links',
      '/w1',
      '--find-links',
      '/w2',
    ]);
    expect(pipIndexArgs(pythonIndexSettings({ UV_NO_INDEX: '1', UV_FIND_LINKS: '/w', UV_INDEX_URL: 'https://ignored/simple' }))).toEqual([
      '--no-index',
      '--find-links',
      '/w',
    ]);
    expect(pythonIndexSettings({ UV_OFFLINE: 'true' }).offline).toBe(true);
    // pip has no offline mode: offline is no index, only the folders of wheels.
    expect(pipIndexArgs(pythonIndexSettings({ UV_OFFLINE: '1', UV_FIND_LINKS: '/w', UV_DEFAULT_INDEX: 'https://ignored/simple' }))).toEqual([
      '--no-index',
      '--find-links',
      '/w',
    ]);
  });

  it('give uv UV_NO_INDEX as --no-index (uv has no such variable) and UV_OFFLINE as --offline, when resolving and when installing unlocked', () => {
    const target = { architecture: 'x86_64' as const, pythonVersion: '3.12' };
    const none = pythonIndexSettings({ UV_NO_INDEX: 'true', UV_FIND_LINKS: '/w' });
    expect(uvIndexArgs(none)).toEqual(['--no-index']);
    expect(uvIndexArgs(pythonIndexSettings({ UV_OFFLINE: '1' }))).toEqual(['--offline']);
    expect(uvIndexArgs(pythonIndexSettings({ UV_NO_INDEX: '0' }))).toEqual([]);
    const compile = { requirements: 'requirements.txt', output: '/o/pylock.x.toml', cacheDir: '/c', settings };
    expect(uvCompileArgs(target, { ...compile, settings: none })).toContain('--no-index');
    expect(uvCompileArgs(target, compile)).not.toContain('--no-index');
    expect(uvCompileArgs(target, { ...compile, findLinks: ['/cache/sha256/a'] }).slice(-2)).toEqual(['--find-links', '/cache/sha256/a']);
    expect(uvInstallArgs(target, { requirements: 'requirements.txt', requireHashes: false }, '/t', '/c', none)).toContain('--no-index');
    expect(uvCompileArgs(target, { ...compile, upgrade: { packages: ['Beta', 'gamma'] } }).slice(-4)).toEqual([
      '--upgrade-package',
      'Beta',
      '--upgrade-package',
      'gamma',
    ]);
    expect(uvCompileArgs(target, { ...compile, upgrade: { all: true } }).slice(-1)).toEqual(['--upgrade']);
    // Offline, there is nothing to refresh from (and uv refuses --refresh with --offline).
    expect(uvCompileArgs(target, compile)).toContain('--refresh');
    expect(uvCompileArgs(target, { ...compile, settings: pythonIndexSettings({ UV_OFFLINE: '1' }) })).not.toContain('--refresh');
  });

  it("install a locked layer with none of the caller's indexes or folders of wheels in uv's environment", () => {
    const env = uvLockedEnvironment({
      UV_DEFAULT_INDEX: 'https://x/simple',
      UV_INDEX: 'https://y/simple',
      UV_FIND_LINKS: '/w',
      UV_INDEX_URL: 'u',
      UV_EXTRA_INDEX_URL: 'e',
      UV_NO_INDEX: '1',
      HOME: '/h',
    });
    expect(
      Object.keys(env)
        .filter((key) => key.startsWith('UV_'))
        .sort(),
    ).toEqual(['UV_NO_PROGRESS', 'UV_PYTHON_DOWNLOADS']);
    expect(env['HOME']).toBe('/h');
  });

  it('reads requirement names, extras, version pins, includes and hash pins', () => {
    expect(parseRequirements('Alpha_Pkg[extra]==1.0 ; python_version>"3"\n# comment\n-r more.txt\n--index-url x\nbeta==2 \\\n  --hash=sha256:ab\n')).toEqual({
      names: ['alpha-pkg', 'beta'],
      includes: ['more.txt'],
      pinsHashes: true,
      extras: { 'alpha-pkg': ['extra'] },
      pinned: ['alpha-pkg', 'beta'],
    });
    expect(parseRequirements('gamma>=1\ndelta==1.*\nepsilon == 2.0\n').pinned).toEqual(['epsilon']);
  });
});

describe('Python layer build, from local wheels and no index', () => {
  it.each([
    ['uv', false],
    ['pip', false],
    ['uv', true],
    ['pip', true],
  ])('holds only what the packages install (%s, locked: %s): no file outside their RECORDs, such as the .lock uv leaves', async (installer, locked) => {
    const root = makePythonProject('alpha==1.0.0\nnative==1.0.0\npython-gadget==2.1.0\n');
    const env = offlineWheelEnv(wheels.dir, { PYTHON_INSTALLER: installer });
    if (locked) {
      const source = readLayerSources(PLUGINS, root, 'pylayer').find(isPythonSource)!;
      await lockPythonLayer(source, [{ pythonVersion: '3.12', architecture: 'x86_64' }], {
        projectRoot: root,
        toolHome: PROJECT_ROOT,
        buildDir: path.join(root, '.build'),
        env,
        step: silentProgress.step('lock'),
      });
    }
    const { artifact } = await build(root, path.join(root, '.build'), env);
    const treeDir = path.join(root, '.build', artifact.treeDir);
    expect(artifact.packages.map((pkg) => pkg.name)).toEqual(['alpha', 'beta', 'native', 'python-gadget']);
    expect(filesOutsideRecords(treeDir)).toEqual([]);
    // The check sees such a file: the one uv used to leave.
    fs.writeFileSync(path.join(treeDir, 'python', '.lock'), '');
    expect(filesOutsideRecords(treeDir)).toEqual(['python/.lock']);
  });

  it('installs for x86_64 and CPython 3.12 into python/, with dependencies, and reports the packages', async () => {
    const root = makePythonProject('alpha==1.0.0\nnative==1.0.0\n');
    const buildDir = path.join(root, '.build');
    const result = await build(root, buildDir, offlineWheelEnv(wheels.dir));
    const { artifact } = result;
    expect(artifact).toMatchObject({ id: 'pylayer/python3.12-x86_64', family: 'python', variant: 'python3.12', architecture: 'x86_64' });
    expect(artifact.packages.map((pkg) => [pkg.name, pkg.version, pkg.direct, pkg.modules])).toEqual([
      ['alpha', '1.0.0', true, ['alpha']],
      ['beta', '1.0.0', false, ['beta']],
      ['native', '1.0.0', true, ['native']],
    ]);
    expect(artifact.provides).toEqual(['alpha', 'beta', 'native']);
    const files = listTree(path.join(buildDir, artifact.treeDir)).map((file) => file.path);
    expect(files).toContain('python/native/_speedups.cpython-312-x86_64-linux-gnu.so');
    expect(files).toContain('python/alpha-1.0.0.dist-info/METADATA');
  });

  it("gives pip uv's indexes and none of pip.conf's", async () => {
    const conf = path.join(makeTempDir('pip-conf'), 'pip.conf');
    fs.writeFileSync(conf, `[global]\nindex-url = http://127.0.0.1:9/simple\nfind-links = /nonexistent\n`);
    const root = makePythonProject('alpha==1.0.0\n');
    const { artifact } = await build(root, path.join(root, '.build'), offlineWheelEnv(wheels.dir, { PYTHON_INSTALLER: 'pip', PIP_CONFIG_FILE: conf }));
    expect(artifact.packages.map((pkg) => pkg.name)).toEqual(['alpha', 'beta']);
    expect(artifact.tool.name).toBe('pip');
  });

  it('picks the aarch64 wheel for arm64 functions', async () => {
    const root = makePythonProject('native==1.0.0\narmonly==1.0.0\n');
    const { artifact } = await build(root, path.join(root, '.build'), offlineWheelEnv(wheels.dir), 'arm64');
    const files = listTree(path.join(root, '.build', artifact.treeDir)).map((file) => file.path);
    expect(files).toContain('python/native/_speedups.cpython-312-aarch64-linux-gnu.so');
    expect(files).not.toContain('python/native/_speedups.cpython-312-x86_64-linux-gnu.so');
    expect(artifact.id).toBe('pylayer/python3.12-arm64');
  });

  it('slims caches, compiled files and console scripts by default, keeps dist-info, applies configured excludes, and reports the bytes saved', async () => {
    const plain = makePythonProject('alpha==1.0.0\n');
    const slim = makePythonProject('alpha==1.0.0\n', { exclude: ['python/**/tests/**'] });
    const a = await build(plain, path.join(plain, '.build'), offlineWheelEnv(wheels.dir));
    const b = await build(slim, path.join(slim, '.build'), offlineWheelEnv(wheels.dir));
    const filesA = listTree(path.join(plain, '.build', a.artifact.treeDir)).map((file) => file.path);
    const filesB = listTree(path.join(slim, '.build', b.artifact.treeDir)).map((file) => file.path);
    expect(filesA.filter((file) => /__pycache__|\.pyc$|^python\/bin\//.test(file))).toEqual([]);
    expect(filesA).toContain('python/alpha/tests/test_alpha.py');
    expect(filesA).toEqual(
      expect.arrayContaining(['python/alpha-1.0.0.dist-info/METADATA', 'python/alpha-1.0.0.dist-info/RECORD', 'python/beta-1.0.0.dist-info/METADATA']),
    );
    expect(filesB).not.toContain('python/alpha/tests/test_alpha.py');
    expect(a.artifact.slimmedBytes).toBeGreaterThan(0);
    expect(b.artifact.slimmedBytes).toBeGreaterThan(a.artifact.slimmedBytes);
    expect(globToRegExp('**/__pycache__/**').test('python/alpha/__pycache__/x.pyc')).toBe(true);
  });

  it('gives identical trees and hashes from two folders and two umasks', async () => {
    const first = makePythonProject('alpha==1.0.0\nnative==1.0.0\n', { prefix: 'py-laptop' });
    const second = path.join(makeTempDir('py-ci'), 'deeper', 'project');
    fs.cpSync(first, second, { recursive: true });
    const secondBuild = path.join(makeTempDir('py-elsewhere'), 'b');
    const a = await withUmask(0o022, () => build(first, path.join(first, '.build'), offlineWheelEnv(wheels.dir)));
    const b = await withUmask(0o077, () => build(second, secondBuild, offlineWheelEnv(wheels.dir)));
    expect(b.artifact.contentHash).toBe(a.artifact.contentHash);
    expect(b.artifact.inputHash).toBe(a.artifact.inputHash);
    expect(listTree(path.join(secondBuild, b.artifact.treeDir))).toEqual(listTree(path.join(first, '.build', a.artifact.treeDir)));
    expect(fingerprintTree(path.join(secondBuild, b.artifact.treeDir))?.normalised).toBe(true);
    const files = listTree(path.join(first, '.build', a.artifact.treeDir));
    expect(files.every((file) => file.mode === 0o644 || file.mode === 0o755)).toBe(true);
    for (const file of files) expect(fs.readFileSync(path.join(first, '.build', a.artifact.treeDir, file.path), 'utf8')).not.toContain(first);
    // uv's note of when it read each wheel (dist-info/uv_cache.json) would differ by the second; it is not in the tree.
    expect(
      files.filter(
        (file) => file.path.endsWith('uv_cache.json') || /uv_cache/.test(fs.readFileSync(path.join(first, '.build', a.artifact.treeDir, file.path), 'utf8')),
      ),
    ).toEqual([]);
  });

  it('reuses an unchanged tree without the toolchain: no installer runs and no Python process starts', async () => {
    const root = makePythonProject('alpha==1.0.0\n');
    const buildDir = path.join(root, '.build');
    await build(root, buildDir, offlineWheelEnv(wheels.dir));
    // A toolchain folder that cannot exist, and no Python on PATH: a hit needs neither (the tool's version comes from the toolchain's lock).
    const nowhere = offlineWheelEnv(wheels.dir, { PYTHON_TOOLCHAIN: '/dev/null/toolchain', PATH: makeTempDir('no-python'), PYENV_ROOT: '/dev/null' });
    const second = await build(root, buildDir, nowhere);
    expect(second.cached).toBe(true);
    // Once the inputs change, the same environment needs the toolchain, so the check above can fail.
    fs.appendFileSync(path.join(root, 'layers', 'pylayer', 'requirements.txt'), 'native==1.0.0\n');
    await expect(build(root, buildDir, nowhere)).rejects.toThrow(/Python toolchain/);
  });

  it('builds with --require-hashes when requirements pin hashes, and names a mismatch', async () => {
    const good = makePythonProject(
      `alpha==1.0.0 --hash=sha256:${sha256File(wheels.wheels['alpha'])}\nbeta==1.0.0 --hash=sha256:${sha256File(wheels.wheels['beta'])}\n`,
    );
    const result = await build(good, path.join(good, '.build'), offlineWheelEnv(wheels.dir));
    expect(result.artifact.packages.map((pkg) => pkg.name)).toEqual(['alpha', 'beta']);
    const bad = makePythonProject(`alpha==1.0.0 --hash=sha256:${'0'.repeat(64)}\nbeta==1.0.0 --hash=sha256:${sha256File(wheels.wheels['beta'])}\n`);
    await expect(build(bad, path.join(bad, '.build'), offlineWheelEnv(wheels.dir))).rejects.toThrow(
      /Layer "pylayer" \(Python 3.12, x86_64\): the file of alpha.* does not match its pinned hash/,
    );
    const partial = makePythonProject(`alpha==1.0.0 --hash=sha256:${sha256File(wheels.wheels['alpha'])}\n`);
    await expect(build(partial, path.join(partial, '.build'), offlineWheelEnv(wheels.dir))).rejects.toThrow(
      /requirements.txt pins hashes, so every package needs one, dependencies included/,
    );
  });
});

describe('clear errors from the installers', () => {
  it('names the package, the platform and the Python version when no wheel fits, and refuses source builds', async () => {
    const root = makePythonProject('armonly==1.0.0\n');
    const error = await build(root, path.join(root, '.build'), offlineWheelEnv(wheels.dir)).catch((failure: Error) => failure);
    expect((error as Error).message).toContain(
      'Layer "pylayer" (Python 3.12, x86_64): there is no wheel of armonly for x86_64-manylinux_2_34 (glibc 2.34 or older) and CPython 3.12. ' +
        'Source builds are not allowed (--only-binary :all:) because they would compile for this machine, not for Lambda. ' +
        'Pin a version that ships such a wheel or a pure-Python one, or choose another package.',
    );
    // uv's own hint stays: where wheels do exist.
    expect((error as Error).message).toContain('Wheels are available for `armonly` (v1.0.0) on the following platform: `manylinux2014_aarch64`');
    // pip, with no index, cannot tell a package missing from one with no wheel for the platform: it says both.
    await expect(build(root, path.join(root, '.build-pip'), offlineWheelEnv(wheels.dir, { PYTHON_INSTALLER: 'pip' }))).rejects.toThrow(
      `Layer "pylayer" (Python 3.12, x86_64): none of the folders of wheels (${wheels.dir}) has a wheel of armonly==1.0.0 for manylinux_2_34_x86_64 ` +
        '(or an older manylinux) and CPython 3.12, and UV_NO_INDEX keeps pip from every index.',
    );
    expect(
      explainPipFailure(
        'Layer "x"',
        { architecture: 'x86_64', pythonVersion: '3.12' },
        'ERROR: Could not find a version that satisfies the requirement armonly==1.0.0 (from versions: none)',
        pythonIndexSettings({}),
      ),
    ).toBe(
      'Layer "x": there is no wheel of armonly==1.0.0 for manylinux_2_34_x86_64 (or an older manylinux) and CPython 3.12 (versions pip could see: none). ' +
        'Source builds are not allowed (--only-binary=:all:) because they would compile for this machine, not for Lambda. Pin a version that ships such a wheel or a pure-Python one, or choose another package.',
    );
  });

  it('says a wheel for another Python version does not fit', async () => {
    const root = makePythonProject('native==1.0.0\n');
    await expect(build(root, path.join(root, '.build'), offlineWheelEnv(wheels.dir), 'x86_64', 'python3.13')).rejects.toThrow(
      /no wheel of native for x86_64-manylinux_2_34 \(glibc 2\.34 or older\) and CPython 3\.13[^]*only found wheels for `native` \(v1\.0\.0\) with the following Python ABI tag: `cp312`/,
    );
  });

  it('says UV_NO_INDEX left uv no folder of wheels, or named one that is not there', async () => {
    const root = makePythonProject('alpha==1.0.0\n');
    await expect(build(root, path.join(root, '.build'), offlineWheelEnv(wheels.dir, { UV_FIND_LINKS: undefined, UV_OFFLINE: undefined }))).rejects.toThrow(
      'Layer "pylayer" (Python 3.12, x86_64): alpha is in none of the folders of wheels (none: UV_FIND_LINKS is not set), and UV_NO_INDEX keeps uv from every index.',
    );
    const gone = path.join(makeTempDir('wheels-gone'), 'gone');
    await expect(build(root, path.join(root, '.build'), offlineWheelEnv(gone))).rejects.toThrow(
      `Layer "pylayer" (Python 3.12, x86_64): UV_FIND_LINKS names ${gone}, which is not a folder that can be read. Point UV_FIND_LINKS at a folder of wheels, or unset it.`,
    );
  });

  it('names a package no index has', () => {
    const index = 'https://mirror.example/simple';
    expect(
      explainUvFailure(
        'Layer "x"',
        { architecture: 'x86_64', pythonVersion: '3.12' },
        '  cause: Because nosuch was not found in the package registry and you require nosuch==1.0.0, we can conclude that your requirements are unsatisfiable.',
        pythonIndexSettings({ UV_DEFAULT_INDEX: index }),
      ),
    ).toMatch(`Layer "x": nosuch is on none of the indexes (${index}). Check its name, or add the index that has it (UV_INDEX).`);
  });

  it('names a package no folder of wheels has', async () => {
    const root = makePythonProject('nosuch==1.0.0\n');
    await expect(build(root, path.join(root, '.build'), offlineWheelEnv(wheels.dir))).rejects.toThrow(
      `Layer "pylayer" (Python 3.12, x86_64): nosuch is in none of the folders of wheels (${wheels.dir}), and UV_NO_INDEX keeps uv from every index. ` +
        'Check its name, add a folder that holds it to UV_FIND_LINKS, or unset UV_NO_INDEX.',
    );
  });

  it('says UV_OFFLINE kept uv from the index, when a package is in no folder of wheels', async () => {
    const root = makePythonProject('alpha==1.0.0\n');
    const empty = makeTempDir('no-wheels');
    const env = offlineWheelEnv(empty, { UV_NO_INDEX: undefined });
    await expect(build(root, path.join(root, '.build'), env)).rejects.toThrow(
      `Layer "pylayer" (Python 3.12, x86_64): UV_OFFLINE is set, so nothing is downloaded, and alpha is in no folder of wheels (${empty}) nor in uv's cache. ` +
        'Unset UV_OFFLINE where the index can be reached, or add a folder that holds it to UV_FIND_LINKS.',
    );
  });

  it('names the index tried and the variable to set when no index is reachable', async () => {
    const closed = await freePort();
    const root = makePythonProject('alpha==1.0.0\n');
    const env = offlineWheelEnv(makeTempDir('no-wheels'), {
      UV_DEFAULT_INDEX: `http://127.0.0.1:${closed}/simple`,
      UV_HTTP_RETRIES: '0',
      UV_NO_INDEX: undefined,
      UV_OFFLINE: undefined,
      UV_FIND_LINKS: undefined,
    });
    await expect(build(root, path.join(root, '.build'), env)).rejects.toThrow(
      `Layer "pylayer" (Python 3.12, x86_64): uv could not reach the package index (tried http://127.0.0.1:${closed}/simple). ` +
        'Set UV_DEFAULT_INDEX to a reachable index (or UV_INDEX for more, UV_FIND_LINKS for a folder of wheels), or fix the network.',
    );
    await expect(build(root, path.join(root, '.build'), { ...env, PYTHON_INSTALLER: 'pip', PIP_RETRIES: '0', PIP_TIMEOUT: '2' })).rejects.toThrow(
      `Layer "pylayer" (Python 3.12, x86_64): pip could not reach the package index for alpha==1.0.0 (tried http://127.0.0.1:${closed}/simple).`,
    );
  });

  it("keeps the installers' last lines for anything else", () => {
    const settings = pythonIndexSettings({});
    expect(explainPipFailure('Layer "x"', { architecture: 'x86_64', pythonVersion: '3.12' }, 'ERROR: something odd\n', settings)).toBe(
      'Layer "x": pip failed.\nERROR: something odd',
    );
    expect(explainUvFailure('Layer "x"', { architecture: 'x86_64', pythonVersion: '3.12' }, 'error: something odd\n', settings)).toBe(
      'Layer "x": uv failed.\nerror: something odd',
    );
  });
});

import { AMAZON_LINUX_2023 } from '../../../families/platform';
import { configFor } from '../../support/project-config';
import { isPythonSource } from '../../../family-plugins/python/python-source';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBuild } from '../../../builder/build';
import { layerTargetFor } from '../../../builder/build-plan';
import { readAllLayerSources, readLayerSources } from '../../../builder/layer-folders';
import { lockPythonLayer, lockTargetsOf } from '../../../family-plugins/python/lock-layer';
import { silentProgress } from '../../../project/progress';
import {
  LockTarget,
  lockFileName,
  lockStaleness,
  lockTargetFromPylock,
  parseLockTarget,
  requirementFileHashes,
  serialiseLockTarget,
} from '../../../family-plugins/python/python-lock';
import { buildPythonLayer } from '../../../family-plugins/python/python-layer';
import { chooseWheel } from '../../../family-plugins/python/wheel-tags';
import { cachedWheel, ensureWheels, wheelCacheDir } from '../../../family-plugins/python/wheel-cache';
import { listTree } from '../../../builder/tree';
import { Architecture } from '../../../config/environments';
import { loadConfig } from '../../../config/load-config';
import {
  OTHER_ARCHITECTURE,
  cachedWheelsByName,
  copyFixtureFunction,
  makeFixtureWheels,
  makePythonProject,
  makeWheel,
  offlineWheelEnv,
  sha256File,
} from '../../support/fixture-wheels';
import { PROJECT_ROOT, cliEnv, freePort, runCli } from '../../support/processes';
import { makeTempDir } from '../../support/temp-dirs';
import { PLUGINS } from '../../../family-plugins/registry';

let wheels: { dir: string; wheels: Record<string, string> };

beforeAll(() => {
  wheels = makeFixtureWheels();
});

const TARGETS = [
  { pythonVersion: '3.12', architecture: 'arm64' as const },
  { pythonVersion: '3.12', architecture: 'x86_64' as const },
];

function source(root: string, name = 'pylayer') {
  return readLayerSources(PLUGINS, root, name).find(isPythonSource)!;
}

async function lock(root: string, env = offlineWheelEnv(wheels.dir), targets = TARGETS, name = 'pylayer') {
  return lockPythonLayer(source(root, name), targets, {
    projectRoot: root,
    toolHome: PROJECT_ROOT,
    buildDir: path.join(root, '.build'),
    env,
    step: silentProgress.step('lock'),
  });
}

function build(root: string, env: NodeJS.ProcessEnv, architecture: Architecture = 'x86_64') {
  const layer = source(root);
  return buildPythonLayer(layerTargetFor(PLUGINS.byId(layer.family), layer, architecture, 'python3.12'), layer, {
    toolHome: PROJECT_ROOT,
    buildDir: path.join(root, '.build'),
    env,
    step: silentProgress.step('build'),
  });
}

function lockText(root: string, architecture: Architecture = 'x86_64', name = 'pylayer'): string {
  return fs.readFileSync(path.join(root, 'layers', name, lockFileName({ pythonVersion: '3.12', architecture })), 'utf8');
}

const PYLOCK = `
lock-version = "1.0"
created-by = "uv"
requires-python = ">=3.12"

[[packages]]
name = "cffi"
version = "2.1.1"
marker = "platform_python_implementation != 'PyPy'"
wheels = [
  { url = "https://files.example/cffi-2.1.1-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", hashes = { sha256 = "${'a'.repeat(64)}" } },
  { url = "https://files.example/cffi-2.1.1-cp312-cp312-musllinux_1_1_x86_64.whl", hashes = { sha256 = "${'b'.repeat(64)}" } },
]

[[packages]]
name = "Alpha"
version = "1.0.0"
wheels = [{ path = "/home/someone/wheels/alpha-1.0.0-py3-none-any.whl", hashes = { sha256 = "${'c'.repeat(64)}" } }]

[[packages]]
name = "tzdata"
version = "2026.6"
marker = "sys_platform == 'win32'"
wheels = [{ url = "https://files.example/tzdata-2026.6-py2.py3-none-any.whl", hashes = { sha256 = "${'d'.repeat(64)}" } }]
`;

describe('the lock file', () => {
  it("is made from the resolver's PEP 751 lock: the wheel that loads on the target, packages whose marker does not hold left out, no URL or path", () => {
    const target = lockTargetFromPylock({ pythonVersion: '3.12', architecture: 'x86_64' }, PYLOCK, 'pylayer');
    expect(target.distributions).toEqual([
      { name: 'Alpha', version: '1.0.0', wheel: 'alpha-1.0.0-py3-none-any.whl', sha256: 'c'.repeat(64) },
      { name: 'cffi', version: '2.1.1', wheel: 'cffi-2.1.1-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.whl', sha256: 'a'.repeat(64) },
    ]);
    expect(() => lockTargetFromPylock({ pythonVersion: '3.12', architecture: 'arm64' }, PYLOCK, 'pylayer')).toThrow(
      'Layer "pylayer": the resolver chose cffi 2.1.1 for python3.12-arm64, but none of its files is a wheel for aarch64-manylinux_2_34 and CPython 3.12 ' +
        '(cffi-2.1.1-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.whl, cffi-2.1.1-cp312-cp312-musllinux_1_1_x86_64.whl). Pin a version that ships one, or choose another package.',
    );
  });

  it('is a hashed requirements file pip and uv install as it is, and reads back; it names what made it and from which files', () => {
    const target = lockTargetFromPylock({ pythonVersion: '3.12', architecture: 'x86_64' }, PYLOCK, 'pylayer');
    const text = serialiseLockTarget('pylayer', target, { 'requirements.txt': 'f'.repeat(64) }, 'uv 0.13.9');
    expect(text).toBe(
      '# This file was autogenerated by `npm run layers:lock -- pylayer`; do not edit it. Lambda target python3.12-x86_64:\n' +
        '# CPython 3.12 on x86_64-manylinux_2_34, resolved by uv 0.13.9 with markers evaluated for that target.\n' +
        '# One wheel per distribution, by its sha256: the build installs exactly these files (--no-deps --require-hashes).\n' +
        `# from requirements.txt sha256:${'f'.repeat(64)}\n` +
        `Alpha==1.0.0 \\\n    --hash=sha256:${'c'.repeat(64)}\n    # wheel alpha-1.0.0-py3-none-any.whl\n` +
        `cffi==2.1.1 \\\n    --hash=sha256:${'a'.repeat(64)}\n    # wheel cffi-2.1.1-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.whl\n`,
    );
    expect(parseLockTarget(text, 'requirements.python3.12-x86_64.lock.txt', 'pylayer')).toEqual({
      file: 'requirements.python3.12-x86_64.lock.txt',
      requirements: { 'requirements.txt': 'f'.repeat(64) },
      target,
    });
  });

  it('refuses a lock it cannot install exactly, naming the command that writes it again', () => {
    const good = serialiseLockTarget(
      'pylayer',
      lockTargetFromPylock({ pythonVersion: '3.12', architecture: 'x86_64' }, PYLOCK, 'pylayer'),
      { 'requirements.txt': 'f'.repeat(64) },
      'uv',
    );
    const refused =
      (text: string, file = 'requirements.python3.12-x86_64.lock.txt') =>
      () =>
        parseLockTarget(text, file, 'pylayer');
    expect(refused(good, 'requirements.lock.txt')).toThrow(
      'layers/pylayer/requirements.lock.txt is not named requirements.python<X.Y>-<x86_64|arm64>.lock.txt; run `npm run layers:lock -- pylayer`',
    );
    expect(refused(good.replace(/^# from .*\n/m, ''))).toThrow(/does not say which requirements files it was resolved from/);
    expect(refused(good.replace(/\n {4}# wheel alpha.*/, ''))).toThrow(/pins Alpha==1\.0\.0 without exactly one --hash and its "# wheel" line/);
    expect(refused(`${good}gamma>=1\n`)).toThrow(/has lines that are not pinned distributions \(gamma>=1\)/);
  });

  it('says which requirements file changed, appeared or went', () => {
    expect(
      lockStaleness(
        { 'requirements.txt': 'x'.repeat(64), 'old.txt': 'y'.repeat(64) },
        requirementFileHashes(
          new Map([
            ['requirements.txt', Buffer.from('alpha==1.0.0\n')],
            ['layer.config.json', Buffer.from('{}')],
          ]),
        ),
      ),
    ).toBe('requirements.txt changed, old.txt is gone');
    expect(lockStaleness({}, { 'constraints.txt': 'z'.repeat(64) })).toBe('constraints.txt is new');
  });
});

describe('npm run layers:lock and the build from the lock, offline from fixture wheels', () => {
  it('resolves each target with uv, markers and wheels for that target, and writes the same bytes again', async () => {
    const root = makePythonProject('alpha==1.0.0\nnative==1.0.0\n');
    const result = await lock(root);
    expect(result).toMatchObject({
      layer: 'pylayer',
      files: ['layers/pylayer/requirements.python3.12-arm64.lock.txt', 'layers/pylayer/requirements.python3.12-x86_64.lock.txt'],
      changed: true,
    });
    const x86 = parseLockTarget(lockText(root), lockFileName(TARGETS[1]), 'pylayer').target;
    const arm = parseLockTarget(lockText(root, 'arm64'), lockFileName(TARGETS[0]), 'pylayer').target;
    expect(x86.distributions.map((dist) => `${dist.name}==${dist.version}`)).toEqual(['alpha==1.0.0', 'beta==1.0.0', 'native==1.0.0']);
    expect(x86.distributions.find((dist) => dist.name === 'native')).toMatchObject({ wheel: 'native-1.0.0-cp312-cp312-manylinux2014_x86_64.whl' });
    expect(arm.distributions.find((dist) => dist.name === 'native')).toMatchObject({ wheel: 'native-1.0.0-cp312-cp312-manylinux2014_aarch64.whl' });
    expect(lockText(root)).not.toContain(wheels.dir);
    expect(lockText(root)).not.toContain(root);
    expect((await lock(root)).changed).toBe(false);
  });

  it('the build installs exactly the lock from the wheel cache: no dependency resolution, every hash checked, with uv or pip', async () => {
    const root = makePythonProject('alpha==1.0.0\n');
    await lock(root);
    const env = offlineWheelEnv(wheels.dir);
    const built = await build(root, env);
    expect(built.artifact.packages.map((pkg) => `${pkg.name} ${pkg.version}`)).toEqual(['alpha 1.0.0', 'beta 1.0.0']);
    expect(built.artifact.tool).toMatchObject({ name: 'uv' });
    // The wheels came into the cache this build uses, each under its sha256 and named as the lock names them.
    const locked = parseLockTarget(lockText(root), lockFileName(TARGETS[1]), 'pylayer').target;
    expect(wheelCacheDir(env)).toBe(env['PYTHON_WHEEL_CACHE']);
    expect(listTree(env['PYTHON_WHEEL_CACHE']!).map((file) => file.path)).toEqual(
      locked.distributions.map((dist) => `sha256/${dist.sha256}/${dist.wheel}`).sort(),
    );

    // --no-deps: a lock without beta installs no beta, although alpha requires it.
    const file = path.join(root, 'layers', 'pylayer', lockFileName(TARGETS[1]));
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/beta==1\.0\.0 \\\n.*\n.*\n/, ''));
    const withoutBeta = await build(root, env);
    expect(withoutBeta.artifact.packages.map((pkg) => pkg.name)).toEqual(['alpha']);

    // Every hash checked: a wheel in the cache that is not the locked file stops the build, with uv and with pip
    // (a new build folder, so uv has not unpacked the right file into its own cache before).
    fs.copyFileSync(
      wheels.wheels['beta'],
      cachedWheel(
        env['PYTHON_WHEEL_CACHE']!,
        locked.distributions.find((dist) => dist.name === 'alpha')!,
      ),
    );
    fs.appendFileSync(path.join(root, 'layers', 'pylayer', 'requirements.txt'), '\n');
    await lock(root);
    fs.rmSync(path.join(root, '.build'), { recursive: true });
    await expect(build(root, env)).rejects.toThrow(/Layer "pylayer" \(Python 3\.12, x86_64\): the file of alpha.* does not match its pinned hash/);
    await expect(build(root, { ...env, PYTHON_INSTALLER: 'pip' })).rejects.toThrow(
      /Layer "pylayer" \(Python 3\.12, x86_64\): the download of alpha.* does not match its pinned hash/,
    );
  });

  it('pip builds the same distributions from the same lock and cache; the tool is part of the input hash', async () => {
    const root = makePythonProject('alpha==1.0.0\nnative==1.0.0\n');
    await lock(root);
    const env = offlineWheelEnv(wheels.dir);
    const uv = await build(root, env);
    const pip = await build(root, { ...env, PYTHON_INSTALLER: 'pip' });
    expect(pip.artifact.tool).toMatchObject({ name: 'pip' });
    expect(pip.cached).toBe(false);
    expect(pip.artifact.packages.map((pkg) => [pkg.name, pkg.version, pkg.modules])).toEqual(
      uv.artifact.packages.map((pkg) => [pkg.name, pkg.version, pkg.modules]),
    );
    expect(pip.artifact.inputHash).not.toBe(uv.artifact.inputHash);
    await expect(build(root, { ...env, PYTHON_INSTALLER: 'poetry' })).rejects.toThrow(
      'PYTHON_INSTALLER is "poetry"; it may be "uv" (the default) or "pip". Unset it, or set one of those.',
    );
  });

  it('writes the same lock and builds the same tree in two folders', async () => {
    const first = makePythonProject('alpha==1.0.0\nnative==1.0.0\n', { prefix: 'lock-laptop' });
    const second = path.join(makeTempDir('lock-ci'), 'deeper', 'project');
    fs.cpSync(first, second, { recursive: true });
    await Promise.all([lock(first), lock(second)]);
    expect(lockText(second)).toBe(lockText(first));
    expect(lockText(second, 'arm64')).toBe(lockText(first, 'arm64'));
    const [a, b] = [await build(first, offlineWheelEnv(wheels.dir)), await build(second, offlineWheelEnv(wheels.dir))];
    expect(b.artifact.contentHash).toBe(a.artifact.contentHash);
    expect(b.artifact.inputHash).toBe(a.artifact.inputHash);
  });

  it('refuses a lock that no longer matches requirements.txt, or lacks a target, naming the command that refreshes it', async () => {
    const root = makePythonProject('alpha==1.0.0\n');
    await lock(root);
    fs.appendFileSync(path.join(root, 'layers', 'pylayer', 'requirements.txt'), 'native==1.0.0\n');
    await expect(build(root, offlineWheelEnv(wheels.dir))).rejects.toThrow(
      'Layer "pylayer": layers/pylayer/requirements.python3.12-x86_64.lock.txt no longer matches its requirements (requirements.txt changed), so the build would not install ' +
        'what requirements.txt asks for. Run `npm run layers:lock -- pylayer` and commit the lock.',
    );
    const narrow = makePythonProject('alpha==1.0.0\n');
    await lock(narrow, offlineWheelEnv(wheels.dir), [TARGETS[1]]);
    await expect(build(narrow, offlineWheelEnv(wheels.dir), 'arm64')).rejects.toThrow(
      'Layer "pylayer": layers/pylayer/requirements.python3.12-arm64.lock.txt is missing (the layer has requirements.python3.12-x86_64.lock.txt), and an environment now builds it for ' +
        'python3.12-arm64. Run `npm run layers:lock -- pylayer` and commit the lock.',
    );
    // Locking again for fewer targets removes the lock files no target needs.
    expect((await lock(root, offlineWheelEnv(wheels.dir), [TARGETS[1]])).removed).toEqual(['requirements.python3.12-arm64.lock.txt']);
  });

  it('refuses the lock format of an earlier version, by name', () => {
    const root = makePythonProject('alpha==1.0.0\n');
    fs.writeFileSync(path.join(root, 'layers', 'pylayer', 'requirements.lock.json'), '{}');
    expect(() => source(root)).toThrow(
      'requirements.lock.json is the lock format of an earlier version of this project; delete it and run `npm run layers:lock -- pylayer`.',
    );
  });

  it('locks python3.12 for both architectures, and every target the environments build', () => {
    const root = makePythonProject('alpha==1.0.0\n', { name: 'py' });
    fs.cpSync(path.join(makePythonProject('beta==1.0.0\n', { name: 'spare' }), 'layers', 'spare'), path.join(root, 'layers', 'spare'), { recursive: true });
    const config = configFor(root, {
      defaults: { function: 'python', layers: ['py'] },
      environments: { prod: { runtime: 'python3.13', architecture: 'arm64' } },
    });
    const sources = readLayerSources(PLUGINS, root, 'py').concat(readLayerSources(PLUGINS, root, 'spare'));
    expect(lockTargetsOf(PLUGINS, config, sources, 'py')).toEqual([
      { pythonVersion: '3.12', architecture: 'arm64' },
      { pythonVersion: '3.12', architecture: 'x86_64' },
      { pythonVersion: '3.13', architecture: 'arm64' },
    ]);
    expect(lockTargetsOf(PLUGINS, config, sources, 'spare')).toEqual(TARGETS);
  });

  it('stops offline, naming the wheels the cache lacks, rather than reaching an index; a local folder of wheels is not the network', async () => {
    const root = makePythonProject('alpha==1.0.0\n');
    await lock(root);
    const env = offlineWheelEnv(makeTempDir('no-wheels'), { UV_OFFLINE: '1' });
    await expect(build(root, env)).rejects.toThrow(
      `Layer "pylayer" (python3.12-x86_64) is locked to wheels the wheel cache ${env['PYTHON_WHEEL_CACHE']} does not hold (alpha-1.0.0-py3-none-any.whl, beta-1.0.0-py3-none-any.whl), ` +
        'and UV_OFFLINE forbids downloading them.',
    );
    // Offline, the locked wheels are taken from a folder of UV_FIND_LINKS when their sha256 matches the lock.
    const local = offlineWheelEnv(wheels.dir, { UV_OFFLINE: '1' });
    expect((await build(root, local)).artifact.packages.map((pkg) => `${pkg.name} ${pkg.version}`)).toEqual(['alpha 1.0.0', 'beta 1.0.0']);
  });

  it('keeps two files published under one name (a rebuilt private wheel) apart in one wheel cache: each lock builds its own', async () => {
    const [first, second] = [makeTempDir('wheels-first'), makeTempDir('wheels-second')];
    for (const [dir, value] of [
      [first, 'first'],
      [second, 'second'],
    ]) {
      makeWheel(dir, { name: 'alpha', version: '1.0.0', files: { 'alpha/__init__.py': `VALUE = "${value}"\n` } });
    }
    const shared = makeTempDir('shared-wheel-cache');
    const [a, b] = [makePythonProject('alpha==1.0.0\n'), makePythonProject('alpha==1.0.0\n')];
    await lock(a, offlineWheelEnv(first));
    await lock(b, offlineWheelEnv(second));
    const value = async (root: string, from: string) => {
      fs.rmSync(path.join(root, '.build'), { recursive: true, force: true });
      const built = await build(root, offlineWheelEnv(from, { PYTHON_WHEEL_CACHE: shared }));
      return fs.readFileSync(path.join(root, '.build', built.artifact.treeDir, 'python', 'alpha', '__init__.py'), 'utf8');
    };
    expect(await value(a, first)).toBe('VALUE = "first"\n');
    expect(await value(b, second)).toBe('VALUE = "second"\n');
    // Again, with no folder of wheels at all: both from the one cache, each its own file.
    const none = makeTempDir('no-wheels');
    expect(await value(a, none)).toBe('VALUE = "first"\n');
    expect(await value(b, none)).toBe('VALUE = "second"\n');
  });
});

describe('what an unlocked layer, or an incomplete one, makes the build say', () => {
  function project(requirements: string): { root: string; config: ReturnType<typeof loadConfig> } {
    const root = makePythonProject(requirements, { name: 'py' });
    copyFixtureFunction(root);
    return {
      root,
      config: configFor(root, { defaults: { function: 'python', layers: ['py'] } }),
    };
  }

  it('warns, for an unlocked layer, which distributions float', async () => {
    const { root, config } = project('alpha\n');
    const options = {
      families: PLUGINS,
      projectRoot: root,
      toolHome: PROJECT_ROOT,
      buildDir: path.join(root, '.build'),
      config,
      progress: silentProgress,
      env: offlineWheelEnv(wheels.dir),
      onlyUsed: true,
    };
    const report = await runBuild(options);
    expect(report.warnings[0]).toBe(
      '[unlocked] layer py/python3.12-x86_64 is not locked: 2 of its 2 distributions float (alpha 1.0.0, beta 1.0.0); the resolver picks their newest matching ' +
        'versions on every build, so another machine or day may build another tree. Run `npm run layers:lock -- py` where an index is reachable and commit layers/py/requirements.*.lock.txt.',
    );
    await lock(root, offlineWheelEnv(wheels.dir), TARGETS, 'py');
    expect((await runBuild(options)).warnings.filter((warning) => warning.startsWith('[unlocked]'))).toEqual([]);
  });

  it('stops the build when a lock leaves out a dependency a distribution declares', async () => {
    const { root, config } = project('alpha==1.0.0\n');
    await lock(root, offlineWheelEnv(wheels.dir), TARGETS, 'py');
    const file = path.join(root, 'layers', 'py', lockFileName(TARGETS[1]));
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/beta==1\.0\.0 \\\n.*\n.*\n/, ''));
    await expect(
      runBuild({
        families: PLUGINS,
        projectRoot: root,
        toolHome: PROJECT_ROOT,
        buildDir: path.join(root, '.build'),
        config,
        progress: silentProgress,
        env: offlineWheelEnv(wheels.dir),
        onlyUsed: true,
      }),
    ).rejects.toThrow(
      'api-dev: alpha 1.0.0 in layer py requires beta>=1.0, and no attached layer or the python3.12 runtime provides beta; importing alpha would fail.',
    );
  });

  it('uv resolves markers for the target, so a dependency only the target needs is found or named; pip leaves it out and the rule catches it', async () => {
    const root = makePythonProject('needy==1.0.0\nalpha==1.0.0\n', { name: 'py' });
    copyFixtureFunction(root);
    const config = configFor(root, { defaults: { function: 'python', layers: ['py'], architecture: OTHER_ARCHITECTURE } });
    const options = { projectRoot: root, toolHome: PROJECT_ROOT, buildDir: path.join(root, '.build'), config, progress: silentProgress, onlyUsed: true };
    // uv sees that needy needs ghost on this architecture, and ghost ships nowhere.
    await expect(runBuild({ families: PLUGINS, ...options, env: offlineWheelEnv(wheels.dir) })).rejects.toThrow(
      /Layer "py" \(Python 3\.12, \w+\): the requirements cannot all hold at once for \w+-manylinux_2_34 and CPython 3\.12; uv says why:\n[^]*all versions of needy depend on ghost/,
    );
    // pip evaluates markers for the machine it runs on, leaves ghost out, and the declared-dependency check stops the build.
    await expect(runBuild({ families: PLUGINS, ...options, env: offlineWheelEnv(wheels.dir, { PYTHON_INSTALLER: 'pip' }) })).rejects.toThrow(
      `api-dev: needy 1.0.0 in layer py requires ghost>=1.0; platform_machine == "${OTHER_ARCHITECTURE === 'arm64' ? 'aarch64' : 'x86_64'}", and no attached layer`,
    );
  });
});

describe("the repository's own Python layers", () => {
  const sources = readAllLayerSources(PLUGINS, PROJECT_ROOT).filter(isPythonSource);

  it('are locked for python3.12 on both architectures, every lock matching its requirements, every wheel one that loads on its target', () => {
    expect(sources.map((candidate) => candidate.name)).toEqual(['adapters', 'dependencies', 'dependencies-minimal', 'framework', 'stable']);
    for (const layer of sources) {
      expect([layer.name, Object.keys(layer.locks ?? {}).sort()]).toEqual([layer.name, ['python3.12-arm64', 'python3.12-x86_64']]);
      for (const lockFile of Object.values(layer.locks!)) {
        expect([lockFile.file, lockStaleness(lockFile.requirements, requirementFileHashes(layer.files))]).toEqual([lockFile.file, undefined]);
        const target = { ...lockFile.target, platform: AMAZON_LINUX_2023 };
        for (const dist of lockFile.target.distributions) {
          expect([lockFile.file, dist.wheel, chooseWheel([{ filename: dist.wheel, sha256: dist.sha256 }], target)?.filename]).toEqual([
            lockFile.file,
            dist.wheel,
            dist.wheel,
          ]);
        }
      }
    }
  });

  it('lock again, offline from the wheel cache, to the same bytes (another machine with the same wheels writes the same locks)', async () => {
    const root = makeTempDir('relock');
    for (const layer of sources) fs.cpSync(layer.dir, path.join(root, 'layers', layer.name), { recursive: true });
    // The run's wheel cache as another machine's folder of wheels: the files alone, by name.
    const env = offlineWheelEnv(cachedWheelsByName());
    for (const layer of sources) {
      const copy = readLayerSources(PLUGINS, root, layer.name).find(isPythonSource)!;
      // Kept pins or not (--upgrade ignores them): the same wheels give the same bytes.
      for (const upgrade of [{}, { all: true }]) {
        const result = await lockPythonLayer(copy, TARGETS, {
          projectRoot: root,
          toolHome: PROJECT_ROOT,
          buildDir: path.join(root, '.build'),
          env,
          step: silentProgress.step('relock'),
          upgrade,
        });
        expect([layer.name, upgrade, result.changed]).toEqual([layer.name, upgrade, false]);
      }
    }
    const target: LockTarget = parseLockTarget(lockText(root, 'arm64', 'dependencies'), lockFileName(TARGETS[0]), 'dependencies').target;
    expect(target.distributions.find((dist) => dist.name === 'pydantic-core')?.wheel).toMatch(/^pydantic_core-.*-cp312-cp312-.*manylinux.*_aarch64.*\.whl$/);
  });
});

describe('npm run layers:lock on the command line', () => {
  it('refuses a layer that is not a Python layer', async () => {
    const result = await runCli(['layers:lock', 'no-such-layer'], { env: cliEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /"no-such-layer" is not a Python layer; Python layers \(with a requirements\.txt\) are adapters, dependencies, dependencies-minimal, framework, stable\./,
    );
  });

  it('names the index it could not reach, and writes no lock', async () => {
    const before = lockText(PROJECT_ROOT, 'x86_64', 'adapters');
    const env = cliEnv({
      UV_DEFAULT_INDEX: 'http://127.0.0.1:9/simple',
      UV_HTTP_RETRIES: '0',
      UV_OFFLINE: undefined,
      UV_NO_INDEX: undefined,
      UV_FIND_LINKS: undefined,
    });
    const result = await runCli(['layers:lock', 'adapters', '--build-dir', makeTempDir('lock-build')], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Locking layer "adapters" (Python 3.12, arm64): uv could not reach the package index (tried http://127.0.0.1:9/simple).');
    expect(lockText(PROJECT_ROOT, 'x86_64', 'adapters')).toBe(before);
  });
});

describe('fetching locked wheels when the index cannot be reached', () => {
  it('fails at once, naming the index and the missing wheels, without starting pip (whose retries took most of an offline build)', async () => {
    const closed = await freePort();
    const cacheDir = makeTempDir('empty-wheel-cache');
    const target = {
      pythonVersion: '3.12',
      architecture: 'x86_64' as const,
      distributions: [
        { name: 'alpha', version: '1.0.0', wheel: 'alpha-1.0.0-py3-none-any.whl', sha256: 'a'.repeat(64) },
        { name: 'beta', version: '2.0.0', wheel: 'beta-2.0.0-py3-none-any.whl', sha256: 'b'.repeat(64) },
      ],
    };
    // A toolchain whose Python does not exist: had pip been started, the error would be a failed spawn.
    const toolchain = { dir: '/nonexistent', python: '/nonexistent/bin/python', uv: '/nonexistent/bin/uv', versions: {} };
    const env = { PATH: process.env['PATH'], UV_DEFAULT_INDEX: `http://127.0.0.1:${closed}/simple` };
    await expect(ensureWheels('pylayer', target, { cacheDir, toolchain, env, pipCacheDir: makeTempDir('pip-cache') })).rejects.toThrow(
      `Layer "pylayer" (python3.12-x86_64): the package index cannot be reached (tried http://127.0.0.1:${closed}/simple), so 2 locked wheel(s) not in the wheel cache ` +
        `(${cacheDir}) cannot be fetched: alpha-1.0.0-py3-none-any.whl, beta-2.0.0-py3-none-any.whl.`,
    );
    expect(fs.readdirSync(cacheDir)).toEqual([]);
  });
});

describe('the wheel cache, filled from another cache or a folder of wheels', () => {
  it('takes a wheel only when its bytes are the locked ones, moves its own earlier files into place, and never changes the other cache', async () => {
    const dist = (name: string, file: string) => ({ name, version: '1.0.0', wheel: path.basename(file), sha256: sha256File(file) });
    const target = {
      pythonVersion: '3.12',
      architecture: 'x86_64' as const,
      distributions: [dist('alpha', wheels.wheels['alpha']), dist('beta', wheels.wheels['beta'])],
    };
    // Another cache, of the earlier layout (by name): alpha's file as locked, and under beta's name, other bytes.
    const seed = makeTempDir('seed-cache');
    fs.copyFileSync(wheels.wheels['alpha'], path.join(seed, path.basename(wheels.wheels['alpha'])));
    fs.copyFileSync(wheels.wheels['alpha'], path.join(seed, path.basename(wheels.wheels['beta'])));
    const seedBefore = listTree(seed);
    const cacheDir = makeTempDir('wheel-cache');
    // Offline, and a toolchain whose Python does not exist: nothing may be fetched, pip may not start.
    const toolchain = { dir: '/nonexistent', python: '/nonexistent/bin/python', uv: '/nonexistent/bin/uv', versions: {} };
    const options = { cacheDir, seedFrom: seed, toolchain, env: { PATH: process.env['PATH'], UV_OFFLINE: '1' }, pipCacheDir: makeTempDir('pip-cache') };
    await expect(ensureWheels('pylayer', target, options)).rejects.toThrow(
      `Layer "pylayer" (python3.12-x86_64) is locked to wheels the wheel cache ${cacheDir} does not hold (${path.basename(wheels.wheels['beta'])}), and UV_OFFLINE forbids`,
    );
    expect(sha256File(cachedWheel(cacheDir, target.distributions[0]))).toBe(target.distributions[0].sha256);
    expect(fs.existsSync(cachedWheel(cacheDir, target.distributions[1]))).toBe(false);
    expect(listTree(seed)).toEqual(seedBefore);

    // The cache's own file of the earlier layout, by name, with the right bytes: moved into place, not copied.
    const flat = path.join(cacheDir, path.basename(wheels.wheels['beta']));
    fs.copyFileSync(wheels.wheels['beta'], flat);
    await ensureWheels('pylayer', target, options);
    expect(sha256File(cachedWheel(cacheDir, target.distributions[1]))).toBe(target.distributions[1].sha256);
    expect(fs.existsSync(flat)).toBe(false);
    expect(listTree(seed)).toEqual(seedBefore);
  });
});

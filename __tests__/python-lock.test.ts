import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBuild } from '../builder/build';
import { layerTargetFor } from '../builder/build-plan';
import { readLayerSources } from '../builder/layer-sources';
import { lockPythonLayer, lockTargetsOf } from '../builder/lock-layer';
import { silentProgress } from '../builder/progress';
import { LOCK_FILE, lockStaleness, lockTargetFromReport, lockedRequirements, parseLock, serialiseLock } from '../builder/python-lock';
import { buildPythonLayer } from '../builder/python-layer';
import { listLayerFolders } from '../config/config-sources';
import { Architecture } from '../config/environments';
import { loadConfig } from '../config/load-config';
import { OTHER_ARCHITECTURE, copyFixtureFunction, makeFixtureWheels, makePythonProject, offlinePipEnv } from './support/fixture-wheels';
import { cliEnv, makeTempDir, runCli } from './support/processes';

let wheels: { dir: string; wheels: Record<string, string> };

beforeAll(() => {
  wheels = makeFixtureWheels();
});

const TARGETS = [
  { pythonVersion: '3.12', architecture: 'x86_64' as const },
  { pythonVersion: '3.12', architecture: 'arm64' as const },
];

function source(root: string) {
  return readLayerSources(root, 'pylayer').find((candidate) => candidate.kind === 'python')!;
}

async function lock(root: string, env = offlinePipEnv(wheels.dir)) {
  return lockPythonLayer(source(root), TARGETS, { projectRoot: root, buildDir: path.join(root, '.build'), env, step: silentProgress.step('lock') });
}

function build(root: string, architecture: Architecture = 'x86_64', env = offlinePipEnv(wheels.dir)) {
  const layer = source(root);
  return buildPythonLayer(layerTargetFor(layer, architecture, 'python3.12'), layer, { buildDir: path.join(root, '.build'), env, step: silentProgress.step('build') });
}

/** A Python that logs its arguments, then runs the real one. */
function loggingPython(): { env: NodeJS.ProcessEnv; calls: () => string } {
  const log = path.join(makeTempDir('python-calls'), 'calls');
  const wrapper = path.join(path.dirname(log), 'python');
  fs.writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> ${log}\nexec python3 "$@"\n`, { mode: 0o755 });
  return { env: offlinePipEnv(wheels.dir, { PYTHON: wrapper }), calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '') };
}

describe('the lock file', () => {
  const report = {
    install: [
      { download_info: { url: 'file:///somewhere/native-1.0.0-cp312-cp312-manylinux2014_x86_64.whl', archive_info: { hashes: { sha256: 'a'.repeat(64) } } }, requested: true, metadata: { name: 'native', version: '1.0.0' } },
      { download_info: { url: 'https://index/packages/Beta-1.0.0-py3-none-any.whl', archive_info: { hash: `sha256=${'b'.repeat(64)}` } }, requested: false, metadata: { name: 'Beta', version: '1.0.0' } },
      { download_info: { url: 'https://index/alpha-1.0.0-py3-none-any.whl', archive_info: { hashes: { sha256: 'c'.repeat(64) } } }, requested: true, requested_extras: ['Full'], metadata: { name: 'alpha', version: '1.0.0' } },
    ],
  };

  it('is made from pip\'s report: every distribution by name, version, wheel and sha256, sorted, with no URL', () => {
    const target = lockTargetFromReport({ pythonVersion: '3.12', architecture: 'x86_64' }, report);
    expect(target).toEqual({
      pythonVersion: '3.12',
      architecture: 'x86_64',
      platform: 'manylinux2014_x86_64',
      distributions: [
        { name: 'alpha', version: '1.0.0', wheel: 'alpha-1.0.0-py3-none-any.whl', sha256: 'c'.repeat(64), direct: true, extras: ['full'] },
        { name: 'Beta', version: '1.0.0', wheel: 'Beta-1.0.0-py3-none-any.whl', sha256: 'b'.repeat(64), direct: false },
        { name: 'native', version: '1.0.0', wheel: 'native-1.0.0-cp312-cp312-manylinux2014_x86_64.whl', sha256: 'a'.repeat(64), direct: true },
      ],
    });
    expect(lockedRequirements(target)).toBe(`alpha==1.0.0 --hash=sha256:${'c'.repeat(64)}\nBeta==1.0.0 --hash=sha256:${'b'.repeat(64)}\nnative==1.0.0 --hash=sha256:${'a'.repeat(64)}\n`);
    expect(() => lockTargetFromReport(TARGETS[0]!, { install: [{ download_info: { url: 'file:///x/pkg-1.0.tar.gz' }, metadata: { name: 'pkg', version: '1.0' } }] })).toThrow(/without a wheel sha256/);
  });

  it('is stable text: targets and requirement files sorted, a trailing newline, readable back', () => {
    const x86 = lockTargetFromReport(TARGETS[0]!, report);
    const arm = lockTargetFromReport(TARGETS[1]!, report);
    const text = serialiseLock({ 'requirements.txt': 'f'.repeat(64) }, [x86, arm]);
    expect(text).toBe(serialiseLock({ 'requirements.txt': 'f'.repeat(64) }, [arm, x86]));
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(parseLock(text, 'layers/pylayer').targets)).toEqual(['python3.12-arm64', 'python3.12-x86_64']);
    expect(() => parseLock('{"lockVersion": 9}', 'layers/pylayer')).toThrow(/requirements\.lock\.json is not a lock this builder reads.*npm run layers:lock -- pylayer/);
    expect(() => parseLock('not json', 'layers/pylayer')).toThrow(/is not valid JSON/);
  });

  it('says which requirements file changed, appeared or went', () => {
    const files = new Map([['requirements.txt', Buffer.from('alpha==1.0.0\n')], [LOCK_FILE, Buffer.from('{}')]]);
    const lock = parseLock(serialiseLock({ 'requirements.txt': 'x'.repeat(64), 'old.txt': 'y'.repeat(64) }, []), 'layers/pylayer');
    expect(lockStaleness(lock, files)).toBe('requirements.txt changed, old.txt is gone');
  });
});

describe('npm run layers:lock and the build from the lock, offline from fixture wheels', () => {
  it('resolves every target with pip, and the build installs exactly that with --no-deps --require-hashes', async () => {
    const root = makePythonProject('alpha==1.0.0\nnative==1.0.0\n');
    const result = await lock(root);
    expect(result).toMatchObject({ layer: 'pylayer', file: `layers/pylayer/${LOCK_FILE}`, changed: true });
    const locked = parseLock(fs.readFileSync(path.join(root, 'layers', 'pylayer', LOCK_FILE), 'utf8'), 'layers/pylayer');
    const x86 = locked.targets['python3.12-x86_64']!;
    const arm = locked.targets['python3.12-arm64']!;
    expect(x86.distributions.map((dist) => [dist.name, dist.version, dist.direct])).toEqual([
      ['alpha', '1.0.0', true],
      ['beta', '1.0.0', false],
      ['native', '1.0.0', true],
    ]);
    expect(x86.distributions.find((dist) => dist.name === 'native')!.wheel).toBe('native-1.0.0-cp312-cp312-manylinux2014_x86_64.whl');
    expect(arm.distributions.find((dist) => dist.name === 'native')!.wheel).toBe('native-1.0.0-cp312-cp312-manylinux2014_aarch64.whl');
    expect(fs.readFileSync(path.join(root, 'layers', 'pylayer', LOCK_FILE), 'utf8')).not.toContain(wheels.dir);

    const python = loggingPython();
    const built = await build(root, 'arm64', python.env);
    expect(built.artifact.packages.map((pkg) => `${pkg.name} ${pkg.version}`)).toEqual(['alpha 1.0.0', 'beta 1.0.0', 'native 1.0.0']);
    expect(python.calls()).toMatch(/-m pip install --requirement \S+requirements\.locked\.txt .*--require-hashes --no-deps/);
    expect((await lock(root)).changed).toBe(false);
  });

  it('writes the same lock and builds the same tree in two folders', async () => {
    const first = makePythonProject('alpha==1.0.0\nnative==1.0.0\n', { prefix: 'lock-laptop' });
    const second = path.join(makeTempDir('lock-ci'), 'deeper', 'project');
    fs.cpSync(first, second, { recursive: true });
    await Promise.all([lock(first), lock(second)]);
    const file = path.join('layers', 'pylayer', LOCK_FILE);
    expect(fs.readFileSync(path.join(second, file), 'utf8')).toBe(fs.readFileSync(path.join(first, file), 'utf8'));
    const [a, b] = [await build(first), await build(second)];
    expect(b.artifact.contentHash).toBe(a.artifact.contentHash);
    expect(b.artifact.inputHash).toBe(a.artifact.inputHash);
  });

  it('refuses a lock that no longer matches requirements.txt, or lacks a target, naming the command that refreshes it', async () => {
    const root = makePythonProject('alpha==1.0.0\n');
    await lock(root);
    fs.appendFileSync(path.join(root, 'layers', 'pylayer', 'requirements.txt'), 'native==1.0.0\n');
    await expect(build(root)).rejects.toThrow(
      `Layer "pylayer": layers/pylayer/${LOCK_FILE} no longer matches its requirements (requirements.txt changed), so the build would not install ` +
        'what requirements.txt asks for. Run `npm run layers:lock -- pylayer` and commit the lock.',
    );
    const narrow = makePythonProject('alpha==1.0.0\n');
    await lockPythonLayer(source(narrow), [TARGETS[0]!], { projectRoot: narrow, buildDir: path.join(narrow, '.build'), env: offlinePipEnv(wheels.dir), step: silentProgress.step('lock') });
    await expect(build(narrow, 'arm64')).rejects.toThrow(
      `layers/pylayer/${LOCK_FILE} has no entry for python3.12-arm64 (it has python3.12-x86_64), which an environment now needs. Run \`npm run layers:lock -- pylayer\``,
    );
  });

  it('locks for the targets the environments build, or the default for a layer no environment uses', () => {
    const root = makePythonProject('alpha==1.0.0\n', { name: 'py' });
    fs.cpSync(path.join(makePythonProject('beta==1.0.0\n', { name: 'spare' }), 'layers', 'spare'), path.join(root, 'layers', 'spare'), { recursive: true });
    const config = loadConfig({
      context: { defaults: { function: 'python', layers: ['py'] }, environments: { prod: { runtime: 'python3.13', architecture: 'arm64' } } },
      env: {},
      availableLayers: listLayerFolders(root),
    });
    const sources = readLayerSources(root, 'py').concat(readLayerSources(root, 'spare'));
    expect(lockTargetsOf(config, sources, 'py')).toEqual([
      { pythonVersion: '3.12', architecture: 'x86_64' },
      { pythonVersion: '3.13', architecture: 'arm64' },
    ]);
    expect(lockTargetsOf(config, sources, 'spare')).toEqual([{ pythonVersion: '3.12', architecture: 'x86_64' }]);
  });
});

describe('what an unlocked layer, or an incomplete one, makes the build say', () => {
  function project(requirements: string): { root: string; config: ReturnType<typeof loadConfig> } {
    const root = makePythonProject(requirements, { name: 'py' });
    copyFixtureFunction(root);
    return { root, config: loadConfig({ context: { defaults: { function: 'python', layers: ['py'] } }, env: {}, availableLayers: listLayerFolders(root) }) };
  }

  it('warns, for an unlocked layer, which distributions float', async () => {
    const { root, config } = project('alpha\n');
    const report = await runBuild({ projectRoot: root, buildDir: path.join(root, '.build'), config, progress: silentProgress, env: offlinePipEnv(wheels.dir), onlyUsed: true });
    expect(report.warnings[0]).toBe(
      '[unlocked] layer py/python3.12-x86_64 is not locked: 2 of its 2 distributions float (alpha 1.0.0, beta 1.0.0); pip picks their newest matching ' +
        'versions on every build, so another machine or day may build another tree. Run `npm run layers:lock -- py` where an index is reachable and commit layers/py/requirements.lock.json.',
    );
    await lockPythonLayer(readLayerSources(root, 'py')[0]!, [TARGETS[0]!], { projectRoot: root, buildDir: path.join(root, '.build'), env: offlinePipEnv(wheels.dir), step: silentProgress.step('lock') });
    const locked = await runBuild({ projectRoot: root, buildDir: path.join(root, '.build'), config, progress: silentProgress, env: offlinePipEnv(wheels.dir), onlyUsed: true });
    expect(locked.warnings.filter((warning) => warning.startsWith('[unlocked]'))).toEqual([]);
  });

  it('stops the build when a lock leaves out a dependency a distribution declares', async () => {
    const { root, config } = project('alpha==1.0.0\n');
    const layer = readLayerSources(root, 'py')[0]!;
    await lockPythonLayer(layer, [TARGETS[0]!], { projectRoot: root, buildDir: path.join(root, '.build'), env: offlinePipEnv(wheels.dir), step: silentProgress.step('lock') });
    const lockFile = path.join(root, 'layers', 'py', LOCK_FILE);
    const edited = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
    edited.targets['python3.12-x86_64'].distributions = edited.targets['python3.12-x86_64'].distributions.filter((dist: { name: string }) => dist.name !== 'beta');
    fs.writeFileSync(lockFile, JSON.stringify(edited));
    await expect(runBuild({ projectRoot: root, buildDir: path.join(root, '.build'), config, progress: silentProgress, env: offlinePipEnv(wheels.dir), onlyUsed: true })).rejects.toThrow(
      'api-dev: alpha 1.0.0 in layer py requires beta>=1.0, and no attached layer or the python3.12 runtime provides beta; importing alpha would fail.',
    );
  });

  it('catches the dependency pip leaves out because it evaluates markers for this machine, not for Lambda', async () => {
    const root = makePythonProject('needy==1.0.0\nalpha==1.0.0\n', { name: 'py' });
    copyFixtureFunction(root);
    const config = loadConfig({ context: { defaults: { function: 'python', layers: ['py'], architecture: OTHER_ARCHITECTURE } }, env: {}, availableLayers: listLayerFolders(root) });
    const build = runBuild({ projectRoot: root, buildDir: path.join(root, '.build'), config, progress: silentProgress, env: offlinePipEnv(wheels.dir), onlyUsed: true });
    await expect(build).rejects.toThrow(`api-dev: needy 1.0.0 in layer py requires ghost>=1.0; platform_machine == "${OTHER_ARCHITECTURE === 'arm64' ? 'aarch64' : 'x86_64'}", and no attached layer`);
  });
});

describe('npm run layers:lock on the command line', () => {
  it('refuses a layer that is not a Python layer', async () => {
    const result = await runCli(['layers:lock', 'no-such-layer'], { env: cliEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"no-such-layer" is not a Python layer; Python layers \(with a requirements\.txt\) are adapters, dependencies, dependencies-minimal, framework, stable\./);
  });

  it('names the index it could not reach, and writes no lock', async () => {
    const result = await runCli(['layers:lock', 'adapters', '--build-dir', makeTempDir('lock-build')], {
      env: cliEnv({ PIP_INDEX_URL: 'http://127.0.0.1:9/simple', PIP_RETRIES: '0', PIP_TIMEOUT: '2', PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: undefined, PIP_FIND_LINKS: undefined }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Locking layer "adapters" (Python 3.12, x86_64): pip could not reach the package index for mangum==0.17.0 (tried http://127.0.0.1:9/simple).');
    expect(fs.existsSync(path.join(__dirname, '..', 'layers', 'adapters', LOCK_FILE))).toBe(false);
  });
});

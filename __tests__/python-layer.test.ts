import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { layerTargetFor } from '../builder/build-plan';
import { LayerBuildResult } from '../builder/layer-build';
import { parseRequirements, readLayerSources } from '../builder/layer-sources';
import { explainPipFailure, pipInstallArgs } from '../builder/pip';
import { silentProgress } from '../builder/progress';
import { buildPythonLayer } from '../builder/python-layer';
import { globToRegExp } from '../builder/slimming';
import { fingerprintTree, listTree } from '../builder/tree';
import { Architecture, PythonRuntime } from '../config/environments';
import { makeFixtureWheels, makePythonProject, offlinePipEnv, sha256File } from './support/fixture-wheels';
import { makeTempDir } from './support/processes';

let wheels: { dir: string; wheels: Record<string, string> };

beforeAll(() => {
  wheels = makeFixtureWheels();
});

function build(root: string, buildDir: string, env: NodeJS.ProcessEnv, arch: Architecture = 'x86_64', runtime: PythonRuntime = 'python3.12', name = 'pylayer'): Promise<LayerBuildResult> {
  const source = readLayerSources(root, name).find((candidate) => candidate.kind === 'python')!;
  return buildPythonLayer(layerTargetFor(source, arch, runtime), source, { buildDir, env, step: silentProgress.step('test') });
}

async function withUmask<T>(umask: number, work: () => Promise<T>): Promise<T> {
  const previous = process.umask(umask);
  try {
    return await work();
  } finally {
    process.umask(previous);
  }
}

describe('pip for Lambda', () => {
  it('asks for the function\'s platform, implementation and Python version, wheels only, no compiling', () => {
    expect(pipInstallArgs({ architecture: 'arm64', pythonVersion: '3.13' }, 'requirements.txt', '/t/python', '/c', true)).toEqual([
      '-m', 'pip', 'install', '--requirement', 'requirements.txt', '--target', '/t/python',
      '--platform', 'manylinux2014_aarch64', '--implementation', 'cp', '--python-version', '3.13',
      '--only-binary=:all:', '--no-compile', '--no-input', '--progress-bar', 'off', '--cache-dir', '/c', '--require-hashes',
    ]);
    expect(pipInstallArgs({ architecture: 'x86_64', pythonVersion: '3.12' }, 'r.txt', '/t', '/c', false)).not.toContain('--require-hashes');
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
  it('installs for x86_64 and CPython 3.12 into python/, with dependencies, and reports the packages', async () => {
    const root = makePythonProject('alpha==1.0.0\nnative==1.0.0\n');
    const buildDir = path.join(root, '.build');
    const result = await build(root, buildDir, offlinePipEnv(wheels.dir));
    const { artifact } = result;
    expect(artifact).toMatchObject({ id: 'pylayer/python3.12-x86_64', kind: 'python', pythonVersion: '3.12', architecture: 'x86_64' });
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

  it('honours pip\'s own configuration file', async () => {
    const conf = path.join(makeTempDir('pip-conf'), 'pip.conf');
    fs.writeFileSync(conf, `[global]\nno-index = true\nfind-links = ${wheels.dir}\n`);
    const env = offlinePipEnv(wheels.dir, { PIP_CONFIG_FILE: conf });
    delete env['PIP_NO_INDEX'];
    delete env['PIP_FIND_LINKS'];
    const root = makePythonProject('beta==1.0.0\n');
    const { artifact } = await build(root, path.join(root, '.build'), env);
    expect(artifact.packages.map((pkg) => pkg.name)).toEqual(['beta']);
  });

  it('picks the aarch64 wheel for arm64 functions', async () => {
    const root = makePythonProject('native==1.0.0\narmonly==1.0.0\n');
    const { artifact } = await build(root, path.join(root, '.build'), offlinePipEnv(wheels.dir), 'arm64');
    const files = listTree(path.join(root, '.build', artifact.treeDir)).map((file) => file.path);
    expect(files).toContain('python/native/_speedups.cpython-312-aarch64-linux-gnu.so');
    expect(files).not.toContain('python/native/_speedups.cpython-312-x86_64-linux-gnu.so');
    expect(artifact.id).toBe('pylayer/python3.12-arm64');
  });

  it('slims caches, compiled files and console scripts by default, keeps dist-info, applies configured excludes, and reports the bytes saved', async () => {
    const plain = makePythonProject('alpha==1.0.0\n');
    const slim = makePythonProject('alpha==1.0.0\n', { exclude: ['python/**/tests/**'] });
    const a = await build(plain, path.join(plain, '.build'), offlinePipEnv(wheels.dir));
    const b = await build(slim, path.join(slim, '.build'), offlinePipEnv(wheels.dir));
    const filesA = listTree(path.join(plain, '.build', a.artifact.treeDir)).map((file) => file.path);
    const filesB = listTree(path.join(slim, '.build', b.artifact.treeDir)).map((file) => file.path);
    expect(filesA.filter((file) => /__pycache__|\.pyc$|^python\/bin\//.test(file))).toEqual([]);
    expect(filesA).toContain('python/alpha/tests/test_alpha.py');
    expect(filesA).toEqual(expect.arrayContaining(['python/alpha-1.0.0.dist-info/METADATA', 'python/alpha-1.0.0.dist-info/RECORD', 'python/beta-1.0.0.dist-info/METADATA']));
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
    const a = await withUmask(0o022, () => build(first, path.join(first, '.build'), offlinePipEnv(wheels.dir)));
    const b = await withUmask(0o077, () => build(second, secondBuild, offlinePipEnv(wheels.dir)));
    expect(b.artifact.contentHash).toBe(a.artifact.contentHash);
    expect(b.artifact.inputHash).toBe(a.artifact.inputHash);
    expect(listTree(path.join(secondBuild, b.artifact.treeDir))).toEqual(listTree(path.join(first, '.build', a.artifact.treeDir)));
    expect(fingerprintTree(path.join(secondBuild, b.artifact.treeDir))?.normalised).toBe(true);
    const files = listTree(path.join(first, '.build', a.artifact.treeDir));
    expect(files.every((file) => file.mode === 0o644 || file.mode === 0o755)).toBe(true);
    for (const file of files) expect(fs.readFileSync(path.join(first, '.build', a.artifact.treeDir, file.path), 'utf8')).not.toContain(first);
  });

  it('reuses an unchanged tree without running pip', async () => {
    const root = makePythonProject('alpha==1.0.0\n');
    const buildDir = path.join(root, '.build');
    await build(root, buildDir, offlinePipEnv(wheels.dir));
    // A Python that logs every call, then runs the real one.
    const log = path.join(makeTempDir('python-log'), 'calls');
    const wrapper = path.join(path.dirname(log), 'python');
    fs.writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> ${log}\nexec python3 "$@"\n`, { mode: 0o755 });
    const env = offlinePipEnv(wheels.dir, { PYTHON: wrapper });
    const second = await build(root, buildDir, env);
    expect(second.cached).toBe(true);
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(calls.every((call) => !call.includes('-m pip'))).toBe(true);
    // The same wrapper sees pip run once the inputs change, so the check above can fail.
    fs.appendFileSync(path.join(root, 'layers', 'pylayer', 'requirements.txt'), 'native==1.0.0\n');
    const third = await build(root, buildDir, env);
    expect(third.cached).toBe(false);
    expect(fs.readFileSync(log, 'utf8')).toContain('-m pip install');
  });

  it('builds with --require-hashes when requirements pin hashes, and names a mismatch', async () => {
    const good = makePythonProject(`alpha==1.0.0 --hash=sha256:${sha256File(wheels.wheels['alpha']!)}\nbeta==1.0.0 --hash=sha256:${sha256File(wheels.wheels['beta']!)}\n`);
    const result = await build(good, path.join(good, '.build'), offlinePipEnv(wheels.dir));
    expect(result.artifact.packages.map((pkg) => pkg.name)).toEqual(['alpha', 'beta']);
    const bad = makePythonProject(`alpha==1.0.0 --hash=sha256:${'0'.repeat(64)}\nbeta==1.0.0 --hash=sha256:${sha256File(wheels.wheels['beta']!)}\n`);
    await expect(build(bad, path.join(bad, '.build'), offlinePipEnv(wheels.dir))).rejects.toThrow(
      /Layer "pylayer" \(Python 3.12, x86_64\): the download of alpha.* does not match the hash pinned in requirements.txt/,
    );
    const partial = makePythonProject(`alpha==1.0.0 --hash=sha256:${sha256File(wheels.wheels['alpha']!)}\n`);
    await expect(build(partial, path.join(partial, '.build'), offlinePipEnv(wheels.dir))).rejects.toThrow(/pip requires one for every package, dependencies included/);
  });
});

describe('clear pip errors', () => {
  it('names the package, the platform and the Python version when no wheel fits, and refuses source builds', async () => {
    const root = makePythonProject('armonly==1.0.0\n');
    await expect(build(root, path.join(root, '.build'), offlinePipEnv(wheels.dir))).rejects.toThrow(
      'Layer "pylayer" (Python 3.12, x86_64): there is no wheel of armonly==1.0.0 for manylinux2014_x86_64 and CPython 3.12 ' +
        '(versions pip could see: none). Source builds are not allowed (--only-binary=:all:) because they would compile for this ' +
        'machine, not for Lambda. Pin a version that ships a manylinux2014_x86_64 or pure-Python wheel, or choose another package.',
    );
  });

  it('says a wheel for another Python version does not fit', async () => {
    const root = makePythonProject('native==1.0.0\n');
    await expect(build(root, path.join(root, '.build'), offlinePipEnv(wheels.dir), 'x86_64', 'python3.13')).rejects.toThrow(
      /no wheel of native==1.0.0 for manylinux2014_x86_64 and CPython 3.13/,
    );
  });

  it('names the package, the index tried and the variable to set when no index is reachable', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const root = makePythonProject('alpha==1.0.0\n');
    const env = offlinePipEnv(makeTempDir('no-wheels'), { PIP_INDEX_URL: `http://127.0.0.1:${closed}/simple`, PIP_RETRIES: '0', PIP_TIMEOUT: '2' });
    delete env['PIP_NO_INDEX'];
    await expect(build(root, path.join(root, '.build'), env)).rejects.toThrow(
      `Layer "pylayer" (Python 3.12, x86_64): pip could not reach the package index for alpha==1.0.0 (tried http://127.0.0.1:${closed}/simple). ` +
        'Set PIP_INDEX_URL to a reachable index (or PIP_EXTRA_INDEX_URL, or PIP_FIND_LINKS to a folder of wheels), or fix the network.',
    );
  });

  it('says pip is missing, and how to get it', async () => {
    const venv = path.join(makeTempDir('no-pip'), 'venv');
    expect(spawnSync('python3', ['-m', 'venv', '--without-pip', venv]).status).toBe(0);
    const root = makePythonProject('alpha==1.0.0\n');
    await expect(build(root, path.join(root, '.build'), offlinePipEnv(wheels.dir, { PYTHON: path.join(venv, 'bin', 'python') }))).rejects.toThrow(
      /pip is not installed for .*venv\/bin\/python \(.*No package metadata was found for pip\)\. Install it \(`.* -m ensurepip`, or Debian: apt-get install python3-pip\), or set PYTHON/,
    );
  });

  it('says Python is missing', async () => {
    const root = makePythonProject('alpha==1.0.0\n');
    await expect(build(root, path.join(root, '.build'), offlinePipEnv(wheels.dir, { PYTHON: '/nonexistent/python3' }))).rejects.toThrow(
      'Python layers need a Python 3 with pip to download wheels, but "/nonexistent/python3" was not found.',
    );
  });

  it('keeps pip\'s last lines for anything else', () => {
    expect(explainPipFailure('x', { architecture: 'x86_64', pythonVersion: '3.12' }, 'ERROR: something odd\n', {})).toBe(
      'Layer "x" (Python 3.12, x86_64): pip install failed.\nERROR: something odd',
    );
  });
});

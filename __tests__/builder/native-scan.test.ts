import { configFor } from '../support/project-config';
import { asPythonPackage } from '../../family-plugins/python/python-package';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBuild } from '../../builder/build';
import { layerTargetFor } from '../../builder/build-plan';
import { readLayerSources } from '../../builder/layer-folders';
import { buildNodeLayer } from '../../family-plugins/nodejs/node-layer';
import { silentProgress } from '../../project/progress';
import { loadConfig } from '../../config/load-config';
import { nativeCodeLoads } from '../../rules/native-code';
import { bundleArtifact, deploymentFor } from '../support/artifacts';
import { craftElf, realWheelMember } from '../support/crafted-elf';
import { makeWheel } from '../support/fixture-wheels';
import { cliEnv, copyProject, PROJECT_ROOT, request, runCli, startLocalServer } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { locateNpm } from '../../family-plugins/nodejs/npm';
import { spawnSync } from 'node:child_process';
import { PLUGINS } from '../../family-plugins/registry';

/**
 * Native code end to end: layers built for real, the rule refusing through build, synth and the local run.
 * The compiled files are real ones, taken out of the real wheels in the wheel cache, put where they do not
 * belong; a glibc newer than Amazon Linux 2023's is a crafted ELF.
 */

const x86Extension = () => realWheelMember(/^cffi-.*-cp312-cp312-.*x86_64.*\.whl$/, /_cffi_backend\.cpython-312-x86_64-linux-gnu\.so$/);

/** A folder of wheels that put compiled code where it does not belong. */
function misfitWheels(): string {
  const dir = makeTempDir('misfit-wheels');
  const extension = x86Extension();
  // A pure-Python tag on an x86_64 library: it installs anywhere.
  makeWheel(dir, { name: 'mistagged', version: '1.0.0', files: { 'mistagged/__init__.py': 'X = 1\n', 'mistagged/_speedups.so': { from: extension } } });
  // An extension module for Python 3.13, in a wheel that installs on 3.12.
  makeWheel(dir, {
    name: 'py313ext',
    version: '1.0.0',
    files: { 'py313ext/__init__.py': 'X = 1\n', 'py313ext/_speedups.cpython-313-x86_64-linux-gnu.so': { from: extension } },
  });
  // A library needing a glibc newer than Amazon Linux 2023's, for this machine's architecture.
  const newer = path.join(dir, 'newer.so');
  fs.writeFileSync(
    newer,
    craftElf({ machine: process.arch === 'arm64' ? 183 : 62, needed: ['libc.so.6'], versions: { 'libc.so.6': ['GLIBC_2.17', 'GLIBC_2.38'] } }),
  );
  makeWheel(dir, { name: 'glibcnew', version: '1.0.0', files: { 'glibcnew/__init__.py': 'X = 1\n', 'glibcnew/_helper.so': { from: newer } } });
  fs.rmSync(newer);
  return dir;
}

/** A copy of the project with one more Python layer, `extra`, holding `requirement` (unlocked: resolved from the misfit wheels). */
function projectWith(requirement: string): string {
  const copy = copyProject('native-code');
  fs.mkdirSync(path.join(copy, 'layers', 'extra'));
  fs.writeFileSync(path.join(copy, 'layers', 'extra', 'requirements.txt'), `${requirement}\n`);
  return copy;
}

describe("the seed's real layers", () => {
  it.each(['x86_64', 'arm64'] as const)('hold compiled code for %s only, read and kept with the build, owned by its distribution', async (architecture) => {
    const root = makeTempDir('native-seed');
    fs.cpSync(path.join(PROJECT_ROOT, 'layers'), path.join(root, 'layers'), { recursive: true });
    fs.cpSync(path.join(PROJECT_ROOT, 'handlers'), path.join(root, 'handlers'), { recursive: true });
    const config = configFor(root, { defaults: { function: 'python', architecture } });
    const build = () =>
      runBuild({
        families: PLUGINS,
        projectRoot: root,
        toolHome: PROJECT_ROOT,
        buildDir: path.join(root, '.build'),
        config,
        progress: silentProgress,
        env: process.env,
        onlyUsed: true,
      });
    const report = await build();
    expect(report.warnings).toEqual([]);
    const layer = report.manifest.layers[0];
    const machine = architecture === 'arm64' ? 183 : 62;
    expect(layer.nativeObjects!.length).toBeGreaterThanOrEqual(4);
    expect(layer.nativeObjects!.every((object) => object.format === 'elf' && object.machine === machine)).toBe(true);
    const pydantic = layer.nativeObjects!.find((object) => object.path.startsWith('python/pydantic_core/_pydantic_core.cpython-312-'))!;
    expect(pydantic.owner).toBe('python/pydantic_core-2.23.2.dist-info');
    expect(asPythonPackage(layer.packages.find((pkg) => pkg.name === 'pydantic_core')!).wheelTags).toEqual([
      expect.stringMatching(new RegExp(`^cp312-cp312-manylinux.*${architecture === 'arm64' ? 'aarch64' : 'x86_64'}`)),
    ]);
    // A cache hit reuses the findings it kept: the same objects, without reading a file.
    const again = await build();
    expect(again.layers.every((built) => built.cached)).toBe(true);
    expect(again.manifest.layers[0].nativeObjects).toEqual(layer.nativeObjects);
  });
});

describe('native code that will not load, refused before deploy', () => {
  let wheels: string;

  beforeAll(() => {
    wheels = misfitWheels();
  });

  it('an x86_64 library inside a py3-none-any wheel, in an arm64 environment: build and synth refuse, naming file, distribution, machine and fix', async () => {
    const copy = projectWith('mistagged==1.0.0');
    const env = cliEnv({
      UV_FIND_LINKS: wheels,
      CDKTF_CONTEXT_JSON: JSON.stringify({ defaults: { function: 'python', architecture: 'arm64', layers: ['dependencies', 'extra'] } }),
    });
    const expected =
      'api-dev: layer extra holds python/mistagged/_speedups.so (mistagged 1.0.0), which is compiled for x86_64 (EM_X86_64), and the function runs on arm64, which needs aarch64 (EM_AARCH64). ' +
      "Install mistagged for the function's platform (npm run layers:lock -- extra and npm run build install wheels for aarch64-manylinux_2_34";
    const build = await runCli(['build', '--only-used'], { env, cwd: copy });
    expect(build.code).toBe(1);
    expect(build.stderr).toContain(`[native-code] ${expected}`);
    expect(build.stderr).toContain('The function would fail on Lambda');
    const synth = await runCli(['synth'], { env, cwd: copy });
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain(expected);
    expect(fs.existsSync(path.join(copy, 'cdktf.out'))).toBe(false);
    // doctor reads the build the refused build left, and says the same, with exit code 1.
    const doctor = await runCli(['doctor', 'api-dev', '--json'], { env, cwd: copy });
    expect(doctor.code).toBe(1);
    const report = JSON.parse(doctor.stdout) as {
      ok: boolean;
      missing: number;
      nativeCode: { sharedObjects: number; findings: { severity: string; message: string }[] };
    };
    expect(report).toMatchObject({ ok: false, missing: 0 });
    expect(report.nativeCode.sharedObjects).toBeGreaterThan(4);
    expect(report.nativeCode.findings.find((finding) => finding.severity === 'error')?.message).toContain(expected);
    const text = await runCli(['doctor', 'api-dev'], { env, cwd: copy });
    expect(text.stdout).toContain('; these would not load, or may not:\n  ERROR api-dev: layer extra holds python/mistagged/_speedups.so');
    expect(text.stdout).toContain('1 shared object(s) would not load: on Lambda this function would fail.');
  });

  it('an extension module for Python 3.13 in a python3.12 layer is refused', async () => {
    const root = makeTempDir('native-py313');
    fs.cpSync(path.join(PROJECT_ROOT, 'handlers'), path.join(root, 'handlers'), { recursive: true });
    fs.cpSync(path.join(PROJECT_ROOT, 'layers', 'dependencies'), path.join(root, 'layers', 'dependencies'), { recursive: true });
    fs.mkdirSync(path.join(root, 'layers', 'extra'));
    fs.writeFileSync(path.join(root, 'layers', 'extra', 'requirements.txt'), 'py313ext==1.0.0\n');
    const config = configFor(root, { defaults: { function: 'python', layers: ['dependencies', 'extra'] } });
    await expect(
      runBuild({
        families: PLUGINS,
        projectRoot: root,
        toolHome: PROJECT_ROOT,
        buildDir: path.join(root, '.build'),
        config,
        progress: silentProgress,
        env: { ...process.env, UV_FIND_LINKS: wheels },
        onlyUsed: true,
      }),
    ).rejects.toThrow(
      'api-dev: layer extra holds python/py313ext/_speedups.cpython-313-x86_64-linux-gnu.so (py313ext 1.0.0), which is an extension module for CPython 3.13 (its name says cpython-313), and the function runs Python 3.12',
    );
  });

  it('a Node.js layer with a .node addon for the other architecture is refused', async () => {
    const dir = makeTempDir('native-addon');
    const pkg = path.join(dir, 'src', 'fast-addon');
    fs.mkdirSync(path.join(pkg, 'build', 'Release'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'fast-addon', version: '1.0.0', main: 'index.js' }));
    fs.writeFileSync(path.join(pkg, 'index.js'), "module.exports = require('./build/Release/fast.node');\n");
    fs.copyFileSync(x86Extension(), path.join(pkg, 'build', 'Release', 'fast.node'));
    const npm = locateNpm();
    const run = (args: string[], cwd: string) => {
      const result = spawnSync(npm.command, [...npm.args, ...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(result.stderr);
    };
    fs.mkdirSync(path.join(dir, 'vendor'));
    run(['pack', pkg, '--pack-destination', path.join(dir, 'vendor')], dir);
    const layerDir = path.join(dir, 'layers', 'addons');
    fs.mkdirSync(layerDir, { recursive: true });
    fs.writeFileSync(
      path.join(layerDir, 'package.json'),
      JSON.stringify({ name: 'addons', version: '1.0.0', private: true, dependencies: { 'fast-addon': 'file:../../vendor/fast-addon-1.0.0.tgz' } }),
    );
    run(['install', '--package-lock-only'], layerDir);
    const source = readLayerSources(PLUGINS, dir, 'addons')[0];
    const { artifact } = await buildNodeLayer(layerTargetFor(PLUGINS.byId(source.family), source, 'arm64', 'nodejs24.x'), source, {
      toolHome: PROJECT_ROOT,
      buildDir: path.join(dir, '.build'),
      env: process.env,
      step: silentProgress.step('addon'),
    });
    expect(artifact.nativeObjects).toEqual([
      expect.objectContaining({ path: 'nodejs/node_modules/fast-addon/build/Release/fast.node', owner: 'nodejs/node_modules/fast-addon', machine: 62 }),
    ]);
    const env = loadConfig({
      families: PLUGINS,
      context: { defaults: { architecture: 'arm64', layers: ['addons'] } },
      env: {},
      availableLayers: { addons: ['nodejs'] },
    }).environments[0];
    const findings = nativeCodeLoads(deploymentFor({ env, layers: [artifact], managed: [], bundle: bundleArtifact(env.runtime) }));
    expect(findings.map((finding) => [finding.severity, finding.message])).toEqual([
      [
        'error',
        'api-dev: layer addons holds nodejs/node_modules/fast-addon/build/Release/fast.node (fast-addon 1.0.0), which is compiled for x86_64 (EM_X86_64), and the function runs on arm64, which needs aarch64 (EM_AARCH64). ' +
          "Install fast-addon for the function's platform: npm ci --os=linux --cpu=arm64 (npm run build does), or choose a package that ships a Linux arm64 build.",
      ],
    ]);
  });

  it('--skip-checks still serves it locally, loudly, where this machine can run the function', async () => {
    const copy = projectWith('glibcnew==1.0.0');
    const env = cliEnv({
      UV_FIND_LINKS: wheels,
      CDKTF_CONTEXT_JSON: JSON.stringify({
        environments: { dev: { function: 'python', layers: ['dependencies', 'extra'], architecture: process.arch === 'arm64' ? 'arm64' : 'x86_64' } },
      }),
    });
    const refused = await runCli(['build', '--only-used'], { env, cwd: copy });
    expect(refused.stderr).toMatch(
      /\[native-code\] api-dev: layer extra holds python\/glibcnew\/_helper\.so \(glibcnew 1\.0\.0\), which needs GLIBC_2\.38 \(from libc\.so\.6\), newer than Amazon Linux 2023 has \(glibc 2\.34\)/,
    );
    const server = await startLocalServer(['--env', 'dev', '--skip-checks'], env, { cwd: copy, build: true });
    try {
      expect(server.stderr()).toContain('!! --skip-checks: the deployment rules are not enforced.');
      expect(server.stderr()).toMatch(
        /warning: --skip-checks: serving what the deployment rules refuse: \[native-code\] api-dev: layer extra holds python\/glibcnew\/_helper\.so/,
      );
      expect(await request(`${server.url}/`)).toMatchObject({ status: 200, json: { status: 'ok' } });
    } finally {
      await server.stop();
    }
  });
});

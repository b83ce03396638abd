import { isPythonSource } from '../../family-plugins/python/python-source';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerTargetFor } from '../../builder/build-plan';
import { readLayerSources } from '../../builder/layer-folders';
import { LayerArtifact } from '../../artifacts/manifest';
import { buildNodeLayer } from '../../family-plugins/nodejs/node-layer';
import { silentProgress } from '../../project/progress';
import { buildPythonLayer } from '../../family-plugins/python/python-layer';
import { loadConfig } from '../../config/load-config';
import { checkLayerImports, judgeImports } from '../../local-lambda/layer-import-check';
import { findPython } from '../../family-plugins/python/interpreter';
import { makeFixtureProject, packFixturePackages } from '../support/fixture-layer';
import { makeFixtureWheels, makePythonProject, offlineWheelEnv } from '../support/fixture-wheels';
import { PROJECT_ROOT, runCli } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { PLUGINS } from '../../family-plugins/registry';

/** Lambda's name for this machine's architecture, and the other one: nothing here assumes which this machine is. */
const THIS_MACHINE = process.arch === 'arm64' ? 'arm64' : 'x86_64';
const OTHER_MACHINE = THIS_MACHINE === 'arm64' ? 'x86_64' : 'arm64';

const config = loadConfig({ families: PLUGINS, context: {}, env: {}, availableLayers: { dependencies: ['nodejs', 'python'] } });

async function pythonLayer(
  requirements: string,
  architecture: 'x86_64' | 'arm64',
  runtime: 'python3.12' | 'python3.14',
  wheelDir: string,
): Promise<{ layer: LayerArtifact; buildDir: string }> {
  const root = makePythonProject(requirements);
  const buildDir = path.join(root, '.build');
  const source = readLayerSources(PLUGINS, root, 'pylayer').filter(isPythonSource)[0];
  const { artifact } = await buildPythonLayer(layerTargetFor(PLUGINS.byId(source.family), source, architecture, runtime), source, {
    toolHome: PROJECT_ROOT,
    buildDir,
    env: offlineWheelEnv(wheelDir),
    step: silentProgress.step('t'),
  });
  return { layer: artifact, buildDir };
}

describe('Node.js layers', () => {
  let layer: LayerArtifact;
  let buildDir: string;

  beforeAll(async () => {
    const packages = makeTempDir('check-packages');
    packFixturePackages(packages);
    const project = makeFixtureProject(path.join(packages, 'tarballs'));
    buildDir = path.join(project.root, '.build');
    const source = readLayerSources(PLUGINS, project.root, 'fixture')[0];
    layer = (
      await buildNodeLayer(layerTargetFor(PLUGINS.byId(source.family), source, 'x86_64', 'nodejs24.x'), source, {
        toolHome: PROJECT_ROOT,
        buildDir,
        env: process.env,
        step: silentProgress.step('t'),
      })
    ).artifact;
  });

  it("imports every package the layer provides, alone, under the runtime's Node", async () => {
    const [check] = await checkLayerImports(PLUGINS, [layer], buildDir, PROJECT_ROOT, config);
    expect(check).toMatchObject({ layer: 'fixture/nodejs-x86_64', status: 'passed', imported: ['fixture-a', 'fixture-b'], failures: [] });
    expect(check?.interpreter).toMatch(/^node v24\./);
  });

  it('fails, naming the module, when a package is missing from the tree', async () => {
    // On a copy of the build: the other test here checks the whole tree, in whichever order they run.
    const broken = makeTempDir('check-broken-build');
    fs.cpSync(buildDir, broken, { recursive: true, verbatimSymlinks: true });
    fs.rmSync(path.join(broken, layer.treeDir, 'nodejs', 'node_modules', 'fixture-b'), { recursive: true });
    const [check] = await checkLayerImports(PLUGINS, [layer], broken, PROJECT_ROOT, config);
    expect(check?.status).toBe('failed');
    expect(check?.failures.map((failure) => failure.module)).toEqual(['fixture-a', 'fixture-b']);
    expect(check?.failures[1]?.error).toMatch(/Cannot find (package|module) 'fixture-b'/);
  });
});

describe('Python layers', () => {
  let wheels: string;

  beforeAll(() => {
    wheels = makeFixtureWheels().dir;
  });

  it("imports every top-level module with an interpreter of the layer's Python version and only the layer on the path", async () => {
    expect(findPython('3.12')).toBeDefined();
    const { layer, buildDir } = await pythonLayer('alpha==1.0.0\nnative==1.0.0\n', THIS_MACHINE, 'python3.12', wheels);
    const [check] = await checkLayerImports(PLUGINS, [layer], buildDir, PROJECT_ROOT, config);
    expect(check).toMatchObject({ status: 'passed', imported: ['alpha', 'beta', 'native'], failures: [], interpreter: 'python 3.12' });

    fs.rmSync(path.join(buildDir, layer.treeDir, 'python', 'beta.py'));
    const [broken] = await checkLayerImports(PLUGINS, [layer], buildDir, PROJECT_ROOT, config);
    expect(broken?.status).toBe('failed');
    expect(broken?.failures).toEqual([
      { module: 'alpha', error: "ModuleNotFoundError: No module named 'beta'" },
      { module: 'beta', error: "ModuleNotFoundError: No module named 'beta'" },
    ]);
  });

  it('skips compiled modules of the other architecture, saying why, and checks the rest', async () => {
    const { layer, buildDir } = await pythonLayer('alpha==1.0.0\nnative==1.0.0\n', OTHER_MACHINE, 'python3.12', wheels);
    const [check] = await checkLayerImports(PLUGINS, [layer], buildDir, PROJECT_ROOT, config);
    expect(check).toMatchObject({
      status: 'passed',
      imported: ['alpha', 'beta'],
      skipped: [{ module: 'native', reason: `compiled for ${OTHER_MACHINE}; this machine is ${THIS_MACHINE}` }],
    });
  });

  it('says which check it could not run when no interpreter of that version is here', async () => {
    const { layer, buildDir } = await pythonLayer('alpha==1.0.0\n', 'x86_64', 'python3.14', wheels);
    const env = { PATH: makeTempDir('empty-path'), PYENV_ROOT: makeTempDir('empty-pyenv') };
    const [check] = await checkLayerImports(PLUGINS, [layer], buildDir, PROJECT_ROOT, config, env);
    expect(check?.status).toBe('skipped');
    expect(check?.skipped[0]?.reason).toMatch(
      /^no Python 3\.14 interpreter on this machine \(looked at .*\); install one \(`pyenv install 3\.14`.*\) or set PYTHON3_14 to its path$/,
    );
  });
});

describe('verdicts', () => {
  it('does not count a package without a root entry point as a failure', () => {
    expect(
      judgeImports(
        'x',
        [
          { name: 'ok', ok: true },
          { name: 'types-only', ok: false, code: 'ERR_PACKAGE_PATH_NOT_EXPORTED', error: 'no "." export' },
        ],
        'node v24',
      ),
    ).toMatchObject({ status: 'passed', imported: ['ok'], skipped: [{ module: 'types-only', reason: 'the package has no root entry point to import' }] });
  });
});

describe('npm run check:layers', () => {
  it("checks the project's built layers and exits 0 when they import", async () => {
    const result = await runCli(['check:layers', '--layer', 'dependencies/nodejs-x86_64', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { checks: { layer: string; status: string; imported: string[] }[] };
    expect(report.checks).toEqual([
      expect.objectContaining({ layer: 'dependencies/nodejs-x86_64', status: 'passed', imported: ['@aws-sdk/client-dynamodb', 'hono'] }),
    ]);
    expect(result.stderr).toMatch(/✓ dependencies\/nodejs-x86_64: 2 imported with node v24/);
  });

  it('names an unknown layer', async () => {
    const result = await runCli(['check:layers', '--layer', 'nothing']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No built layer is called "nothing"');
  });
});

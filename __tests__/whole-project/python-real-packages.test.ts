import { configFor } from '../support/project-config';
import { asPythonPackage } from '../../family-plugins/python/python-package';
import { isPythonSource } from '../../family-plugins/python/python-source';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBuild } from '../../builder/build';
import { layerTargetFor } from '../../builder/build-plan';
import { readLayerSources } from '../../builder/layer-folders';
import { silentProgress } from '../../project/progress';
import { buildPythonLayer } from '../../family-plugins/python/python-layer';
import { LayerArtifact } from '../../artifacts/manifest';
import { Architecture } from '../../config/environments';
import { checkLayerImports } from '../../local-lambda/layer-import-check';
import { PROJECT_ROOT } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { REAL_LAYER_FIXTURES } from '../support/test-project';
import { PLUGINS } from '../../family-plugins/registry';
import { filesOutsideRecords } from '../support/python-tree';

/**
 * Import coverage and the declared-dependency check on real wheels (every test offline, from the wheel
 * cache the global setup filled): what module each real distribution installs, read from its RECORD and
 * metadata, and no false alarm for real dependency declarations, markers and namespace packages. A false
 * alarm would block a good deploy, so each is a failure here.
 */

const THIS_MACHINE: Architecture = process.arch === 'arm64' ? 'arm64' : 'x86_64';

/** A temporary project with the repository's Python layers and the real-package fixture layers. */
function realProject(): string {
  const root = makeTempDir('real-packages');
  fs.cpSync(path.join(PROJECT_ROOT, 'layers'), path.join(root, 'layers'), { recursive: true });
  for (const name of fs.readdirSync(REAL_LAYER_FIXTURES)) fs.cpSync(path.join(REAL_LAYER_FIXTURES, name), path.join(root, 'layers', name), { recursive: true });
  return root;
}

async function buildLayer(root: string, name: string, architecture: Architecture): Promise<{ artifact: LayerArtifact; buildDir: string }> {
  const source = readLayerSources(PLUGINS, root, name).find(isPythonSource)!;
  const buildDir = path.join(root, '.build');
  const { artifact } = await buildPythonLayer(layerTargetFor(PLUGINS.byId(source.family), source, architecture, 'python3.12'), source, {
    toolHome: PROJECT_ROOT,
    buildDir,
    env: process.env,
    step: silentProgress.step('real'),
  });
  return { artifact, buildDir };
}

describe('the modules real distributions install, read from their RECORD and metadata', () => {
  it.each(['x86_64', 'arm64'] as const)(
    "in the seed's single layer on %s: a top-level .so, single-file modules, names unlike the distribution's, no top_level.txt",
    async (architecture) => {
      const root = realProject();
      const { artifact, buildDir } = await buildLayer(root, 'dependencies', architecture);
      const modules = Object.fromEntries(artifact.packages.map((pkg) => [pkg.name, pkg.modules]));
      expect(modules).toMatchObject({
        cffi: ['_cffi_backend', 'cffi'],
        typing_extensions: ['typing_extensions'],
        six: ['six'],
        pydantic_core: ['pydantic_core'],
        'python-dotenv': ['dotenv'],
        PyJWT: ['jwt'],
        'python-jose': ['jose'],
        'python-multipart': ['multipart', 'python_multipart'],
        cryptography: ['cryptography'],
        fastapi: ['fastapi'],
        starlette: ['starlette'],
      });
      // Every module is a name Python can import: no bin/, no cffi.libs/, no __pycache__.
      expect(artifact.provides.filter((module) => !/^[A-Za-z_]\w*$/.test(module))).toEqual([]);
      // Every file of the tree is one a distribution installed (its RECORD says so): nothing the installer left behind.
      expect(filesOutsideRecords(path.join(buildDir, artifact.treeDir))).toEqual([]);
      const site = path.join(buildDir, artifact.treeDir, 'python');
      // Most real wheels ship no top_level.txt (maturin, hatchling, flit, pdm): the modules come from RECORD.
      const withoutTopLevel = fs.readdirSync(site).filter((entry) => entry.endsWith('.dist-info') && !fs.existsSync(path.join(site, entry, 'top_level.txt')));
      expect(withoutTopLevel).toEqual(
        expect.arrayContaining([expect.stringMatching(/^pydantic_core-/), expect.stringMatching(/^typing_extensions-/), expect.stringMatching(/^fastapi-/)]),
      );
      const machine = architecture === 'arm64' ? 'aarch64' : 'x86_64';
      expect(fs.readdirSync(site).filter((entry) => entry.startsWith('_cffi_backend.'))).toEqual([`_cffi_backend.cpython-312-${machine}-linux-gnu.so`]);
    },
  );

  it('in a layer of two distributions sharing one namespace package (jaraco), each installing only a subpackage of it', async () => {
    const root = realProject();
    const { artifact } = await buildLayer(root, 'namespaces', THIS_MACHINE);
    const modules = Object.fromEntries(artifact.packages.map((pkg) => [pkg.name, pkg.modules]));
    expect(modules).toMatchObject({ 'jaraco.context': ['jaraco'], 'jaraco.functools': ['jaraco'], greenlet: ['greenlet'], SQLAlchemy: ['sqlalchemy'] });
  });
});

describe('import coverage with real packages, markers and namespace packages: no false alarm', () => {
  function namespacedProject(architecture: Architecture) {
    const root = realProject();
    fs.mkdirSync(path.join(root, 'handlers', 'python_api'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'handlers', 'python_api', 'main.py'),
      'import json\nimport jaraco.context\nfrom jaraco.functools import compose\nimport sqlalchemy\nimport greenlet\n\n\n' +
        'def handler(event, context):\n    return {"statusCode": 200, "body": json.dumps([sqlalchemy.__version__, greenlet.__version__, compose(str, len)("abc")])}\n',
    );
    const config = configFor(root, { defaults: { function: 'python', layers: ['namespaces'], architecture } });
    return { root, config };
  }

  it.each(['x86_64', 'arm64'] as const)(
    'on %s: sqlalchemy needs greenlet (platform_machine marker) and has it, jaraco.context does not need backports.tarfile on 3.12 (python_version marker)',
    async (architecture) => {
      const { root, config } = namespacedProject(architecture);
      const report = await runBuild({
        families: PLUGINS,
        projectRoot: root,
        toolHome: PROJECT_ROOT,
        buildDir: path.join(root, '.build'),
        config,
        progress: silentProgress,
        env: process.env,
        onlyUsed: true,
      });
      expect(report.warnings).toEqual([]);
      const sqlalchemy = asPythonPackage(report.manifest.layers[0].packages.find((pkg) => pkg.name === 'SQLAlchemy')!);
      expect(sqlalchemy.requires).toEqual(
        expect.arrayContaining([expect.stringMatching(/^greenlet>=1; platform_machine == "aarch64" or \(.*platform_machine == "x86_64"/)]),
      );
      const jaraco = asPythonPackage(report.manifest.layers[0].packages.find((pkg) => pkg.name === 'jaraco.context')!);
      expect(jaraco.requires).toEqual(expect.arrayContaining([expect.stringMatching(/^backports\.tarfile.*python_version < "3\.12"/)]));
      expect(report.manifest.layers[0].packages.map((pkg) => pkg.name)).not.toContain('backports.tarfile');
    },
  );

  it('the same function on python3.13 is refused: no lock for that target yet, named with the command that writes it', async () => {
    const { root } = namespacedProject('x86_64');
    const config = configFor(root, { defaults: { function: 'python', runtime: 'python3.13', layers: ['namespaces'] } });
    await expect(
      runBuild({
        families: PLUGINS,
        projectRoot: root,
        toolHome: PROJECT_ROOT,
        buildDir: path.join(root, '.build'),
        config,
        progress: silentProgress,
        env: process.env,
        onlyUsed: true,
      }),
    ).rejects.toThrow('layers/namespaces/requirements.python3.13-x86_64.lock.txt is missing');
  });
});

describe("the import test on real wheels, on this machine's Python 3.12", () => {
  it("imports every module of the seed's real layers, compiled ones included (pydantic_core, _cffi_backend, cryptography), and the namespace packages", async () => {
    const root = realProject();
    const built = [await buildLayer(root, 'dependencies', THIS_MACHINE), await buildLayer(root, 'namespaces', THIS_MACHINE)];
    const config = configFor(root, {});
    const checks = await checkLayerImports(
      PLUGINS,
      built.map((layer) => layer.artifact),
      built[0].buildDir,
      PROJECT_ROOT,
      config,
    );
    expect(checks.map((check) => [check.layer, check.status, check.failures])).toEqual([
      ['dependencies/python3.12-' + THIS_MACHINE, 'passed', []],
      ['namespaces/python3.12-' + THIS_MACHINE, 'passed', []],
    ]);
    expect(checks[0].imported).toEqual(
      expect.arrayContaining(['_cffi_backend', 'cryptography', 'fastapi', 'jose', 'mangum', 'pydantic', 'pydantic_core', 'typing_extensions']),
    );
    expect(checks[1].imported).toEqual(expect.arrayContaining(['greenlet', 'jaraco', 'sqlalchemy']));
  });
});

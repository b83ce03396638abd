import { configFor } from '../support/project-config';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBuild } from '../../builder/build';
import { readManifest } from '../../artifacts/manifest';
import { silentProgress } from '../../project/progress';
import { loadConfig } from '../../config/load-config';
import { copyFixtureFunction, makeFixtureWheels, offlineWheelEnv } from '../support/fixture-wheels';
import { PROJECT_ROOT } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { PLUGINS } from '../../family-plugins/registry';

let wheels: string;

beforeAll(() => {
  wheels = makeFixtureWheels().dir;
});

/**
 * A project with a Python function and the given Python layer folders, every environment configured by
 * `defaults`. The function is the small fixture one (it imports alpha from a layer), or the real FastAPI app.
 */
function pythonProject(
  layers: Record<string, string>,
  defaults: Record<string, unknown>,
  fn: 'fixture' | 'fastapi' = 'fixture',
): { root: string; config: ReturnType<typeof loadConfig> } {
  const root = makeTempDir('python-app');
  if (fn === 'fixture') copyFixtureFunction(root);
  else fs.cpSync(path.join(PROJECT_ROOT, 'handlers', 'python_api'), path.join(root, 'handlers', 'python_api'), { recursive: true });
  for (const [name, requirements] of Object.entries(layers)) {
    fs.mkdirSync(path.join(root, 'layers', name), { recursive: true });
    fs.writeFileSync(path.join(root, 'layers', name, 'requirements.txt'), requirements);
  }
  const config = configFor(root, { defaults });
  return { root, config };
}

describe('npm run build with the split strategy', () => {
  it('rebuilds, and so republishes, only the layer whose inputs changed', async () => {
    const { root, config } = pythonProject(
      { stable: 'beta==1.0.0\n', framework: 'alpha==1.0.0\nbeta==1.0.0\n', adapters: 'native==1.0.0\n' },
      { runtime: 'python3.12', layerStrategy: 'split' },
    );
    const buildDir = path.join(root, '.build');
    const options = { families: PLUGINS, projectRoot: root, toolHome: PROJECT_ROOT, buildDir, config, progress: silentProgress, env: offlineWheelEnv(wheels) };
    const first = await runBuild(options);
    expect(first.layers.map((layer) => [layer.id, layer.cached])).toEqual([
      ['adapters/python3.12-x86_64', false],
      ['framework/python3.12-x86_64', false],
      ['stable/python3.12-x86_64', false],
    ]);
    expect(first.bundles.map((bundle) => [bundle.id, bundle.handler])).toEqual([['api/python3.12', 'main.handler']]);
    // The fixture function's two optional imports warn, once per environment; nothing else does.
    expect(first.warnings).toEqual(
      ['api-dev', 'api-staging', 'api-prod'].flatMap((stack) => [
        `[import-coverage] ${stack}: handlers/python_api/main.py:19 imports mypy_boto3_dynamodb optionally (if TYPE_CHECKING), and nothing the function gets provides it; the function runs without it.`,
        `[import-coverage] ${stack}: handlers/python_api/main.py:14 imports ujson optionally (try/except ImportError), and nothing the function gets provides it; the function runs without it.`,
      ]),
    );

    fs.writeFileSync(path.join(root, 'layers', 'adapters', 'requirements.txt'), 'native==1.0.0\nbeta==1.0.0\n');
    const second = await runBuild(options);
    const byId = (report: typeof first) => Object.fromEntries(report.layers.map((layer) => [layer.id, layer]));
    expect(second.layers.map((layer) => [layer.id, layer.cached])).toEqual([
      ['adapters/python3.12-x86_64', false],
      ['framework/python3.12-x86_64', true],
      ['stable/python3.12-x86_64', true],
    ]);
    expect(byId(second)['adapters/python3.12-x86_64'].contentHash).not.toBe(byId(first)['adapters/python3.12-x86_64'].contentHash);
    expect(byId(second)['framework/python3.12-x86_64'].contentHash).toBe(byId(first)['framework/python3.12-x86_64'].contentHash);
    // Every version is pinned in these requirements, so nothing floats; only the optional imports warn.
    expect(second.warnings).toEqual(first.warnings);
  });
});

describe("npm run build and Lambda's limits", () => {
  it('fails after building when an environment would exceed five layers, naming them; the manifest stays for inspection', async () => {
    const layers = Object.fromEntries(['one', 'two', 'three', 'four', 'five'].map((name) => [name, 'beta==1.0.0\n']));
    const { root, config } = pythonProject(layers, { runtime: 'python3.12', layerStrategy: 'hybrid', layers: Object.keys(layers) });
    const buildDir = path.join(root, '.build');
    await expect(
      runBuild({ families: PLUGINS, projectRoot: root, toolHome: PROJECT_ROOT, buildDir, config, progress: silentProgress, env: offlineWheelEnv(wheels) }),
    ).rejects.toThrow('api-dev: the function would have 6 layers (powertools-python (managed), one, two, three, four, five); Lambda attaches at most 5.');
    expect(readManifest(buildDir).layers).toHaveLength(5);
  });

  it('reports an unused layer that cannot be built, and goes on', async () => {
    const { root, config } = pythonProject({ dependencies: 'alpha==1.0.0\nbeta==1.0.0\n', spare: 'armonly==1.0.0\n' }, { runtime: 'python3.12' });
    const warnings: string[] = [];
    const report = await runBuild({
      families: PLUGINS,
      projectRoot: root,
      toolHome: PROJECT_ROOT,
      buildDir: path.join(root, '.build'),
      config,
      progress: { ...silentProgress, warn: (message) => warnings.push(message) },
      env: offlineWheelEnv(wheels),
    });
    expect(report.unbuilt).toEqual([
      {
        id: 'spare/python3.12-x86_64',
        reason: expect.stringContaining('there is no wheel of armonly for x86_64-manylinux_2_34 (glibc 2.34 or older) and CPython 3.12'),
      },
    ]);
    expect(warnings[0]).toMatch(/1 layer\(s\) that no environment uses could not be built \(spare\/python3\.12-x86_64\)/);
    expect(readManifest(path.join(root, '.build')).unbuilt).toEqual(report.unbuilt);
  });
});

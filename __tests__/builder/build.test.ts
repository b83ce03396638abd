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

describe('npm run build for a service', () => {
  /** The fixture function as the API, with a worker importing beta and a job importing only the standard library, beside it. */
  function serviceProject(workerImports: string) {
    const root = makeTempDir('python-service');
    const task = copyFixtureFunction(root);
    fs.writeFileSync(path.join(task, 'worker.py'), `${workerImports}\n\ndef handler(event, context):\n    return {"batchItemFailures": []}\n`);
    fs.writeFileSync(path.join(task, 'job.py'), 'import json\n\n\ndef handler(event, context):\n    return json.dumps(event)\n');
    const layers = { stable: 'beta==1.0.0\n', framework: 'alpha==1.0.0\nbeta==1.0.0\n', adapters: 'native==1.0.0\n' };
    for (const [name, requirements] of Object.entries(layers)) {
      fs.mkdirSync(path.join(root, 'layers', name), { recursive: true });
      fs.writeFileSync(path.join(root, 'layers', name, 'requirements.txt'), requirements);
    }
    const config = configFor(root, {
      defaults: { function: 'python', runtime: 'python3.12', layerStrategy: 'split' },
      functions: {
        worker: { family: 'python', source: 'handlers/python_api', handler: 'worker.handler', trigger: { queue: {} } },
        job: { family: 'python', source: 'handlers/python_api', handler: 'job.handler', trigger: { schedule: { expression: 'rate(1 day)' } } },
      },
    });
    const buildDir = path.join(root, '.build');
    const lines: string[] = [];
    const progress = { ...silentProgress, info: (line: string) => lines.push(line) };
    return {
      options: { families: PLUGINS, projectRoot: root, toolHome: PROJECT_ROOT, buildDir, config, progress, env: offlineWheelEnv(wheels), onlyUsed: true },
      lines,
    };
  }

  it('builds each layer once for every function, a bundle per function, and gives a function left to the build the fewest layers its imports need', async () => {
    const { options, lines } = serviceProject('import beta');
    const report = await runBuild(options);
    expect(report.layers.map((layer) => layer.id)).toEqual(['adapters/python3.12-x86_64', 'framework/python3.12-x86_64', 'stable/python3.12-x86_64']);
    expect(report.bundles.map((bundle) => [bundle.id, bundle.handler])).toEqual([
      ['api/python3.12', 'main.handler'],
      ['job/python3.12', 'job.handler'],
      ['worker/python3.12', 'worker.handler'],
    ]);
    const dev = report.environments.find((built) => built.environment.name === 'dev')!;
    const attached = dev.artifacts.functions.map((fn) => [fn.function.name, fn.layers.map((layer) => layer.name)]);
    // beta is in stable and in framework: the earlier wins; the job needs no layer; the API keeps its configured three.
    expect(attached).toEqual([
      ['api', ['stable', 'framework', 'adapters']],
      ['worker', ['stable']],
      ['job', []],
    ]);
    // Each function is checked for what its own handler imports: the worker never sees the API's alpha.
    expect(dev.artifacts.functions[1].bundle.imports.map((imported) => imported.module)).toEqual(['beta']);
    expect(lines).toEqual(
      expect.arrayContaining([
        'layers of api-dev worker, chosen by its imports: stable (candidates: stable, framework, adapters)',
        'layers of api-dev job, chosen by its imports: none, its runtime provides what it imports (candidates: stable, framework, adapters)',
      ]),
    );
  });

  it('refuses a function whose import no layer provides, naming the function', async () => {
    const { options } = serviceProject('import gamma');
    await expect(runBuild(options)).rejects.toThrow(/api-dev \(function worker\): handlers\/python_api\/worker\.py:1 imports gamma/);
  });
});

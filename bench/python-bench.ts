import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { artifactsForEnvironment, deploymentOf } from '../builder/artifact-check';
import { layerTargetFor } from '../builder/build-plan';
import { runBuild } from '../builder/build';
import { readAllLayerSources, readLayerSources } from '../builder/layer-sources';
import { lockPythonLayer } from '../builder/lock-layer';
import { readManifest } from '../artifacts/manifest';
import { silentProgress } from '../builder/progress';
import { readPythonImports } from '../builder/python-imports';
import { buildPythonLayer } from '../builder/python-layer';
import { loadProjectConfig } from '../config/config-sources';
import { LocalFunction } from '../local-lambda/local-function';
import { createSandbox } from '../local-lambda/sandbox';
import { PROJECT_ROOT, resolveBuildDir } from '../project/paths';
import { findPython } from '../project/python-interpreter';
import { importCoverage } from '../rules/import-coverage';
import { loadConfig } from '../config/load-config';
import { listLayerFolders } from '../config/config-sources';
import { Goal, Summary, ratio, summarise } from './stats';
import { MAKE_WHEEL } from '../package-fixtures/wheels';
import { coldStartGoal, determinismGoal, pythonCacheHitGoal } from './goals';

export interface PythonBenchResult {
  /** The generated layer: distributions, of which direct, and its size. */
  readonly layer: { readonly distributions: number; readonly direct: number; readonly modules: number; readonly unzippedBytes: number };
  readonly lockSeconds: number;
  readonly build: { readonly cold: Summary; readonly cacheHit: Summary; readonly cache_hit_ratio: number; readonly cacheHitRanPip: boolean; readonly goal: Goal };
  readonly determinism: { readonly builds: number; readonly distinct_hashes: number; readonly goal: Goal };
  readonly importCheck: { readonly nodeRule: Summary; readonly pythonRead: Summary; readonly pythonRule: Summary; readonly pythonFiles: number; readonly pythonImports: number };
  /** Undefined, with the reason, when no interpreter of the runtime's Python version is on the machine. */
  readonly coldStart: { readonly layers: Summary; readonly taskRoot: Summary; readonly ratio: number; readonly goal: Goal } | { readonly skipped: string };
}

const DIRECT = 4;
const TRANSITIVE = 8;
const MODULES = 8;

const now = (): number => Number(process.hrtime.bigint()) / 1e9;

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), `bench-${prefix}-`));
}

function withUmask<T>(mask: number, work: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  return work().finally(() => process.umask(previous));
}

/**
 * Wheels made here (PyPI is not reachable): 4 direct distributions, each needing 2 of 8 more,
 * each a package of 8 modules of some code, so the lock has transitive entries and a cold start imports something.
 */
function makeWheels(dir: string): string[] {
  const body = (name: string, i: number): string =>
    `"""${name}, module ${i}."""\nimport json\n\n` +
    Array.from({ length: 40 }, (_, f) => `def f${f}(value):\n    return json.dumps({"module": ${i}, "f": ${f}, "value": value})\n`).join('\n');
  const distribution = (name: string, requires: string[]) => {
    const module = name.replace(/-/g, '_');
    const files: Record<string, string> = { [`${module}/__init__.py`]: Array.from({ length: MODULES }, (_, i) => `from . import m${i}\n`).join('') };
    for (let i = 0; i < MODULES; i++) files[`${module}/m${i}.py`] = body(name, i);
    return { name, version: '1.0.0', requires, files, top_level: [module] };
  };
  const specs = [
    ...Array.from({ length: TRANSITIVE }, (_, i) => distribution(`bench-dep${i}`, [])),
    ...Array.from({ length: DIRECT }, (_, i) => distribution(`bench-lib${i}`, [`bench-dep${(2 * i) % TRANSITIVE}>=1.0`, `bench-dep${(2 * i + 1) % TRANSITIVE}>=1.0`])),
  ];
  const made = spawnSync('python3', [MAKE_WHEEL, dir, '-'], { input: JSON.stringify(specs), encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`making the bench wheels failed: ${made.stderr}`);
  return Array.from({ length: DIRECT }, (_, i) => `bench-lib${i}==1.0.0`);
}

/** A project folder with the layer `py` (the generated requirements) and a function importing every direct distribution. */
function makeProject(parent: string, requirements: string[]): string {
  fs.mkdirSync(path.join(parent, 'layers', 'py'), { recursive: true });
  fs.writeFileSync(path.join(parent, 'layers', 'py', 'requirements.txt'), `${requirements.join('\n')}\n`);
  const fn = path.join(parent, 'handlers', 'python_api');
  fs.mkdirSync(fn, { recursive: true });
  const imports = Array.from({ length: DIRECT }, (_, i) => `import bench_lib${i}`).join('\n');
  fs.writeFileSync(path.join(fn, 'main.py'), `import json\n${imports}\n\n\ndef handler(event, context):\n    return {"statusCode": 200, "body": bench_lib0.m0.f0(1)}\n`);
  return parent;
}

function pipEnv(env: NodeJS.ProcessEnv, wheels: string): NodeJS.ProcessEnv {
  return { ...env, UV_NO_INDEX: '1', UV_FIND_LINKS: wheels, PYTHON_WHEEL_CACHE: path.join(path.dirname(wheels), 'wheel-cache') };
}

async function timeIt(runs: number, work: () => unknown): Promise<Summary> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = now();
    await work();
    samples.push(now() - started);
  }
  return summarise(samples);
}

/** One cold start of a Python function: from spawning the process to its first answer. */
async function pythonColdStart(python: string, taskDir: string, layerTrees: string[]): Promise<number> {
  const sandbox = createSandbox({ runtime: 'python3.12', name: 'bench', project: 'python-cold' }, taskDir, layerTrees);
  const bootstrap = path.join(sandbox.runtimeDir, 'bootstrap.py');
  fs.copyFileSync(path.join(PROJECT_ROOT, 'local-lambda', 'runtime', 'bootstrap.py'), bootstrap);
  const fn = new LocalFunction({
    command: python,
    args: ['-I', '-S', '-B', '-u', bootstrap, ...sandbox.pythonPath],
    taskRoot: sandbox.taskRoot,
    timeoutSeconds: 30,
    functionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:bench',
    log: () => undefined,
    environment: { PATH: '/usr/bin:/bin', LAMBDA_TASK_ROOT: sandbox.taskRoot, _HANDLER: 'main.handler' },
  });
  await fn.start();
  try {
    const started = now();
    const result = await fn.invoke({ rawPath: '/' });
    if (!result.ok) throw new Error(`the Python cold start failed: ${result.errorType}: ${result.errorMessage}`);
    return now() - started;
  } finally {
    await fn.stop();
    fs.rmSync(sandbox.root, { recursive: true, force: true });
  }
}

const UMASKS = [0o022, 0o077, 0o002, 0o027, 0o022, 0o077, 0o002];

/**
 * The Python side of the bench: a generated layer locked and built from the lock (cold
 * and cache hit, and in 5 folders and umasks), the import coverage check of each
 * function, and the Python function's local cold start with its dependencies in a
 * layer against the same code with them in /var/task.
 */
export async function benchPython(runs: number, env: NodeJS.ProcessEnv): Promise<PythonBenchResult> {
  const work = tmp('python-bench');
  try {
    const wheels = path.join(work, 'wheels');
    fs.mkdirSync(wheels);
    const requirements = makeWheels(wheels);
    const project = makeProject(path.join(work, 'project'), requirements);
    const source = () => readLayerSources(project, 'py')[0]!;
    const started = now();
    await lockPythonLayer(source(), [{ pythonVersion: '3.12', architecture: 'x86_64' }], { projectRoot: project, buildDir: path.join(work, 'lock-build'), env: pipEnv(env, wheels), step: silentProgress.step('') });
    const lockSeconds = now() - started;
    const target = layerTargetFor(source(), 'x86_64', 'python3.12');

    const cold: number[] = [];
    let buildDir = '';
    for (let run = 0; run < runs; run++) {
      buildDir = path.join(work, `cold${run}`);
      const began = now();
      const built = await buildPythonLayer(target, source(), { buildDir, env: pipEnv(env, wheels), step: silentProgress.step('') });
      if (built.cached) throw new Error('a cold Python build reused a tree');
      cold.push(now() - began);
    }
    // A PYTHON that would leave a mark if a cache hit ran pip; a new one each run, so that each hit reads pip's
    // version as a fresh `npm run build` does (the build remembers it per interpreter within one process).
    const mark = path.join(work, 'pip-ran');
    const hits: number[] = [];
    let artifact;
    for (let run = 0; run < runs; run++) {
      const wrapper = path.join(work, `python-${run}`);
      fs.writeFileSync(wrapper, `#!/bin/sh\ncase "$*" in *"-m pip"*) touch ${mark};; esac\nexec python3 "$@"\n`, { mode: 0o755 });
      const began = now();
      const built = await buildPythonLayer(target, source(), { buildDir, env: { ...pipEnv(env, wheels), PYTHON: wrapper }, step: silentProgress.step('') });
      if (!built.cached) throw new Error('a Python cache hit rebuilt the tree');
      hits.push(now() - began);
      artifact = built.artifact;
    }
    const coldSummary = summarise(cold);
    const hitSummary = summarise(hits);
    const hitRatio = ratio(hitSummary.median, coldSummary.median);
    const ranPip = fs.existsSync(mark);

    const builds = Math.max(5, runs);
    const hashes = new Set<string>();
    for (let run = 0; run < builds; run++) {
      const copy = path.join(work, `folder${run}`, ...Array.from({ length: run }, (_, i) => `d${i}`));
      fs.cpSync(project, copy, { recursive: true });
      const copySource = readLayerSources(copy, 'py')[0]!;
      const built = await withUmask(UMASKS[run % UMASKS.length]!, () =>
        buildPythonLayer(layerTargetFor(copySource, 'x86_64', 'python3.12'), copySource, { buildDir: path.join(copy, '.build'), env: pipEnv(env, wheels), step: silentProgress.step('') }),
      );
      hashes.add(built.artifact.contentHash);
    }

    const importCheck = await benchImportCheck(runs, env, project, wheels);

    const python = findPython('3.12', env);
    let coldStart: PythonBenchResult['coldStart'];
    if (!python) {
      coldStart = { skipped: 'no Python 3.12 interpreter on this machine' };
    } else {
      const manifest = readManifest(path.join(project, '.build'));
      const bundle = manifest.bundles[0]!;
      const layerTree = path.join(buildDir, artifact!.treeDir);
      // The same code with every dependency in the task root instead of a layer.
      const fat = path.join(work, 'fat-task');
      fs.cpSync(path.join(project, '.build', bundle.dir), fat, { recursive: true });
      fs.cpSync(path.join(layerTree, 'python'), fat, { recursive: true });
      const task = path.join(project, '.build', bundle.dir);
      await pythonColdStart(python.path, task, [layerTree]);
      await pythonColdStart(python.path, fat, []);
      const layered: number[] = [];
      const inTask: number[] = [];
      for (let run = 0; run < Math.max(runs * 3, 15); run++) {
        layered.push(await pythonColdStart(python.path, task, [layerTree]));
        inTask.push(await pythonColdStart(python.path, fat, []));
      }
      const layers = summarise(layered);
      const taskRoot = summarise(inTask);
      const coldRatio = ratio(layers.median, taskRoot.median);
      coldStart = { layers, taskRoot, ratio: coldRatio, goal: coldStartGoal(coldRatio, 'in /var/task (Python)') };
    }
    return {
      layer: { distributions: artifact!.packages.length, direct: artifact!.packages.filter((pkg) => pkg.direct).length, modules: (DIRECT + TRANSITIVE) * (MODULES + 1), unzippedBytes: artifact!.unzippedBytes },
      lockSeconds,
      build: {
        cold: coldSummary,
        cacheHit: hitSummary,
        cache_hit_ratio: hitRatio,
        cacheHitRanPip: ranPip,
        // A hit still starts the interpreter once to read pip's version (0.05-0.1 s), so its ratio says more about how short a
        // cold build from wheels on disk is than about the cache; what must hold is that pip does not run.
        goal: pythonCacheHitGoal(ranPip),
      },
      determinism: { builds, distinct_hashes: hashes.size, goal: determinismGoal(builds, hashes.size, 'Python builds from the lock') },
      importCheck,
      coldStart,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The import coverage check: the rule for the Node.js function's build, reading the Python function's imports (its syntax trees), and the rule for it. */
async function benchImportCheck(runs: number, env: NodeJS.ProcessEnv, project: string, wheels: string) {
  const buildDir = resolveBuildDir(undefined, env);
  const config = loadProjectConfig(PROJECT_ROOT, env);
  const dev = config.environments.find((environment) => environment.name === 'dev')!;
  const nodeDeployment = deploymentOf(dev, artifactsForEnvironment(dev, readManifest(buildDir), readAllLayerSources(PROJECT_ROOT), buildDir, PROJECT_ROOT));
  const nodeRule = await timeIt(runs * 20, () => importCoverage(nodeDeployment));

  const seed = path.join(PROJECT_ROOT, 'handlers', 'python_api');
  const files = fs.readdirSync(seed).filter((file) => file.endsWith('.py'));
  let imports = 0;
  const pythonRead = await timeIt(runs, async () => {
    imports = (await readPythonImports(seed, files, '3.12', 'handlers/python_api', env)).imports.length;
  });

  const pyConfig = loadConfig({ context: { defaults: { function: 'python', layers: ['py'] } }, env: {}, availableLayers: listLayerFolders(project) });
  await runBuild({ projectRoot: project, buildDir: path.join(project, '.build'), config: pyConfig, progress: silentProgress, env: pipEnv(env, wheels), onlyUsed: true });
  const pyEnv = pyConfig.environments[0]!;
  const pyDeployment = deploymentOf(pyEnv, artifactsForEnvironment(pyEnv, readManifest(path.join(project, '.build')), readAllLayerSources(project), path.join(project, '.build'), project));
  const pythonRule = await timeIt(runs * 20, () => importCoverage(pyDeployment));
  return { nodeRule, pythonRead, pythonRule, pythonFiles: files.length, pythonImports: imports };
}

import { PYTHON_RUNTIME_CLIENT } from '../family-plugins/python/python-process';
import { pipIndexArgs, pythonIndexSettings } from '../family-plugins/python/python-index';
import { pythonFamily } from '../family-plugins/python/definition';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { artifactsForEnvironment, deploymentOf } from '../builder/artifact-check';
import { layerTargetFor } from '../builder/build-plan';
import { runBuild } from '../builder/build';
import { readAllLayerSources, readLayerSources } from '../builder/layer-folders';
import { LayerArtifact, readManifest } from '../artifacts/manifest';
import { silentProgress } from '../project/progress';
import { readPythonImports } from '../family-plugins/python/python-imports';
import { buildPythonLayer } from '../family-plugins/python/python-layer';
import { pipEnvironment, pipInstallArgs, pipPlatformArgs } from '../family-plugins/python/pip';
import { lockFileName, lockTargetKey } from '../family-plugins/python/python-lock';
import { lockedWheelDirs, wheelCacheDir } from '../family-plugins/python/wheel-cache';
import { uvCompileArgs, uvEnvironment, uvInstallArgs, uvLockedEnvironment } from '../family-plugins/python/uv';
import { loadConfig } from '../config/load-config';
import { listLayerFolders } from '../config/config-sources';
import { LocalFunction } from '../local-lambda/local-function';
import { locatePythonSdk } from '../family-plugins/python/python-sdk';
import { createSandbox } from '../local-lambda/sandbox';
import { findPython } from '../family-plugins/python/interpreter';
import { runCommand } from '../project/run-command';
import { importCoverage } from '../rules/import-coverage';
import { probeEvent } from '../rollout/probe';
import { ensurePythonToolchain, toolchainDir } from '../family-plugins/python/toolchain';
import { Goal, now, ratio, summarise, Summary } from './stats';
import { determinismGoal, importCheckGoal, nativeCodeGoal, pythonCacheHitGoal, pythonColdStartGoal } from './goals';
import { scanNativeObjects } from '../builder/native-scan';
import { listTree } from '../builder/tree';
import { nativeCodeLoads } from '../rules/native-code';
import { providerLikeZip } from './provider-zip';
import { isPythonSource } from '../family-plugins/python/python-source';
import { ProjectContext } from '../use-cases/context';

/**
 * The Python side of the bench, on the seed's real stack: the repository's locked layers and the real
 * wheels (FastAPI, Starlette, pydantic with pydantic-core, Mangum, cryptography), the seed's FastAPI app.
 */

export interface LayerSize {
  readonly layer: string;
  readonly architecture: string;
  readonly distributions: number;
  readonly unzippedBytes: number;
  /** The zip an archive-provider-like zipper makes of the tree (deflate, level 6). */
  readonly zippedBytes: number;
}

export interface PythonBenchResult {
  /** The seed's single layer (layers/dependencies), python3.12 x86_64, built from its lock. */
  readonly layer: { readonly distributions: number; readonly direct: number; readonly unzippedBytes: number; readonly zippedBytes: number };
  /** Every Python layer of the repository, both architectures, against the seed's figures (about 8.8 MB and 7 MB zipped). */
  readonly sizes: readonly LayerSize[];
  /** Resolving the single layer's requirements for Lambda's platform against the index: uv (what layers:lock runs) and pip's resolver. */
  readonly resolve: { readonly uv: Summary; readonly pip: Summary; readonly ratio: number } | { readonly skipped: string };
  /** The installer alone, from the same lock and wheel cache into an empty folder (fresh installer caches): uv against pip. */
  readonly install: { readonly uv: Summary; readonly pip: Summary; readonly ratio: number };
  readonly build: {
    readonly uvCold: Summary;
    readonly pipCold: Summary;
    /** uv's cold build against pip's, same lock, same wheel cache. */
    readonly uvVsPip: number;
    readonly cacheHit: Summary;
    readonly cache_hit_ratio: number;
    /** What a cache hit started (installer, Python); empty when it started nothing. */
    readonly cacheHitStarted: readonly string[];
    readonly goal: Goal;
  };
  readonly determinism: { readonly builds: number; readonly distinct_hashes: number; readonly goal: Goal };
  readonly importCheck: {
    readonly nodeRule: Summary;
    readonly pythonRead: Summary;
    readonly pythonRule: Summary;
    readonly pythonFiles: number;
    readonly pythonImports: number;
    /** Distributions of the real layer the rule judged. */
    readonly distributions: number;
    /** Reading the imports and the rule, the medians added: one function's whole check. */
    readonly perFunction: number;
    readonly goal: Goal;
  };
  readonly coldStart: { readonly layers: Summary; readonly taskRoot: Summary; readonly ratio: number; readonly goal: Goal } | { readonly skipped: string };
  /** The native-code check on the single layer: reading its shared objects (what a cold build does) and the rule (what every build, synth and start does). */
  readonly nativeCode: { readonly objects: number; readonly scan: Summary; readonly rule: Summary; readonly perLayer: number; readonly goal: Goal };
}

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), `bench-${prefix}-`));
}

function withUmask<T>(mask: number, work: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  return work().finally(() => process.umask(previous));
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

/** A project folder with the repository's Python layers and handlers. */
function seedProject(root: string, parent: string): string {
  fs.cpSync(path.join(root, 'layers'), path.join(parent, 'layers'), { recursive: true });
  fs.cpSync(path.join(root, 'handlers'), path.join(parent, 'handlers'), { recursive: true });
  return parent;
}

function zippedSize(tree: string, scratch: string): number {
  const zip = path.join(scratch, `${path.basename(path.dirname(tree))}-${Date.now()}.zip`);
  providerLikeZip(tree, zip);
  const bytes = fs.statSync(zip).size;
  fs.rmSync(zip);
  return bytes;
}

/**
 * A toolchain folder whose uv and python leave a mark when anything runs them, with the real one's
 * stamp: a cache hit that started an installer or a Python process would show.
 */
function markingToolchain(real: string, work: string): { dir: string; started: () => string[] } {
  const dir = path.join(work, 'marking-toolchain');
  const marks = path.join(work, 'started');
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.copyFileSync(path.join(real, 'toolchain.json'), path.join(dir, 'toolchain.json'));
  for (const program of ['bin/uv', 'bin/python']) {
    const tool = path.basename(program);
    fs.writeFileSync(path.join(dir, program), `#!/bin/sh\necho ${tool} >> ${marks}\nexec ${path.join(real, program)} "$@"\n`, { mode: 0o755 });
  }
  return { dir, started: () => (fs.existsSync(marks) ? [...new Set(fs.readFileSync(marks, 'utf8').trim().split('\n'))] : []) };
}

/** uv and pip resolving the single layer for python3.12 x86_64 against the index, warm caches, interleaved. */
async function benchResolve(runs: number, ctx: ProjectContext, project: string, work: string) {
  const { env } = ctx;
  const toolchain = await ensurePythonToolchain({ env, projectRoot: ctx.root });
  const layerDir = path.join(project, 'layers', 'dependencies');
  const target = { pythonVersion: '3.12', architecture: 'x86_64' as const };
  const uv = () =>
    runCommand(
      toolchain.uv,
      uvCompileArgs(target, {
        requirements: 'requirements.txt',
        output: path.join(work, 'pylock.bench.toml'),
        cacheDir: path.join(work, 'uv-cache'),
        settings: pythonIndexSettings(env),
      }),
      {
        env: uvEnvironment(env),
        cwd: layerDir,
      },
    );
  const pipArgs = [
    '-m',
    'pip',
    'install',
    '--dry-run',
    '--ignore-installed',
    '--quiet',
    '--report',
    path.join(work, 'pip-report.json'),
    '--requirement',
    'requirements.txt',
    '--target',
    path.join(work, 'pip-scratch'),
    ...pipPlatformArgs(target),
    '--cache-dir',
    path.join(work, 'pip-cache'),
    ...pipIndexArgs(pythonIndexSettings(env)),
  ];
  const pip = () => runCommand(toolchain.python, pipArgs, { env: pipEnvironment(env), cwd: layerDir });
  const first = await uv();
  if (first.code !== 0) return { skipped: `uv could not resolve against the index: ${first.output.trim().split('\n').pop()}` };
  const warm = await pip();
  if (warm.code !== 0) return { skipped: `pip could not resolve against the index: ${warm.output.trim().split('\n').pop()}` };
  const [uvTimes, pipTimes]: number[][] = [[], []];
  for (let run = 0; run < runs; run++) {
    let started = now();
    await uv();
    uvTimes.push(now() - started);
    started = now();
    await pip();
    pipTimes.push(now() - started);
  }
  const [uvSummary, pipSummary] = [summarise(uvTimes), summarise(pipTimes)];
  return { uv: uvSummary, pip: pipSummary, ratio: ratio(uvSummary.median, pipSummary.median) };
}

/** uv and pip installing the single layer's lock from the wheel cache into an empty folder, fresh caches, interleaved. */
async function benchInstall(runs: number, ctx: ProjectContext, project: string, work: string) {
  const { env } = ctx;
  const toolchain = await ensurePythonToolchain({ env, projectRoot: ctx.root });
  const layerDir = path.join(project, 'layers', 'dependencies');
  const target = { pythonVersion: '3.12', architecture: 'x86_64' as const };
  const lock = readLayerSources(ctx.families, project, 'dependencies').find(isPythonSource)?.locks?.[lockTargetKey(target)];
  if (!lock) throw new Error(`layers/dependencies has no ${lockFileName(target)}`);
  const install = { requirements: lockFileName(target), requireHashes: true, lockedFrom: lockedWheelDirs(wheelCacheDir(env), lock.target) };
  const [uvTimes, pipTimes]: number[][] = [[], []];
  for (let run = 0; run < runs; run++) {
    const dir = path.join(work, `install-${run}`);
    let started = now();
    const uv = await runCommand(toolchain.uv, uvInstallArgs(target, install, path.join(dir, 'uv'), path.join(dir, 'uv-cache'), pythonIndexSettings(env)), {
      env: uvLockedEnvironment(env),
      cwd: layerDir,
    });
    uvTimes.push(now() - started);
    started = now();
    const pip = await runCommand(
      toolchain.python,
      pipInstallArgs(target, install, path.join(dir, 'pip'), path.join(dir, 'pip-cache'), pythonIndexSettings(env)),
      { env: pipEnvironment(env), cwd: layerDir },
    );
    pipTimes.push(now() - started);
    if (uv.code !== 0 || pip.code !== 0) throw new Error(`installing the lock failed:\n${uv.output}\n${pip.output}`);
  }
  const [uvSummary, pipSummary] = [summarise(uvTimes), summarise(pipTimes)];
  return { uv: uvSummary, pip: pipSummary, ratio: ratio(uvSummary.median, pipSummary.median) };
}

/** The seed's app answering its first request, from spawning the process: packages in a layer, or in /var/task. */
async function seedColdStart(root: string, python: string, taskDir: string, layerTrees: string[], sdkEntries: readonly string[]): Promise<number> {
  const sandbox = createSandbox({ runtime: 'python3.12', family: pythonFamily, name: 'bench', project: 'python-cold' }, taskDir, layerTrees, {
    runtimePackages: { link: sdkEntries },
  });
  const bootstrap = path.join(sandbox.runtimeDir, 'bootstrap.py');
  fs.copyFileSync(path.join(root, PYTHON_RUNTIME_CLIENT, 'bootstrap.py'), bootstrap);
  const fn = new LocalFunction({
    command: python,
    args: ['-I', '-S', '-B', '-u', bootstrap, ...sandbox.searchPath],
    taskRoot: sandbox.taskRoot,
    timeoutSeconds: 30,
    functionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:bench',
    log: () => undefined,
    environment: {
      PATH: '/usr/bin:/bin',
      LAMBDA_TASK_ROOT: sandbox.taskRoot,
      _HANDLER: 'main.handler',
      TABLE_NAME: 'bench-messages',
      APP_VERSION: '3.0.0',
      AWS_REGION: 'ap-northeast-1',
      AWS_DEFAULT_REGION: 'ap-northeast-1',
    },
  });
  await fn.start();
  try {
    const started = now();
    const result = await fn.invoke(probeEvent('/', 'bench', new Date()));
    if (!result.ok) throw new Error(`the seed's app failed to start: ${result.errorType}: ${result.errorMessage}`);
    return now() - started;
  } finally {
    await fn.stop();
    fs.rmSync(sandbox.root, { recursive: true, force: true });
  }
}

const UMASKS = [0o022, 0o077, 0o002, 0o027, 0o022, 0o077, 0o002];

/**
 * The seed's single layer resolved (uv against pip), built cold from its lock (uv against pip, same lock, same
 * wheel cache) and as a cache hit; five builds in other folders and umasks; the size of every Python layer; the
 * import check of the real function on the real layer; the seed's app's cold start, layer against /var/task.
 */
export async function benchPython(runs: number, ctx: ProjectContext, progress: (line: string) => void = () => undefined): Promise<PythonBenchResult> {
  const { env } = ctx;
  const work = tmp('python-bench');
  try {
    const project = seedProject(ctx.root, path.join(work, 'project'));
    const source = () => readLayerSources(ctx.families, project, 'dependencies').find(isPythonSource)!;
    const target = layerTargetFor(pythonFamily, source(), 'x86_64', 'python3.12');
    await ensurePythonToolchain({ env, progress, projectRoot: ctx.root });

    progress('resolving: uv against pip');
    const resolve = await benchResolve(runs, ctx, project, work);

    progress('cold builds from the lock: uv against pip');
    const [uvCold, pipCold]: number[][] = [[], []];
    let hitDir = '';
    for (let run = 0; run < runs; run++) {
      for (const installer of ['uv', 'pip'] as const) {
        const buildDir = path.join(work, `cold-${installer}-${run}`);
        const began = now();
        const built = await buildPythonLayer(target, source(), {
          toolHome: ctx.root,
          buildDir,
          env: { ...env, PYTHON_INSTALLER: installer },
          step: silentProgress.step(''),
        });
        if (built.cached) throw new Error('a cold Python build reused a tree');
        (installer === 'uv' ? uvCold : pipCold).push(now() - began);
        if (installer === 'uv') hitDir = buildDir;
      }
    }
    progress('the installers alone: uv against pip');
    const install = await benchInstall(runs, ctx, project, work);
    progress('cache hits');
    const marking = markingToolchain(toolchainDir(env, ctx.root), work);
    const hits: number[] = [];
    let artifact: LayerArtifact | undefined;
    for (let run = 0; run < runs; run++) {
      const began = now();
      const built = await buildPythonLayer(target, source(), {
        toolHome: ctx.root,
        buildDir: hitDir,
        env: { ...env, PYTHON_TOOLCHAIN: marking.dir },
        step: silentProgress.step(''),
      });
      if (!built.cached) throw new Error('a Python cache hit rebuilt the tree');
      hits.push(now() - began);
      artifact = built.artifact;
    }
    const [uvSummary, pipSummary, hitSummary] = [summarise(uvCold), summarise(pipCold), summarise(hits)];
    const hitRatio = ratio(hitSummary.median, uvSummary.median);

    progress('determinism');
    const builds = Math.max(5, runs);
    const hashes = new Set<string>();
    for (let run = 0; run < builds; run++) {
      const copy = path.join(work, `folder${run}`, ...Array.from({ length: run }, (_, i) => `d${i}`));
      fs.cpSync(path.join(project, 'layers', 'dependencies'), path.join(copy, 'layers', 'dependencies'), { recursive: true });
      const copySource = readLayerSources(ctx.families, copy, 'dependencies').find(isPythonSource)!;
      const built = await withUmask(UMASKS[run % UMASKS.length], () =>
        buildPythonLayer(layerTargetFor(ctx.families.byId(copySource.family), copySource, 'x86_64', 'python3.12'), copySource, {
          toolHome: ctx.root,
          buildDir: path.join(copy, '.build'),
          env,
          step: silentProgress.step(''),
        }),
      );
      hashes.add(built.artifact.contentHash);
    }

    progress('sizes of every Python layer, both architectures');
    const sizes: LayerSize[] = [];
    for (const layerSource of readAllLayerSources(ctx.families, project).filter(isPythonSource)) {
      for (const architecture of ['x86_64', 'arm64'] as const) {
        const buildDir = path.join(work, 'sizes');
        const { artifact: built } = await buildPythonLayer(
          layerTargetFor(ctx.families.byId(layerSource.family), layerSource, architecture, 'python3.12'),
          layerSource,
          {
            toolHome: ctx.root,
            buildDir,
            env,
            step: silentProgress.step(''),
          },
        );
        sizes.push({
          layer: layerSource.name,
          architecture,
          distributions: built.packages.length,
          unzippedBytes: built.unzippedBytes,
          zippedBytes: zippedSize(path.join(buildDir, built.treeDir), work),
        });
      }
    }

    progress('the import check');
    const importCheck = await benchImportCheck(runs, ctx, project);

    progress('the native-code check');
    const tree = path.join(hitDir, artifact!.treeDir);
    const treeFiles = listTree(tree).map((file) => file.path);
    let objects = 0;
    const scan = await timeIt(runs * 4, () => {
      objects = scanNativeObjects(tree, treeFiles, artifact!.packages).length;
    });
    const pyConfig = loadConfig({
      families: ctx.families,
      context: { defaults: { function: pythonFamily.id } },
      env: {},
      availableLayers: listLayerFolders(ctx.families, project),
    });
    const deployment = {
      env: pyConfig.environments[0],
      family: ctx.families.byId(pythonFamily.id),
      families: ctx.families,
      layers: [artifact!],
      managed: [],
      bundle: readManifest(path.join(project, '.build')).bundles.find((bundle) => bundle.family === pythonFamily.id)!,
    };
    const rule = await timeIt(runs * 20, () => nativeCodeLoads(deployment));
    const perLayer = scan.median + rule.median;
    const nativeCode = { objects, scan, rule, perLayer, goal: nativeCodeGoal(perLayer) };

    progress("the seed's app's cold start");
    const python = findPython('3.12', env);
    let coldStart: PythonBenchResult['coldStart'];
    if (!python) {
      coldStart = { skipped: 'no Python 3.12 interpreter on this machine' };
    } else {
      const manifest = readManifest(path.join(project, '.build'));
      const bundle = manifest.bundles.find((bundle) => bundle.family === pythonFamily.id)!;
      const layerTree = path.join(hitDir, artifact!.treeDir);
      const task = path.join(project, '.build', bundle.dir);
      // The same code with every package in the task root instead of a layer.
      const fat = path.join(work, 'fat-task');
      fs.cpSync(task, fat, { recursive: true });
      fs.cpSync(path.join(layerTree, pythonFamily.layerRoot), fat, { recursive: true });
      const sdk = await locatePythonSdk(ctx.root, env);
      await seedColdStart(ctx.root, python.path, task, [layerTree], sdk.entries);
      await seedColdStart(ctx.root, python.path, fat, [], sdk.entries);
      const [layered, inTask]: number[][] = [[], []];
      for (let run = 0; run < Math.max(runs * 3, 15); run++) {
        layered.push(await seedColdStart(ctx.root, python.path, task, [layerTree], sdk.entries));
        inTask.push(await seedColdStart(ctx.root, python.path, fat, [], sdk.entries));
      }
      const [layers, taskRoot] = [summarise(layered), summarise(inTask)];
      const coldRatio = ratio(layers.median, taskRoot.median);
      coldStart = { layers, taskRoot, ratio: coldRatio, goal: pythonColdStartGoal(coldRatio) };
    }
    return {
      layer: {
        distributions: artifact!.packages.length,
        direct: artifact!.packages.filter((pkg) => pkg.direct).length,
        unzippedBytes: artifact!.unzippedBytes,
        zippedBytes: sizes.find((size) => size.layer === 'dependencies' && size.architecture === 'x86_64')!.zippedBytes,
      },
      sizes,
      resolve,
      install,
      build: {
        uvCold: uvSummary,
        pipCold: pipSummary,
        uvVsPip: ratio(uvSummary.median, pipSummary.median),
        cacheHit: hitSummary,
        cache_hit_ratio: hitRatio,
        cacheHitStarted: marking.started(),
        goal: pythonCacheHitGoal(hitRatio, marking.started()),
      },
      determinism: { builds, distinct_hashes: hashes.size, goal: determinismGoal(builds, hashes.size, 'Python builds from the lock') },
      importCheck,
      coldStart,
      nativeCode,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The import coverage check: the rule for the Node.js function's build; the seed's function's imports read from its syntax trees, and the rule on its real layer. */
async function benchImportCheck(runs: number, ctx: ProjectContext, project: string) {
  const { env } = ctx;
  const buildDir = ctx.buildDir();
  const config = ctx.config();
  const dev = config.environments.find((environment) => environment.name === 'dev')!;
  const nodeDeployment = deploymentOf(ctx.families, dev, ctx.builtArtifacts(dev, buildDir));
  const nodeRule = await timeIt(runs * 20, () => importCoverage(nodeDeployment));

  const seed = path.join(project, 'handlers', 'python_api');
  const files = fs.readdirSync(seed).filter((file) => file.endsWith('.py'));
  let imports = 0;
  const pythonRead = await timeIt(runs, async () => {
    imports = (await readPythonImports(ctx.root, seed, files, '3.12', 'handlers/python_api', env)).imports.length;
  });

  const pyConfig = loadConfig({
    families: ctx.families,
    context: { defaults: { function: pythonFamily.id } },
    env: {},
    availableLayers: listLayerFolders(ctx.families, project),
  });
  await runBuild({
    families: ctx.families,
    projectRoot: project,
    toolHome: ctx.root,
    buildDir: path.join(project, '.build'),
    config: pyConfig,
    progress: silentProgress,
    env,
    onlyUsed: true,
  });
  const pyEnv = pyConfig.environments[0];
  const artifacts = artifactsForEnvironment(
    ctx.families,
    pyEnv,
    readManifest(path.join(project, '.build')),
    readAllLayerSources(ctx.families, project),
    path.join(project, '.build'),
    project,
  );
  const pyDeployment = deploymentOf(ctx.families, pyEnv, artifacts);
  const pythonRule = await timeIt(runs * 20, () => importCoverage(pyDeployment));
  const perFunction = pythonRead.median + pythonRule.median;
  const distributions = artifacts.layers.reduce((sum, layer) => sum + layer.packages.length, 0);
  return {
    nodeRule,
    pythonRead,
    pythonRule,
    pythonFiles: files.length,
    pythonImports: imports,
    distributions,
    perFunction,
    goal: importCheckGoal(perFunction),
  };
}

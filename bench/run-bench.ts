import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { layerTargetFor } from '../builder/build-plan';
import { nodejsFamily } from '../family-plugins/nodejs/definition';
import { bundleFunction } from '../builder/function-build';
import { RUNTIME_SCRIPTS, compileRuntimeScript } from '../family-plugins/nodejs/runtime-scripts';
import { runBuild } from '../builder/build';
import { readLayerSources } from '../builder/layer-folders';
import { readManifest } from '../artifacts/manifest';
import { buildNodeLayer } from '../family-plugins/nodejs/node-layer';
import { locateNpm } from '../family-plugins/nodejs/npm';
import { Progress, silentProgress } from '../project/progress';
import { buildPythonLayer } from '../family-plugins/python/python-layer';
import { tableNameOf } from '../config/environments';
import { startLocalApi } from '../local-lambda/local-api';
import { LocalFunction } from '../local-lambda/local-function';
import { lambdaNodeBinary } from '../family-plugins/nodejs/node-binary';
import { createSandbox } from '../local-lambda/sandbox';
import { Goal, linearFit, now, percentile, ratio, summarise, Summary } from './stats';
import { PythonBenchResult, benchPython } from './python-bench';
import { makeFakeNpm } from '../package-fixtures/fake-npm';
import { makeWheelScript } from '../package-fixtures/wheels';
import { cacheHitGoal, coldStartGoal, commandStartGoal, determinismGoal, synthGoal } from './goals';
import { providerLikeZip } from './provider-zip';
import { NPM, processSeconds, repositoryContext, synthOnce } from './synth-once';
import { isPythonSource } from '../family-plugins/python/python-source';
import { ProjectContext } from '../use-cases/context';
import { servedFromBuildFolder } from '../use-cases/start';
import { StartBenchResult, benchStart } from './start-bench';
import { QuickSuiteBenchResult, benchQuickSuite } from './quick-suite-bench';
import { SERVICE_FUNCTIONS, ServiceBenchResult, benchService, serviceSummary } from './service-bench';

export interface BenchOptions {
  readonly runs: number;
  /** The project measured: its folder, families and configuration. */
  readonly project: ProjectContext;
  readonly progress: Progress;
  readonly env: NodeJS.ProcessEnv;
}

export type { Goal } from './stats';

export interface BenchResult {
  /** The headline numbers, flat, for CI to read. */
  readonly summary: {
    readonly cache_hit_ratio: number;
    readonly distinct_hashes: number;
    readonly naive_distinct_zips: number;
    readonly synth_seconds_per_extra_stack: number;
    readonly cold_start_ratio: number;
    readonly python_cache_hit_ratio: number;
    readonly python_distinct_hashes: number;
    /** Absent when no Python of the runtime's version is on the machine (the report says so). */
    readonly python_cold_start_ratio?: number;
    /** A no-change `npm start` to its first answer. */
    readonly npm_start_seconds: number;
    /** `npm run test:unit`, the quick suite. */
    readonly test_unit_seconds: number;
    /** Every goal that was measured was met. */
    readonly goals_met: boolean;
    /** Goals this run could not measure, and why: neither met nor failed. */
    readonly goals_skipped: readonly string[];
  };
  readonly machine: Record<string, string | number>;
  readonly runs: number;
  readonly seconds: number;
  readonly layerBuild: { cold: Summary; cacheHit: Summary; cache_hit_ratio: number; cacheHitRanPackageManager: boolean; goal: Goal };
  readonly determinism: { distinct_hashes: number; distinct_zips: number; naive_distinct_zips: number; builds: number; goal: Goal };
  readonly synth: { points: { stacks: number; seconds: Summary }[]; perExtraStackSeconds: number; r2: number; ratio30to3: number; goal: Goal };
  readonly size: {
    oursUnzipped: number;
    oursZipped: number;
    naiveUnzipped: number;
    naiveZipped: number;
    unzippedRatio: number;
    zippedRatio: number;
    nodeSlimmedBytes: number;
    pythonSlimmedBytes: number;
    pythonUnzipped: number;
  };
  readonly coldStart: { layers: Summary; bundled: Summary; ratio: number; imports: { name: string; ms: Summary }[]; goal: Goal };
  readonly commandStart: { help: Summary; noChangeBuild: Summary; node: Summary; goal: Goal };
  readonly start: StartBenchResult;
  readonly quickSuite: QuickSuiteBenchResult;
  readonly load: { requests: number; concurrency: number; routes: { route: string; p50: number; p99: number; rps: number; p50Ratio: number }[] };
  readonly python: PythonBenchResult;
  /** A service of many functions sharing layers (absent in reports made before it was measured). */
  readonly service?: ServiceBenchResult;
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = now();
  const value = await work();
  return { seconds: now() - started, value };
}

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), `bench-${prefix}-`));
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function duBytes(dir: string): number {
  let total = 0;
  const visit = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) total += fs.statSync(full).size;
    }
  };
  visit(dir);
  return total;
}

function withUmask<T>(mask: number, work: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  return work().finally(() => process.umask(previous));
}

const UMASKS = [0o022, 0o077, 0o002, 0o027, 0o022, 0o077, 0o002];

function machine(root: string, env: NodeJS.ProcessEnv): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    npm: locateNpm(env).version,
    functionNode: lambdaNodeBinary('nodejs24.x', root).version,
  };
}

async function benchLayerBuild(options: BenchOptions) {
  const [source] = readLayerSources(options.project.families, options.project.root, 'dependencies').filter((candidate) => candidate.family === nodejsFamily.id);
  const target = layerTargetFor(options.project.families.byId(source.family), source, 'x86_64', 'nodejs24.x');
  const cold: number[] = [];
  let lastBuildDir = '';
  for (let run = 0; run < options.runs; run++) {
    const buildDir = tmp('cold');
    const { seconds, value } = await timed(() =>
      buildNodeLayer(target, source, { toolHome: options.project.root, buildDir, env: options.env, step: silentProgress.step('') }),
    );
    if (value.cached) throw new Error('a cold build reused a tree');
    cold.push(seconds);
    if (lastBuildDir) fs.rmSync(lastBuildDir, { recursive: true, force: true });
    lastBuildDir = buildDir;
  }
  // An npm that leaves a mark if a cache hit ever ran it, reporting the real npm's version.
  const fakeNpm = makeFakeNpm(options.project.root, options.env);
  const hits: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    const { seconds, value } = await timed(() =>
      buildNodeLayer(target, source, {
        toolHome: options.project.root,
        buildDir: lastBuildDir,
        env: { ...options.env, npm_execpath: fakeNpm.execpath },
        step: silentProgress.step(''),
      }),
    );
    if (!value.cached) throw new Error('a cache hit rebuilt the tree');
    hits.push(seconds);
  }
  const coldSummary = summarise(cold);
  const hitSummary = summarise(hits);
  const hitRatio = ratio(hitSummary.median, coldSummary.median);
  const ranPackageManager = fakeNpm.ran();
  fakeNpm.remove();
  return {
    result: {
      cold: coldSummary,
      cacheHit: hitSummary,
      cache_hit_ratio: hitRatio,
      cacheHitRanPackageManager: ranPackageManager,
      goal: cacheHitGoal(hitRatio, ranPackageManager),
    },
    buildDir: lastBuildDir,
    target,
  };
}

async function benchDeterminism(options: BenchOptions) {
  const builds = Math.max(5, options.runs);
  const layerDir = path.join(options.project.root, 'layers', 'dependencies');
  const contentHashes = new Set<string>();
  const zips = new Set<string>();
  const naiveZips = new Set<string>();
  const made: string[] = [];
  let oursUnzipped = 0;
  let oursZipped = 0;
  let naiveUnzipped = 0;
  let naiveZipped = 0;
  for (let run = 0; run < builds; run++) {
    const umask = UMASKS[run % UMASKS.length];
    // Ours: a copy of the project's layer folder, at a different depth each time.
    const root = tmp(`project${run}`);
    made.push(root);
    const project = path.join(root, ...Array.from({ length: run }, (_, i) => `d${i}`));
    fs.mkdirSync(path.join(project, 'layers'), { recursive: true });
    fs.cpSync(layerDir, path.join(project, 'layers', 'dependencies'), { recursive: true });
    const buildDir = path.join(project, '.build');
    const [source] = readLayerSources(options.project.families, project, 'dependencies').filter((candidate) => candidate.family === nodejsFamily.id);
    const built = await withUmask(umask, () =>
      buildNodeLayer(layerTargetFor(options.project.families.byId(source.family), source, 'x86_64', 'nodejs24.x'), source, {
        toolHome: options.project.root,
        buildDir,
        env: options.env,
        step: silentProgress.step(''),
      }),
    );
    contentHashes.add(built.artifact.contentHash);
    const zip = path.join(project, 'layer.zip');
    providerLikeZip(path.join(buildDir, built.artifact.treeDir), zip);
    zips.add(sha256(zip));
    oursUnzipped = built.artifact.unzippedBytes;
    oursZipped = fs.statSync(zip).size;

    // The seed's way: a fresh install in a folder, then zip -r9 of what is there.
    const naive = tmp(`naive${run}`);
    made.push(naive);
    const naiveRoot = path.join(naive, nodejsFamily.layerRoot);
    fs.mkdirSync(naiveRoot);
    for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(layerDir, file), path.join(naiveRoot, file));
    const npm = locateNpm(options.env);
    await withUmask(umask, async () => {
      const install = spawnSync(npm.command, [...npm.args, 'install', '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: naiveRoot,
        encoding: 'utf8',
      });
      if (install.status !== 0) throw new Error(`the naive npm install failed: ${install.stderr}`);
      // Let the clock move between installs, as it does between a laptop and CI.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const zipped = spawnSync('zip', ['-qr9', 'layer.zip', nodejsFamily.layerRoot], { cwd: naive, encoding: 'utf8' });
      if (zipped.status !== 0) throw new Error(`zip -r9 failed (is zip installed?): ${zipped.stderr}`);
    });
    naiveZips.add(sha256(path.join(naive, 'layer.zip')));
    naiveUnzipped = duBytes(naiveRoot);
    naiveZipped = fs.statSync(path.join(naive, 'layer.zip')).size;
  }
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  return {
    result: {
      distinct_hashes: contentHashes.size,
      distinct_zips: zips.size,
      naive_distinct_zips: naiveZips.size,
      builds,
      goal: determinismGoal(builds, contentHashes.size),
    },
    size: { oursUnzipped, oursZipped, naiveUnzipped, naiveZipped },
  };
}

async function benchSynth(options: BenchOptions) {
  const points: { stacks: number; seconds: Summary }[] = [];
  const outdir = path.join(options.project.root, 'cdktf.out.bench');
  const buildDir = options.project.buildDir();
  for (const stacks of [3, 10, 20, 30]) {
    const extra = Object.fromEntries(Array.from({ length: stacks - 3 }, (_, i) => [`bench${String(i + 1).padStart(2, '0')}`, {}]));
    // The repository's context with environments added: its functions stay, so the build folder keeps what the project uses.
    const env = {
      ...options.env,
      CDKTF_CONTEXT_JSON: JSON.stringify({ ...repositoryContext(options.project.root), environments: extra }),
      BUILD_DIR: buildDir,
    };
    delete (env as Record<string, unknown>)['GITHUB_REPOSITORY'];
    await runBuild({
      families: options.project.families,
      projectRoot: options.project.root,
      buildDir,
      config: options.project.withEnv(env).config(),
      progress: silentProgress,
      env,
      onlyUsed: true,
    });
    const samples: number[] = [];
    await synthOnce(options.project.root, env, outdir);
    for (let run = 0; run < options.runs; run++) samples.push(await synthOnce(options.project.root, env, outdir));
    points.push({ stacks, seconds: summarise(samples) });
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  const fit = linearFit(points.map((point) => ({ x: point.stacks, y: point.seconds.median })));
  const three = points.find((point) => point.stacks === 3)!.seconds.median;
  const thirty = points.find((point) => point.stacks === 30)!.seconds.median;
  return {
    points,
    perExtraStackSeconds: fit.slope,
    r2: fit.r2,
    ratio30to3: ratio(thirty, three),
    goal: synthGoal(fit.slope, fit.r2),
  };
}

async function pythonSlimming(options: BenchOptions): Promise<{ slimmed: number; unzipped: number }> {
  // A Python layer from wheels made here (PyPI is not reachable): each ships bytecode caches,
  // a test suite and a console script, as many real wheels do.
  const root = tmp('python-slimming');
  const wheels = path.join(root, 'wheels');
  fs.mkdirSync(wheels);
  const maker = makeWheelScript(options.project.root);
  const names: string[] = [];
  for (let i = 0; i < 6; i++) {
    const name = `benchpkg${i}`;
    const body = `# module ${i}\n${'VALUE = 1\n'.repeat(2000)}`;
    const spec = {
      name,
      version: '1.0.0',
      files: {
        [`${name}/__init__.py`]: body,
        [`${name}/__pycache__/__init__.cpython-312.pyc`]: body,
        [`${name}/tests/test_${name}.py`]: body,
        [`${name}-1.0.0.dist-info/entry_points.txt`]: `[console_scripts]\n${name} = ${name}:main\n`,
      },
    };
    const made = spawnSync('python3', [maker, wheels, JSON.stringify(spec)], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`making a wheel failed: ${made.stderr}`);
    names.push(`${name}==1.0.0`);
  }
  fs.mkdirSync(path.join(root, 'layers', 'py'), { recursive: true });
  fs.writeFileSync(path.join(root, 'layers', 'py', 'requirements.txt'), `${names.join('\n')}\n`);
  fs.writeFileSync(path.join(root, 'layers', 'py', 'layer.config.json'), JSON.stringify({ exclude: ['python/**/tests/**'] }));
  const [source] = readLayerSources(options.project.families, root, 'py').filter(isPythonSource);
  const env = { ...options.env, UV_NO_INDEX: '1', UV_FIND_LINKS: wheels, PYTHON_WHEEL_CACHE: path.join(root, 'wheel-cache') };
  const built = await buildPythonLayer(layerTargetFor(options.project.families.byId(source.family), source, 'x86_64', 'python3.12'), source, {
    toolHome: options.project.root,
    buildDir: path.join(root, '.build'),
    env,
    step: silentProgress.step(''),
  });
  fs.rmSync(root, { recursive: true, force: true });
  return { slimmed: built.artifact.slimmedBytes, unzipped: built.artifact.unzippedBytes };
}

/** One cold start: from spawning the function process (the first invoke does) to its first answered request. */
async function coldStart(node: string, bootstrap: string, taskDir: string, layerTrees: string[]): Promise<number> {
  const event = {
    version: '2.0',
    routeKey: 'GET /',
    rawPath: '/',
    rawQueryString: '',
    headers: {},
    requestContext: { http: { method: 'GET', path: '/' } },
    isBase64Encoded: false,
  };
  const sandbox = createSandbox({ runtime: 'nodejs24.x', family: nodejsFamily, name: 'bench', project: 'cold' }, taskDir, layerTrees);
  const runtimeClient = path.join(sandbox.runtimeDir, 'bootstrap.mjs');
  fs.copyFileSync(bootstrap, runtimeClient);
  const fn = new LocalFunction({
    command: node,
    args: [runtimeClient],
    taskRoot: sandbox.taskRoot,
    timeoutSeconds: 30,
    functionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:bench',
    log: () => undefined,
    environment: {
      PATH: '/usr/bin:/bin',
      NODE_PATH: sandbox.searchPath.join(path.delimiter),
      LAMBDA_TASK_ROOT: sandbox.taskRoot,
      _HANDLER: 'index.handler',
      TABLE_NAME: 'bench',
      APP_VERSION: 'bench',
      AWS_REGION: 'ap-northeast-1',
    },
  });
  await fn.start();
  try {
    const { seconds, value } = await timed(() => fn.invoke(event));
    if (!value.ok) throw new Error(`cold start failed: ${value.errorType}: ${value.errorMessage}`);
    return seconds;
  } finally {
    await fn.stop();
    fs.rmSync(sandbox.root, { recursive: true, force: true });
  }
}

async function benchColdStart(options: BenchOptions) {
  const buildDir = options.project.buildDir();
  const nodePath = lambdaNodeBinary('nodejs24.x', options.project.root).path;
  const manifest = readManifest(buildDir);
  const layer = manifest.layers.find((candidate) => candidate.id === 'dependencies/nodejs-x86_64')!;
  const bundle = manifest.bundles.find((candidate) => candidate.runtime === 'nodejs24.x' && candidate.externals.includes('hono'))!;
  // One cold start varies by a fifth here, so this figure takes three times the runs (at least 15 pairs).
  const runs = Math.max(options.runs * 3, 15);
  const scripts = tmp('scripts');
  const bootstrap = await compileRuntimeScript(options.project.root, RUNTIME_SCRIPTS.bootstrap, path.join(scripts, 'bootstrap.mjs'), 'nodejs24.x');
  const importTimer = await compileRuntimeScript(options.project.root, 'bench/import-timer.ts', path.join(scripts, 'import-timer.mjs'), 'nodejs24.x');
  // The same code, through the same bundler, with every dependency bundled in and no layer.
  const fatBuild = tmp('fat-bundle');
  const fat = await bundleFunction(options.project.families, options.project.root, fatBuild, {
    ...nodejsFamily.apiFunction,
    id: 'api/bench-all-bundled',
    function: 'api',
    family: nodejsFamily.id,
    runtime: nodejsFamily.defaultRuntime,
    externals: [],
  });
  const variants = {
    layered: { task: path.join(buildDir, bundle.dir), layers: [path.join(buildDir, layer.treeDir)] },
    bundled: { task: path.join(fatBuild, fat.dir), layers: [] as string[] },
  };
  // One warm-up each (discarded) for the disk cache, then the two interleaved so both see the same machine.
  await coldStart(nodePath, bootstrap, variants.layered.task, variants.layered.layers);
  await coldStart(nodePath, bootstrap, variants.bundled.task, variants.bundled.layers);
  const layered: number[] = [];
  const bundled: number[] = [];
  for (let run = 0; run < runs; run++) {
    layered.push(await coldStart(nodePath, bootstrap, variants.layered.task, variants.layered.layers));
    bundled.push(await coldStart(nodePath, bootstrap, variants.bundled.task, variants.bundled.layers));
  }
  fs.rmSync(fatBuild, { recursive: true, force: true });

  // Import time of each package the layer provides, alone in a sandbox, a fresh process each time.
  const node = lambdaNodeBinary('nodejs24.x', options.project.root);
  const empty = tmp('empty-task');
  const imports: { name: string; ms: Summary }[] = [];
  for (const name of layer.provides) {
    const samples: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      const sandbox = createSandbox({ runtime: 'nodejs24.x', family: nodejsFamily, name: 'bench', project: 'import' }, empty, [
        path.join(buildDir, layer.treeDir),
      ]);
      const script = path.join(sandbox.runtimeDir, 'import-timer.mjs');
      fs.copyFileSync(importTimer, script);
      const result = spawnSync(node.path, [script, name], {
        cwd: sandbox.taskRoot,
        env: { PATH: '/usr/bin:/bin', NODE_PATH: sandbox.searchPath.join(path.delimiter) },
        encoding: 'utf8',
      });
      fs.rmSync(sandbox.root, { recursive: true, force: true });
      if (result.status !== 0) throw new Error(`importing ${name} failed: ${result.stderr}`);
      samples.push((JSON.parse(result.stdout.trim()) as { ms: number }).ms);
    }
    imports.push({ name, ms: summarise(samples) });
  }
  fs.rmSync(empty, { recursive: true, force: true });
  fs.rmSync(scripts, { recursive: true, force: true });
  const layeredSummary = summarise(layered);
  const bundledSummary = summarise(bundled);
  const coldRatio = ratio(layeredSummary.median, bundledSummary.median);
  return {
    layers: layeredSummary,
    bundled: bundledSummary,
    ratio: coldRatio,
    imports,
    goal: coldStartGoal(coldRatio, 'bundled'),
  };
}

function request(url: string, method: string, body: string | undefined, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = now();
    const req = http.request(
      url,
      { method, agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode && res.statusCode < 300 ? resolve(now() - started) : reject(new Error(`${method} ${url} answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** How fast a command starts: `--help`, and a build that changes nothing through npm as a user runs it, against Node starting alone. */
function benchCommandStart(options: BenchOptions) {
  const env = { ...options.env, NO_COLOR: '1' };
  // The first run compiles the CLI when the sources changed since the last; it is not what is measured.
  processSeconds(options.project.root, 'sh', ['runtimes/cli.sh', 'build', '--only-used'], env);
  const help: number[] = [];
  const build: number[] = [];
  const node: number[] = [];
  for (let run = 0; run < Math.max(options.runs, 10); run++) {
    help.push(processSeconds(options.project.root, 'sh', ['runtimes/cli.sh', '--help'], env));
    build.push(processSeconds(options.project.root, NPM, ['run', '--silent', 'build', '--', '--only-used'], env));
    node.push(processSeconds(options.project.root, process.execPath, ['-e', '0'], env));
  }
  const result = { help: summarise(help), noChangeBuild: summarise(build), node: summarise(node) };
  return { ...result, goal: commandStartGoal(result.help.median, result.noChangeBuild.median) };
}

async function benchLoad(options: BenchOptions) {
  const config = options.project.config();
  const env = config.environments.find((candidate) => candidate.name === 'dev')!;
  const buildDir = options.project.buildDir();
  const api = await startLocalApi({
    families: options.project.families,
    env,
    artifacts: servedFromBuildFolder(options.project, env, buildDir, false, () => undefined),
    buildDir,
    projectRoot: options.project.root,
    port: 0,
    log: () => undefined,
  });
  const requests = 200;
  const concurrency = 2;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const routes = [
    { route: 'GET / (baseline)', method: 'GET', url: `${api.url}/`, body: undefined as string | undefined },
    { route: 'GET /api/messages/', method: 'GET', url: `${api.url}/api/messages/?limit=50`, body: undefined },
    { route: 'POST /api/messages/', method: 'POST', url: `${api.url}/api/messages/`, body: JSON.stringify({ content: 'Layer test message', author: 'bench' }) },
  ];
  try {
    for (let i = 0; i < 20; i++) await request(routes[0].url, 'GET', undefined, agent);
    const results: { route: string; p50: number; p99: number; rps: number; p50Ratio: number }[] = [];
    for (const route of routes) {
      const latencies: number[] = [];
      let next = 0;
      const started = now();
      const worker = async (): Promise<void> => {
        while (next < requests) {
          next += 1;
          latencies.push(await request(route.url, route.method, route.body, agent));
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const elapsed = now() - started;
      results.push({ route: route.route, p50: percentile(latencies, 50), p99: percentile(latencies, 99), rps: requests / elapsed, p50Ratio: 1 });
    }
    const baseline = results[0].p50;
    return { requests, concurrency, routes: results.map((result) => ({ ...result, p50Ratio: ratio(result.p50, baseline) })), table: tableNameOf(env) };
  } finally {
    agent.destroy();
    await api.stop();
  }
}

/** Every measurement, each against its baseline from the same run. */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const started = now();
  const { progress } = options;
  const config = options.project.config();
  let step = progress.step('build what the environments use');
  await runBuild({
    families: options.project.families,
    projectRoot: options.project.root,
    buildDir: options.project.buildDir(),
    config,
    progress: silentProgress,
    env: options.env,
    onlyUsed: true,
  });
  step.done('ready');

  step = progress.step(`layer build: ${options.runs} cold builds and ${options.runs} cache hits`);
  const layerBuild = await benchLayerBuild(options);
  step.done(`cache hit ${(layerBuild.result.cache_hit_ratio * 100).toFixed(2)}% of a cold build`);

  step = progress.step('determinism: builds in different folders and umasks, ours and the naive way');
  const determinism = await benchDeterminism(options);
  step.done(`${determinism.result.distinct_hashes} content hash(es); naive zips: ${determinism.result.naive_distinct_zips} distinct`);

  step = progress.step('size: Python slimming on generated wheels');
  const slimming = await pythonSlimming(options);
  step.done(`slimming removed ${slimming.slimmed} bytes`);

  step = progress.step('synth: 3, 10, 20 and 30 stacks');
  const synth = await benchSynth(options);
  step.done(`${synth.perExtraStackSeconds.toFixed(3)} s per extra stack`);

  step = progress.step('cold start: layers versus bundled, and import times');
  const coldStartResult = await benchColdStart(options);
  step.done(`${coldStartResult.ratio.toFixed(2)}x`);

  step = progress.step("Python, the seed's real stack: resolve, build from the lock, sizes, the import check, the cold start");
  const pythonStep = step;
  const python = await benchPython(options.runs, options.project, (line) => pythonStep.update(line));
  step.done(
    `uv ${python.build.uvVsPip.toFixed(2)}x of pip's cold build, cache hit ${(python.build.cache_hit_ratio * 100).toFixed(2)}% of a cold build, ${python.determinism.distinct_hashes} content hash(es), ` +
      ('ratio' in python.coldStart ? `cold start ${python.coldStart.ratio.toFixed(2)}x` : `cold start not measured: ${python.coldStart.skipped}`),
  );

  step = progress.step('command start: --help, and a build that changes nothing, as whole processes');
  const commandStart = benchCommandStart(options);
  step.done(
    `--help ${(commandStart.help.median * 1000).toFixed(0)} ms, npm run build -- --only-used ${(commandStart.noChangeBuild.median * 1000).toFixed(0)} ms`,
  );

  step = progress.step('npm start, no change, to its first answer, against --skip-build');
  const start = await benchStart(options.runs, options.project.root, options.env);
  step.done(`${(start.start.median * 1000).toFixed(0)} ms (--skip-build ${(start.skipBuild.median * 1000).toFixed(0)} ms)`);

  step = progress.step('npm run test:unit, the quick suite');
  const quickSuite = benchQuickSuite(options.runs, options.project.root, options.env);
  step.done(`${quickSuite.seconds.median.toFixed(1)} s for ${quickSuite.tests} tests in ${quickSuite.suites} files`);

  step = progress.step(`a service of ${SERVICE_FUNCTIONS} functions on three layers: layer versions, a no-change build, synth per function, npm start`);
  const serviceStep = step;
  const service = await benchService(options.runs, options.project, options.env, (line) => serviceStep.update(line));
  step.done(serviceSummary(service));

  step = progress.step('local API under load');
  const load = await benchLoad(options);
  step.done(load.routes.map((route) => `${route.route} p50 ${(route.p50 * 1000).toFixed(1)} ms`).join(', '));
  fs.rmSync(layerBuild.buildDir, { recursive: true, force: true });

  const size = determinism.size;
  return {
    summary: {
      cache_hit_ratio: layerBuild.result.cache_hit_ratio,
      distinct_hashes: determinism.result.distinct_hashes,
      naive_distinct_zips: determinism.result.naive_distinct_zips,
      synth_seconds_per_extra_stack: synth.perExtraStackSeconds,
      cold_start_ratio: coldStartResult.ratio,
      python_cache_hit_ratio: python.build.cache_hit_ratio,
      python_distinct_hashes: python.determinism.distinct_hashes,
      ...('ratio' in python.coldStart ? { python_cold_start_ratio: python.coldStart.ratio } : {}),
      npm_start_seconds: start.start.median,
      test_unit_seconds: quickSuite.seconds.median,
      ...benchGoals(
        [layerBuild.result.goal, determinism.result.goal, synth.goal, coldStartResult.goal, commandStart.goal, start.goal, quickSuite.goal, service.goal],
        python,
      ),
    },
    machine: machine(options.project.root, options.env),
    runs: options.runs,
    seconds: now() - started,
    layerBuild: layerBuild.result,
    determinism: determinism.result,
    synth,
    size: {
      ...size,
      unzippedRatio: ratio(size.oursUnzipped, size.naiveUnzipped),
      zippedRatio: ratio(size.oursZipped, size.naiveZipped),
      nodeSlimmedBytes: 0,
      pythonSlimmedBytes: slimming.slimmed,
      pythonUnzipped: slimming.unzipped,
    },
    coldStart: coldStartResult,
    commandStart,
    start,
    quickSuite,
    load: { requests: load.requests, concurrency: load.concurrency, routes: load.routes },
    python,
    service,
  };
}

/** Whether every goal the run measured was met, and which it could not measure (those count as neither). */
export function benchGoals(goals: readonly Goal[], python: PythonBenchResult): { goals_met: boolean; goals_skipped: string[] } {
  const measured = [
    ...goals,
    python.build.goal,
    python.determinism.goal,
    python.importCheck.goal,
    python.nativeCode.goal,
    ...('goal' in python.coldStart ? [python.coldStart.goal] : []),
  ];
  const skipped = [
    ...('skipped' in python.coldStart ? [`Python cold start: ${python.coldStart.skipped}`] : []),
    ...('skipped' in python.resolve ? [`Python resolution, uv against pip: ${python.resolve.skipped}`] : []),
  ];
  return { goals_met: measured.every((goal) => goal.met), goals_skipped: skipped };
}

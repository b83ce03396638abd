import { BenchResult } from './run-bench';
import { COMMAND_START_LIMITS, QUICK_SUITE_LIMIT_SECONDS, SERVICE_LIMITS } from './goals';
import { ServiceBenchResult } from './service-bench';
import { fmtSummary, ms } from './stats';
import { formatBytes } from '../project/bytes';

const x = (value: number): string => `${value.toFixed(value < 0.1 ? 4 : 2)}x`;
const goal = (met: boolean): string => (met ? 'met' : '**not met**');

/** The seed's own figures for its layers (zipped), from its design note. */
const SEED_SIZES: Readonly<Record<string, string>> = {
  dependencies: "the seed's single layer: about 8.8 MB",
  'dependencies-minimal': "the seed's hybrid layer: about 7 MB",
};

/** BENCHMARKS.md: method, machine, every figure with its baseline from the same run. */
export function renderBenchmarks(result: BenchResult, date: string): string {
  const { layerBuild, determinism, synth, size, coldStart, commandStart, start, quickSuite, load, python } = result;
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${date}, in ${result.seconds.toFixed(0)} s. Every figure is the median of at least ${result.runs} runs`,
    'with min and max, and is set against a baseline measured in the same run. The tests assert no timings; this file is',
    'where speed is reported. Re-run `npm run bench` to refresh it (`-- --json` prints the same numbers as JSON).',
    '',
    '## Machine',
    '',
    ...Object.entries(result.machine).map(([key, value]) => `- ${key}: ${value}`),
    '',
    '## Method',
    '',
    "- **Layer build**: the project's `dependencies` Node.js layer. Cold: an empty build folder (the npm download cache",
    '  copied in, so the network is not what is measured). Cache hit: the same build again, with an npm that would leave',
    '  a mark if it ran.',
    '- **Determinism**: the same layer built in different folders (each deeper than the last) under umasks 022, 077, 002,',
    '  027, 022. Ours: content hash, and the zip an archive-provider-like zipper makes (sorted, zero times, modes from',
    "  disk). Naive, the seed's way: `npm install` in a fresh folder, then `zip -r9`.",
    '- **Synth**: `node --import tsx main.ts` (what `cdktf synth` runs) for 3 environments and for 10, 20 and 30 (generated',
    '  environments added through the cdktf context); cost per extra stack is the slope of a least-squares line.',
    '- **Size**: our layer (production dependencies, npm bookkeeping removed) against the naive install of the same',
    '  lockfile; slimming on a Python layer built from generated wheels that carry caches, tests and a console script',
    '  (real wheels rarely ship any).',
    '- **Cold start**: from spawning the function process to its first answered request (`GET /`), under Node 24 in the',
    '  local Lambda layout, a new process each run: dependencies in the layer versus the same code with every dependency',
    '  bundled in; one discarded warm-up each, then at least 15 of each, interleaved. Import time: each package of the',
    '  layer imported alone in a fresh process.',
    '- **Command start**: whole processes on this machine, after one run that compiles the CLI if its sources changed:',
    '  `sh runtimes/cli.sh --help` (what `npm run <command> -- --help` runs, without npm), and `npm run build -- --only-used`',
    "  when nothing changed (npm's own start included); the baseline is Node.js starting alone (`node -e 0`).",
    '- **npm start**: `npm start -- --port 0 --json` when nothing changed, from spawning it to the first answer of its API',
    '  (`GET /`), as a user waits for it (npm included), after one run that is not counted; against `npm start -- --skip-build`',
    '  (serving alone) in the same run, interleaved.',
    "- **A service**: an environment of 20 HTTP functions on the split strategy's three Python layers (the seed's API code",
    '  behind routes of its own, layers chosen by their imports), built into a folder of its own: the LayerVersion resources',
    '  in its synthesised stack; a no-change `npm run build -- --only-used` as a whole npm process; synth with 1, 5, 10 and',
    '  20 functions in one stack, a line fitted through the medians; and `npm start` of the example service (the Python API,',
    '  its worker on a local queue, its scheduled job) until every route of the API answered, against the API alone, each',
    '  from its own warm build folder, interleaved.',
    '- **Quick suite**: `npm run test:unit` (the pure tests, no global setup: no toolchain, no build) as a whole npm process,',
    "  after one run that is not counted (Jest's transform cache warm).",
    `- **Load**: the local API (one function process, as one Lambda sandbox; dynalite behind it), ${load.requests} requests`,
    `  per route, ${load.concurrency} at a time on loopback, after a warm-up; the baseline is \`GET /\`.`,
    "- **Python, the seed's real stack**: the repository's locked layers built from the real wheels (FastAPI, Starlette,",
    '  pydantic with its compiled pydantic-core, Mangum, cryptography, cffi), python3.12, from the wheel cache.',
    "- **Python resolution**: the single layer's requirements.txt resolved for Lambda's platform (x86_64, manylinux_2_34,",
    '  CPython 3.12) against the index: uv as `npm run layers:lock` runs it (`uv pip compile --format pylock.toml --refresh`)',
    "  against pip's resolver (`pip install --dry-run --report` with the same platform options); warm caches, one",
    '  discarded run each, then interleaved.',
    `- **Python layer from its lock**: the single layer (${python.layer.distributions} distributions, ${python.layer.direct} named in requirements.txt) built cold`,
    '  (an empty build folder: no uv or pip cache, the wheels in the wheel cache) by uv and by pip from the same lock and',
    '  the same wheel cache, interleaved (and the installer alone, into an empty folder: the rest of a build, slimming,',
    '  normalising, hashing and the zip estimate, is the same for both); then as a cache hit, with a toolchain whose uv and python leave a mark if anything',
    "  starts them (a hit reads the installer's version from the toolchain's lock); then 5 builds in different folders and",
    '  umasks. Sizes: every Python layer of the repository on both architectures, zipped as the archive provider zips.',
    "- **Import check**: the import coverage rule on the Node.js function's build (dev); for the seed's Python function,",
    '  reading its imports from its syntax trees (one interpreter process) and the rule on its real single layer, which',
    "  together are one function's check.",
    "- **Native code**: reading every shared object of the single layer's tree (ELF headers, dynamic section, version needs),",
    '  as a cold build does, and the native-code rule on what was read, as build, synth and start do; a cache hit reuses what',
    '  the build kept in its manifest.',
    "- **Python cold start**: the seed's FastAPI app (its handler `main.handler` through Mangum, boto3's client made at",
    '  init) on Python 3.12 in the local Lambda layout, from spawning the process to its answer to `GET /`: its packages in a',
    '  layer (/opt/python) against the same packages in /var/task; one discarded warm-up each, then at least 15 of each,',
    '  interleaved.',
    '',
    '## Results',
    '',
    '| figure | result | baseline | ratio | goal |',
    '| --- | --- | --- | --- | --- |',
    `| layer build, cache hit vs cold | ${fmtSummary(layerBuild.cacheHit)} | cold ${fmtSummary(layerBuild.cold)} | ${x(layerBuild.cache_hit_ratio)} (cache_hit_ratio); package manager ran on a hit: ${layerBuild.cacheHitRanPackageManager ? 'yes' : 'no'} | ≤ 0.02 and none: ${goal(layerBuild.goal.met)} |`,
    `| distinct content hashes over ${determinism.builds} builds | ${determinism.distinct_hashes} (zips: ${determinism.distinct_zips}) | naive zips: ${determinism.naive_distinct_zips} distinct | - | 1: ${goal(determinism.goal.met)} |`,
    ...synth.points.map(
      (point) =>
        `| synth, ${point.stacks} stacks | ${fmtSummary(point.seconds)} | 3 stacks | ${x(point.seconds.median / synth.points[0].seconds.median)} | - |`,
    ),
    `| synth, cost per extra stack | ${ms(synth.perExtraStackSeconds)} (r² ${synth.r2.toFixed(3)}) | 30 vs 3 stacks | ${x(synth.ratio30to3)} for 10x the stacks | ≤ 0.5 s, linear: ${goal(synth.goal.met)} |`,
    `| layer size, unzipped | ${formatBytes(size.oursUnzipped)} | naive ${formatBytes(size.naiveUnzipped)} | ${x(size.unzippedRatio)} | - |`,
    `| layer size, zipped | ${formatBytes(size.oursZipped)} | naive ${formatBytes(size.naiveZipped)} | ${x(size.zippedRatio)} | - |`,
    `| slimming removed | Python ${formatBytes(size.pythonSlimmedBytes)} of ${formatBytes(size.pythonSlimmedBytes + size.pythonUnzipped)}; Node.js ${formatBytes(size.nodeSlimmedBytes)} (none by default) | - | - | - |`,
    `| cold start, dependencies in layers | ${fmtSummary(coldStart.layers)} | bundled ${fmtSummary(coldStart.bundled)} | ${x(coldStart.ratio)} | ≤ 1.2x: ${goal(coldStart.goal.met)} |`,
    `| command start, \`--help\` | ${fmtSummary(commandStart.help)} | \`node -e 0\` ${fmtSummary(commandStart.node)} | ${x(commandStart.help.median / commandStart.node.median)} | ≤ ${COMMAND_START_LIMITS.helpSeconds} s: ${goal(commandStart.help.median <= COMMAND_START_LIMITS.helpSeconds)} |`,
    `| command start, no-change \`npm run build -- --only-used\` | ${fmtSummary(commandStart.noChangeBuild)} | \`node -e 0\` ${fmtSummary(commandStart.node)} | ${x(commandStart.noChangeBuild.median / commandStart.node.median)} | ≤ ${COMMAND_START_LIMITS.noChangeBuildSeconds} s: ${goal(commandStart.noChangeBuild.median <= COMMAND_START_LIMITS.noChangeBuildSeconds)} |`,
    `| no-change \`npm start\` to its first answer | ${fmtSummary(start.start)} | \`--skip-build\` ${fmtSummary(start.skipBuild)} | ${x(start.ratio)} | ${start.goal.description.replace(/^a no-change `npm start` answers /, '')}: ${goal(start.goal.met)} |`,
    ...serviceRows(result.service),
    `| \`npm run test:unit\`, ${quickSuite.tests} tests in ${quickSuite.suites} files | ${fmtSummary(quickSuite.seconds)} | - | - | ≤ ${QUICK_SUITE_LIMIT_SECONDS} s: ${goal(quickSuite.goal.met)} |`,
    ...coldStart.imports.map(
      (item) =>
        `| import \`${item.name}\` from the layer | ${item.ms.median.toFixed(1)} ms (min ${item.ms.min.toFixed(1)}, max ${item.ms.max.toFixed(1)}) | - | - | - |`,
    ),
    ...load.routes.map(
      (route) => `| ${route.route} | p50 ${ms(route.p50)}, p99 ${ms(route.p99)}, ${route.rps.toFixed(0)} req/s | \`GET /\` p50 | ${x(route.p50Ratio)} | - |`,
    ),
    'uv' in python.resolve
      ? `| Python resolution of the single layer, uv | ${fmtSummary(python.resolve.uv)} | pip ${fmtSummary(python.resolve.pip)} | ${x(python.resolve.ratio)} | - |`
      : `| Python resolution of the single layer | skipped: ${'skipped' in python.resolve ? python.resolve.skipped : ''} | - | - | not measured |`,
    `| Python lock installed, the installer alone, uv | ${fmtSummary(python.install.uv)} | pip ${fmtSummary(python.install.pip)} (same lock, same wheel cache) | ${x(python.install.ratio)} | - |`,
    `| Python layer from its lock, whole cold build, uv | ${fmtSummary(python.build.uvCold)} | pip ${fmtSummary(python.build.pipCold)} (same lock, same wheel cache) | ${x(python.build.uvVsPip)} | - |`,
    `| Python layer from its lock, cache hit vs cold | ${fmtSummary(python.build.cacheHit)} | cold (uv) ${fmtSummary(python.build.uvCold)} | ${x(python.build.cache_hit_ratio)}; started on a hit: ${python.build.cacheHitStarted.join(', ') || 'nothing'} | ≤ 0.02 and nothing: ${goal(python.build.goal.met)} |`,
    `| distinct content hashes over ${python.determinism.builds} Python builds from the lock | ${python.determinism.distinct_hashes} | - | - | 1: ${goal(python.determinism.goal.met)} |`,
    ...python.sizes.map(
      (size) =>
        `| Python layer \`${size.layer}\` ${size.architecture}, ${size.distributions} distributions | ${formatBytes(size.zippedBytes)} zipped (${(size.zippedBytes / 1e6).toFixed(1)} MB), ${formatBytes(size.unzippedBytes)} unzipped | ${SEED_SIZES[size.layer] ?? '-'} | - | - |`,
    ),
    `| import check, Node.js function (rule) | ${fmtSummary(python.importCheck.nodeRule)} | - | - | - |`,
    `| import check, Python function: reading ${python.importCheck.pythonFiles} files' imports (${python.importCheck.pythonImports}) | ${fmtSummary(python.importCheck.pythonRead)} | - | - | - |`,
    `| import check, Python function (rule, ${python.importCheck.distributions} real distributions' dependencies) | ${fmtSummary(python.importCheck.pythonRule)} | - | - | - |`,
    `| import check, one Python function (reading and rule) | ${ms(python.importCheck.perFunction)} | - | - | < 0.5 s: ${goal(python.importCheck.goal.met)} |`,
    `| native code, reading the single layer's ${python.nativeCode.objects} shared objects (a cold build) | ${fmtSummary(python.nativeCode.scan)} | - | - | - |`,
    `| native code, the rule on them (every build, synth, start) | ${fmtSummary(python.nativeCode.rule)} | - | - | - |`,
    `| native code, one layer cold (reading and rule; a cache hit reads nothing) | ${ms(python.nativeCode.perLayer)} | - | - | < 0.2 s: ${goal(python.nativeCode.goal.met)} |`,
    'ratio' in python.coldStart
      ? `| Python cold start of the seed's app, packages in a layer | ${fmtSummary(python.coldStart.layers)} | in /var/task ${fmtSummary(python.coldStart.taskRoot)} | ${x(python.coldStart.ratio)} | ≤ 1.1x: ${goal(python.coldStart.goal.met)} |`
      : `| Python cold start | skipped: ${python.coldStart.skipped} | - | - | not measured |`,
    '',
    result.summary.goals_skipped.length
      ? `Not measured in this run (neither met nor failed): ${result.summary.goals_skipped.join('; ')}.`
      : 'Every goal was measured in this run.',
    '',
  ];
  return lines.join('\n');
}

/** The service bench's rows of the results table; none for a report made before it was measured. */
function serviceRows(service: ServiceBenchResult | undefined): string[] {
  if (!service) return [];
  const met = (ok: boolean): string => (ok ? 'met' : '**not met**');
  return [
    `| a service of ${service.functions} functions: LayerVersion resources | ${service.layerVersions} | ${service.layers} layers attached | - | one per layer: ${met(service.layerVersions === service.layers)} |`,
    `| a service: no-change \`npm run build -- --only-used\` | ${fmtSummary(service.noChangeBuild)} | - | - | ≤ ${SERVICE_LIMITS.noChangeBuildSeconds} s: ${met(service.noChangeBuild.median <= SERVICE_LIMITS.noChangeBuildSeconds)} |`,
    `| a service: synth per added function | ${(service.synth.perFunctionSeconds * 1000).toFixed(1)} ms (r² ${service.synth.r2.toFixed(3)}) | ${service.synth.points.map((point) => `${point.functions}: ${(point.seconds.median * 1000).toFixed(0)} ms`).join(', ')} | - | ≤ ${SERVICE_LIMITS.synthSecondsPerFunction * 1000} ms: ${met(service.synth.perFunctionSeconds <= SERVICE_LIMITS.synthSecondsPerFunction)} |`,
    `| \`npm start\` of the example service to every route | ${fmtSummary(service.start.service)} | the API alone ${fmtSummary(service.start.single)} | ${service.start.ratio.toFixed(2)}x | ≤ ${SERVICE_LIMITS.startRatio}x: ${met(service.start.ratio <= SERVICE_LIMITS.startRatio)} |`,
  ];
}

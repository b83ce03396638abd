import { BenchResult } from './run-bench';
import { fmtSummary, ms } from './stats';
import { formatBytes } from '../project/bytes';


const x = (value: number): string => `${value.toFixed(value < 0.1 ? 4 : 2)}x`;
const goal = (met: boolean): string => (met ? 'met' : '**not met**');

/** BENCHMARKS.md: method, machine, every figure with its baseline from the same run. */
export function renderBenchmarks(result: BenchResult, date: string): string {
  const { layerBuild, determinism, synth, size, coldStart, load, python } = result;
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
    '  (PyPI is not reachable here).',
    '- **Cold start**: from spawning the function process to its first answered request (`GET /`), under Node 24 in the',
    '  local Lambda layout, a new process each run: dependencies in the layer versus the same code with every dependency',
    '  bundled in; one discarded warm-up each, then at least 15 of each, interleaved. Import time: each package of the',
    '  layer imported alone in a fresh process.',
    `- **Load**: the local API (one function process, as one Lambda sandbox; dynalite behind it), ${load.requests} requests`,
    `  per route, ${load.concurrency} at a time on loopback, after a warm-up; the baseline is \`GET /\`.`,
    `- **Python layer from its lock**: ${python.layer.distributions} generated distributions (${python.layer.direct} named in requirements.txt, the`,
    '  rest their dependencies; PyPI is not reachable here, so the wheels are made by the bench), locked with',
    "  `npm run layers:lock`'s resolver, then built from the lock (`--no-deps --require-hashes`): cold in an empty build",
    '  folder, and again as a cache hit with a Python that would leave a mark if pip ran; then 5 builds in different',
    "  folders and umasks. A hit still starts the interpreter once, to read pip's version for the input hash (0.05-0.1 s),",
    '  and a cold build from wheels on disk is short, so the ratio is reported and the goal is that pip does not run.',
    "- **Import check**: the import coverage rule on the Node.js function's build (dev), reading the seed's Python",
    "  function's imports from its syntax trees (one interpreter process), and the rule on the generated Python function.",
    '- **Python cold start**: the generated function (importing every distribution) on Python 3.12 in the local Lambda',
    '  layout, from spawning the process to its first answer: dependencies in a layer (/opt/python) against the same code',
    '  with them in /var/task; one discarded warm-up each, then at least 15 of each, interleaved.',
    '',
    '## Results',
    '',
    '| figure | result | baseline | ratio | goal |',
    '| --- | --- | --- | --- | --- |',
    `| layer build, cache hit vs cold | ${fmtSummary(layerBuild.cacheHit)} | cold ${fmtSummary(layerBuild.cold)} | ${x(layerBuild.cache_hit_ratio)} (cache_hit_ratio); package manager ran on a hit: ${layerBuild.cacheHitRanPackageManager ? 'yes' : 'no'} | ≤ 0.02 and none: ${goal(layerBuild.goal.met)} |`,
    `| distinct content hashes over ${determinism.builds} builds | ${determinism.distinct_hashes} (zips: ${determinism.distinct_zips}) | naive zips: ${determinism.naive_distinct_zips} distinct | - | 1: ${goal(determinism.goal.met)} |`,
    ...synth.points.map((point) => `| synth, ${point.stacks} stacks | ${fmtSummary(point.seconds)} | 3 stacks | ${x(point.seconds.median / synth.points[0]!.seconds.median)} | - |`),
    `| synth, cost per extra stack | ${ms(synth.perExtraStackSeconds)} (r² ${synth.r2.toFixed(3)}) | 30 vs 3 stacks | ${x(synth.ratio30to3)} for 10x the stacks | ≤ 0.5 s, linear: ${goal(synth.goal.met)} |`,
    `| layer size, unzipped | ${formatBytes(size.oursUnzipped)} | naive ${formatBytes(size.naiveUnzipped)} | ${x(size.unzippedRatio)} | - |`,
    `| layer size, zipped | ${formatBytes(size.oursZipped)} | naive ${formatBytes(size.naiveZipped)} | ${x(size.zippedRatio)} | - |`,
    `| slimming removed | Python ${formatBytes(size.pythonSlimmedBytes)} of ${formatBytes(size.pythonSlimmedBytes + size.pythonUnzipped)}; Node.js ${formatBytes(size.nodeSlimmedBytes)} (none by default) | - | - | - |`,
    `| cold start, dependencies in layers | ${fmtSummary(coldStart.layers)} | bundled ${fmtSummary(coldStart.bundled)} | ${x(coldStart.ratio)} | ≤ 1.2x: ${goal(coldStart.goal.met)} |`,
    ...coldStart.imports.map((item) => `| import \`${item.name}\` from the layer | ${item.ms.median.toFixed(1)} ms (min ${item.ms.min.toFixed(1)}, max ${item.ms.max.toFixed(1)}) | - | - | - |`),
    ...load.routes.map(
      (route) => `| ${route.route} | p50 ${ms(route.p50)}, p99 ${ms(route.p99)}, ${route.rps.toFixed(0)} req/s | \`GET /\` p50 | ${x(route.p50Ratio)} | - |`,
    ),
    `| Python lock (resolve ${python.layer.distributions} distributions) | ${ms(python.lockSeconds)} | - | - | - |`,
    `| Python layer from the lock, cache hit vs cold | ${fmtSummary(python.build.cacheHit)} | cold ${fmtSummary(python.build.cold)} | ${x(python.build.cache_hit_ratio)}; pip ran on a hit: ${python.build.cacheHitRanPip ? 'yes' : 'no'} | pip never: ${goal(python.build.goal.met)} |`,
    `| distinct content hashes over ${python.determinism.builds} Python builds from the lock | ${python.determinism.distinct_hashes} | - | - | 1: ${goal(python.determinism.goal.met)} |`,
    `| import check, Node.js function (rule) | ${fmtSummary(python.importCheck.nodeRule)} | - | - | - |`,
    `| import check, Python function: reading ${python.importCheck.pythonFiles} files' imports (${python.importCheck.pythonImports}) | ${fmtSummary(python.importCheck.pythonRead)} | - | - | - |`,
    `| import check, Python function (rule, ${python.layer.distributions} distributions' dependencies) | ${fmtSummary(python.importCheck.pythonRule)} | - | - | - |`,
    'ratio' in python.coldStart
      ? `| Python cold start, dependencies in a layer | ${fmtSummary(python.coldStart.layers)} | in /var/task ${fmtSummary(python.coldStart.taskRoot)} | ${x(python.coldStart.ratio)} | ≤ 1.2x: ${goal(python.coldStart.goal.met)} |`
      : `| Python cold start | skipped: ${python.coldStart.skipped} | - | - | not measured |`,
    '',
    result.summary.goals_skipped.length ? `Not measured in this run (neither met nor failed): ${result.summary.goals_skipped.join('; ')}.` : 'Every goal was measured in this run.',
    '',
  ];
  return lines.join('\n');
}

import { renderBenchmarks } from '../../bench/report';
import { BenchResult, benchGoals } from '../../bench/run-bench';
import {
  cacheHitGoal,
  coldStartGoal,
  commandStartGoal,
  determinismGoal,
  importCheckGoal,
  nativeCodeGoal,
  pythonCacheHitGoal,
  pythonColdStartGoal,
  quickSuiteGoal,
  serviceGoal,
  startGoal,
  synthGoal,
} from '../../bench/goals';
import { serviceContext } from '../../bench/service-bench';
import { fmtSummary, linearFit, percentile, ratio, summarise } from '../../bench/stats';

describe('bench goals', () => {
  it('holds each threshold at its edge and fails just past it', () => {
    expect([cacheHitGoal(0.02, false).met, cacheHitGoal(0.0201, false).met, cacheHitGoal(0.001, true).met]).toEqual([true, false, false]);
    expect([determinismGoal(5, 1).met, determinismGoal(5, 2).met]).toEqual([true, false]);
    expect(determinismGoal(5, 1, 'Python builds from the lock').description).toBe(
      '5 Python builds from the lock in different folders and umasks give one content hash',
    );
    expect([synthGoal(0.5, 0.95).met, synthGoal(0.51, 0.99).met, synthGoal(0.1, 0.94).met]).toEqual([true, false, false]);
    expect([coldStartGoal(1.2, 'bundled').met, coldStartGoal(1.21, 'bundled').met]).toEqual([true, false]);
    expect([pythonCacheHitGoal(0.01, []).met, pythonCacheHitGoal(0.03, []).met, pythonCacheHitGoal(0.01, ['python']).met]).toEqual([true, false, false]);
    expect([pythonColdStartGoal(1.1).met, pythonColdStartGoal(1.11).met]).toEqual([true, false]);
    expect([importCheckGoal(0.49).met, importCheckGoal(0.5).met]).toEqual([true, false]);
    expect([commandStartGoal(0.2, 0.5).met, commandStartGoal(0.21, 0.3).met, commandStartGoal(0.1, 0.51).met]).toEqual([true, false, false]);
    expect([nativeCodeGoal(0.19).met, nativeCodeGoal(0.2).met]).toEqual([true, false]);
    expect([startGoal(5.3, 10.6).met, startGoal(5.31, 10.6).met]).toEqual([true, false]);
    expect([quickSuiteGoal(30).met, quickSuiteGoal(30.01).met]).toEqual([true, false]);
    expect(startGoal(1).description).toBe('a no-change `npm start` answers at least 2x faster than before (10.61 s)');
    const service = { layerVersions: 3, layers: 3, noChangeBuildSeconds: 0.5, perFunctionSeconds: 0.05, startRatio: 1.5 };
    expect(serviceGoal(service).met).toBe(true);
    for (const past of [{ layerVersions: 4 }, { noChangeBuildSeconds: 0.51 }, { perFunctionSeconds: 0.051 }, { startRatio: 1.51 }]) {
      expect([past, serviceGoal({ ...service, ...past }).met]).toEqual([past, false]);
    }
  });

  it('gives the service bench one environment of the API and as many more HTTP functions of its code, each on its own route', () => {
    const context = serviceContext(19) as { functions: Record<string, { handler: string; trigger: { http: { routes: string[] } } }>; environments: unknown };
    expect(Object.keys(context.functions)).toHaveLength(19);
    expect(context.functions['f19']).toMatchObject({ handler: 'main.handler', trigger: { http: { routes: ['GET /bench/f19'] } } });
    expect(context.environments).toEqual({ dev: {}, staging: { functions: [] }, prod: { functions: [] } });
  });
});

describe('bench statistics', () => {
  it('summarises runs by median, min and max', () => {
    expect(summarise([3, 1, 2, 10, 4])).toEqual({ runs: 5, median: 3, min: 1, max: 10 });
    expect(summarise([1, 2, 3, 4]).median).toBe(2.5);
    expect(() => summarise([])).toThrow('no samples');
    expect(fmtSummary(summarise([0.5, 1.5, 2.5]))).toBe('1.50 s (min 500.0 ms, max 2.50 s, 3 runs)');
    expect(fmtSummary(summarise([0.00001, 0.000012, 0.0007]))).toBe('12 µs (min 10 µs, max 700 µs, 3 runs)');
  });

  it('takes percentiles by nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(samples, 50), percentile(samples, 99), percentile(samples, 100)]).toEqual([50, 99, 100]);
    expect(percentile([7], 99)).toBe(7);
  });

  it('fits a line and says how straight it is', () => {
    const fit = linearFit([1, 2, 3, 4].map((x) => ({ x, y: 2 * x + 1 })));
    expect(fit.slope).toBeCloseTo(2);
    expect(fit.intercept).toBeCloseTo(1);
    expect(fit.r2).toBeCloseTo(1);
    expect(
      linearFit([
        { x: 1, y: 1 },
        { x: 2, y: 5 },
        { x: 3, y: 1 },
      ]).r2,
    ).toBeLessThan(0.5);
    expect(ratio(1, 4)).toBe(0.25);
  });
});

describe('BENCHMARKS.md', () => {
  const s = (median: number) => summarise([median * 0.9, median, median * 1.1, median, median]);
  const result: BenchResult = {
    summary: {
      cache_hit_ratio: 0.01,
      distinct_hashes: 1,
      naive_distinct_zips: 5,
      synth_seconds_per_extra_stack: 0.1,
      cold_start_ratio: 1.1,
      python_cache_hit_ratio: 0.01,
      python_distinct_hashes: 1,
      python_cold_start_ratio: 1.05,
      npm_start_seconds: 2,
      test_unit_seconds: 12,
      goals_met: true,
      goals_skipped: [],
    },
    machine: { cpu: 'test cpu', cores: 2 },
    runs: 5,
    seconds: 120,
    layerBuild: { cold: s(3), cacheHit: s(0.03), cache_hit_ratio: 0.01, cacheHitRanPackageManager: false, goal: { description: '', met: true } },
    determinism: { distinct_hashes: 1, distinct_zips: 1, naive_distinct_zips: 5, builds: 5, goal: { description: '', met: true } },
    synth: {
      points: [3, 30].map((stacks) => ({ stacks, seconds: s(stacks / 10) })),
      perExtraStackSeconds: 0.1,
      r2: 0.99,
      ratio30to3: 10,
      goal: { description: '', met: true },
    },
    size: {
      oursUnzipped: 8e6,
      oursZipped: 3e6,
      naiveUnzipped: 9e6,
      naiveZipped: 4e6,
      unzippedRatio: 0.89,
      zippedRatio: 0.75,
      nodeSlimmedBytes: 0,
      pythonSlimmedBytes: 2e5,
      pythonUnzipped: 1e5,
    },
    coldStart: { layers: s(0.11), bundled: s(0.1), ratio: 1.1, imports: [{ name: 'hono', ms: s(15) }], goal: { description: '', met: true } },
    commandStart: { help: s(0.07), noChangeBuild: s(0.42), node: s(0.04), goal: { description: '', met: true } },
    start: { start: s(2), skipBuild: s(1.5), ratio: 1.33, goal: startGoal(2, 10.61) },
    quickSuite: { seconds: s(12), suites: 31, tests: 318, goal: quickSuiteGoal(12) },
    load: { requests: 200, concurrency: 2, routes: [{ route: 'GET / (baseline)', p50: 0.002, p99: 0.006, rps: 700, p50Ratio: 1 }] },
    python: {
      layer: { distributions: 27, direct: 9, unzippedBytes: 28e6, zippedBytes: 9e6 },
      sizes: [
        { layer: 'dependencies', architecture: 'x86_64', distributions: 27, unzippedBytes: 28e6, zippedBytes: 9_500_000 },
        { layer: 'dependencies-minimal', architecture: 'arm64', distributions: 23, unzippedBytes: 26e6, zippedBytes: 9_000_000 },
      ],
      resolve: { uv: s(0.5), pip: s(5), ratio: 0.1 },
      install: { uv: s(0.5), pip: s(1.5), ratio: 0.33 },
      build: {
        uvCold: s(2),
        pipCold: s(6),
        uvVsPip: 0.33,
        cacheHit: s(0.02),
        cache_hit_ratio: 0.01,
        cacheHitStarted: [],
        goal: { description: '', met: true },
      },
      determinism: { builds: 5, distinct_hashes: 1, goal: { description: '', met: true } },
      importCheck: {
        nodeRule: s(0.0001),
        pythonRead: s(0.05),
        pythonRule: s(0.0002),
        pythonFiles: 4,
        pythonImports: 20,
        distributions: 27,
        perFunction: 0.0502,
        goal: { description: '', met: true },
      },
      coldStart: { layers: s(0.1), taskRoot: s(0.095), ratio: 1.05, goal: { description: '', met: true } },
      nativeCode: { objects: 9, scan: s(0.003), rule: s(0.0002), perLayer: 0.0032, goal: { description: '', met: true } },
    },
  };

  it('states the method and the machine, and sets every figure against its baseline', () => {
    const text = renderBenchmarks(result, '2026-11-25');
    expect(text).toContain('## Machine\n\n- cpu: test cpu\n- cores: 2');
    expect(text).toContain('## Method');
    expect(text).toContain('| layer build, cache hit vs cold | 30.0 ms (min 27.0 ms, max 33.0 ms, 5 runs) | cold 3.00 s');
    expect(text).toContain('0.0100x (cache_hit_ratio)');
    expect(text).toContain('| distinct content hashes over 5 builds | 1 (zips: 1) | naive zips: 5 distinct |');
    expect(text).toContain('| cold start, dependencies in layers | 110.0 ms');
    expect(text).toContain('≤ 1.2x: met');
    const failing = renderBenchmarks({ ...result, coldStart: { ...result.coldStart, ratio: 1.5, goal: { description: '', met: false } } }, '2026-11-25');
    expect(failing).toContain('≤ 1.2x: **not met**');
    expect(text).toContain('| command start, `--help` | 70.0 ms');
    expect(text).toContain('| command start, no-change `npm run build -- --only-used` | 420.0 ms');
    expect(text).toMatch(/only-used` \| 420\.0 ms.*≤ 0\.5 s: met \|/);
    expect(text).toContain('| no-change `npm start` to its first answer | 2.00 s (min 1.80 s, max 2.20 s, 5 runs) | `--skip-build` 1.50 s');
    expect(text).toContain('| at least 2x faster than before (10.61 s): met |');
    expect(text).toContain('| `npm run test:unit`, 318 tests in 31 files | 12.00 s (min 10.80 s, max 13.20 s, 5 runs) | - | - | ≤ 30 s: met |');
    const slow = renderBenchmarks({ ...result, quickSuite: { ...result.quickSuite, seconds: s(45), goal: quickSuiteGoal(45) } }, '2026-11-25');
    expect(slow).toContain('≤ 30 s: **not met**');
  });

  it('reports the service of many functions when it was measured, and leaves it out of an older report', () => {
    const service = {
      functions: 20,
      layers: 3,
      layerVersions: 3,
      layerBuilds: 3,
      noChangeBuild: s(0.631),
      synth: { points: [1, 5, 10, 20].map((functions) => ({ functions, seconds: s(1 + functions * 0.014) })), perFunctionSeconds: 0.014, r2: 0.91 },
      start: { single: s(5.8), service: s(7.13), ratio: 1.23, routes: ['/'] },
      goal: { description: '', met: false },
    };
    const text = renderBenchmarks({ ...result, service }, '2026-12-07');
    expect(text).toContain('| a service of 20 functions: LayerVersion resources | 3 | 3 layers attached | - | one per layer: met |');
    expect(text).toMatch(/\| a service: no-change `npm run build -- --only-used` \| 631\.0 ms .*\| ≤ 0\.5 s: \*\*not met\*\* \|/);
    expect(text).toContain(
      '| a service: synth per added function | 14.0 ms (r² 0.910) | 1: 1014 ms, 5: 1070 ms, 10: 1140 ms, 20: 1280 ms | - | ≤ 50 ms: met |',
    );
    expect(text).toMatch(/\| `npm start` of the example service to every route \| 7\.13 s .*\| the API alone 5\.80 s .*\| 1\.23x \| ≤ 1\.5x: met \|/);
    expect(renderBenchmarks(result, '2026-12-07')).not.toContain('a service of');
  });

  it('reports the Python layer from its lock, the import check and the Python cold start', () => {
    const text = renderBenchmarks(result, '2026-11-25');
    expect(text).toContain('| Python resolution of the single layer, uv | 500.0 ms (min 450.0 ms, max 550.0 ms, 5 runs) | pip 5.00 s');
    expect(text).toContain('| Python lock installed, the installer alone, uv | 500.0 ms (min 450.0 ms, max 550.0 ms, 5 runs) | pip 1.50 s');
    expect(text).toContain('| Python layer from its lock, whole cold build, uv | 2.00 s (min 1.80 s, max 2.20 s, 5 runs) | pip 6.00 s');
    expect(text).toContain('| Python layer from its lock, cache hit vs cold | 20.0 ms (min 18.0 ms, max 22.0 ms, 5 runs) | cold (uv) 2.00 s');
    expect(text).toContain('started on a hit: nothing | ≤ 0.02 and nothing: met |');
    expect(text).toContain('| distinct content hashes over 5 Python builds from the lock | 1 | - | - | 1: met |');
    expect(text).toContain(
      "| Python layer `dependencies` x86_64, 27 distributions | 9.1 MiB zipped (9.5 MB), 26.7 MiB unzipped | the seed's single layer: about 8.8 MB |",
    );
    expect(text).toContain(
      "| Python layer `dependencies-minimal` arm64, 23 distributions | 8.6 MiB zipped (9.0 MB), 24.8 MiB unzipped | the seed's hybrid layer: about 7 MB |",
    );
    expect(text).toContain("| import check, Python function: reading 4 files' imports (20) | 50.0 ms");
    expect(text).toContain('| import check, one Python function (reading and rule) | 50.2 ms | - | - | < 0.5 s: met |');
    expect(text).toContain("| Python cold start of the seed's app, packages in a layer | 100.0 ms (min 90.0 ms, max 110.0 ms, 5 runs) | in /var/task 95.0 ms");
    expect(text).toContain('≤ 1.1x: met');
    expect(text).toContain("| native code, reading the single layer's 9 shared objects (a cold build) | 3.0 ms");
    expect(text).toContain('| native code, one layer cold (reading and rule; a cache hit reads nothing) | 3.2 ms | - | - | < 0.2 s: met |');
    expect(text).toContain('Every goal was measured in this run.');
  });

  it('says which goals it could not measure, and counts them as neither met nor failed', () => {
    const python = { ...result.python, coldStart: { skipped: 'no Python 3.12 interpreter on this machine' } };
    expect(benchGoals([{ description: '', met: true }], python)).toEqual({
      goals_met: true,
      goals_skipped: ['Python cold start: no Python 3.12 interpreter on this machine'],
    });
    expect(benchGoals([{ description: '', met: false }], python).goals_met).toBe(false);
    const offline = { ...result.python, resolve: { skipped: 'uv could not resolve against the index: error: Failed to fetch' } };
    expect(benchGoals([], offline).goals_skipped).toEqual([
      'Python resolution, uv against pip: uv could not resolve against the index: error: Failed to fetch',
    ]);
    expect(renderBenchmarks({ ...result, python: offline }, '2026-11-25')).toContain(
      '| Python resolution of the single layer | skipped: uv could not resolve against the index: error: Failed to fetch | - | - | not measured |',
    );
    const text = renderBenchmarks(
      { ...result, python, summary: { ...result.summary, goals_skipped: ['Python cold start: no Python 3.12 interpreter on this machine'] } },
      '2026-11-25',
    );
    expect(text).toContain('| Python cold start | skipped: no Python 3.12 interpreter on this machine | - | - | not measured |');
    expect(text).toContain('Not measured in this run (neither met nor failed): Python cold start: no Python 3.12 interpreter on this machine.');
  });
});

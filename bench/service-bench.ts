import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBuild } from '../builder/build';
import { stackFolder } from '../project/paths';
import { silentProgress } from '../project/progress';
import { ProjectContext } from '../use-cases/context';
import { NPM, processSeconds, repositoryContext, synthOnce } from './synth-once';
import { serviceGoal } from './goals';
import { startOnce } from './start-bench';
import { Goal, linearFit, ratio, summarise, Summary } from './stats';

/**
 * A service of many functions: an environment of `FUNCTIONS` HTTP functions (the seed's Python API code behind
 * routes of their own, layers chosen by their imports) sharing the three layers of the split strategy. What it
 * measures: that each layer is built once and published once (LayerVersion resources in the synthesised stack), a
 * no-change `npm run build -- --only-used` as a whole process, the synth cost of each added function (a fit over 1
 * to 20 functions), and `npm start` of the repository's example service (the Python API, its worker on a local
 * queue, its scheduled job) to every HTTP route answering, against the API alone, from the same warm caches.
 */

export const SERVICE_FUNCTIONS = 20;

export interface ServiceBenchResult {
  readonly functions: number;
  /** Layer folders the environment's functions attach, in all. */
  readonly layers: number;
  /** aws_lambda_layer_version resources in the environment's synthesised stack. */
  readonly layerVersions: number;
  /** Layer artifacts the build holds for the environment's functions (each built once). */
  readonly layerBuilds: number;
  readonly noChangeBuild: Summary;
  readonly synth: { readonly points: readonly { functions: number; seconds: Summary }[]; readonly perFunctionSeconds: number; readonly r2: number };
  readonly start: { readonly single: Summary; readonly service: Summary; readonly ratio: number; readonly routes: readonly string[] };
  readonly goal: Goal;
}

/** The context of an environment (dev) on the split strategy with the API and `extra` more HTTP functions of the same code. */
export function serviceContext(extra: number): Record<string, unknown> {
  const functions: Record<string, unknown> = {};
  for (let i = 1; i <= extra; i++) {
    const name = `f${String(i).padStart(2, '0')}`;
    functions[name] = {
      family: 'python',
      source: 'handlers/python_api',
      handler: 'main.handler',
      trigger: { http: { routes: [`GET /bench/${name}`] } },
      data: ['table:read'],
    };
  }
  // Only dev deploys them (staging and prod the API alone), so the synth figure is per function of one stack.
  return {
    defaults: { function: 'python', layerStrategy: 'split' },
    functions,
    environments: { dev: {}, staging: { functions: [] }, prod: { functions: [] } },
  };
}

async function buildFor(project: ProjectContext, env: NodeJS.ProcessEnv) {
  return runBuild({
    families: project.families,
    projectRoot: project.root,
    buildDir: env['BUILD_DIR'] ?? project.buildDir(),
    config: project.withEnv(env).config(),
    progress: silentProgress,
    env,
    onlyUsed: true,
  });
}

export async function benchService(runs: number, project: ProjectContext, env: NodeJS.ProcessEnv, say: (line: string) => void): Promise<ServiceBenchResult> {
  const root = project.root;
  // The bench's builds go to folders of their own, so the project's own build stays as it was.
  const base = { ...env, NO_COLOR: '1', BUILD_DIR: path.join(root, '.build-bench-functions') };
  delete (base as Record<string, unknown>)['GITHUB_REPOSITORY'];
  const withFunctions = (extra: number): NodeJS.ProcessEnv => ({ ...base, CDKTF_CONTEXT_JSON: JSON.stringify(serviceContext(extra)) });

  // The whole service: built once, its layers counted in the build and in the synthesised stack.
  say(`build and synthesise ${SERVICE_FUNCTIONS} functions on three layers`);
  const whole = withFunctions(SERVICE_FUNCTIONS - 1);
  const build = await buildFor(project, whole);
  const dev = build.environments.find((candidate) => candidate.environment.name === 'dev')!;
  const attached = new Set(dev.artifacts.functions.flatMap((fn) => fn.layers.map((layer) => layer.id)));
  const outdir = path.join(root, 'cdktf.out.bench-service');
  await synthOnce(root, whole, outdir);
  const stack = JSON.parse(fs.readFileSync(path.join(stackFolder(root, 'api-dev', { ...whole, CDKTF_OUTDIR: outdir }), 'cdk.tf.json'), 'utf8')) as {
    resource: Record<string, Record<string, unknown>>;
  };
  const layerVersions = Object.keys(stack.resource['aws_lambda_layer_version'] ?? {}).length;
  const functions = Object.keys(stack.resource['aws_lambda_function'] ?? {}).length;

  say('a no-change npm run build -- --only-used, whole processes');
  processSeconds(root, NPM, ['run', '--silent', 'build', '--', '--only-used'], whole);
  const builds: number[] = [];
  for (let run = 0; run < Math.max(runs, 10); run++) builds.push(processSeconds(root, NPM, ['run', '--silent', 'build', '--', '--only-used'], whole));

  const points: { functions: number; seconds: Summary }[] = [];
  for (const count of [1, 5, 10, 20]) {
    say(`synth with ${count} function(s)`);
    const config = withFunctions(count - 1);
    await buildFor(project, config);
    await synthOnce(root, config, outdir);
    const samples: number[] = [];
    for (let run = 0; run < runs; run++) samples.push(await synthOnce(root, config, outdir));
    points.push({ functions: count, seconds: summarise(samples) });
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  const fit = linearFit(points.map((point) => ({ x: point.functions, y: point.seconds.median })));

  // The repository's example service (its cdktf.json functions, dev on the Python API) against the API alone.
  const context = repositoryContext(root);
  // Each in its own build folder, so neither finds the other's build in place of its own.
  const service = {
    ...base,
    BUILD_DIR: path.join(root, '.build-bench-service'),
    CDKTF_CONTEXT_JSON: JSON.stringify({ ...context, environments: { dev: { function: 'python' } } }),
  };
  const single = {
    ...base,
    BUILD_DIR: path.join(root, '.build-bench-single'),
    CDKTF_CONTEXT_JSON: JSON.stringify({ ...context, functions: {}, environments: { dev: { function: 'python' } } }),
  };
  const routes = ['/', '/api/messages', '/api/messages/'];
  say('npm start of the example service to every route answering, against the API alone');
  for (const config of [single, service]) await startOnce(root, config, [], routes);
  const [alone, both]: number[][] = [[], []];
  for (let run = 0; run < runs; run++) {
    alone.push(await startOnce(root, single, [], routes));
    both.push(await startOnce(root, service, [], routes));
  }
  for (const dir of [single.BUILD_DIR, service.BUILD_DIR, base.BUILD_DIR]) fs.rmSync(dir, { recursive: true, force: true });
  const start = { single: summarise(alone), service: summarise(both), ratio: ratio(summarise(both).median, summarise(alone).median), routes };
  return {
    functions,
    layers: attached.size,
    layerVersions,
    layerBuilds: attached.size,
    noChangeBuild: summarise(builds),
    synth: { points, perFunctionSeconds: fit.slope, r2: fit.r2 },
    start,
    goal: serviceGoal({
      layerVersions,
      layers: attached.size,
      noChangeBuildSeconds: summarise(builds).median,
      perFunctionSeconds: fit.slope,
      startRatio: start.ratio,
    }),
  };
}

/** One line of the figures, for the terminal. */
export function serviceSummary(result: ServiceBenchResult): string {
  const ms = (seconds: number): string => `${(seconds * 1000).toFixed(0)} ms`;
  return (
    `${result.functions} functions, ${result.layers} layers, ${result.layerVersions} LayerVersion resources; no-change build ${ms(result.noChangeBuild.median)}; ` +
    `synth ${ms(result.synth.perFunctionSeconds)} per added function (r² ${result.synth.r2.toFixed(2)}); npm start of the service ${ms(result.start.service.median)} ` +
    `against ${ms(result.start.single.median)} for the API alone (${result.start.ratio.toFixed(2)}x); ${result.goal.description}: ${result.goal.met ? 'met' : 'not met'}`
  );
}

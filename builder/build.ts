import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProjectConfig } from '../config/environments';
import { buildLocked } from './errors';
import { isUserError } from '../project/errors';
import { assertDeployable, checkDeployments } from '../rules';
import { BuiltEnvironment, artifactsForEnvironment, deploymentsOf } from './artifact-check';
import { fingerprintsForOneBuild } from './tree';
import { BuildPlan, PlanOptions, planBuild } from './build-plan';
import { bundleFunction, functionInputsOf, reusableBundle } from './function-build';
import { LayerSource, findSource } from './layer-sources';
import { readAllLayerSources } from './layer-folders';
import { BuildManifest, BundleArtifact, LayerArtifact, MANIFEST_VERSION, readManifest, writeManifest } from '../artifacts/manifest';
import { Progress } from '../project/progress';
import { formatBytes } from '../project/bytes';
import { BuildFamilies } from './family-builders';

export { readAllLayerSources } from './layer-folders';

export interface BuildOptions extends PlanOptions {
  /** The runtime families, as the entry point assembled them (family-plugins/registry.ts). */
  readonly families: BuildFamilies;
  readonly projectRoot: string;
  /** Where this tool's own files are (its Python toolchain and lock, the plug-ins' scripts). @default projectRoot */
  readonly toolHome?: string;
  readonly buildDir: string;
  readonly config: ProjectConfig;
  readonly progress: Progress;
  readonly env?: NodeJS.ProcessEnv;
  /** The layer folders' sources, when the caller has read them already. @default - read here */
  readonly sources?: readonly LayerSource[];
  /**
   * Report what the deployment rules refuse as warnings instead of failing (`npm start -- --skip-checks`,
   * to watch the failure locally). Synth never skips them.
   * @default false
   */
  readonly skipChecks?: boolean;
}

export interface LayerBuildReport {
  readonly id: string;
  readonly cached: boolean;
  readonly reason?: string;
  readonly seconds: number;
  readonly contentHash: string;
  readonly fileCount: number;
  readonly unzippedBytes: number;
  readonly zippedBytes: number;
  readonly slimmedBytes: number;
}

/** A layer no environment uses that could not be built; reported, not fatal. */
export interface UnbuiltLayer {
  readonly id: string;
  readonly reason: string;
}

export interface BuildReport {
  readonly manifest: BuildManifest;
  readonly layers: readonly LayerBuildReport[];
  readonly unbuilt: readonly UnbuiltLayer[];
  readonly bundles: readonly BundleArtifact[];
  /** Warnings from the deployment rules (errors stop the build). */
  readonly warnings: readonly string[];
  /** The layer sources the build read. */
  readonly sources: readonly LayerSource[];
  /** Every environment's artifacts, checked against the sources, and by the deployment rules unless `rulesSkipped`. */
  readonly environments: readonly BuiltEnvironment[];
  /** The rules' errors were reported, not enforced (skipChecks). */
  readonly rulesSkipped: boolean;
}

/** Holds `<buildDir>/.lock` so two builds never write one build folder at once; a dead holder's lock is taken over. */
export async function acquireBuildLock(buildDir: string, progress: Progress, waitMs = 300_000): Promise<() => void> {
  const lock = path.join(buildDir, '.lock');
  const until = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(fs.readFileSync(lock, 'utf8') || '0');
    let alive = holder > 0;
    try {
      if (alive) process.kill(holder, 0);
    } catch {
      alive = false;
    }
    if (!alive) {
      fs.rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > until) {
      throw buildLocked(holder, lock);
    }
    if (!told) progress.info(`waiting for another build of ${buildDir} (pid ${holder}) ...`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function describe(artifact: LayerArtifact): string {
  const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
  const slimmed = artifact.slimmedBytes ? `, slimming saved ${formatBytes(artifact.slimmedBytes)}` : '';
  return (
    `${count(artifact.packages.length, 'package')}, ${count(artifact.fileCount, 'file')}, ${formatBytes(artifact.unzippedBytes)} ` +
    `(zip ~${formatBytes(artifact.zippedBytes)})${slimmed}, content ${artifact.contentHash.slice(0, 12)}`
  );
}

/**
 * `npm run build`: every layer tree and function bundle the configuration needs,
 * then the manifest that stacks and the local run read, then Lambda's limits for
 * every environment. A layer that no environment uses may fail without failing the
 * build (it is reported); one that an environment uses may not.
 */
export async function runBuild(options: BuildOptions): Promise<BuildReport> {
  const { families, projectRoot, buildDir, config, progress } = options;
  const env = options.env ?? process.env;
  const sources = options.sources ?? readAllLayerSources(families, projectRoot);
  const plan = planBuild(families, config, sources, options);
  fs.mkdirSync(buildDir, { recursive: true });
  const release = await acquireBuildLock(buildDir, progress);
  try {
    return await buildAll(options, plan, sources, env);
  } finally {
    release();
  }
}

/** The manifest the last build wrote, when there is one that can be read. */
function previousManifest(buildDir: string): BuildManifest | undefined {
  try {
    return readManifest(buildDir);
  } catch {
    return undefined;
  }
}

async function buildAll(
  options: BuildOptions,
  plan: BuildPlan & { unused: readonly string[] },
  sources: readonly LayerSource[],
  env: NodeJS.ProcessEnv,
): Promise<BuildReport> {
  const { families, projectRoot, buildDir, progress, config } = options;
  fs.rmSync(path.join(buildDir, 'tmp'), { recursive: true, force: true });

  const fingerprints = fingerprintsForOneBuild();
  const layers: LayerArtifact[] = [];
  const reports: LayerBuildReport[] = [];
  const unbuilt: UnbuiltLayer[] = [];
  const floating: string[] = [];
  for (const target of plan.layers) {
    const source = findSource(sources, target.layer, target.family);
    const unused = plan.unused.includes(target.id);
    const step = progress.step(`layer ${target.id}${unused ? ' (no environment uses it yet)' : ''}`);
    const started = process.hrtime.bigint();
    try {
      const result = await families
        .byId(target.family)
        .buildLayer(target, source, { toolHome: options.toolHome ?? projectRoot, buildDir, env, step, fingerprints });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const { artifact } = result;
      step.done(`${result.cached ? 'unchanged, reused' : 'built'} in ${seconds.toFixed(2)}s: ${describe(artifact)}`);
      layers.push(artifact);
      floating.push(...families.byId(target.family).buildWarnings(target, source, artifact));
      reports.push({
        id: target.id,
        cached: result.cached,
        ...(result.reason ? { reason: result.reason } : {}),
        seconds,
        contentHash: artifact.contentHash,
        fileCount: artifact.fileCount,
        unzippedBytes: artifact.unzippedBytes,
        zippedBytes: artifact.zippedBytes,
        slimmedBytes: artifact.slimmedBytes,
      });
    } catch (error) {
      const message = (error as Error).message;
      step.fail(message.split('\n')[0]);
      if (!unused || !isUserError(error)) throw error;
      unbuilt.push({ id: target.id, reason: message.split('\n')[0] });
    }
  }

  const bundles: BundleArtifact[] = [];
  const previousBundles = previousManifest(buildDir)?.bundles ?? [];
  for (const target of plan.bundles) {
    const step = progress.step(`bundle ${target.id}`);
    try {
      const toolHome = options.toolHome ?? projectRoot;
      const previous = previousBundles.find((bundle) => bundle.id === target.id);
      const inputs = functionInputsOf(families, projectRoot, target, toolHome);
      const reused = reusableBundle(families, projectRoot, buildDir, target, previous, fingerprints, toolHome, inputs);
      const bundle = reused ?? (await bundleFunction(families, projectRoot, buildDir, target, env, toolHome, inputs));
      fingerprints.forget(path.join(buildDir, bundle.dir));
      const modules = new Set(bundle.imports.map((imported) => imported.module));
      step.done(
        `${reused ? 'unchanged, reused: ' : ''}${formatBytes(bundle.unzippedBytes)}, ${modules.size} modules imported (read by ${bundle.importsReadBy}), content ${bundle.contentHash.slice(0, 12)}`,
      );
      bundles.push(bundle);
    } catch (error) {
      step.fail((error as Error).message.split('\n')[0]);
      throw error;
    }
  }

  const manifest: BuildManifest = { manifestVersion: MANIFEST_VERSION, layers, bundles, unbuilt };
  writeManifest(buildDir, manifest);
  if (unbuilt.length > 0) {
    progress.warn(
      `${unbuilt.length} layer(s) that no environment uses could not be built (${unbuilt.map((failure) => failure.id).join(', ')}); ` +
        'the reasons are above. Environments that attach them will fail to build until they do.',
    );
  }

  const environments = config.environments.map((environment) => ({
    environment,
    artifacts: artifactsForEnvironment(families, environment, manifest, sources, buildDir, projectRoot, 'error', fingerprints),
  }));
  for (const line of layerChoiceLines(environments)) progress.info(line);
  const deployments = environments.flatMap(({ environment, artifacts }) => deploymentsOf(families, environment, artifacts));
  for (const warning of floating) progress.warn(warning);
  const findings = options.skipChecks
    ? checkDeployments(deployments).map((finding) =>
        finding.severity === 'error' ? { ...finding, message: `NOT DEPLOYABLE, checks skipped: ${finding.message}` } : finding,
      )
    : assertDeployable(deployments);
  const warnings = [...floating, ...findings.map((finding) => `[${finding.rule}] ${finding.message}`)];
  for (const warning of warnings.slice(floating.length)) progress.warn(warning);
  return { manifest, layers: reports, unbuilt, bundles, warnings, sources, environments, rulesSkipped: Boolean(options.skipChecks) };
}

/** What the build chose for each function that leaves its layers to it, one line each: "layers of api-dev worker, chosen by its imports: stable (candidates: ...)". */
export function layerChoiceLines(environments: readonly BuiltEnvironment[]): string[] {
  return environments.flatMap(({ environment, artifacts }) =>
    artifacts.functions.flatMap(({ function: fn, choice }) => {
      if (!choice) return [];
      const chosen = choice.layers.length ? choice.layers.join(', ') : 'none, its runtime provides what it imports';
      const missing = choice.missing.length ? `; nothing provides ${choice.missing.join(', ')}` : '';
      return [
        `layers of ${environment.stackName} ${fn.name}, chosen by its imports: ${chosen} (candidates: ${choice.candidates.join(', ') || 'none'})${missing}`,
      ];
    }),
  );
}

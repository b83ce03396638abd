import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProjectConfig } from '../config/environments';
import { listLayerFolders } from '../config/config-sources';
import { BuildPlan, planBuild } from './build-plan';
import { bundleFunction } from './function-bundle';
import { LayerSource, readLayerSource } from './layer-sources';
import { BuildManifest, BundleArtifact, LayerArtifact, MANIFEST_VERSION, writeManifest } from './manifest';
import { buildNodeLayer } from './node-layer';
import { Progress } from './progress';
import { UserError } from '../project/errors';

export interface BuildOptions {
  readonly projectRoot: string;
  readonly buildDir: string;
  readonly config: ProjectConfig;
  readonly progress: Progress;
  readonly env?: NodeJS.ProcessEnv;
}

export interface LayerBuildReport {
  readonly id: string;
  readonly cached: boolean;
  readonly reason?: string;
  readonly seconds: number;
  readonly contentHash: string;
  readonly fileCount: number;
  readonly unzippedBytes: number;
}

export interface BuildReport {
  readonly manifest: BuildManifest;
  readonly layers: readonly LayerBuildReport[];
  readonly bundles: readonly BundleArtifact[];
}

export function readAllLayerSources(projectRoot: string): LayerSource[] {
  return listLayerFolders(projectRoot).map((name) => readLayerSource(projectRoot, name));
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * `npm run build`: every layer tree and function bundle the configuration needs,
 * then the manifest that stacks and the local run read. The manifest is written
 * last and atomically, so a failed build leaves the previous one intact.
 */
export async function runBuild(options: BuildOptions): Promise<BuildReport> {
  const { projectRoot, buildDir, config, progress } = options;
  const env = options.env ?? process.env;
  const sources = readAllLayerSources(projectRoot);
  const plan: BuildPlan = planBuild(config, sources);
  fs.mkdirSync(buildDir, { recursive: true });
  const release = await acquireBuildLock(buildDir, progress);
  try {
    return await buildAll(options, plan, sources, env);
  } finally {
    release();
  }
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
      throw new UserError('BUILD_LOCKED', `Another build (pid ${holder}) has held ${lock} for too long; stop it or delete the file.`);
    }
    if (!told) progress.info(`waiting for another build of ${buildDir} (pid ${holder}) ...`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function buildAll(options: BuildOptions, plan: BuildPlan, sources: readonly LayerSource[], env: NodeJS.ProcessEnv): Promise<BuildReport> {
  const { projectRoot, buildDir, progress } = options;
  fs.rmSync(path.join(buildDir, 'tmp'), { recursive: true, force: true });

  const layers: LayerArtifact[] = [];
  const reports: LayerBuildReport[] = [];
  for (const target of plan.layers) {
    const source = sources.find((candidate) => candidate.name === target.layer)!;
    const step = progress.step(`layer ${target.id}`);
    const started = process.hrtime.bigint();
    try {
      const result = await buildNodeLayer(target, source, { buildDir, env, step });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const { artifact } = result;
      step.done(
        `${result.cached ? 'unchanged, reused' : 'built'} in ${seconds.toFixed(2)}s: ` +
          `${artifact.packages.length} packages, ${artifact.fileCount} files, ${formatBytes(artifact.unzippedBytes)}, ` +
          `content ${artifact.contentHash.slice(0, 12)}`,
      );
      layers.push(artifact);
      reports.push({
        id: target.id,
        cached: result.cached,
        ...(result.reason ? { reason: result.reason } : {}),
        seconds,
        contentHash: artifact.contentHash,
        fileCount: artifact.fileCount,
        unzippedBytes: artifact.unzippedBytes,
      });
    } catch (error) {
      step.fail((error as Error).message.split('\n')[0]!);
      throw error;
    }
  }

  const bundles: BundleArtifact[] = [];
  for (const target of plan.bundles) {
    const step = progress.step(`bundle ${target.id}`);
    try {
      const bundle = await bundleFunction(projectRoot, buildDir, target);
      step.done(
        `${formatBytes(bundle.unzippedBytes)}, imports ${bundle.importsFromLayers.join(', ') || 'nothing'} from layers, ` +
          `content ${bundle.contentHash.slice(0, 12)}`,
      );
      bundles.push(bundle);
    } catch (error) {
      step.fail((error as Error).message.split('\n')[0]!);
      throw error;
    }
  }

  const manifest: BuildManifest = { manifestVersion: MANIFEST_VERSION, layers, bundles };
  writeManifest(buildDir, manifest);
  return { manifest, layers: reports, bundles };
}

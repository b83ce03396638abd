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

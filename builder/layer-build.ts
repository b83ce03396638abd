import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toPosix, PROJECT_TOOL } from '../project/paths';
import { LayerTarget, inputHashOf } from './build-plan';
import { LayerSource } from './layer-sources';
import { InstalledPackage, LayerArtifact } from '../artifacts/manifest';
import { ProgressStep } from '../project/progress';
import { slimTree } from './slimming';
import { replaceDirectory, writeFileAtomic } from '../project/files';
import { Fingerprints, contentHashOf, freshFingerprints, listTree, normaliseTree, treeDrift } from './tree';
import { estimateZipBytes } from './zip-size';
import { scanNativeObjects } from './native-scan';
import { SBOM_FILE, layerSbom } from '../artifacts/sbom';
import { FamilyDefinition } from '../families/family';

/** The build record kept beside each built tree; the manifest collects them. */
export const LAYER_RECORD_FILE = 'layer.json';

/** The record of the build before this one, for "what changed since the previous build". */
export const PREVIOUS_RECORD_FILE = 'previous.json';

export interface LayerBuildOptions {
  /** Where this tool's own files are: its Python toolchain and that toolchain's lock (the project's folder when they are one). */
  readonly toolHome: string;
  readonly buildDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly step: ProgressStep;
  /** How trees are looked at: once per build when the build passes its own (default: afresh). */
  readonly fingerprints?: Fingerprints;
}

export interface LayerBuildResult {
  readonly artifact: LayerArtifact;
  /** True when the tree was reused and no package manager ran. */
  readonly cached: boolean;
  /** Why the tree was (re)built; undefined on a cache hit. */
  readonly reason?: string;
}

/** How a package manager fills a staged tree; everything around it is shared by every kind of layer. */
export interface LayerInstaller {
  /** The family whose layer it installs (what its packages' URLs and its SBOM say). */
  readonly family: FamilyDefinition;
  readonly tool: { readonly name: string; readonly version: string };
  /** The files the install reads from the layer's source (its family's builder says which: FamilyBuilder.inputFiles). */
  readonly inputFiles: ReadonlyMap<string, Buffer>;
  /** Globs removed from every tree of this kind before the configured excludes. */
  readonly defaultSlimming: readonly string[];
  /** Installs into `treeDir` (the folder that becomes the zip's root). */
  install(treeDir: string, reason: string): Promise<void>;
  /** The packages in a finished tree. */
  packages(treeDir: string): InstalledPackage[];
  /** What a function imports from the layer, from its packages. */
  provides(packages: readonly InstalledPackage[]): readonly string[];
}

export function layerVariantDir(buildDir: string, target: LayerTarget): string {
  return path.join(buildDir, 'layers', target.layer, target.id.slice(target.layer.length + 1));
}

export function readRecord(file: string): LayerArtifact | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LayerArtifact;
  } catch {
    return undefined;
  }
}

/**
 * Builds one layer tree, or reuses the existing one when the inputs hash the same
 * and a stat-only look finds the tree untouched. A build installs into a staging
 * folder, slims, normalises and hashes it, then swaps it in whole.
 */
export async function buildLayer(target: LayerTarget, source: LayerSource, installer: LayerInstaller, options: LayerBuildOptions): Promise<LayerBuildResult> {
  const inputHash = inputHashOf({ ...target, files: installer.inputFiles, tool: installer.tool });
  const variantDir = layerVariantDir(options.buildDir, target);
  const treeDir = path.join(variantDir, 'tree');
  const previous = readRecord(path.join(variantDir, LAYER_RECORD_FILE));

  let reason: string;
  if (!previous) {
    reason = 'not built yet';
  } else if (previous.inputHash !== inputHash) {
    reason = 'inputs changed';
  } else {
    const drift = treeDrift(previous, (options.fingerprints ?? freshFingerprints).of(treeDir));
    if (!drift) return { artifact: previous, cached: true };
    reason = `tree changed since the build: ${drift}`;
  }

  const staging = path.join(options.buildDir, 'tmp', `${target.layer}-${randomBytes(6).toString('hex')}`);
  const stagedTree = path.join(staging, 'tree');
  try {
    fs.mkdirSync(stagedTree, { recursive: true });
    await installer.install(stagedTree, reason);

    options.step.update('slimming, normalising and hashing the tree');
    const slimmed = slimTree(stagedTree, [...installer.defaultSlimming, ...source.options.exclude]);
    normaliseTree(stagedTree);
    const files = listTree(stagedTree);
    const summary = contentHashOf(files);
    const packages = installer.packages(stagedTree);
    const artifact: LayerArtifact = {
      id: target.id,
      name: target.layer,
      family: target.family,
      architecture: target.architecture,
      variant: target.variant,
      treeDir: toPosix(path.relative(options.buildDir, treeDir)),
      inputHash,
      contentHash: summary.contentHash,
      fileCount: summary.fileCount,
      unzippedBytes: summary.unzippedBytes,
      zippedBytes: estimateZipBytes(stagedTree, files),
      slimmedBytes: slimmed.removedBytes,
      provides: installer.provides(packages),
      packages,
      tool: installer.tool,
      sbom: toPosix(path.relative(options.buildDir, path.join(variantDir, SBOM_FILE))),
      nativeObjects: scanNativeObjects(
        stagedTree,
        files.map((file) => file.path),
        packages,
      ),
    };
    writeFileAtomic(path.join(staging, SBOM_FILE), layerSbom(installer.family, artifact, PROJECT_TOOL));
    writeFileAtomic(path.join(staging, LAYER_RECORD_FILE), `${JSON.stringify(artifact, null, 2)}\n`);
    if (previous) writeFileAtomic(path.join(staging, PREVIOUS_RECORD_FILE), `${JSON.stringify(previous, null, 2)}\n`);
    replaceDirectory(staging, variantDir);
    options.fingerprints?.forget(treeDir);
    return { artifact, cached: false, reason };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Reports seconds while a long install runs. */
export async function withTicker<T>(step: ProgressStep, label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  step.update(label);
  const ticker = setInterval(() => step.update(`${label}, ${Math.round((Date.now() - started) / 1000)}s`), 1000);
  try {
    return await work();
  } finally {
    clearInterval(ticker);
  }
}

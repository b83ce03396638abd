import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../project/errors';
import { toPosix } from '../project/paths';
import { LayerTarget, inputHashOf } from './build-plan';
import { LayerSource } from './layer-sources';
import { InstalledPackage, LayerArtifact } from './manifest';
import { explainNpmFailure, installEnvironment, locateNpm, runCaptured } from './npm';
import { ProgressStep } from './progress';
import { comparePaths, fingerprintTree, normaliseTree, replaceDirectory, summariseTree, treeDrift, writeFileAtomic } from './tree';

export const LAYER_RECORD_FILE = 'layer.json';

/** Lambda's names for the CPUs, as npm's --cpu spells them. */
const NPM_CPU = { x86_64: 'x64', arm64: 'arm64' } as const;

export interface LayerBuildOptions {
  readonly buildDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly step: ProgressStep;
}

export interface LayerBuildResult {
  readonly artifact: LayerArtifact;
  /** True when the tree was reused and no package manager ran. */
  readonly cached: boolean;
  /** Why the tree was (re)built; undefined on a cache hit. */
  readonly reason?: string;
}

export function layerVariantDir(buildDir: string, target: LayerTarget): string {
  return path.join(buildDir, 'layers', target.layer, `${target.kind}-${target.architecture}`);
}

/** Every package folder in a node_modules tree (nested ones too), by path. */
export function listNodePackages(treeRoot: string, direct: readonly string[]): InstalledPackage[] {
  const found: InstalledPackage[] = [];
  const visitModules = (modulesDir: string, depth: number): void => {
    if (!fs.existsSync(modulesDir)) return;
    for (const entry of fs.readdirSync(modulesDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const full = path.join(modulesDir, entry.name);
      const packageDirs = entry.name.startsWith('@')
        ? fs
            .readdirSync(full, { withFileTypes: true })
            .filter((child) => child.isDirectory())
            .map((child) => path.join(full, child.name))
        : [full];
      for (const packageDir of packageDirs) {
        const manifestFile = path.join(packageDir, 'package.json');
        if (!fs.existsSync(manifestFile)) continue;
        const pkg = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { name?: string; version?: string };
        const relative = toPosix(path.relative(treeRoot, packageDir));
        const name = pkg.name ?? path.basename(packageDir);
        found.push({ name, version: pkg.version ?? '0.0.0', path: relative, direct: depth === 0 && direct.includes(name) });
        visitModules(path.join(packageDir, 'node_modules'), depth + 1);
      }
    }
  };
  visitModules(path.join(treeRoot, 'nodejs', 'node_modules'), 0);
  return found.sort((a, b) => comparePaths(a.path, b.path));
}

/** `file:` specs relative to the layer folder, made absolute so npm can run in the staging folder. */
export function absoluteFileSpecs(text: string, layerDir: string, layer: string): string {
  return text.replace(/"file:([^"]+)"/g, (_match, target: string) => {
    const absolute = path.resolve(layerDir, target);
    if (fs.existsSync(absolute) && fs.statSync(absolute).isDirectory()) {
      throw new UserError(
        'LAYER_LINKED_FOLDER',
        `Layer "${layer}" depends on the folder file:${target}; npm links folders instead of copying them, so the ` +
          'layer would not contain it. Pack it (`npm pack`) and depend on the .tgz instead.',
      );
    }
    return JSON.stringify(`file:${absolute}`);
  });
}

function readRecord(file: string): LayerArtifact | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LayerArtifact;
  } catch {
    return undefined;
  }
}

/**
 * Builds one Node.js layer tree (`nodejs/node_modules`) for Lambda's platform, or
 * reuses the existing tree when the inputs hash the same and the tree is untouched.
 */
export async function buildNodeLayer(
  target: LayerTarget,
  source: LayerSource,
  options: LayerBuildOptions,
): Promise<LayerBuildResult> {
  const npm = locateNpm(options.env);
  const inputHash = inputHashOf({
    kind: 'nodejs',
    architecture: target.architecture,
    files: source.files,
    tool: { name: 'npm', version: npm.version },
  });
  const variantDir = layerVariantDir(options.buildDir, target);
  const treeDir = path.join(variantDir, 'tree');
  const previous = readRecord(path.join(variantDir, LAYER_RECORD_FILE));

  let reason: string;
  if (!previous) {
    reason = 'not built yet';
  } else if (previous.inputHash !== inputHash) {
    reason = 'inputs changed';
  } else {
    const drift = treeDrift(previous, fingerprintTree(treeDir));
    if (!drift) return { artifact: previous, cached: true };
    reason = `tree changed since the build: ${drift}`;
  }

  const staging = path.join(options.buildDir, 'tmp', `${target.layer}-${randomBytes(6).toString('hex')}`);
  const installDir = path.join(staging, 'tree', 'nodejs');
  try {
    fs.mkdirSync(installDir, { recursive: true });
    for (const [name, bytes] of source.files) {
      const staged = name === '.npmrc' ? bytes : absoluteFileSpecs(bytes.toString('utf8'), source.dir, target.layer);
      fs.writeFileSync(path.join(installDir, name), staged);
    }
    options.step.update(`npm ci for linux/${target.architecture} (${reason})`);
    const args = [
      ...npm.args,
      'ci',
      '--omit=dev',
      '--ignore-scripts',
      '--no-bin-links',
      '--no-audit',
      '--no-fund',
      '--no-progress',
      '--install-strategy=hoisted',
      '--os=linux',
      `--cpu=${NPM_CPU[target.architecture]}`,
      '--libc=glibc',
      `--cache=${path.join(options.buildDir, 'cache', 'npm')}`,
      '--prefer-offline',
      '--loglevel=warn',
    ];
    const started = Date.now();
    const ticker = setInterval(
      () => options.step.update(`npm ci for linux/${target.architecture}, ${Math.round((Date.now() - started) / 1000)}s`),
      1000,
    );
    let result;
    try {
      result = await runCaptured(npm.command, args, { cwd: installDir, env: installEnvironment(options.env) });
    } finally {
      clearInterval(ticker);
    }
    if (result.code !== 0) throw new UserError('LAYER_INSTALL_FAILED', explainNpmFailure(target.layer, result.output));

    // The layer holds node_modules only; npm's own bookkeeping differs between npm configurations.
    for (const name of source.files.keys()) fs.rmSync(path.join(installDir, name), { force: true });
    fs.rmSync(path.join(installDir, 'node_modules', '.package-lock.json'), { force: true });

    const stagedTree = path.join(staging, 'tree');
    options.step.update('normalising and hashing the tree');
    normaliseTree(stagedTree);
    const summary = summariseTree(stagedTree);
    const packages = listNodePackages(stagedTree, source.provides);
    const missing = source.provides.filter((name) => !packages.some((pkg) => pkg.direct && pkg.name === name));
    if (missing.length > 0) {
      throw new UserError(
        'LAYER_INCOMPLETE',
        `Layer "${target.layer}": npm ci finished but ${missing.join(', ')} is not in the tree for ` +
          `linux/${target.architecture}. Check that the package supports that platform.`,
      );
    }
    const artifact: LayerArtifact = {
      id: target.id,
      name: target.layer,
      kind: 'nodejs',
      architecture: target.architecture,
      treeDir: toPosix(path.relative(options.buildDir, treeDir)),
      inputHash,
      contentHash: summary.contentHash,
      fileCount: summary.fileCount,
      unzippedBytes: summary.unzippedBytes,
      provides: source.provides,
      packages,
      tool: { name: 'npm', version: npm.version },
    };
    writeFileAtomic(path.join(staging, LAYER_RECORD_FILE), `${JSON.stringify(artifact, null, 2)}\n`);
    replaceDirectory(staging, variantDir);
    return { artifact, cached: false, reason };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

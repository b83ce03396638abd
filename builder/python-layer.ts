import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerInstallFailed, layerLockStale } from '../project/errors';
import { LayerTarget } from './build-plan';
import { LayerBuildOptions, LayerBuildResult, LayerInstaller, buildLayer, withTicker } from './layer-build';
import { LayerSource } from './layer-sources';
import { normalisePythonName } from '../rules/pep508';
import { LOCK_FILE, lockStaleness, lockTargetKey, lockedRequirements } from './python-lock';
import { InstalledPackage } from '../artifacts/manifest';
import { PIP_PLATFORM, PipCommand, explainPipFailure, firstUnreachableIndex, locatePip, pipEnvironment, pipIndexes, pipInstallArgs } from './pip';
import { runCommand } from './run-command';
import { PYTHON_SLIMMING } from './slimming';
import { comparePaths } from './tree';

/** The header fields of a METADATA file (everything before the first blank line; the description follows it). */
export function metadataHeaders(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') break;
    const match = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line);
    if (!match) continue;
    const field = match[1]!.toLowerCase();
    headers.set(field, [...(headers.get(field) ?? []), match[2]!.trim()]);
  }
  return headers;
}

/** Top-level import names of a distribution: top_level.txt, else the first folder or module of each file it installed. */
function modulesOf(distInfo: string): string[] {
  const topLevel = path.join(distInfo, 'top_level.txt');
  if (fs.existsSync(topLevel)) {
    return fs
      .readFileSync(topLevel, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.includes('/'));
  }
  const record = path.join(distInfo, 'RECORD');
  if (!fs.existsSync(record)) return [];
  const modules = new Set<string>();
  for (const line of fs.readFileSync(record, 'utf8').split('\n')) {
    const file = line.split(',')[0]!.trim();
    if (!file || file.startsWith('..') || file.includes('.dist-info/') || file.includes('.data/')) continue;
    const first = file.split('/')[0]!;
    if (first === '__pycache__' || first === 'bin') continue;
    if (file.includes('/')) modules.add(first);
    else if (/\.(py|so|pyd)$/.test(first)) modules.add(first.replace(/(\.cpython-[^.]+|\.abi3)?\.(py|so|pyd)$/, ''));
  }
  return [...modules];
}

/** Every distribution installed in `python/`, from its `*.dist-info`. */
export function listPythonPackages(treeRoot: string, direct: readonly string[], extras: Readonly<Record<string, readonly string[]>> = {}): InstalledPackage[] {
  const site = path.join(treeRoot, 'python');
  if (!fs.existsSync(site)) return [];
  const packages: InstalledPackage[] = [];
  for (const entry of fs.readdirSync(site)) {
    if (!entry.endsWith('.dist-info')) continue;
    const distInfo = path.join(site, entry);
    const metadata = metadataHeaders(fs.existsSync(path.join(distInfo, 'METADATA')) ? fs.readFileSync(path.join(distInfo, 'METADATA'), 'utf8') : '');
    const name = metadata.get('name')?.[0] ?? entry.replace(/-[^-]+\.dist-info$/, '');
    const key = normalisePythonName(name);
    packages.push({
      name,
      version: metadata.get('version')?.[0] ?? entry.replace(/^.*-([^-]+)\.dist-info$/, '$1'),
      path: `python/${entry}`,
      direct: direct.includes(key),
      modules: modulesOf(distInfo).sort(),
      requires: metadata.get('requires-dist') ?? [],
      ...(extras[key]?.length ? { extras: extras[key] } : {}),
    });
  }
  return packages.sort((a, b) => comparePaths(a.path, b.path));
}

/** pip for Lambda's platform and Python version into `python/`, wheels only, with safe slimming. */
export function pythonInstaller(target: LayerTarget, source: LayerSource, options: LayerBuildOptions, pip: PipCommand): LayerInstaller {
  const pipTarget = { architecture: target.architecture, pythonVersion: target.pythonVersion! };
  return {
    tool: { name: 'pip', version: pip.version },
    defaultSlimming: PYTHON_SLIMMING,
    async install(treeDir, reason) {
      const sitePackages = path.join(treeDir, 'python');
      fs.mkdirSync(sitePackages, { recursive: true });
      const locked = source.lock?.targets[lockTargetKey(pipTarget)];
      let requirements = 'requirements.txt';
      if (locked) {
        // Beside the tree in the staging folder, so it never lands in the layer.
        requirements = path.join(path.dirname(treeDir), 'requirements.locked.txt');
        fs.writeFileSync(requirements, lockedRequirements(locked));
      }
      const args = pipInstallArgs(pipTarget, requirements, sitePackages, path.join(options.buildDir, 'cache', 'pip'), source.requireHashes, Boolean(locked));
      const from = locked ? `from ${LOCK_FILE}, ${locked.distributions.length} pinned` : 'from requirements.txt';
      const result = await withTicker(options.step, `pip for ${PIP_PLATFORM[pipTarget.architecture]}, Python ${pipTarget.pythonVersion} ${from} (${reason})`, () =>
        // Run in the layer folder so relative paths in requirements.txt (-r, -c, local wheels) resolve as they do by hand.
        runCommand(pip.python, args, { env: pipEnvironment(options.env), cwd: source.dir }),
      );
      if (result.code !== 0) {
        // pip says only "no matching distribution" when its index does not answer with retries off; ask the index.
        const nothingFound = /No matching distribution found|Could not find a version/.test(result.output);
        const unreachable = nothingFound ? await firstUnreachableIndex(await pipIndexes(pip, pipEnvironment(options.env), source.dir)) : undefined;
        throw layerInstallFailed(explainPipFailure(target.layer, pipTarget, result.output, options.env, unreachable));
      }
    },
    packages: (treeDir) => listPythonPackages(treeDir, source.provides, source.extras),
    provides: (packages) => [...new Set(packages.flatMap((pkg) => pkg.modules ?? []))].sort(),
  };
}

/** The command that refreshes a layer's lock. */
export function lockCommand(layer: string): string {
  return `npm run layers:lock -- ${layer}`;
}

/** A lock that does not match requirements.txt, or lacks the target, stops the build before pip runs. */
export function assertLockFits(target: LayerTarget, source: LayerSource): void {
  if (!source.lock) return;
  const stale = lockStaleness(source.lock, source.files);
  if (stale) {
    throw layerLockStale(target.layer, LOCK_FILE, `no longer matches its requirements (${stale}), so the build would not install what requirements.txt asks for`, lockCommand(target.layer));
  }
  const key = lockTargetKey({ pythonVersion: target.pythonVersion!, architecture: target.architecture });
  if (!source.lock.targets[key]) {
    throw layerLockStale(target.layer, LOCK_FILE, `has no entry for ${key} (it has ${Object.keys(source.lock.targets).join(', ') || 'none'}), which an environment now needs`, lockCommand(target.layer));
  }
}

/** The distributions of an unlocked layer whose version no requirements file pins: another day's build may pick others. */
export function floatingPackages(source: LayerSource, packages: readonly InstalledPackage[]): string[] {
  if (source.lock) return [];
  const pinned = new Set(source.pinned ?? []);
  return packages.filter((pkg) => !pinned.has(normalisePythonName(pkg.name))).map((pkg) => `${pkg.name} ${pkg.version}`);
}

/** Builds (or reuses) one Python layer tree with Lambda's layout, `python/`; from the lock when there is one. */
export async function buildPythonLayer(target: LayerTarget, source: LayerSource, options: LayerBuildOptions): Promise<LayerBuildResult> {
  assertLockFits(target, source);
  const pip = await locatePip(options.env);
  return buildLayer(target, source, pythonInstaller(target, source, options, pip), options);
}

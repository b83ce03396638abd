import { indexesOf, pythonIndexSettings } from './python-index';
import { pythonFamily } from './definition';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerInstallFailed } from '../../builder/errors';
import { layerLockStale, pythonInstallerUnknown } from './errors';
import { LayerTarget } from '../../builder/build-plan';
import { LayerBuildOptions, LayerBuildResult, LayerInstaller, buildLayer, withTicker } from '../../builder/layer-build';
import { PythonLayerSource, pythonInputFiles } from './python-source';
import { appliedRequirements, lambdaMarkerEnvironment, normalisePythonName, tryParseRequirement } from './pep508';
import { LockTarget, lockCommand, lockFileName, lockSpecOf, lockStaleness, lockTargetKey, requirementFileHashes } from './python-lock';
import { PythonPackage } from './python-package';
import { explainPipFailure, firstUnreachableIndex, pipEnvironment, pipInstallArgs } from './pip';
import { runCommand } from '../../project/run-command';
import { comparePaths } from '../../builder/tree';
import { ensurePythonToolchain, toolchainVersions } from './toolchain';
import { InstallSource, PythonTarget, explainUvFailure, uvEnvironment, uvInstallArgs, uvLockedEnvironment } from './uv';
import { ensureWheels, lockedWheelDirs, wheelCacheDir } from './wheel-cache';
import { uvPythonPlatform, pythonPlatformOf } from './platform';

/**
 * Safe slimming for Python layers, on by default: caches and compiled files that
 * Python rebuilds itself, and console scripts (their shebang names the build
 * machine's interpreter and Lambda never runs them). `*.dist-info` stays:
 * packages read their own metadata through importlib.metadata.
 */
export const PYTHON_SLIMMING = ['**/__pycache__/**', '**/*.pyc', '**/*.pyo', 'python/bin/**'] as const;

/** The header fields of a METADATA file (everything before the first blank line; the description follows it). */
export function metadataHeaders(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') break;
    const match = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line);
    if (!match) continue;
    const field = match[1].toLowerCase();
    headers.set(field, [...(headers.get(field) ?? []), match[2].trim()]);
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
    const file = line.split(',')[0].trim().replace(/^"|"$/g, '');
    if (!file || file.startsWith('..') || file.includes('.dist-info/') || file.includes('.data/')) continue;
    const first = file.split('/')[0];
    // A folder is an importable package (regular or namespace) when its name is an identifier: not bin, not cffi.libs.
    if (file.includes('/')) {
      if (/^[A-Za-z_]\w*$/.test(first) && first !== '__pycache__' && first !== 'bin') modules.add(first);
    } else {
      // A module of one file: name.py, or an extension (name.cpython-312-x86_64-linux-gnu.so, name.abi3.so, name.so).
      const single = /^([A-Za-z_]\w*)(?:\.[\w-]+)?\.(?:py|so|pyd)$/.exec(first);
      if (single) modules.add(single[1]);
    }
  }
  return [...modules];
}

/** The tags a distribution's WHEEL file declares, as `{ wheelTags }`, or nothing when it has none. */
function wheelTagsOf(distInfo: string): { wheelTags?: string[] } {
  const file = path.join(distInfo, 'WHEEL');
  if (!fs.existsSync(file)) return {};
  const tags = metadataHeaders(fs.readFileSync(file, 'utf8')).get('tag') ?? [];
  return tags.length ? { wheelTags: tags } : {};
}

/** Every distribution installed in `python/`, from its `*.dist-info`. */
export function listPythonPackages(treeRoot: string, direct: readonly string[], extras: Readonly<Record<string, readonly string[]>> = {}): PythonPackage[] {
  const site = path.join(treeRoot, 'python');
  if (!fs.existsSync(site)) return [];
  const packages: PythonPackage[] = [];
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
      ...(metadata.get('license-expression')?.[0] ? { license: metadata.get('license-expression')![0] } : {}),
      ...wheelTagsOf(distInfo),
    });
  }
  return packages.sort((a, b) => comparePaths(a.path, b.path));
}

/**
 * What a layer's SBOM says of each distribution beyond its metadata: the packages of the layer it needs on
 * the target (markers and extras evaluated), and, when the layer is locked, the wheel and its SHA-256.
 */
export function withPythonDetails(packages: readonly PythonPackage[], target: PythonTarget, lock?: LockTarget): PythonPackage[] {
  const byKey = new Map(packages.map((pkg) => [normalisePythonName(pkg.name), pkg]));
  const declaring = new Map(
    packages.map((pkg) => {
      const key = normalisePythonName(pkg.name);
      return [key, { key, requires: (pkg.requires ?? []).flatMap((line) => tryParseRequirement(line) ?? []), ...(pkg.extras ? { extras: pkg.extras } : {}) }];
    }),
  );
  const needs = new Map<string, Set<string>>();
  for (const { from, requirement } of appliedRequirements(declaring, lambdaMarkerEnvironment(target.pythonVersion, target.architecture))) {
    const found = byKey.get(requirement.key);
    if (found) needs.set(from, new Set([...(needs.get(from) ?? []), found.path]));
  }
  const wheels = new Map((lock?.distributions ?? []).map((dist) => [normalisePythonName(dist.name), dist]));
  return packages.map((pkg) => {
    const key = normalisePythonName(pkg.name);
    const wheel = wheels.get(key);
    const dependsOn = [...(needs.get(key) ?? [])].sort(comparePaths);
    return {
      ...pkg,
      ...(wheel ? { hashes: [{ alg: 'SHA-256' as const, content: wheel.sha256 }], wheel: wheel.wheel } : {}),
      ...(dependsOn.length ? { dependsOn } : {}),
    };
  });
}

/**
 * What uv leaves in a `--target` folder that no package installed: the empty lock file it takes while
 * installing (`.lock`), and, in each distribution it installs from a local file, when it read that file
 * (`<dist-info>/uv_cache.json`, listed in RECORD). That timestamp would make every build a new tree;
 * nothing reads either from a layer, so both go (the timestamp with its RECORD line).
 */
export function dropInstallerLeftovers(sitePackages: string): void {
  fs.rmSync(path.join(sitePackages, '.lock'), { force: true });
  for (const entry of fs.readdirSync(sitePackages)) {
    if (!entry.endsWith('.dist-info')) continue;
    const stamp = path.join(sitePackages, entry, 'uv_cache.json');
    if (!fs.existsSync(stamp)) continue;
    fs.rmSync(stamp);
    const record = path.join(sitePackages, entry, 'RECORD');
    if (fs.existsSync(record)) {
      const lines = fs.readFileSync(record, 'utf8').split('\n');
      fs.writeFileSync(record, lines.filter((line) => !line.startsWith(`${entry}/uv_cache.json,`)).join('\n'));
    }
  }
}

export type PythonInstallerName = 'uv' | 'pip';

/** The installer of Python layers: PYTHON_INSTALLER, uv unless it says pip. */
export function pythonInstallerOf(env: NodeJS.ProcessEnv): PythonInstallerName {
  const chosen = env['PYTHON_INSTALLER'] || 'uv';
  if (chosen !== 'uv' && chosen !== 'pip') throw pythonInstallerUnknown(chosen);
  return chosen;
}

/** What goes into a Python layer's input hash for the tool: its name and the version the toolchain's lock pins (no process runs). */
export function pythonInstallerTool(name: PythonInstallerName, projectRoot: string): { name: string; version: string } {
  return { name, version: toolchainVersions(projectRoot)[name] ?? 'unknown' };
}

/**
 * uv (or pip) for Lambda's platform and Python version into `python/`, wheels only, with safe
 * slimming. A locked target installs exactly its lock from the wheel cache (fetching what is missing
 * first); an unlocked layer resolves requirements.txt from the index.
 */
export function pythonInstaller(target: LayerTarget, source: PythonLayerSource, options: LayerBuildOptions, installer: PythonInstallerName): LayerInstaller {
  const pythonTarget: PythonTarget = lockSpecOf(target);
  return {
    family: pythonFamily,
    tool: pythonInstallerTool(installer, options.toolHome),
    inputFiles: pythonInputFiles(source, target),
    defaultSlimming: PYTHON_SLIMMING,
    async install(treeDir, reason) {
      const sitePackages = path.join(treeDir, 'python');
      fs.mkdirSync(sitePackages, { recursive: true });
      const toolchain = await ensurePythonToolchain({ env: options.env, projectRoot: options.toolHome, progress: (line) => options.step.update(line) });
      const key = lockTargetKey(pythonTarget);
      const locked = source.locks?.[key];
      const settings = pythonIndexSettings(options.env);
      const cache = path.join(options.buildDir, 'cache');
      let install: InstallSource = { requirements: 'requirements.txt', requireHashes: source.requireHashes };
      if (locked) {
        const wheels = wheelCacheDir(options.env);
        await ensureWheels(target.layer, locked.target, {
          cacheDir: wheels,
          toolchain,
          env: options.env,
          pipCacheDir: path.join(cache, 'pip'),
          progress: (line) => options.step.update(line),
        });
        install = { requirements: lockFileName(pythonTarget), requireHashes: true, lockedFrom: lockedWheelDirs(wheels, locked.target) };
      }
      const from = locked ? `from ${lockFileName(pythonTarget)}, ${locked.target.distributions.length} pinned` : 'from requirements.txt';
      const label = `${installer} for ${uvPythonPlatform(pythonTarget.architecture, pythonPlatformOf(pythonTarget.pythonVersion))}, Python ${pythonTarget.pythonVersion} ${from} (${reason})`;
      const where = `Layer "${target.layer}" (Python ${pythonTarget.pythonVersion}, ${pythonTarget.architecture})`;
      // Run in the layer folder so relative paths in requirements.txt (-r, -c, local wheels) resolve as they do by hand.
      if (installer === 'uv') {
        const result = await withTicker(options.step, label, () =>
          runCommand(toolchain.uv, uvInstallArgs(pythonTarget, install, sitePackages, path.join(cache, 'uv'), settings), {
            env: locked ? uvLockedEnvironment(options.env) : uvEnvironment(options.env),
            cwd: source.dir,
          }),
        );
        if (result.code !== 0) throw layerInstallFailed(explainUvFailure(where, pythonTarget, result.output, settings));
        dropInstallerLeftovers(sitePackages);
        return;
      }
      const result = await withTicker(options.step, label, () =>
        runCommand(toolchain.python, pipInstallArgs(pythonTarget, install, sitePackages, path.join(cache, 'pip'), settings), {
          env: pipEnvironment(options.env),
          cwd: source.dir,
        }),
      );
      if (result.code !== 0) {
        // pip says only "no matching distribution" when its index does not answer with retries off; ask the index.
        const nothingFound = /No matching distribution found|Could not find a version/.test(result.output);
        const unreachable = nothingFound && !locked ? await firstUnreachableIndex(indexesOf(settings)) : undefined;
        throw layerInstallFailed(explainPipFailure(where, pythonTarget, result.output, settings, unreachable));
      }
    },
    packages: (treeDir) =>
      withPythonDetails(listPythonPackages(treeDir, source.provides, source.extras), pythonTarget, source.locks?.[lockTargetKey(pythonTarget)]?.target),
    provides: (packages) => [...new Set(packages.flatMap((pkg) => pkg.modules ?? []))].sort(),
  };
}

/** A lock that does not match requirements.txt, or lacks the target, stops the build before anything installs. */
export function assertLockFits(target: LayerTarget, source: PythonLayerSource): void {
  if (!source.locks) return;
  const spec = lockSpecOf(target);
  const lock = source.locks[lockTargetKey(spec)];
  if (!lock) {
    const has = Object.values(source.locks).map((other) => other.file);
    throw layerLockStale(
      target.layer,
      lockFileName(spec),
      `is missing (the layer has ${has.join(', ')}), and an environment now builds it for ${lockTargetKey(spec)}`,
      lockCommand(target.layer),
    );
  }
  const stale = lockStaleness(lock.requirements, requirementFileHashes(source.files));
  if (stale) {
    throw layerLockStale(
      target.layer,
      lock.file,
      `no longer matches its requirements (${stale}), so the build would not install what requirements.txt asks for`,
      lockCommand(target.layer),
    );
  }
}

/** Builds (or reuses) one Python layer tree with Lambda's layout, `python/`; from the lock when there is one. */
export async function buildPythonLayer(target: LayerTarget, source: PythonLayerSource, options: LayerBuildOptions): Promise<LayerBuildResult> {
  assertLockFits(target, source);
  return buildLayer(target, source, pythonInstaller(target, source, options, pythonInstallerOf(options.env)), options);
}

export { floatingPackages, floatingWarning } from './floating';

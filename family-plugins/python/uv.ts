import { Architecture } from '../../config/environments';
import { pythonPlatformOf, uvPythonPlatform } from './platform';
import { indexesOf, PythonIndexSettings, uvIndexArgs } from './python-index';

/**
 * uv, the resolver and default installer of Python layers, as arguments. uv evaluates markers and
 * picks wheels for the target it is given (`--python-platform`, `--python-version`), not for the
 * machine it runs on, and builds nothing (`--only-binary :all:`): a source build would compile for
 * this machine, not for Lambda.
 */

export interface PythonTarget {
  readonly architecture: Architecture;
  /** e.g. "3.12". */
  readonly pythonVersion: string;
}

function platformArgs(target: PythonTarget): string[] {
  return [
    '--python-platform',
    uvPythonPlatform(target.architecture, pythonPlatformOf(target.pythonVersion)),
    '--python-version',
    target.pythonVersion,
    '--only-binary',
    ':all:',
  ];
}

/** What a resolution may move: by default nothing that still fits (the pins already in the output file are kept). */
export interface UpgradeSettings {
  /** Every package may move to its newest version (uv's `--upgrade`; the output file's pins are ignored). */
  readonly all?: boolean;
  /** These packages may move, every other pin stays (uv's `--upgrade-package`). */
  readonly packages?: readonly string[];
}

/** What a resolution reads and writes, and where it looks. */
export interface UvCompile {
  /** The requirements file, relative to the folder uv runs in. */
  readonly requirements: string;
  /** The PEP 751 lock uv writes; when it exists, its pins are uv's preferences. */
  readonly output: string;
  /** uv's own cache. */
  readonly cacheDir: string;
  readonly settings: PythonIndexSettings;
  readonly upgrade?: UpgradeSettings;
  /** Folders of wheels to look in besides the settings' (the wheel cache's, offline). */
  readonly findLinks?: readonly string[];
}

/**
 * uv's resolution of a requirements file for one target, written as a PEP 751 lock (`pylock.<name>.toml`) that names
 * every wheel it saw with its hash. When the output file exists, uv keeps each of its pins that still satisfies the
 * requirements (its preferences), unless the upgrade settings let them move.
 */
export function uvCompileArgs(target: PythonTarget, compile: UvCompile): string[] {
  const { requirements, output, cacheDir, settings, upgrade = {} } = compile;
  // --refresh: a lock sees the index as it is now, not as uv's cache last saw it (offline there is nothing else to see, and uv refuses both).
  return [
    'pip',
    'compile',
    requirements,
    ...platformArgs(target),
    '--format',
    'pylock.toml',
    '--no-header',
    '--quiet',
    ...(settings.offline ? [] : ['--refresh']),
    '--cache-dir',
    cacheDir,
    '--output-file',
    output,
    ...uvIndexArgs(settings),
    ...(compile.findLinks ?? []).flatMap((dir) => ['--find-links', dir]),
    ...(upgrade.all ? ['--upgrade'] : (upgrade.packages ?? []).flatMap((name) => ['--upgrade-package', name])),
  ];
}

export interface InstallSource {
  /** The requirements file: the target's lock, or requirements.txt when the layer has none. */
  readonly requirements: string;
  /** The lock's wheels are in these folders (of the wheel cache): install from them alone, with no index, no resolution and every hash checked. */
  readonly lockedFrom?: readonly string[];
  /** requirements.txt pins hashes itself. */
  readonly requireHashes: boolean;
}

/**
 * uv installing into a layer tree for the target; from the wheel cache alone when the layer is locked (then uv must
 * run in uvLockedEnvironment, so no folder or index of the caller's is added). Files are copied, never linked into uv's cache.
 */
export function uvInstallArgs(target: PythonTarget, source: InstallSource, targetDir: string, cacheDir: string, settings: PythonIndexSettings): string[] {
  return [
    'pip',
    'install',
    '--target',
    targetDir,
    '--requirement',
    source.requirements,
    ...platformArgs(target),
    '--link-mode',
    'copy',
    '--quiet',
    '--cache-dir',
    cacheDir,
    ...(source.lockedFrom
      ? ['--no-deps', '--require-hashes', '--no-index', ...source.lockedFrom.flatMap((dir) => ['--find-links', dir]), '--offline']
      : [...(source.requireHashes ? ['--require-hashes'] : []), ...uvIndexArgs(settings)]),
  ];
}

/** The environment uv runs in: never a downloaded interpreter, no virtual environment of the caller's. */
export function uvEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...env, UV_PYTHON_DOWNLOADS: 'never', UV_NO_PROGRESS: '1' };
  for (const key of ['VIRTUAL_ENV', 'UV_SYSTEM_PYTHON', 'UV_LINK_MODE', 'UV_COMPILE_BYTECODE', 'UV_NO_BINARY', 'UV_NO_BUILD_ISOLATION']) delete clean[key];
  return clean;
}

/** The variables that tell uv where packages come from. */
const UV_SOURCES = ['UV_DEFAULT_INDEX', 'UV_INDEX_URL', 'UV_INDEX', 'UV_EXTRA_INDEX_URL', 'UV_FIND_LINKS', 'UV_NO_INDEX'];

/** The environment of a locked install: uvEnvironment without the caller's indexes and folders of wheels, so uv sees the locked wheels alone. */
export function uvLockedEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = uvEnvironment(env);
  for (const key of UV_SOURCES) delete clean[key];
  return clean;
}

const NETWORK = /Failed to fetch|error sending request|dns error|Connection refused|client error \(Connect\)|timed out|Network connectivity is disabled/;

/** The sentence that says why uv failed and what to do, from uv's own output. */
export function explainUvFailure(where: string, target: PythonTarget, output: string, settings: PythonIndexSettings): string {
  const platform = uvPythonPlatform(target.architecture, pythonPlatformOf(target.pythonVersion));
  const lastLines = output.trim().split('\n').slice(-10).join('\n');
  if (/Hash mismatch for/.test(output)) {
    const pkg = /Hash mismatch for `([^`]+)`/.exec(output)?.[1] ?? 'a package';
    return `${where}: the file of ${pkg} does not match its pinned hash. The index (or the wheel cache) serves another file under that name; check it, or refresh the pin (the lock) if the new file is the one you want.\n${lastLines}`;
  }
  if (/In `--require-hashes` mode, all requirements must have a hash|Hash-checking is required, but no trusted hash was provided/.test(output)) {
    return `${where}: requirements.txt pins hashes, so every package needs one, dependencies included. Pin them all, or lock the layer (npm run layers:lock) and let the lock pin them.\n${lastLines}`;
  }
  const folder = /Failed to read `--find-links` directory: (.+)/.exec(output)?.[1]?.trim();
  if (folder) {
    return `${where}: UV_FIND_LINKS names ${folder}, which is not a folder that can be read. Point UV_FIND_LINKS at a folder of wheels, or unset it.\n${lastLines}`;
  }
  if (settings.offline && /network (?:was|is) disabled|Network connectivity is disabled/i.test(output)) {
    const pkg =
      /Because (\S+?) was not found in the cache/.exec(output)?.[1] ??
      /Because (?:there (?:is|are) no versions? of )?(\S+?)(?:[=<>!~]\S*)? /.exec(output)?.[1] ??
      'a package';
    return (
      `${where}: UV_OFFLINE is set, so nothing is downloaded, and ${pkg} is in no folder of wheels (${settings.findLinks.join(', ') || 'UV_FIND_LINKS is not set'}) nor in uv's cache. ` +
      `Unset UV_OFFLINE where the index can be reached, or add a folder that holds it to UV_FIND_LINKS.\n${lastLines}`
    );
  }
  if (NETWORK.test(output)) {
    return (
      `${where}: uv could not reach the package index (tried ${indexesOf(settings).join(', ') || 'none'}). ` +
      'Set UV_DEFAULT_INDEX to a reachable index (or UV_INDEX for more, UV_FIND_LINKS for a folder of wheels), or fix the network.\n' +
      lastLines
    );
  }
  const noWheel = /Because (\S+?)(?:==\S+)? has no (?:wheels with a matching (?:platform|Python ABI|Python implementation) tag|usable wheels)/.exec(
    output,
  )?.[1];
  if (noWheel) {
    return (
      `${where}: there is no wheel of ${noWheel} for ${platform} (glibc ${pythonPlatformOf(target.pythonVersion).glibc.join('.')} or older) and CPython ${target.pythonVersion}. ` +
      'Source builds are not allowed (--only-binary :all:) because they would compile for this machine, not for Lambda. ' +
      `Pin a version that ships such a wheel or a pure-Python one, or choose another package.\n${lastLines}`
    );
  }
  const missing = /Because (\S+?) was not found in the (?:package registry|provided package locations)/.exec(output)?.[1];
  if (missing && settings.noIndex) {
    return (
      `${where}: ${missing} is in none of the folders of wheels (${settings.findLinks.join(', ') || 'none: UV_FIND_LINKS is not set'}), and UV_NO_INDEX keeps uv from every index. ` +
      `Check its name, add a folder that holds it to UV_FIND_LINKS, or unset UV_NO_INDEX.\n${lastLines}`
    );
  }
  if (missing) {
    return `${where}: ${missing} is on none of the indexes (${indexesOf(settings).join(', ') || 'none'}). Check its name, or add the index that has it (UV_INDEX).\n${lastLines}`;
  }
  if (/No solution found when resolving/.test(output)) {
    return `${where}: the requirements cannot all hold at once for ${platform} and CPython ${target.pythonVersion}; uv says why:\n${lastLines}`;
  }
  return `${where}: uv failed.\n${lastLines}`;
}

import { Architecture } from '../../config/environments';
import { pythonPlatformOf, uvPythonPlatform } from '../../config/lambda-platform';

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

/** Where Python packages come from: uv's own variables, which uv reads itself and pip is given as options. */
export interface PythonIndexSettings {
  /** UV_DEFAULT_INDEX (or UV_INDEX_URL); PyPI when unset. */
  readonly defaultIndex?: string;
  /** UV_INDEX (or UV_EXTRA_INDEX_URL), space-separated; a `name=` prefix is dropped. */
  readonly extraIndexes: readonly string[];
  /** UV_FIND_LINKS: folders or pages of wheels, comma- or space-separated. */
  readonly findLinks: readonly string[];
  /** UV_NO_INDEX: only the find-links. */
  readonly noIndex: boolean;
  /** UV_OFFLINE: nothing is downloaded; wheels must already be in the wheel cache. */
  readonly offline: boolean;
}

const TRUE = /^(1|true|yes|on)$/i;

export function pythonIndexSettings(env: NodeJS.ProcessEnv): PythonIndexSettings {
  const list = (value: string | undefined, separator: RegExp): string[] =>
    (value ?? '')
      .split(separator)
      .map((item) => item.trim())
      .filter(Boolean);
  const defaultIndex = env['UV_DEFAULT_INDEX'] || env['UV_INDEX_URL'];
  return {
    ...(defaultIndex ? { defaultIndex } : {}),
    extraIndexes: list(env['UV_INDEX'] || env['UV_EXTRA_INDEX_URL'], /\s+/).map((entry) => entry.replace(/^[A-Za-z0-9_-]+=(?=[a-z][a-z0-9+.-]*:)/i, '')),
    findLinks: list(env['UV_FIND_LINKS'], /[\s,]+/),
    noIndex: TRUE.test(env['UV_NO_INDEX'] ?? ''),
    offline: TRUE.test(env['UV_OFFLINE'] ?? ''),
  };
}

/** The index that answers when nothing else is configured. */
export const DEFAULT_INDEX = 'https://pypi.org/simple';

/** The indexes a resolution asks, for messages. */
export function indexesOf(settings: PythonIndexSettings): string[] {
  if (settings.noIndex) return [...settings.findLinks];
  return [settings.defaultIndex ?? DEFAULT_INDEX, ...settings.extraIndexes, ...settings.findLinks];
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

/** uv's resolution of a requirements file for one target, written as a PEP 751 lock (`pylock.<name>.toml`) that names every wheel it saw with its hash. */
export function uvCompileArgs(target: PythonTarget, requirements: string, output: string, cacheDir: string): string[] {
  // --refresh: a lock sees the index as it is now, not as uv's cache last saw it.
  return [
    'pip',
    'compile',
    requirements,
    ...platformArgs(target),
    '--format',
    'pylock.toml',
    '--no-header',
    '--quiet',
    '--refresh',
    '--cache-dir',
    cacheDir,
    '--output-file',
    output,
  ];
}

export interface InstallSource {
  /** The requirements file: the target's lock, or requirements.txt when the layer has none. */
  readonly requirements: string;
  /** The lock's wheels are in this folder: install from it alone, with no index, no resolution and every hash checked. */
  readonly lockedFrom?: string;
  /** requirements.txt pins hashes itself. */
  readonly requireHashes: boolean;
}

/** uv installing into a layer tree for the target; from the wheel cache alone when the layer is locked. Files are copied, never linked into uv's cache. */
export function uvInstallArgs(target: PythonTarget, source: InstallSource, targetDir: string, cacheDir: string): string[] {
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
      ? ['--no-deps', '--require-hashes', '--no-index', '--find-links', source.lockedFrom, '--offline']
      : source.requireHashes
        ? ['--require-hashes']
        : []),
  ];
}

/** The environment uv runs in: never a downloaded interpreter, no virtual environment of the caller's. */
export function uvEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...env, UV_PYTHON_DOWNLOADS: 'never', UV_NO_PROGRESS: '1' };
  for (const key of ['VIRTUAL_ENV', 'UV_SYSTEM_PYTHON', 'UV_LINK_MODE', 'UV_COMPILE_BYTECODE', 'UV_NO_BINARY', 'UV_NO_BUILD_ISOLATION']) delete clean[key];
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
  if (missing) {
    return `${where}: ${missing} is on none of the indexes (${indexesOf(settings).join(', ') || 'none'}). Check its name, or add the index that has it (UV_INDEX).\n${lastLines}`;
  }
  if (/No solution found when resolving/.test(output)) {
    return `${where}: the requirements cannot all hold at once for ${platform} and CPython ${target.pythonVersion}; uv says why:\n${lastLines}`;
  }
  return `${where}: uv failed.\n${lastLines}`;
}

import { manylinuxTags, pythonPlatformOf } from './platform';
import { InstallSource, PythonTarget } from './uv';
import { PythonIndexSettings, indexesOf, pipIndexArgs } from './python-index';

/**
 * pip, the project toolchain's other installer (npm run bench sets it against uv) and the tool that
 * fetches locked wheels into the wheel cache, as arguments. It is given the same indexes as uv, from
 * uv's variables, and reads no pip.conf, so both see one source of packages.
 */

/** pip's options that make it choose wheels for Lambda's platform and Python version, never the host's, and build nothing. */
export function pipPlatformArgs(target: PythonTarget): string[] {
  const platforms = manylinuxTags(target.architecture, pythonPlatformOf(target.pythonVersion)).flatMap((tag) => ['--platform', tag]);
  return [...platforms, '--implementation', 'cp', '--python-version', target.pythonVersion, '--only-binary=:all:'];
}

const QUIET = ['--no-input', '--progress-bar', 'off', '--disable-pip-version-check'];

/** pip installing into a layer tree: from the wheel cache alone when the layer is locked, else resolving from the indexes. */
export function pipInstallArgs(target: PythonTarget, source: InstallSource, targetDir: string, cacheDir: string, settings: PythonIndexSettings): string[] {
  return [
    '-m',
    'pip',
    'install',
    '--requirement',
    source.requirements,
    '--target',
    targetDir,
    ...pipPlatformArgs(target),
    '--no-compile',
    ...QUIET,
    '--cache-dir',
    cacheDir,
    ...(source.lockedFrom
      ? ['--no-deps', '--require-hashes', '--no-index', ...source.lockedFrom.flatMap((dir) => ['--find-links', dir])]
      : [...(source.requireHashes ? ['--require-hashes'] : []), ...pipIndexArgs(settings)]),
  ];
}

/** pip downloading exactly the pinned, hashed wheels of a requirements file for the target, nothing else. */
export function pipDownloadArgs(target: PythonTarget, requirements: string, dest: string, cacheDir: string, settings: PythonIndexSettings): string[] {
  return [
    '-m',
    'pip',
    'download',
    '--no-deps',
    '--require-hashes',
    '--requirement',
    requirements,
    '--dest',
    dest,
    ...pipPlatformArgs(target),
    ...QUIET,
    '--cache-dir',
    cacheDir,
    ...pipIndexArgs(settings),
  ];
}

/** Settings that would fight --target, write outside the tree or read configuration files of this machine. */
const CONFLICTING = [
  'PIP_TARGET',
  'PIP_PREFIX',
  'PIP_ROOT',
  'PIP_USER',
  'PIP_SRC',
  'PIP_COMPILE',
  'PIP_REQUIRE_VIRTUALENV',
  'PIP_INDEX_URL',
  'PIP_EXTRA_INDEX_URL',
  'PIP_FIND_LINKS',
  'PIP_NO_INDEX',
  'PIP_CONSTRAINT',
];

/** The environment pip runs in: no pip.conf (the indexes come as options), no conflicting settings; certificates and proxies stay. */
export function pipEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...env, PIP_CONFIG_FILE: '/dev/null', PIP_ROOT_USER_ACTION: 'ignore', PYTHONDONTWRITEBYTECODE: '1' };
  for (const key of CONFLICTING) delete clean[key];
  return clean;
}

const NETWORK =
  /NewConnectionError|Failed to establish a new connection|Name or service not known|Temporary failure in name resolution|Connection refused|ConnectTimeoutError|ReadTimeoutError|Max retries exceeded|ProxyError|SSLError|Could not fetch URL/;

/** The sentence that says why pip failed and what to do, from pip's own output and, when it found nothing, whether its index answers. */
export function explainPipFailure(where: string, target: PythonTarget, output: string, settings: PythonIndexSettings, unreachableIndex?: string): string {
  const requirement =
    /Could not find a version that satisfies the requirement (\S+)/.exec(output)?.[1] ?? /No matching distribution found for (\S+)/.exec(output)?.[1];
  const found = /\(from versions: ([^)]*)\)/.exec(output)?.[1];
  const lastLines = output.trim().split('\n').slice(-8).join('\n');
  if (/THESE PACKAGES DO NOT MATCH THE HASHES/.test(output)) {
    const pkg = /^\s+(\S+) from /m.exec(output)?.[1] ?? 'a package';
    return `${where}: the download of ${pkg} does not match its pinned hash. Check the pin; if the new file is the one you want, update its --hash (or refresh the lock).\n${lastLines}`;
  }
  if (/Hashes are required in --require-hashes mode|In --require-hashes mode, all requirements must have their versions pinned/.test(output)) {
    return `${where}: requirements.txt pins hashes, so every package needs one, dependencies included. Pin them all, or lock the layer (npm run layers:lock).\n${lastLines}`;
  }
  if (NETWORK.test(output) || unreachableIndex) {
    const index = unreachableIndex || indexesOf(settings).join(', ');
    return (
      `${where}: pip could not reach the package index for ${requirement ?? 'a requirement'} (tried ${index}). ` +
      'Set UV_DEFAULT_INDEX to a reachable index (or UV_INDEX for more, UV_FIND_LINKS for a folder of wheels), or fix the network.\n' +
      lastLines
    );
  }
  if (requirement && (settings.noIndex || settings.offline) && (!found?.trim() || found.trim() === 'none')) {
    // pip says the same whether the folders lack the package or hold it only for another platform.
    const why = settings.noIndex
      ? 'UV_NO_INDEX keeps pip from every index'
      : 'UV_OFFLINE keeps pip from every index (pip has no offline mode: it gets --no-index)';
    const platform = manylinuxTags(target.architecture, pythonPlatformOf(target.pythonVersion))[0];
    return (
      `${where}: none of the folders of wheels (${settings.findLinks.join(', ') || 'none: UV_FIND_LINKS is not set'}) has a wheel of ${requirement} for ${platform} ` +
      `(or an older manylinux) and CPython ${target.pythonVersion}, and ${why}. Check its name and that such a wheel is there (source builds are not allowed), ` +
      `add a folder that holds one to UV_FIND_LINKS, or unset ${settings.noIndex ? 'UV_NO_INDEX' : 'UV_OFFLINE'}.`
    );
  }
  if (requirement) {
    const platform = manylinuxTags(target.architecture, pythonPlatformOf(target.pythonVersion))[0];
    return (
      `${where}: there is no wheel of ${requirement} for ${platform} (or an older manylinux) and CPython ${target.pythonVersion} ` +
      `(versions pip could see: ${found?.trim() || 'none'}). Source builds are not allowed (--only-binary=:all:) because ` +
      `they would compile for this machine, not for Lambda. Pin a version that ships such a wheel or a pure-Python one, or choose another package.`
    );
  }
  return `${where}: pip failed.\n${lastLines}`;
}

/** The first index that does not answer at all (connection refused, no such host, timeout); undefined when every one answers. */
export async function firstUnreachableIndex(indexes: readonly string[], timeoutMs = 5000): Promise<string | undefined> {
  for (const index of indexes) {
    if (!/^https?:/.test(index)) continue;
    try {
      await fetch(index.endsWith('/') ? index : `${index}/`, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    } catch {
      return index;
    }
  }
  return undefined;
}

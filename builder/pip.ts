import { runCommand } from './run-command';
import { Architecture } from '../config/environments';
import { pipNotFound, pythonForPipNotFound } from '../project/errors';

/** The Python that runs pip, and pip's version. */
export interface PipCommand {
  readonly python: string;
  readonly version: string;
}

/** pip's names for Lambda's platforms. */
export const PIP_PLATFORM: Readonly<Record<Architecture, string>> = {
  x86_64: 'manylinux2014_x86_64',
  arm64: 'manylinux2014_aarch64',
};

const located = new Map<string, PipCommand>();

/**
 * Finds pip: the interpreter in PYTHON, else python3. Reads pip's version without
 * running pip, so a cache hit runs no package manager; once per interpreter and PATH
 * in a process, since every Python layer of a build asks.
 */
export async function locatePip(env: NodeJS.ProcessEnv): Promise<PipCommand> {
  const python = env['PYTHON'] || 'python3';
  const key = `${python}\n${env['PATH'] ?? ''}\n${env['PYENV_VERSION'] ?? ''}`;
  const known = located.get(key);
  if (known) return known;
  const probe = await runCommand(python, ['-c', "import importlib.metadata as m; print(m.version('pip'))"], { env });
  if (probe.missing) {
    throw pythonForPipNotFound(python);
  }
  if (probe.code !== 0) {
    throw pipNotFound(python, probe.output);
  }
  const pip = { python, version: probe.output.trim() };
  located.set(key, pip);
  return pip;
}

/** Settings that would fight --target or write outside the tree. */
const CONFLICTING = ['PIP_TARGET', 'PIP_PREFIX', 'PIP_ROOT', 'PIP_USER', 'PIP_SRC', 'PIP_COMPILE', 'PIP_REQUIRE_VIRTUALENV'];

/** The parent's environment for pip: its own configuration (index, links, pip.conf) stays, conflicting settings go. */
export function pipEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...env, PIP_ROOT_USER_ACTION: 'ignore', PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONDONTWRITEBYTECODE: '1' };
  for (const key of CONFLICTING) delete clean[key];
  return clean;
}

export interface PipTarget {
  readonly architecture: Architecture;
  readonly pythonVersion: string;
}

/** The options that make pip choose wheels for Lambda's platform and Python version, never the host's, and build nothing. */
function lambdaPlatformArgs(target: PipTarget): string[] {
  return [
    '--platform',
    PIP_PLATFORM[target.architecture],
    '--implementation',
    'cp',
    '--python-version',
    target.pythonVersion,
    '--only-binary=:all:',
  ];
}

/**
 * pip install for Lambda's platform: wheels only, no compiling, into `--target`.
 * `locked` installs exactly the listed files: no dependency resolution, every hash required.
 */
export function pipInstallArgs(target: PipTarget, requirements: string, targetDir: string, cacheDir: string, requireHashes: boolean, locked = false): string[] {
  return [
    '-m',
    'pip',
    'install',
    '--requirement',
    requirements,
    '--target',
    targetDir,
    ...lambdaPlatformArgs(target),
    '--no-compile',
    '--no-input',
    '--progress-bar',
    'off',
    '--cache-dir',
    cacheDir,
    ...(requireHashes || locked ? ['--require-hashes'] : []),
    ...(locked ? ['--no-deps'] : []),
  ];
}

/**
 * pip's own resolution for Lambda's platform, without installing: `--dry-run --report`
 * lists every distribution it would install, with the wheel it chose and its sha256.
 * `--ignore-installed` so that nothing installed on this machine satisfies a requirement.
 */
export function pipResolveArgs(target: PipTarget, requirements: string, scratchDir: string, reportFile: string, cacheDir: string): string[] {
  return [
    '-m',
    'pip',
    'install',
    '--dry-run',
    '--ignore-installed',
    '--report',
    reportFile,
    '--requirement',
    requirements,
    // pip takes platform options only with --target, even for a dry run.
    '--target',
    scratchDir,
    ...lambdaPlatformArgs(target),
    '--no-input',
    '--progress-bar',
    'off',
    '--quiet',
    '--cache-dir',
    cacheDir,
  ];
}

const NETWORK = /NewConnectionError|Failed to establish a new connection|Name or service not known|Temporary failure in name resolution|Connection refused|ConnectTimeoutError|ReadTimeoutError|Max retries exceeded|ProxyError|SSLError|Could not fetch URL/;

/** The sentence that says why pip failed and what to do, from pip's own output and, when it found nothing, whether its index answers. */
export function explainPipFailure(layer: string, target: PipTarget, output: string, env: NodeJS.ProcessEnv, unreachableIndex?: string): string {
  const where = `Layer "${layer}" (Python ${target.pythonVersion}, ${target.architecture})`;
  const requirement =
    /Could not find a version that satisfies the requirement (\S+)/.exec(output)?.[1] ?? /No matching distribution found for (\S+)/.exec(output)?.[1];
  const found = /\(from versions: ([^)]*)\)/.exec(output)?.[1];
  const lastLines = output.trim().split('\n').slice(-8).join('\n');
  if (/THESE PACKAGES DO NOT MATCH THE HASHES/.test(output)) {
    const pkg = /^\s+(\S+) from /m.exec(output)?.[1] ?? 'a package';
    return `${where}: the download of ${pkg} does not match the hash pinned in requirements.txt. Check the pin; if the new file is the one you want, update its --hash.\n${lastLines}`;
  }
  if (/Hashes are required in --require-hashes mode|In --require-hashes mode, all requirements must have their versions pinned/.test(output)) {
    return `${where}: requirements.txt pins hashes, so pip requires one for every package, dependencies included. Pin them all (pip-compile --generate-hashes does).\n${lastLines}`;
  }
  if (NETWORK.test(output) || unreachableIndex) {
    const index = unreachableIndex || env['PIP_INDEX_URL'] || /Could not fetch URL (https?:\/\/[^\s:]+)/.exec(output)?.[1] || 'https://pypi.org/simple (or the index-url of pip.conf)';
    return (
      `${where}: pip could not reach the package index for ${requirement ?? 'a requirement'} (tried ${index}). ` +
      'Set PIP_INDEX_URL to a reachable index (or PIP_EXTRA_INDEX_URL, or PIP_FIND_LINKS to a folder of wheels), or fix the network.\n' +
      lastLines
    );
  }
  if (requirement) {
    const platform = PIP_PLATFORM[target.architecture];
    return (
      `${where}: there is no wheel of ${requirement} for ${platform} and CPython ${target.pythonVersion} ` +
      `(versions pip could see: ${found?.trim() || 'none'}). Source builds are not allowed (--only-binary=:all:) because ` +
      `they would compile for this machine, not for Lambda. Pin a version that ships a ${platform} or pure-Python wheel, or choose another package.`
    );
  }
  return `${where}: pip install failed.\n${lastLines}`;
}

const TRUE = /^(1|true|yes|on)$/i;

/** The index URLs pip would ask, from its environment variables, its configuration files, or its default. */
export async function pipIndexes(pip: PipCommand, env: NodeJS.ProcessEnv, cwd: string): Promise<string[]> {
  if (TRUE.test(env['PIP_NO_INDEX'] ?? '')) return [];
  const fromEnv = [env['PIP_INDEX_URL'], ...(env['PIP_EXTRA_INDEX_URL'] ?? '').split(/\s+/)].filter((url): url is string => Boolean(url));
  const config = await runCommand(pip.python, ['-m', 'pip', 'config', 'list'], { env, cwd });
  const fromConfig: string[] = [];
  let primary: string | undefined;
  for (const line of config.output.split('\n')) {
    const match = /^[\w:.-]*?(index-url|extra-index-url|no-index)='?([^']*)'?$/.exec(line.trim());
    if (!match) continue;
    if (match[1] === 'no-index' && TRUE.test(match[2]!)) return fromEnv;
    if (match[1] === 'index-url') primary = match[2];
    else fromConfig.push(...match[2]!.split(/\s+/).filter(Boolean));
  }
  const first = env['PIP_INDEX_URL'] ? [] : [primary ?? 'https://pypi.org/simple'];
  return [...new Set([...fromEnv, ...first, ...fromConfig])];
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

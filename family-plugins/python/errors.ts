import { ProjectErrorCode, UserError, seeHelp } from '../../project/errors';
import { didYouMean } from '../../project/text';

/**
 * Python's plug-in: the errors a user can fix, one factory each, each message made from the values it names: its toolchain,
 * its locks and wheels, its installers, reading its functions' imports and its local runtime.
 * The CLI assembles the codes with every folder's (pythonPlugin.errorCodes).
 */

export const PYTHON_ERROR_CODES = [
  'LAYER_LOCK_FAILED',
  'LAYER_LOCK_INVALID',
  'LAYER_LOCK_STALE',
  'LOCAL_QUEUE_FAILED',
  'PYTHON_INSTALLER_UNKNOWN',
  'PYTHON_NOT_FOUND',
  'PYTHON_RUNTIME_MISSING',
  'PYTHON_SYNTAX',
  'TOOLCHAIN_INSTALL_FAILED',
  'TOOLCHAIN_LOCK_STALE',
  'TOOLCHAIN_PYTHON_MISSING',
  'WHEELS_NOT_CACHED',
  'WHEEL_FETCH_FAILED',
] as const;
export type PythonErrorCode = (typeof PYTHON_ERROR_CODES)[number];

export function pythonForImportsNotFound(folder: string, python: string, failure: string | undefined, pythonVersion: string): UserError<PythonErrorCode> {
  return new UserError<PythonErrorCode>(
    'PYTHON_NOT_FOUND',
    `Reading the imports of ${folder} needs a Python interpreter, and ${python} ${failure === undefined ? 'was not found' : `failed: ${failure}`}. ` +
      `Install Python ${pythonVersion} (or any Python 3), or set PYTHON${pythonVersion.replace('.', '_')} or PYTHON.`,
  );
}

export function pythonSyntax(file: string, error: string): UserError<PythonErrorCode> {
  return new UserError<PythonErrorCode>(
    'PYTHON_SYNTAX',
    `${file}: ${error}. The function cannot be imported on Lambda (Runtime.UserCodeSyntaxError); fix the file.`,
  );
}

export function layerLockFailed(explanation: string): UserError<PythonErrorCode> {
  return new UserError<PythonErrorCode>('LAYER_LOCK_FAILED', explanation);
}

export function wheelsNotCached(layer: string, target: string, wheels: readonly string[], cacheDir: string): UserError<PythonErrorCode> {
  const shown = wheels.length > 4 ? `${wheels.slice(0, 4).join(', ')} and ${wheels.length - 4} more` : wheels.join(', ');
  return new UserError<PythonErrorCode>(
    'WHEELS_NOT_CACHED',
    `Layer "${layer}" (${target}) is locked to wheels the wheel cache ${cacheDir} does not hold (${shown}), and UV_OFFLINE forbids downloading them. ` +
      'Build once where the index is reachable (or unset UV_OFFLINE), or point PYTHON_WHEEL_CACHE at a cache that has them.',
  );
}

export function wheelIndexUnreachable(layer: string, target: string, index: string, missing: readonly string[], cacheDir: string): UserError<PythonErrorCode> {
  const shown = missing.slice(0, 3).join(', ') + (missing.length > 3 ? ` and ${missing.length - 3} more` : '');
  return new UserError<PythonErrorCode>(
    'WHEEL_FETCH_FAILED',
    `Layer "${layer}" (${target}): the package index cannot be reached (tried ${index}), so ${missing.length} locked wheel(s) not in the wheel cache ` +
      `(${cacheDir}) cannot be fetched: ${shown}. Set UV_DEFAULT_INDEX to a reachable index (or UV_FIND_LINKS for a folder of wheels), or fix the network; ` +
      'a build whose wheels are all in the cache needs no index.',
  );
}

export function wheelFetchFailed(explanation: string): UserError<PythonErrorCode> {
  return new UserError<PythonErrorCode>('WHEEL_FETCH_FAILED', explanation);
}

export function pythonInstallerUnknown(value: string): UserError<PythonErrorCode> {
  return new UserError<PythonErrorCode>(
    'PYTHON_INSTALLER_UNKNOWN',
    `PYTHON_INSTALLER is "${value}"; it may be "uv" (the default) or "pip". Unset it, or set one of those.`,
  );
}

export function layerLockInvalid(layer: string, why: string): UserError<PythonErrorCode> {
  return new UserError<PythonErrorCode>('LAYER_LOCK_INVALID', `Layer "${layer}": ${why}`);
}

export function layerLockStale(layer: string, lockFile: string, why: string, lockCommand: string): UserError<PythonErrorCode> {
  return new UserError<PythonErrorCode>(
    'LAYER_LOCK_STALE',
    `Layer "${layer}": layers/${layer}/${lockFile} ${why}. Run \`${lockCommand}\` and commit the lock.`,
  );
}

export function pythonRuntimeMissing(version: string, runtime: string, why: string): UserError<PythonErrorCode> {
  return new UserError<PythonErrorCode>(
    'PYTHON_RUNTIME_MISSING',
    `The local run needs Python ${version} (the ${runtime} runtime) to run the function, and there is ${why}.`,
  );
}

/** A package manager failed; `explanation` is the builder's reading of its output (what failed, and what to do). */
export function toolchainPythonMissing(versions: readonly string[]): UserError<PythonErrorCode> {
  return new UserError<PythonErrorCode>(
    'TOOLCHAIN_PYTHON_MISSING',
    `The project's Python toolchain (uv, pip, pip-audit, moto, boto3) is made from an interpreter of this machine, and there is none of Python ${versions.join(', ')} ` +
      '(looked at PYTHON3_X, pythonX.Y on PATH, pyenv and /usr). Install one (`pyenv install 3.12`, or Debian: apt-get install python3.12 python3.12-venv), ' +
      'or set PYTHON to a Python 3.10 or later. Node.js environments do not need it.',
  );
}

export function toolchainInstallFailed(command: string, output: string, missing: boolean): UserError<PythonErrorCode> {
  const lastLines = output.trim().split('\n').slice(-8).join('\n');
  const hint = /No module named venv|ensurepip is not available/.test(output)
    ? ' The interpreter has no venv module: install it (Debian: apt-get install python3-venv, or python3.X-venv).'
    : /Could not fetch URL|NewConnectionError|Name or service not known|Temporary failure in name resolution|ProxyError|Max retries exceeded/.test(output)
      ? ' pip could not reach the package index: set PIP_INDEX_URL (or pip.conf) to a reachable index, or fix the network.'
      : /THESE PACKAGES DO NOT MATCH THE HASHES/.test(output)
        ? ' A download does not match the hash in the lock: check the index (a mirror serving other files), or refresh the lock with `npm run toolchain -- --lock`.'
        : '';
  return new UserError<PythonErrorCode>(
    'TOOLCHAIN_INSTALL_FAILED',
    `Installing the project's Python toolchain failed: ${missing ? 'the command was not found' : 'this command failed'}: ${command}.${hint}\n${lastLines}`,
  );
}

export function toolchainLockStale(lockFile: string, requirementsFile: string, problems: readonly string[]): UserError<PythonErrorCode> {
  return new UserError<PythonErrorCode>(
    'TOOLCHAIN_LOCK_STALE',
    `${lockFile} does not match ${requirementsFile} (${problems.join('; ')}). Run \`npm run toolchain -- --lock\` where an index is reachable and commit the lock.`,
  );
}

// Its commands' usage errors (code USAGE, as every command's).

function usage(sentence: string, command: string): UserError<ProjectErrorCode> {
  return new UserError('USAGE', `${sentence} ${seeHelp(command)}`);
}

/** "x" is not a Python layer; Python layers are ...; `which` says what makes one (e.g. "with a requirements.txt"). */
export function notAPythonLayer(name: string, layers: readonly string[], command: string, which?: string): UserError<ProjectErrorCode> {
  return usage(`${JSON.stringify(name)} is not a Python layer; Python layers${which ? ` (${which})` : ''} are ${layers.join(', ') || 'none'}.`, command);
}

/** An advisory service pip-audit is not asked about here. */
export function auditServiceUnknown(service: string, command: string): UserError<ProjectErrorCode> {
  return usage(`The advisory service ${JSON.stringify(service)} is not one pip-audit asks here; use pypi (the index's own data) or osv.`, command);
}

/** `--upgrade-package` naming a package that no lock of the layers being locked pins. */
export function upgradePackageNotLocked(name: string, layers: readonly string[], pinned: readonly string[], command: string): UserError<ProjectErrorCode> {
  return usage(
    `--upgrade-package ${JSON.stringify(name)} names no package the locks of ${layers.join(', ')} pin.${didYouMean(name, pinned)} Give the name of a pinned package ` +
      '(each requirements.<target>.lock.txt lists them); a package not locked yet needs no upgrade: add it to requirements.txt and lock, and it comes at its newest version.',
    command,
  );
}

export function localQueueFailed(command: string, why: string, output: string): UserError<PythonErrorCode> {
  return new UserError<PythonErrorCode>(
    'LOCAL_QUEUE_FAILED',
    `The local run's SQS-compatible server (${command}) ${why}.${output.trim() ? `\n${output.trim()}` : ''}\n` +
      'It comes from the Python toolchain: check it with npm run toolchain, or free the machine of whatever stops it.',
  );
}

import { UserError } from '../project/errors';

/** The project's Python toolchain: the errors a user can fix, one factory each, each message made from the values it names. */

export const TOOLCHAIN_ERROR_CODES = ['TOOLCHAIN_INSTALL_FAILED', 'TOOLCHAIN_LOCK_STALE', 'TOOLCHAIN_PYTHON_MISSING'] as const;
export type ToolchainErrorCode = (typeof TOOLCHAIN_ERROR_CODES)[number];

/** A package manager failed; `explanation` is the builder's reading of its output (what failed, and what to do). */
export function toolchainPythonMissing(versions: readonly string[]): UserError<ToolchainErrorCode> {
  return new UserError<ToolchainErrorCode>(
    'TOOLCHAIN_PYTHON_MISSING',
    `The project's Python toolchain (uv, pip, pip-audit, moto, boto3) is made from an interpreter of this machine, and there is none of Python ${versions.join(', ')} ` +
      '(looked at PYTHON3_X, pythonX.Y on PATH, pyenv and /usr). Install one (`pyenv install 3.12`, or Debian: apt-get install python3.12 python3.12-venv), ' +
      'or set PYTHON to a Python 3.10 or later. Node.js environments do not need it.',
  );
}

export function toolchainInstallFailed(command: string, output: string, missing: boolean): UserError<ToolchainErrorCode> {
  const lastLines = output.trim().split('\n').slice(-8).join('\n');
  const hint = /No module named venv|ensurepip is not available/.test(output)
    ? ' The interpreter has no venv module: install it (Debian: apt-get install python3-venv, or python3.X-venv).'
    : /Could not fetch URL|NewConnectionError|Name or service not known|Temporary failure in name resolution|ProxyError|Max retries exceeded/.test(output)
      ? ' pip could not reach the package index: set PIP_INDEX_URL (or pip.conf) to a reachable index, or fix the network.'
      : /THESE PACKAGES DO NOT MATCH THE HASHES/.test(output)
        ? ' A download does not match the hash in the lock: check the index (a mirror serving other files), or refresh the lock with `npm run toolchain -- --lock`.'
        : '';
  return new UserError<ToolchainErrorCode>(
    'TOOLCHAIN_INSTALL_FAILED',
    `Installing the project's Python toolchain failed: ${missing ? 'the command was not found' : 'this command failed'}: ${command}.${hint}\n${lastLines}`,
  );
}

export function toolchainLockStale(lockFile: string, problems: readonly string[]): UserError<ToolchainErrorCode> {
  return new UserError<ToolchainErrorCode>(
    'TOOLCHAIN_LOCK_STALE',
    `${lockFile} does not match toolchain/requirements.txt (${problems.join('; ')}). Run \`npm run toolchain -- --lock\` where an index is reachable and commit the lock.`,
  );
}

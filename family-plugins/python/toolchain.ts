import { PythonIndexSettings, pipIndexArgs, pythonIndexSettings, uvIndexArgs } from './python-index';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findPython } from './interpreter';
import { runCommand } from '../../project/run-command';
import { writeFileAtomic } from '../../project/files';
import { toolchainInstallFailed, toolchainLockStale, toolchainPythonMissing } from './errors';
import { normalisePythonName } from './pep508';
import { parsePinnedRequirements } from './requirements-file';

/**
 * The project's own Python tools (uv, pip, pip-audit, moto's server, boto3), pinned with hashes in
 * family-plugins/python/toolchain/requirements.lock.txt and installed from it alone into a virtual environment inside the
 * project (.toolchain/python), never taken from what the machine happens to have. Only the interpreter
 * comes from the machine. Installed on first use (or `npm run toolchain`); a Node.js-only project never
 * needs it.
 */

export const TOOLCHAIN_REQUIREMENTS = path.join('family-plugins', 'python', 'toolchain', 'requirements.txt');
export const TOOLCHAIN_LOCK = path.join('family-plugins', 'python', 'toolchain', 'requirements.lock.txt');
const STAMP = 'toolchain.json';

/** Interpreter versions the toolchain may be made from, most preferred first (Lambda's default runtime's first). */
export const TOOLCHAIN_PYTHON_VERSIONS = ['3.12', '3.13', '3.14', '3.11', '3.10'] as const;

export interface PythonToolchain {
  /** The virtual environment. */
  readonly dir: string;
  /** Its interpreter. */
  readonly python: string;
  /** The uv executable it holds. */
  readonly uv: string;
  /** Each tool's version, by normalised name, as the lock pins it. */
  readonly versions: Readonly<Record<string, string>>;
}

/** Where the toolchain lives: PYTHON_TOOLCHAIN, else .toolchain/python in the project. */
export function toolchainDir(env: NodeJS.ProcessEnv, projectRoot: string): string {
  return env['PYTHON_TOOLCHAIN'] ? path.resolve(env['PYTHON_TOOLCHAIN']) : path.join(projectRoot, '.toolchain/python');
}

/**
 * The version of every distribution the lock pins for any environment (the first pin of a name wins). A layer
 * cache hit reads the installer's version here, so this looks only at the lines that start a pin.
 */
export function lockedVersions(lockText: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const match of lockText.matchAll(/^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]\n]*\])?\s*===?\s*([^\s;\\]+)/gm))
    versions[normalisePythonName(match[1])] ??= match[2];
  return versions;
}

/** What requirements.txt asks for that the lock does not pin at that version, or pins without a hash. */
export function toolchainLockProblems(requirementsText: string, lockText: string): string[] {
  const wanted = parsePinnedRequirements(requirementsText);
  const locked = parsePinnedRequirements(lockText).pins;
  const problems = wanted.problems.map((line) => `"${line}" in ${TOOLCHAIN_REQUIREMENTS} is not pinned with ==`);
  for (const pin of wanted.pins) {
    const match = locked.filter((candidate) => normalisePythonName(candidate.name) === normalisePythonName(pin.name));
    if (!match.some((candidate) => candidate.version === pin.version))
      problems.push(`${pin.name}==${pin.version} is not in the lock (it has ${match.map((m) => m.version).join(', ') || 'none'})`);
  }
  for (const pin of locked) if (pin.hashes.length === 0) problems.push(`${pin.name}==${pin.version} has no hash in the lock`);
  return problems;
}

function readProjectFile(projectRoot: string, relative: string): string {
  return fs.readFileSync(path.join(projectRoot, relative), 'utf8');
}

/** The tools' versions from the lock alone: no Python process starts (a layer cache hit needs only these). */
export function toolchainVersions(projectRoot: string): Readonly<Record<string, string>> {
  return lockedVersions(readProjectFile(projectRoot, TOOLCHAIN_LOCK));
}

interface Stamp {
  readonly lock: string;
  readonly python: string;
}

/** What an install depends on in the lock: every pin with its marker and hashes (not the comments). */
function lockDigest(lockText: string): string {
  const pins = parsePinnedRequirements(lockText).pins.map((pin) => [pin.name, pin.version, pin.marker ?? '', [...pin.hashes].sort()]);
  return createHash('sha256').update(JSON.stringify(pins)).digest('hex');
}

function toolchainAt(dir: string, versions: Readonly<Record<string, string>>): PythonToolchain {
  return { dir, python: path.join(dir, 'bin/python'), uv: path.join(dir, 'bin/uv'), versions };
}

/** The installed toolchain when it matches the lock (a stat and a small read, no process); undefined otherwise. */
export function installedPythonToolchain(env: NodeJS.ProcessEnv, projectRoot: string): PythonToolchain | undefined {
  const dir = toolchainDir(env, projectRoot);
  const lock = readProjectFile(projectRoot, TOOLCHAIN_LOCK);
  const toolchain = toolchainAt(dir, lockedVersions(lock));
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(dir, STAMP), 'utf8')) as Stamp;
    if (stamp.lock !== lockDigest(lock) || !fs.existsSync(toolchain.python)) return undefined;
  } catch {
    return undefined;
  }
  return toolchain;
}

/** Holds `<dir>.lock` while installing, so two processes never install into one folder at once. */
async function withInstallLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  try {
    fs.mkdirSync(path.dirname(lock), { recursive: true });
  } catch (error) {
    throw toolchainInstallFailed(`mkdir -p ${path.dirname(lock)}`, (error as Error).message, false);
  }
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(fs.readFileSync(lock, 'utf8') || '0');
    try {
      if (holder > 0) process.kill(holder, 0);
      else throw new Error('no holder');
    } catch {
      fs.rmSync(lock, { force: true });
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** The machine's interpreter the toolchain is made from: PYTHON, else the first of TOOLCHAIN_PYTHON_VERSIONS found. */
function toolchainInterpreter(env: NodeJS.ProcessEnv): { path: string; version: string } {
  if (env['PYTHON']) return { path: env['PYTHON'], version: 'PYTHON' };
  for (const version of TOOLCHAIN_PYTHON_VERSIONS) {
    const found = findPython(version, env);
    if (found) return { path: found.path, version: found.fullVersion };
  }
  throw toolchainPythonMissing(TOOLCHAIN_PYTHON_VERSIONS);
}

/**
 * pip's arguments for installing the toolchain's lock: every file by its hash, nothing resolved, nothing built, from
 * the project's index settings when they are set (UV_NO_INDEX with UV_FIND_LINKS for a folder of wheels, say), else
 * from pip's own configuration.
 */
export function toolchainInstallArgs(projectRoot: string, settings: PythonIndexSettings): string[] {
  return [
    '-m',
    'pip',
    'install',
    '--require-hashes',
    '--no-deps',
    '--only-binary',
    ':all:',
    '--progress-bar',
    'off',
    '--requirement',
    path.join(projectRoot, TOOLCHAIN_LOCK),
    ...pipIndexArgs(settings),
  ];
}

/**
 * The toolchain, installed first when it is missing or its lock changed: a new virtual environment
 * from the machine's interpreter, then `pip install --require-hashes --no-deps --only-binary :all:` of
 * the lock. pip's own configuration (index, certificates, proxy) is honoured for the download, and the
 * project's index settings override it when they are set.
 */
export async function ensurePythonToolchain(options: {
  readonly env: NodeJS.ProcessEnv;
  readonly projectRoot: string;
  readonly progress?: (line: string) => void;
}): Promise<PythonToolchain> {
  const { env, projectRoot } = options;
  const ready = installedPythonToolchain(env, projectRoot);
  if (ready) return ready;
  const lockText = readProjectFile(projectRoot, TOOLCHAIN_LOCK);
  const problems = toolchainLockProblems(readProjectFile(projectRoot, TOOLCHAIN_REQUIREMENTS), lockText);
  if (problems.length > 0) throw toolchainLockStale(TOOLCHAIN_LOCK, TOOLCHAIN_REQUIREMENTS, problems);
  const dir = toolchainDir(env, projectRoot);
  return withInstallLock(dir, async () => {
    const installed = installedPythonToolchain(env, projectRoot);
    if (installed) return installed;
    const interpreter = toolchainInterpreter(env);
    options.progress?.(`installing the Python toolchain (${TOOLCHAIN_LOCK}) into ${path.relative(projectRoot, dir) || dir} with ${interpreter.path}`);
    fs.rmSync(dir, { recursive: true, force: true });
    const processEnv: NodeJS.ProcessEnv = { ...env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', PIP_ROOT_USER_ACTION: 'ignore' };
    for (const key of ['PIP_TARGET', 'PIP_PREFIX', 'PIP_USER', 'PIP_REQUIRE_VIRTUALENV', 'VIRTUAL_ENV', 'PYTHONHOME', 'PYTHONPATH']) delete processEnv[key];
    const venv = await runCommand(interpreter.path, ['-m', 'venv', dir], { env: processEnv });
    if (venv.code !== 0) throw toolchainInstallFailed(`${interpreter.path} -m venv ${dir}`, venv.output, venv.missing);
    const toolchain = toolchainAt(dir, lockedVersions(lockText));
    const install = await runCommand(toolchain.python, toolchainInstallArgs(projectRoot, pythonIndexSettings(env)), { env: processEnv, cwd: projectRoot });
    if (install.code !== 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw toolchainInstallFailed(`pip install --require-hashes -r ${TOOLCHAIN_LOCK}`, install.output, false);
    }
    writeFileAtomic(path.join(dir, STAMP), `${JSON.stringify({ lock: lockDigest(lockText), python: interpreter.version } satisfies Stamp, null, 2)}\n`);
    return toolchain;
  });
}

/** The command that writes the toolchain's lock, and the one its header names. */
export const TOOLCHAIN_LOCK_COMMAND = 'npm run toolchain -- --lock';

/** uv's arguments for the toolchain's lock: one universal resolution (every platform, Python 3.10 and later), every file's hash, from the project's indexes. */
export function toolchainLockArgs(projectRoot: string, settings: PythonIndexSettings): string[] {
  return [
    'pip',
    'compile',
    path.join(projectRoot, TOOLCHAIN_REQUIREMENTS),
    '--universal',
    '--python-version',
    TOOLCHAIN_PYTHON_VERSIONS[TOOLCHAIN_PYTHON_VERSIONS.length - 1],
    '--generate-hashes',
    '--no-config',
    '--quiet',
    '--custom-compile-command',
    TOOLCHAIN_LOCK_COMMAND,
    '--output-file',
    path.join(projectRoot, TOOLCHAIN_LOCK),
    ...uvIndexArgs(settings),
  ];
}

/**
 * `npm run toolchain -- --lock`: resolves the toolchain's requirements.txt again with the uv that is installed
 * (the one the current lock installs, when none is), and rewrites the lock. True when it changed.
 */
export async function lockPythonToolchain(options: {
  readonly env: NodeJS.ProcessEnv;
  readonly projectRoot: string;
  readonly progress?: (line: string) => void;
}): Promise<boolean> {
  const { env, projectRoot } = options;
  const existing = path.join(toolchainDir(env, projectRoot), 'bin', 'uv');
  const uv = fs.existsSync(existing) ? existing : (await ensurePythonToolchain(options)).uv;
  const before = readProjectFile(projectRoot, TOOLCHAIN_LOCK);
  const args = toolchainLockArgs(projectRoot, pythonIndexSettings(env));
  const result = await runCommand(uv, args, { env: { ...env, UV_PYTHON_DOWNLOADS: 'never' }, cwd: projectRoot });
  if (result.code !== 0) throw toolchainInstallFailed(`uv ${toolchainLockArgs('.', pythonIndexSettings(env)).join(' ')}`, result.output, result.missing);
  return readProjectFile(projectRoot, TOOLCHAIN_LOCK) !== before;
}

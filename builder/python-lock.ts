import { createHash } from 'node:crypto';
import { Architecture } from '../config/environments';
import { layerSourceInvalid } from '../project/errors';
import { normalisePythonName } from '../rules/pep508';
import { PIP_PLATFORM } from './pip';

/**
 * A Python layer's lock: every distribution pip resolved from requirements.txt,
 * per target (Python version and architecture), pinned by version and the sha256
 * of its wheel, so a build on any machine, any day, installs the same files.
 * Written by `npm run layers:lock`, read by the build; beside requirements.txt.
 */
export const LOCK_FILE = 'requirements.lock.json';
export const LOCK_VERSION = 1;

export interface LockedDistribution {
  readonly name: string;
  readonly version: string;
  /** The wheel pip chose for the target, by file name (no URL: that would name an index or a folder of this machine). */
  readonly wheel: string;
  readonly sha256: string;
  /** Named in requirements.txt, not only needed by something that is. */
  readonly direct: boolean;
  readonly extras?: readonly string[];
}

export interface LockTarget {
  readonly pythonVersion: string;
  readonly architecture: Architecture;
  /** pip's --platform for the architecture. */
  readonly platform: string;
  readonly distributions: readonly LockedDistribution[];
}

export interface PythonLock {
  readonly lockVersion: number;
  /** sha256 of each requirements file the lock was resolved from (requirements.txt and what it includes). */
  readonly requirements: Readonly<Record<string, string>>;
  /** By target key, e.g. "python3.12-x86_64". */
  readonly targets: Readonly<Record<string, LockTarget>>;
}

export interface LockTargetSpec {
  readonly pythonVersion: string;
  readonly architecture: Architecture;
}

/** The key of a target in the lock; the same as the layer's build variant. */
export function lockTargetKey(target: LockTargetSpec): string {
  return `python${target.pythonVersion}-${target.architecture}`;
}

/** The files of a layer source that requirements come from: everything but the lock and the layer options. */
export function requirementFileHashes(files: ReadonlyMap<string, Buffer>): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const name of [...files.keys()].sort()) {
    if (name === LOCK_FILE || name === 'layer.config.json') continue;
    hashes[name] = createHash('sha256').update(files.get(name)!).digest('hex');
  }
  return hashes;
}

/** Why a lock no longer matches its requirements (a file changed, appeared or went); undefined when it matches. */
export function lockStaleness(lock: PythonLock, files: ReadonlyMap<string, Buffer>): string | undefined {
  const current = requirementFileHashes(files);
  const changed = Object.keys(current).filter((name) => lock.requirements[name] !== undefined && lock.requirements[name] !== current[name]);
  const added = Object.keys(current).filter((name) => lock.requirements[name] === undefined);
  const removed = Object.keys(lock.requirements).filter((name) => current[name] === undefined);
  const parts = [
    ...changed.map((name) => `${name} changed`),
    ...added.map((name) => `${name} is new`),
    ...removed.map((name) => `${name} is gone`),
  ];
  return parts.length ? parts.join(', ') : undefined;
}

/** The requirements file pip installs a locked target from: one pinned, hashed line per distribution. */
export function lockedRequirements(target: LockTarget): string {
  return target.distributions.map((dist) => `${dist.name}==${dist.version} --hash=sha256:${dist.sha256}\n`).join('');
}

/** What `pip install --dry-run --report` writes, as far as the lock reads it. */
export interface PipReport {
  readonly install: readonly {
    readonly download_info: { readonly url: string; readonly archive_info?: { readonly hash?: string; readonly hashes?: Readonly<Record<string, string>> } };
    readonly requested?: boolean;
    readonly requested_extras?: readonly string[];
    readonly metadata: { readonly name: string; readonly version: string };
  }[];
}

/** One target of the lock from pip's own resolution report. */
export function lockTargetFromReport(spec: LockTargetSpec, report: PipReport): LockTarget {
  const distributions = report.install.map((item) => {
    const sha256 = item.download_info.archive_info?.hashes?.['sha256'] ?? /^sha256=([0-9a-f]{64})$/.exec(item.download_info.archive_info?.hash ?? '')?.[1];
    const wheel = decodeURIComponent(item.download_info.url.split('/').pop() ?? '');
    if (!sha256 || !wheel.endsWith('.whl')) {
      throw new Error(`pip reported ${item.metadata.name} ${item.metadata.version} from ${wheel || 'an unknown file'} without a wheel sha256`);
    }
    const extras = [...(item.requested_extras ?? [])].map(normalisePythonName).sort();
    return {
      name: item.metadata.name,
      version: item.metadata.version,
      wheel,
      sha256,
      direct: Boolean(item.requested),
      ...(extras.length ? { extras } : {}),
    };
  });
  distributions.sort((a, b) => (normalisePythonName(a.name) < normalisePythonName(b.name) ? -1 : 1));
  return { pythonVersion: spec.pythonVersion, architecture: spec.architecture, platform: PIP_PLATFORM[spec.architecture], distributions };
}

/** The lock file's text: fixed key order, sorted targets, a trailing newline; nothing about this machine or today. */
export function serialiseLock(requirements: Readonly<Record<string, string>>, targets: readonly LockTarget[]): string {
  const sorted = [...targets].sort((a, b) => (lockTargetKey(a) < lockTargetKey(b) ? -1 : 1));
  const lock: PythonLock = {
    lockVersion: LOCK_VERSION,
    requirements: Object.fromEntries(Object.entries(requirements).sort(([a], [b]) => (a < b ? -1 : 1))),
    targets: Object.fromEntries(sorted.map((target) => [lockTargetKey(target), target])),
  };
  return `${JSON.stringify(lock, null, 2)}\n`;
}

/** Reads a lock file, refusing one this builder does not understand. */
export function parseLock(text: string, folder: string): PythonLock {
  let parsed: PythonLock;
  try {
    parsed = JSON.parse(text) as PythonLock;
  } catch (error) {
    throw layerSourceInvalid(folder, `${LOCK_FILE} is not valid JSON (${(error as Error).message}); run \`npm run layers:lock -- ${folder.split('/').pop()}\` to write it again.`);
  }
  const targetsValid =
    parsed &&
    typeof parsed.targets === 'object' &&
    Object.values(parsed.targets).every(
      (target) =>
        Array.isArray(target.distributions) &&
        target.distributions.every((dist) => typeof dist.name === 'string' && typeof dist.version === 'string' && /^[0-9a-f]{64}$/.test(dist.sha256)),
    );
  if (parsed?.lockVersion !== LOCK_VERSION || typeof parsed.requirements !== 'object' || !targetsValid) {
    throw layerSourceInvalid(
      folder,
      `${LOCK_FILE} is not a lock this builder reads (expected lockVersion ${LOCK_VERSION} with requirements and targets, every distribution with a sha256); ` +
        `run \`npm run layers:lock -- ${folder.split('/').pop()}\` to write it again.`,
    );
  }
  return parsed;
}

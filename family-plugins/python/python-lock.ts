import { createHash } from 'node:crypto';
import { parse as parseToml } from 'smol-toml';
import { Architecture } from '../../config/environments';
import { PythonRuntime, pythonVersionOf } from './definition';
import { pythonPlatformOf, uvPythonPlatform } from './platform';
import { layerLockInvalid } from './errors';
import { compareVersions, evaluateMarker, lambdaMarkerEnvironment, normalisePythonName, parseMarker } from './pep508';
import { parsePinnedRequirements } from './requirements-file';
import { chooseWheel } from './wheel-tags';

/**
 * A Python layer's lock: for each target (Python version and architecture), every distribution the
 * resolver chose for Lambda's platform, pinned by version and by the sha256 of the one wheel that
 * loads there. It is a hashed requirements file, one per target, beside requirements.txt
 * (`requirements.python3.12-x86_64.lock.txt`), so pip and uv install it as it is
 * (`--no-deps --require-hashes`) and pip-audit, OSV-Scanner, Dependabot and Renovate read it.
 * Written by `npm run layers:lock`, read by the build.
 */

export interface LockTargetSpec {
  readonly pythonVersion: string;
  readonly architecture: Architecture;
}

/** The lock target of a Python layer build: its variant is the runtime ("python3.12") the wheels are for. */
export function lockSpecOf(target: { readonly variant: string; readonly architecture: Architecture }): LockTargetSpec {
  return { pythonVersion: pythonVersionOf(target.variant as PythonRuntime), architecture: target.architecture };
}

export interface LockedDistribution {
  readonly name: string;
  readonly version: string;
  /** The wheel's file name (no URL: that would name an index or a folder of this machine). */
  readonly wheel: string;
  readonly sha256: string;
}

export interface LockTarget extends LockTargetSpec {
  readonly distributions: readonly LockedDistribution[];
}

/** One target's lock file, as read back. */
export interface LockFile {
  readonly file: string;
  readonly target: LockTarget;
  /** sha256 of each requirements file it was resolved from (requirements.txt and what it includes). */
  readonly requirements: Readonly<Record<string, string>>;
}

/** The key of a target, e.g. "python3.12-x86_64"; the same as the layer's build variant. */
export function lockTargetKey(target: LockTargetSpec): string {
  return `python${target.pythonVersion}-${target.architecture}`;
}

/** The lock file of a target: requirements.python3.12-x86_64.lock.txt. */
export function lockFileName(target: LockTargetSpec): string {
  return `requirements.${lockTargetKey(target)}.lock.txt`;
}

/** The target a lock file name stands for; undefined for any other file. */
export function lockFileTarget(file: string): LockTargetSpec | undefined {
  const match = /^requirements\.python(\d+\.\d+)-(x86_64|arm64)\.lock\.txt$/.exec(file);
  return match ? { pythonVersion: match[1], architecture: match[2] as Architecture } : undefined;
}

/** The command that refreshes a layer's locks. */
export function lockCommand(layer: string): string {
  return `npm run layers:lock -- ${layer}`;
}

/** sha256 of each requirements file of a layer source, by its name in the folder (its build options, layer.config.json, are not requirements). */
export function requirementFileHashes(files: ReadonlyMap<string, Buffer>): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const name of [...files.keys()].sort()) if (name !== 'layer.config.json') hashes[name] = createHash('sha256').update(files.get(name)!).digest('hex');
  return hashes;
}

/** Why a lock no longer matches its requirements (a file changed, appeared or went); undefined when it matches. */
export function lockStaleness(recorded: Readonly<Record<string, string>>, current: Readonly<Record<string, string>>): string | undefined {
  const parts = [
    ...Object.keys(current)
      .filter((name) => recorded[name] !== undefined && recorded[name] !== current[name])
      .map((name) => `${name} changed`),
    ...Object.keys(current)
      .filter((name) => recorded[name] === undefined)
      .map((name) => `${name} is new`),
    ...Object.keys(recorded)
      .filter((name) => current[name] === undefined)
      .map((name) => `${name} is gone`),
  ];
  return parts.length ? parts.join(', ') : undefined;
}

const byName = (a: { name: string }, b: { name: string }): number => {
  const [x, y] = [normalisePythonName(a.name), normalisePythonName(b.name)];
  return x < y ? -1 : x > y ? 1 : 0;
};

interface PylockWheel {
  readonly name?: string;
  readonly url?: string;
  readonly path?: string;
  readonly hashes?: Readonly<Record<string, string>>;
}

interface PylockPackage {
  readonly name: string;
  readonly version?: string;
  readonly marker?: string;
  readonly wheels?: readonly PylockWheel[];
}

/**
 * One target of the lock from the resolver's PEP 751 lock (`uv pip compile --format pylock.toml`, run
 * for the target): each package whose marker holds on the target, with the wheel an installer takes
 * there among the files the resolver saw.
 */
export function lockTargetFromPylock(spec: LockTargetSpec, pylockText: string, layer: string): LockTarget {
  const parsed = parseToml(pylockText) as { packages?: PylockPackage[] };
  const environment = lambdaMarkerEnvironment(spec.pythonVersion, spec.architecture);
  const platform = { ...spec, platform: pythonPlatformOf(spec.pythonVersion) };
  const distributions: LockedDistribution[] = [];
  for (const pkg of parsed.packages ?? []) {
    if (pkg.marker && !evaluateMarker(parseMarker(pkg.marker), environment)) continue;
    const files = (pkg.wheels ?? []).flatMap((wheel) => {
      const filename = wheel.name ?? decodeURIComponent((wheel.url ?? wheel.path ?? '').split(/[/\\]/).pop() ?? '');
      const sha256 = wheel.hashes?.['sha256'];
      return filename.endsWith('.whl') && sha256 ? [{ filename, sha256 }] : [];
    });
    const chosen = chooseWheel(files, platform);
    if (!pkg.version || !chosen) {
      throw layerLockInvalid(
        layer,
        `the resolver chose ${pkg.name} ${pkg.version ?? '(no version)'} for ${lockTargetKey(spec)}, but none of its files is a wheel for ` +
          `${uvPythonPlatform(spec.architecture, platform.platform)} and CPython ${spec.pythonVersion} (${files.map((file) => file.filename).join(', ') || 'no wheels'}). ` +
          'Pin a version that ships one, or choose another package.',
      );
    }
    distributions.push({ name: pkg.name, version: pkg.version, wheel: chosen.filename, sha256: chosen.sha256 });
  }
  return { pythonVersion: spec.pythonVersion, architecture: spec.architecture, distributions: distributions.sort(byName) };
}

/**
 * A target's lock file: a header that says what made it, for which target and from which requirement
 * files, then `name==version --hash=sha256:...` and the wheel's name for each distribution, sorted.
 * Nothing about this machine, its folders or today goes in, so two machines write the same bytes.
 */
export function serialiseLockTarget(layer: string, target: LockTarget, requirements: Readonly<Record<string, string>>, resolver: string): string {
  const platform = uvPythonPlatform(target.architecture, pythonPlatformOf(target.pythonVersion));
  const header = [
    `# This file was autogenerated by \`${lockCommand(layer)}\`; do not edit it. Lambda target ${lockTargetKey(target)}:`,
    `# CPython ${target.pythonVersion} on ${platform}, resolved by ${resolver} with markers evaluated for that target.`,
    '# One wheel per distribution, by its sha256: the build installs exactly these files (--no-deps --require-hashes).',
    ...Object.entries(requirements)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([file, sha256]) => `# from ${file} sha256:${sha256}`),
  ];
  const entries = target.distributions.map((dist) => `${dist.name}==${dist.version} \\\n    --hash=sha256:${dist.sha256}\n    # wheel ${dist.wheel}`);
  return `${[...header, ...entries].join('\n')}\n`;
}

/** Reads a target's lock file back, refusing one this builder did not write (it needs the wheel of every entry). */
export function parseLockTarget(text: string, file: string, layer: string): LockFile {
  const spec = lockFileTarget(file);
  const invalid = (why: string) => layerLockInvalid(layer, `layers/${layer}/${file} ${why}; run \`${lockCommand(layer)}\` to write it again.`);
  if (!spec) throw invalid('is not named requirements.python<X.Y>-<x86_64|arm64>.lock.txt');
  const requirements: Record<string, string> = {};
  for (const match of text.matchAll(/^# from (\S+) sha256:([0-9a-f]{64})$/gm)) requirements[match[1]] = match[2]!;
  if (Object.keys(requirements).length === 0) throw invalid('does not say which requirements files it was resolved from (no "# from <file> sha256:..." line)');
  const { pins, problems } = parsePinnedRequirements(text);
  if (problems.length) throw invalid(`has lines that are not pinned distributions (${problems.join('; ')})`);
  const distributions = pins.map((pin) => {
    const wheel = pin.comments.map((comment) => /^wheel (\S+\.whl)$/.exec(comment)?.[1]).find(Boolean);
    if (pin.hashes.length !== 1 || !wheel) throw invalid(`pins ${pin.name}==${pin.version} without exactly one --hash and its "# wheel" line`);
    return { name: pin.name, version: pin.version, wheel, sha256: pin.hashes[0] };
  });
  return { file, requirements, target: { ...spec, distributions } };
}

/**
 * A target's lock as a PEP 751 file holding only each distribution's name and version: what the resolver is given as
 * its existing output (`uv pip compile --output-file`), so it keeps every pin that still satisfies the requirements,
 * as pip-compile and uv do for their own output files, and moves only what it must or is told to.
 */
export function preferencesPylock(target: LockTarget): string {
  const packages = target.distributions.map((dist) => `[[packages]]\nname = ${JSON.stringify(dist.name)}\nversion = ${JSON.stringify(dist.version)}\n`);
  return ['lock-version = "1.0"', 'created-by = "lambda-layer-stacks"', '', ...packages].join('\n');
}

/**
 * The pins of a lock file that cannot be read as a lock (a merge conflict in it): every `name==version` line, from
 * both sides of a conflict, the higher version where the sides differ. What `layers:lock` keeps when it writes the
 * file again, so mending a conflict moves nothing either side did not move.
 */
export function salvageLockPins(text: string): { readonly name: string; readonly version: string }[] {
  const pins = new Map<string, { name: string; version: string }>();
  for (const match of text.matchAll(/^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)/gm)) {
    const key = normalisePythonName(match[1]);
    const known = pins.get(key);
    if (!known || compareVersions(match[2], known.version) > 0) pins.set(key, { name: match[1], version: match[2] });
  }
  return [...pins.values()].sort(byName);
}

/** What a relock changed in one target: distributions added, removed, moved to another version, or pinned to another file of the same version. */
export interface LockChanges {
  readonly added: readonly { readonly name: string; readonly version: string }[];
  readonly removed: readonly { readonly name: string; readonly version: string }[];
  readonly moved: readonly { readonly name: string; readonly from: string; readonly to: string }[];
  /** The same version, another wheel or sha256 (a rebuilt file, or a wheel that fits the target better). */
  readonly refiled: readonly { readonly name: string; readonly version: string; readonly from: string; readonly to: string }[];
}

/** The changes from one lock of a target to the next (no lock before: everything is added), each list sorted by name. */
export function lockChanges(before: LockTarget | undefined, after: LockTarget): LockChanges {
  const old = new Map((before?.distributions ?? []).map((dist) => [normalisePythonName(dist.name), dist]));
  const now = new Map(after.distributions.map((dist) => [normalisePythonName(dist.name), dist]));
  const sorted = <T extends { name: string }>(items: T[]): T[] => items.sort(byName);
  const kept = [...now].filter(([key]) => old.has(key)).map(([key, dist]) => [old.get(key)!, dist] as const);
  return {
    added: sorted([...now].filter(([key]) => !old.has(key)).map(([, dist]) => ({ name: dist.name, version: dist.version }))),
    removed: sorted([...old].filter(([key]) => !now.has(key)).map(([, dist]) => ({ name: dist.name, version: dist.version }))),
    moved: sorted(kept.filter(([a, b]) => a.version !== b.version).map(([a, b]) => ({ name: b.name, from: a.version, to: b.version }))),
    refiled: sorted(
      kept
        // A pin salvaged from an unreadable lock has no file to compare.
        .filter(([a, b]) => a.version === b.version && a.sha256 !== '' && (a.wheel !== b.wheel || a.sha256 !== b.sha256))
        .map(([a, b]) => ({
          name: b.name,
          version: b.version,
          from: `${a.wheel} sha256:${a.sha256.slice(0, 12)}`,
          to: `${b.wheel} sha256:${b.sha256.slice(0, 12)}`,
        })),
    ),
  };
}

/** Whether a relock changed nothing in a target. */
export function noLockChanges(changes: LockChanges): boolean {
  return changes.added.length + changes.removed.length + changes.moved.length + changes.refiled.length === 0;
}

/** One line per change, for people: "+ name 1.0", "- name 1.0", "~ name 1.0 -> 2.0", "~ name 1.0 (file -> file)". */
export function describeLockChanges(changes: LockChanges): string[] {
  return [
    ...changes.removed.map((dist) => `- ${dist.name} ${dist.version}`),
    ...changes.added.map((dist) => `+ ${dist.name} ${dist.version}`),
    ...changes.moved.map((dist) => `~ ${dist.name} ${dist.from} -> ${dist.to}`),
    ...changes.refiled.map((dist) => `~ ${dist.name} ${dist.version} (${dist.from} -> ${dist.to})`),
  ];
}

/**
 * What changed in a layer's locks, for people: the targets whose changes are the same are said once
 * ("python3.12-arm64, python3.12-x86_64:"), then one line per change; nothing when nothing changed.
 */
export function describeLockChangesByTarget(changes: Readonly<Record<string, LockChanges>>): string[] {
  const byText = new Map<string, string[]>();
  for (const [target, change] of Object.entries(changes)) {
    if (noLockChanges(change)) continue;
    const text = describeLockChanges(change).join('\n');
    byText.set(text, [...(byText.get(text) ?? []), target]);
  }
  return [...byText].flatMap(([text, targets]) => [`${targets.sort().join(', ')}:`, ...text.split('\n').map((line) => `  ${line}`)]);
}

/** The packages `--upgrade-package` named that moved in no target: each with the version it stays at. */
export function unmovedPackages(
  targets: readonly LockTarget[],
  changes: Readonly<Record<string, LockChanges>>,
  names: readonly string[],
): { readonly name: string; readonly version: string }[] {
  const moved = new Set(Object.values(changes).flatMap((change) => change.moved.map((dist) => normalisePythonName(dist.name))));
  return [...new Set(names.map(normalisePythonName))].sort().flatMap((key) => {
    if (moved.has(key)) return [];
    const found = targets.flatMap((target) => target.distributions).find((dist) => normalisePythonName(dist.name) === key);
    return found ? [{ name: found.name, version: found.version }] : [];
  });
}

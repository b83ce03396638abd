import { Architecture } from '../../config/environments';
import { manylinuxTags } from './platform';
import { LambdaPlatform } from '../../families/platform';

/**
 * Which wheel of a distribution's release loads on a Lambda target, and which one an installer
 * would take: the compatibility tags of CPython X.Y on that platform, in the order pip and uv prefer
 * them (PEP 425, as `packaging.tags` lists them), and each wheel's best tag.
 */

export interface WheelTarget {
  /** e.g. "3.12". */
  readonly pythonVersion: string;
  readonly architecture: Architecture;
  readonly platform: LambdaPlatform;
}

export interface WheelName {
  readonly distribution: string;
  readonly version: string;
  readonly build?: string;
  /** Every `python-abi-platform` combination the compressed tag set of the name stands for. */
  readonly tags: readonly string[];
}

/** Every `python-abi-platform` tag a compressed tag set stands for (`cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64` is two). */
export function expandTags(compressed: string): string[] {
  const [pythons, abis, platforms] = compressed.split('-');
  if (!pythons || !abis || !platforms) return [compressed];
  const tags: string[] = [];
  for (const python of pythons.split('.'))
    for (const abi of abis.split('.')) for (const platform of platforms.split('.')) tags.push(`${python}-${abi}-${platform}`);
  return tags;
}

/** Reads `{distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl`; undefined for anything else. */
export function parseWheelName(filename: string): WheelName | undefined {
  const match = /^([^-]+)-([^-]+)(?:-(\d[^-]*))?-([^-]+-[^-]+-[^-]+)\.whl$/.exec(filename);
  if (!match) return undefined;
  const [, distribution, version, build, tagSet] = match;
  return { distribution: distribution, version: version, ...(build ? { build } : {}), tags: expandTags(tagSet) };
}

/**
 * The tags CPython X.Y accepts on the target, most preferred first: its own ABI, then abi3 of this and
 * every older 3.x, then no ABI on the platform, then pure-Python tags for this and older versions, then
 * `any`. (packaging.tags.cpython_tags followed by compatible_tags.)
 */
export function supportedTags(target: WheelTarget): string[] {
  const [major, minor] = target.pythonVersion.split('.').map(Number) as [number, number];
  const interpreter = `cp${major}${minor}`;
  const platforms = manylinuxTags(target.architecture, target.platform);
  const tags: string[] = [];
  for (const platform of platforms) tags.push(`${interpreter}-${interpreter}-${platform}`);
  for (const platform of platforms) tags.push(`${interpreter}-abi3-${platform}`);
  for (const platform of platforms) tags.push(`${interpreter}-none-${platform}`);
  for (let older = minor - 1; older >= 2; older--) for (const platform of platforms) tags.push(`cp${major}${older}-abi3-${platform}`);
  const pythons = [`py${major}${minor}`, `py${major}`, ...Array.from({ length: minor }, (_, i) => `py${major}${minor - 1 - i}`)];
  for (const python of pythons) for (const platform of platforms) tags.push(`${python}-none-${platform}`);
  tags.push(`${interpreter}-none-any`);
  for (const python of pythons) tags.push(`${python}-none-any`);
  return tags;
}

const tagSets = new Map<string, ReadonlySet<string>>();

/** supportedTags as a set, made once per target in a process: a build checks every function against the same few targets. */
export function supportedTagSet(target: WheelTarget): ReadonlySet<string> {
  const key = JSON.stringify([target.pythonVersion, target.architecture, target.platform]);
  let tags = tagSets.get(key);
  if (!tags) tagSets.set(key, (tags = new Set(supportedTags(target))));
  return tags;
}

export interface WheelFile {
  readonly filename: string;
  readonly sha256: string;
}

/**
 * The wheel an installer takes for the target among a release's files: the one whose best tag comes
 * first in `supportedTags` (a higher build number breaks a tie); undefined when none loads there.
 */
export function chooseWheel<T extends WheelFile>(files: readonly T[], target: WheelTarget): T | undefined {
  const rank = new Map(supportedTags(target).map((tag, index) => [tag, index]));
  let best: { file: T; rank: number; build: number } | undefined;
  for (const file of files) {
    const name = parseWheelName(file.filename);
    if (!name) continue;
    const ranks = name.tags.map((tag) => rank.get(tag)).filter((value): value is number => value !== undefined);
    if (ranks.length === 0) continue;
    const candidate = { file, rank: Math.min(...ranks), build: Number.parseInt(name.build ?? '0', 10) || 0 };
    if (!best || candidate.rank < best.rank || (candidate.rank === best.rank && candidate.build > best.build)) best = candidate;
  }
  return best?.file;
}

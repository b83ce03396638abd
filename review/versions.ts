/**
 * Ordering package versions as their ecosystems do, enough to tell an upgrade from a
 * downgrade: semantic versions for npm (1.2.3-beta.1 < 1.2.3), PEP 440 for Python
 * (1.0.dev1 < 1.0a1 < 1.0rc1 < 1.0 < 1.0.post1, an epoch first). Pure.
 */

type Part = number | string;

interface Parsed {
  readonly epoch: number;
  readonly release: readonly number[];
  /** Before the release: [rank, number], where dev < a < b < rc; after it: post; none: final. */
  readonly pre?: readonly [number, number];
  readonly post?: number;
  /** Anything else (npm prerelease identifiers, local versions), compared part by part. */
  readonly rest: readonly Part[];
}

const PRE_RANK: Readonly<Record<string, number>> = { dev: 0, a: 1, alpha: 1, b: 2, beta: 2, c: 3, rc: 3, pre: 3, preview: 3 };

function parse(version: string): Parsed {
  let text = version.trim().toLowerCase().replace(/^v/, '');
  let epoch = 0;
  const epochMatch = /^(\d+)!/.exec(text);
  if (epochMatch) {
    epoch = Number(epochMatch[1]);
    text = text.slice(epochMatch[0].length);
  }
  const local = text.indexOf('+');
  if (local >= 0) text = text.slice(0, local);
  const releaseMatch = /^\d+(?:\.\d+)*/.exec(text);
  const release = releaseMatch ? releaseMatch[0].split('.').map(Number) : [];
  let remainder = text.slice(releaseMatch?.[0].length ?? 0);
  let pre: [number, number] | undefined;
  let post: number | undefined;
  const rest: Part[] = [];
  const preMatch = /^[-_.]?(dev|alpha|beta|preview|pre|rc|a|b|c)[-_.]?(\d*)/.exec(remainder);
  if (preMatch) {
    pre = [PRE_RANK[preMatch[1]!]!, Number(preMatch[2] || 0)];
    remainder = remainder.slice(preMatch[0].length);
  }
  const postMatch = /^[-_.]?(post|rev|r)[-_.]?(\d*)/.exec(remainder);
  if (postMatch) {
    post = Number(postMatch[2] || 0);
    remainder = remainder.slice(postMatch[0].length);
  }
  const devMatch = /^[-_.]?dev[-_.]?(\d*)/.exec(remainder);
  if (devMatch && !pre) {
    pre = [PRE_RANK['dev']!, Number(devMatch[1] || 0)];
    remainder = remainder.slice(devMatch[0].length);
  }
  for (const piece of remainder.split(/[-_.]/).filter(Boolean)) rest.push(/^\d+$/.test(piece) ? Number(piece) : piece);
  // An npm prerelease the patterns above did not name (1.0.0-canary.3) still sorts before the release.
  if (!pre && rest.length > 0 && post === undefined) pre = [PRE_RANK['pre']!, 0];
  return { epoch, release, ...(pre ? { pre } : {}), ...(post !== undefined ? { post } : {}), rest };
}

function compareParts(a: readonly Part[], b: readonly Part[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Negative when a is older than b, positive when newer, 0 when the same version. */
export function compareVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  const length = Math.max(x.release.length, y.release.length);
  for (let i = 0; i < length; i++) {
    const p = x.release[i] ?? 0;
    const q = y.release[i] ?? 0;
    if (p !== q) return p < q ? -1 : 1;
  }
  // A prerelease sorts before its release; a post-release after it.
  const preX = x.pre ?? [Infinity, 0];
  const preY = y.pre ?? [Infinity, 0];
  if (preX[0] !== preY[0]) return preX[0] < preY[0] ? -1 : 1;
  if (preX[1] !== preY[1]) return preX[1] < preY[1] ? -1 : 1;
  const postX = x.post ?? -1;
  const postY = y.post ?? -1;
  if (postX !== postY) return postX < postY ? -1 : 1;
  return compareParts(x.rest, y.rest);
}

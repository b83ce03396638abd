/**
 * npm's version order (SemVer), enough to tell an upgrade from a downgrade: 1.2.3-beta.1 < 1.2.3; prerelease
 * identifiers compared one by one, numbers before words. Pure.
 */

interface SemVer {
  readonly release: readonly number[];
  readonly prerelease: readonly string[];
}

function parseSemVer(version: string): SemVer | undefined {
  const match = /^\s*v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$/.exec(version);
  return match ? { release: match[1].split('.').map(Number), prerelease: match[2] ? match[2].split('.') : [] } : undefined;
}

function compareIdentifiers(x: string, y: string): number {
  const [numericX, numericY] = [/^\d+$/.test(x), /^\d+$/.test(y)];
  if (numericX && numericY) return Math.sign(Number(x) - Number(y));
  if (numericX !== numericY) return numericX ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compareSemVer(a: string, b: string): number {
  const [x, y] = [parseSemVer(a), parseSemVer(b)];
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < Math.max(x.release.length, y.release.length); i++) {
    const difference = (x.release[i] ?? 0) - (y.release[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  // A prerelease sorts before its release; between prereleases, identifier by identifier, fewer first.
  if (!x.prerelease.length || !y.prerelease.length) return Math.sign(y.prerelease.length - x.prerelease.length);
  for (let i = 0; i < Math.min(x.prerelease.length, y.prerelease.length); i++) {
    const order = compareIdentifiers(x.prerelease[i], y.prerelease[i]);
    if (order !== 0) return order;
  }
  return Math.sign(x.prerelease.length - y.prerelease.length);
}

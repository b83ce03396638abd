import { RuntimeFamily, familyById } from '../families/registry';

/**
 * Ordering package versions as their ecosystems do, enough to tell an upgrade from a downgrade: each family's own
 * order (SemVer for npm, PEP 440 for Python). The two disagree on forms such as `1.0-1` (an npm prerelease, a
 * Python post-release), so the layer's kind decides. Pure.
 */

/** Negative when a is older than b, positive when newer, 0 when the same version, for packages of a layer of this kind. */
export function compareVersions(a: string, b: string, kind: RuntimeFamily): number {
  return Math.sign(familyById(kind).compareVersions(a, b));
}

import { InstalledPackage } from '../../artifacts/manifest';
import { normalisePythonName } from './pep508';
import { lockCommand } from './python-lock';
import { PythonLayerSource } from './python-source';

/** The distributions of an unlocked layer whose version no requirements file pins: another day's build may pick others. */
export function floatingPackages(source: PythonLayerSource, packages: readonly InstalledPackage[]): string[] {
  if (source.locks) return [];
  const pinned = new Set(source.pinned);
  return packages.filter((pkg) => !pinned.has(normalisePythonName(pkg.name))).map((pkg) => `${pkg.name} ${pkg.version}`);
}

/** What an unlocked Python layer leaves to the day it is built. */
export function floatingWarning(id: string, layer: string, unpinned: readonly string[], total: number): string {
  const shown = unpinned.length > 8 ? `${unpinned.slice(0, 8).join(', ')} and ${unpinned.length - 8} more` : unpinned.join(', ');
  return (
    `[unlocked] layer ${id} is not locked: ${unpinned.length} of its ${total} distributions float (${shown}); the resolver picks their newest ` +
    `matching versions on every build, so another machine or day may build another tree. Run \`${lockCommand(layer)}\` where an index ` +
    `is reachable and commit layers/${layer}/requirements.*.lock.txt.`
  );
}

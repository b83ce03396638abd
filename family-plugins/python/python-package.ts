import { InstalledPackage } from '../../artifacts/manifest';

/** A Python distribution in a built layer: what every package has, and what its METADATA, its WHEEL file and the lock say. */
export interface PythonPackage extends InstalledPackage {
  /** Its declared dependencies, METADATA's Requires-Dist lines as written (markers included). */
  readonly requires?: readonly string[];
  /** The extras it was requested with (`python-jose[cryptography]`), for the markers of its dependencies. */
  readonly extras?: readonly string[];
  /** The wheel file a lock installed it from. */
  readonly wheel?: string;
  /** The tags its wheel's WHEEL file declares (python-abi-platform, e.g. cp312-cp312-manylinux_2_17_x86_64). */
  readonly wheelTags?: readonly string[];
}

/** A package of a Python layer as the Python builder wrote it (listPythonPackages): the manifest keeps each family's fields. */
export function asPythonPackage(pkg: InstalledPackage): PythonPackage {
  return pkg;
}

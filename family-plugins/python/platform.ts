import { Architecture } from '../../config/environments';
import { LambdaPlatform } from '../../families/platform';
import { PythonRuntime, pythonFamily } from './definition';

/** Python's view of Lambda's platform: the platform under a Python version's runtime, and how wheels and installers name it. */

/** The platform of the Python runtime of a version ("3.12"). */
export function pythonPlatformOf(pythonVersion: string): LambdaPlatform {
  return pythonFamily.platform(`python${pythonVersion}` as PythonRuntime);
}

/** The processor as Python names it (platform_machine, wheel tags). */
export function pythonMachineOf(architecture: Architecture): 'x86_64' | 'aarch64' {
  return architecture === 'arm64' ? 'aarch64' : 'x86_64';
}

/** The oldest glibc a manylinux wheel may target per processor: manylinux1 (2.5) on x86_64, manylinux2014 (2.17) on aarch64. */
const OLDEST_GLIBC_MINOR: Readonly<Record<'x86_64' | 'aarch64', number>> = { x86_64: 5, aarch64: 17 };

/** The legacy names some glibc versions also go by (PEP 600). */
const LEGACY_MANYLINUX: Readonly<Record<number, string>> = { 17: 'manylinux2014', 12: 'manylinux2010', 5: 'manylinux1' };

/**
 * The wheel platform tags that load on the platform, most specific first (the order installers prefer):
 * manylinux_2_34_x86_64, ..., manylinux_2_17_x86_64, manylinux2014_x86_64, ... Plain `linux_*` wheels are
 * left out: they were built for one machine and promise nothing about another.
 */
export function manylinuxTags(architecture: Architecture, platform: LambdaPlatform): string[] {
  const machine = pythonMachineOf(architecture);
  const tags: string[] = [];
  for (let minor = platform.glibc[1]; minor >= OLDEST_GLIBC_MINOR[machine]; minor--) {
    tags.push(`manylinux_${platform.glibc[0]}_${minor}_${machine}`);
    const legacy = LEGACY_MANYLINUX[minor];
    if (legacy) tags.push(`${legacy}_${machine}`);
  }
  return tags;
}

/** uv's name for the platform (`--python-platform`), e.g. x86_64-manylinux_2_34. */
export function uvPythonPlatform(architecture: Architecture, platform: LambdaPlatform): string {
  return `${pythonMachineOf(architecture)}-manylinux_${platform.glibc[0]}_${platform.glibc[1]}`;
}

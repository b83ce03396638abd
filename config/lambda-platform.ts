import { Architecture, Runtime } from './environments';

/**
 * What a function's code runs on, as binary packages see it: the operating system under each
 * runtime and its C library. Every runtime this project deploys (python3.12 and later, nodejs22.x
 * and later) runs on Amazon Linux 2023, whose glibc is 2.34; a wheel built for a newer glibc
 * (manylinux_2_35 and up) will not load there, an older one will.
 */
export interface LambdaPlatform {
  readonly os: string;
  /** glibc as [major, minor]. */
  readonly glibc: readonly [number, number];
}

const AMAZON_LINUX_2023: LambdaPlatform = { os: 'Amazon Linux 2023', glibc: [2, 34] };

export const LAMBDA_PLATFORMS: Readonly<Record<Runtime, LambdaPlatform>> = {
  'nodejs22.x': AMAZON_LINUX_2023,
  'nodejs24.x': AMAZON_LINUX_2023,
  'python3.12': AMAZON_LINUX_2023,
  'python3.13': AMAZON_LINUX_2023,
  'python3.14': AMAZON_LINUX_2023,
};

/** The platform of the Python runtime of a version ("3.12"). */
export function pythonPlatformOf(pythonVersion: string): LambdaPlatform {
  const platform = LAMBDA_PLATFORMS[`python${pythonVersion}` as Runtime];
  if (!platform) throw new Error(`no Lambda runtime python${pythonVersion}; the configuration should have refused it`);
  return platform;
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

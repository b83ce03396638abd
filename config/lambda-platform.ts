import { Architecture, Runtime } from './environments';

/**
 * What a function's code runs on, as binary packages see it: the operating system under each
 * runtime, its C library and its C++ runtime. Every runtime this project deploys (python3.12 and
 * later, nodejs22.x and later) runs on Amazon Linux 2023, whose glibc is 2.34 and whose compiler and
 * runtime libraries are GCC 11 (https://docs.aws.amazon.com/linux/al2023/ug/glibc-gcc-and-binutils.html:
 * glibc 2.34, gcc 11.3; AL2023 later moved to 11.4, the same library versions). A wheel built for a
 * newer glibc (manylinux_2_35 and up) will not load there, an older one will.
 */
export interface LambdaPlatform {
  readonly os: string;
  /** glibc as [major, minor]: the newest GLIBC_x.y symbol version libc.so.6 and its siblings define. */
  readonly glibc: readonly [number, number];
  /** The newest symbol versions of the GCC 11 runtime libraries: libstdc++.so.6 (GLIBCXX_, CXXABI_) and libgcc_s.so.1 (GCC_). */
  readonly glibcxx: readonly number[];
  readonly cxxabi: readonly number[];
  readonly libgcc: readonly number[];
}

const AMAZON_LINUX_2023: LambdaPlatform = { os: 'Amazon Linux 2023', glibc: [2, 34], glibcxx: [3, 4, 29], cxxabi: [1, 3, 13], libgcc: [11, 0] };

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

/**
 * The shared libraries a function may load from the operating system of Amazon Linux 2023's Lambda runtimes.
 * `certain`: glibc's own libraries (libc, libm, libpthread, libdl, librt, libresolv, libutil, the loader) and the
 * GCC runtime (libgcc_s, libstdc++), which every AL2023 image has and which the manylinux policy lets wheels
 * assume. `likely`: libraries `rpm -qa` lists in public.ecr.aws/lambda/python:3.12 (amazonlinux/amazon-linux-2023
 * issue 585: openssl-libs, zlib, xz-libs, bzip2-libs, libffi, sqlite-libs, glib2, krb5-libs, libxml2, ...); AWS
 * does not promise them, and the Node.js images need not have the same, so a layer that needs one gets a warning.
 */
export const OS_LIBRARIES: { readonly certain: readonly string[]; readonly likely: readonly string[] } = {
  certain: [
    'libc.so.6',
    'libm.so.6',
    'libpthread.so.0',
    'libdl.so.2',
    'librt.so.1',
    'libresolv.so.2',
    'libutil.so.1',
    'libanl.so.1',
    'ld-linux-x86-64.so.2',
    'ld-linux-aarch64.so.1',
    'libgcc_s.so.1',
    'libstdc++.so.6',
  ],
  likely: [
    'libz.so.1',
    'libssl.so.3',
    'libcrypto.so.3',
    'libffi.so.8',
    'liblzma.so.5',
    'libbz2.so.1',
    'libsqlite3.so.0',
    'libexpat.so.1',
    'libuuid.so.1',
    'libzstd.so.1',
    'liblz4.so.1',
    'libxml2.so.2',
    'libpcre2-8.so.0',
    'libglib-2.0.so.0',
    'libgobject-2.0.so.0',
    'libgio-2.0.so.0',
    'libkrb5.so.3',
    'libgssapi_krb5.so.2',
    'libcurl.so.4',
    'libcrypt.so.2',
    'libcap.so.2',
    'libselinux.so.1',
    'libblkid.so.1',
    'libmount.so.1',
    'libgmp.so.10',
    'libtinfo.so.6',
    'libncursesw.so.6',
  ],
};

/** The ELF machine (e_machine) of Lambda's architectures. */
export const ELF_MACHINE: Readonly<Record<Architecture, number>> = { x86_64: 62, arm64: 183 };

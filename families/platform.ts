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

/** The platform of every runtime this project's families deploy today (each family's definition says so, runtime by runtime). */
export const AMAZON_LINUX_2023: LambdaPlatform = { os: 'Amazon Linux 2023', glibc: [2, 34], glibcxx: [3, 4, 29], cxxabi: [1, 3, 13], libgcc: [11, 0] };

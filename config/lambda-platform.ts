import { Architecture } from './environments';

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

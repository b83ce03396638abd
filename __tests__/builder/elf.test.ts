import * as fs from 'node:fs';
import { ElfInfo, SharedObjectFormat, readSharedObject } from '../../builder/elf';
import { realWheelMember } from '../support/crafted-elf';

/**
 * Reading shared objects on real binaries of the seed's real wheels, for both architectures, from the wheel cache the
 * global setup fills (elf.unit.test.ts has the crafted bytes and this machine's binaries).
 */

/** Reads a file as the build does, counting the bytes it reads. */
function fromFile(file: string): { info: SharedObjectFormat; bytesRead: number; size: number } {
  const fd = fs.openSync(file, 'r');
  let bytesRead = 0;
  try {
    const info = readSharedObject((offset, length) => {
      const buffer = Buffer.alloc(length);
      const read = fs.readSync(fd, buffer, 0, length, offset);
      bytesRead += read;
      return buffer.subarray(0, read);
    });
    return { info, bytesRead, size: fs.statSync(file).size };
  } finally {
    fs.closeSync(fd);
  }
}

describe("real binaries of the seed's wheels", () => {
  it.each([
    ['x86_64', 62],
    ['aarch64', 183],
  ])("pydantic-core's extension for %s: machine, needed libraries and glibc versions, reading a few KiB of megabytes", (arch, machine) => {
    const file = realWheelMember(new RegExp(`^pydantic_core-2\\.23\\.2-cp312-cp312-.*${arch}.*\\.whl$`), /_pydantic_core\.cpython-312-.*\.so$/);
    const { info, bytesRead, size } = fromFile(file);
    expect(info).toMatchObject({ format: 'elf', class: 64, endian: 'little', machine, type: 3 });
    const elf = info as ElfInfo;
    expect(elf.needed).toEqual(expect.arrayContaining(['libc.so.6', 'libgcc_s.so.1', 'libm.so.6']));
    expect(elf.versions['libc.so.6']).toEqual(expect.arrayContaining([expect.stringMatching(/^GLIBC_2\.\d+$/)]));
    expect(elf.problem).toBeUndefined();
    expect(size).toBeGreaterThan(1_000_000);
    expect(bytesRead).toBeLessThan(32 * 1024);
  });

  it("cryptography's manylinux_2_34 extension needs glibc 2.34 exactly, and greenlet needs libstdc++", () => {
    const rust = fromFile(realWheelMember(/^cryptography-.*-cp311-abi3-manylinux_2_34_x86_64\.whl$/, /_rust\.abi3\.so$/)).info as ElfInfo;
    expect(rust.versions['libc.so.6']).toContain('GLIBC_2.34');
    expect(rust.versions['libc.so.6'].some((name) => name > 'GLIBC_2.34' && /^GLIBC_2\.3[5-9]/.test(name))).toBe(false);
    const greenlet = fromFile(realWheelMember(/^greenlet-.*aarch64.*\.whl$/, /_greenlet\.cpython-312-.*\.so$/)).info as ElfInfo;
    expect(greenlet).toMatchObject({ machine: 183 });
    expect(greenlet.needed).toContain('libstdc++.so.6');
    expect(Object.keys(greenlet.versions)).toEqual(expect.arrayContaining(['libstdc++.so.6']));
    expect(greenlet.versions['libstdc++.so.6'].some((name) => name.startsWith('GLIBCXX_'))).toBe(true);
  });
});

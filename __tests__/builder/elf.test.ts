import { ElfInfo } from '../../builder/elf';
import { readCounted, realWheelMember } from '../support/crafted-elf';

/**
 * Reading shared objects on real binaries of the seed's real wheels, for both architectures, from the wheel cache the
 * global setup fills (elf.unit.test.ts has the crafted bytes and this machine's binaries).
 */

describe("real binaries of the seed's wheels", () => {
  it.each([
    ['x86_64', 62],
    ['aarch64', 183],
  ])("pydantic-core's extension for %s: machine, needed libraries and glibc versions, reading a few KiB of megabytes", (arch, machine) => {
    const file = realWheelMember(new RegExp(`^pydantic_core-2\\.23\\.2-cp312-cp312-.*${arch}.*\\.whl$`), /_pydantic_core\.cpython-312-.*\.so$/);
    const { info, bytesRead, size } = readCounted(file);
    expect(info).toMatchObject({ format: 'elf', class: 64, endian: 'little', machine, type: 3 });
    const elf = info as ElfInfo;
    expect(elf.needed).toEqual(expect.arrayContaining(['libc.so.6', 'libgcc_s.so.1', 'libm.so.6']));
    expect(elf.versions['libc.so.6']).toEqual(expect.arrayContaining([expect.stringMatching(/^GLIBC_2\.\d+$/)]));
    expect(elf.problem).toBeUndefined();
    expect(size).toBeGreaterThan(1_000_000);
    expect(bytesRead).toBeLessThan(32 * 1024);
  });

  it("cryptography's manylinux_2_34 extension needs glibc 2.34 exactly, and greenlet needs libstdc++", () => {
    const rust = readCounted(realWheelMember(/^cryptography-.*-cp311-abi3-manylinux_2_34_x86_64\.whl$/, /_rust\.abi3\.so$/)).info as ElfInfo;
    expect(rust.versions['libc.so.6']).toContain('GLIBC_2.34');
    expect(rust.versions['libc.so.6'].some((name) => name > 'GLIBC_2.34' && /^GLIBC_2\.3[5-9]/.test(name))).toBe(false);
    const greenlet = readCounted(realWheelMember(/^greenlet-.*aarch64.*\.whl$/, /_greenlet\.cpython-312-.*\.so$/)).info as ElfInfo;
    expect(greenlet).toMatchObject({ machine: 183 });
    expect(greenlet.needed).toContain('libstdc++.so.6');
    expect(Object.keys(greenlet.versions)).toEqual(expect.arrayContaining(['libstdc++.so.6']));
    expect(greenlet.versions['libstdc++.so.6'].some((name) => name.startsWith('GLIBCXX_'))).toBe(true);
  });
});

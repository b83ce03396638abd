import * as fs from 'node:fs';
import { ElfInfo, SharedObjectFormat, readSharedObject, sniffFormat } from '../../builder/elf';
import { readSharedObjectFile } from '../../builder/native-scan';
import { craftElf, readCounted } from '../support/crafted-elf';

/**
 * Reading shared objects: a pure function over bytes, tested on binaries of this machine and on crafted bytes for
 * every shape it must tell (elf.test.ts reads the seed's real wheels, from the wheel cache the global setup fills).
 */

function fromBuffer(bytes: Uint8Array): { info: SharedObjectFormat; bytesRead: number } {
  let bytesRead = 0;
  const info = readSharedObject((offset, length) => {
    const slice = bytes.subarray(offset, offset + length);
    bytesRead += slice.length;
    return slice;
  });
  return { info, bytesRead };
}

describe('binaries of this machine', () => {
  it("reads the Node binary that runs the tests: this machine's architecture and libc", () => {
    const { info } = readCounted(process.execPath);
    expect(info).toMatchObject({ format: 'elf', class: 64, endian: 'little', machine: process.arch === 'arm64' ? 183 : 62 });
    expect((info as ElfInfo).needed).toContain('libc.so.6');
  });

  it("reads this machine's libstdc++: its SONAME and the glibc versions it needs", () => {
    const candidates = ['/usr/lib/x86_64-linux-gnu/libstdc++.so.6', '/usr/lib/aarch64-linux-gnu/libstdc++.so.6', '/usr/lib64/libstdc++.so.6'];
    const file = candidates.find((candidate) => fs.existsSync(candidate))!;
    const info = readSharedObjectFile(file) as ElfInfo;
    expect(info.soname).toBe('libstdc++.so.6');
    expect(info.versions['libc.so.6'].length).toBeGreaterThan(5);
    expect(info.versions['libc.so.6'].every((name) => /^GLIBC_(2\.\d+(\.\d+)?|PRIVATE)$/.test(name))).toBe(true);
  });
});

describe('crafted bytes', () => {
  it('reads needed libraries, the SONAME and version-needed entries, in both classes and byte orders', () => {
    const spec = {
      machine: 183,
      needed: ['libc.so.6', 'libfoo.so.1'],
      soname: 'libbar.so.2',
      versions: { 'libc.so.6': ['GLIBC_2.38', 'GLIBC_2.17'], 'libstdc++.so.6': ['GLIBCXX_3.4.32'] },
    };
    for (const elfClass of [64, 32] as const) {
      for (const endian of ['little', 'big'] as const) {
        const { info } = fromBuffer(craftElf({ ...spec, class: elfClass, endian }));
        expect([elfClass, endian, info]).toEqual([
          elfClass,
          endian,
          {
            format: 'elf',
            class: elfClass,
            endian,
            machine: 183,
            type: 3,
            needed: ['libc.so.6', 'libfoo.so.1'],
            soname: 'libbar.so.2',
            versions: { 'libc.so.6': ['GLIBC_2.17', 'GLIBC_2.38'], 'libstdc++.so.6': ['GLIBCXX_3.4.32'] },
          },
        ]);
      }
    }
  });

  it('tells Mach-O, PE and anything else from ELF by the first bytes', () => {
    expect(sniffFormat(Buffer.from([0xcf, 0xfa, 0xed, 0xfe]))).toBe('mach-o');
    expect(sniffFormat(Buffer.from([0xca, 0xfe, 0xba, 0xbe]))).toBe('mach-o');
    expect(fromBuffer(Buffer.from('MZ\x90\x00 a Windows DLL', 'latin1')).info).toEqual({ format: 'pe', magic: '4d 5a 90 00' });
    expect(fromBuffer(Buffer.from('!<arch>\n')).info).toEqual({ format: 'unknown', magic: '21 3c 61 72' });
    expect(fromBuffer(Buffer.alloc(0)).info).toEqual({ format: 'unknown', magic: '' });
  });

  it('reports damaged headers as a problem and never throws or reads without bound', () => {
    const truncated = craftElf().subarray(0, 40);
    expect(fromBuffer(truncated).info).toMatchObject({ format: 'elf', problem: 'the ELF header is cut short' });
    const hostile = craftElf();
    hostile.writeUInt16LE(60000, 56); // e_phnum
    expect((fromBuffer(hostile).info as ElfInfo).problem).toMatch(/^its headers cannot be read \(60000 program headers/);
    const beyond = craftElf({ needed: ['libc.so.6'] });
    beyond.writeBigUInt64LE(10_000_000n, 32); // e_phoff past the end
    const read = fromBuffer(beyond);
    expect((read.info as ElfInfo).problem).toMatch(/^its headers cannot be read/);
    expect(read.bytesRead).toBeLessThan(4096);
  });
});

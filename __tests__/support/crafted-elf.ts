import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SharedObjectFormat, readSharedObject } from '../../builder/elf';
import { cachedWheelFiles, wheelCacheDir } from '../../family-plugins/python/wheel-cache';
import { makeTempDir } from './temp-dirs';

/**
 * Shared objects for the native-code tests: small ELF files written byte by byte (a header, a loadable
 * segment, a dynamic section, a string table and version-needed entries, in either class and byte order),
 * and real ones taken out of the real wheels in the wheel cache.
 */

export interface CraftedElf {
  readonly class?: 32 | 64;
  readonly endian?: 'little' | 'big';
  readonly machine?: number;
  readonly needed?: readonly string[];
  readonly soname?: string;
  /** Version names needed, by library. */
  readonly versions?: Readonly<Record<string, readonly string[]>>;
}

/** The ELF hash of a version name, as vna_hash holds it (the reader ignores it; the loader checks it). */
function elfHash(name: string): number {
  let h = 0;
  for (const char of Buffer.from(name)) {
    h = ((h << 4) + char) >>> 0;
    const g = h & 0xf0000000;
    if (g) h ^= g >>> 24;
    h &= ~g >>> 0;
  }
  return h >>> 0;
}

export function craftElf(spec: CraftedElf = {}): Buffer {
  const wide = (spec.class ?? 64) === 64;
  const little = (spec.endian ?? 'little') === 'little';
  const strings: string[] = [''];
  const stringOffset = (text: string): number => {
    let offset = 0;
    for (const existing of strings) {
      if (existing === text) return offset;
      offset += Buffer.byteLength(existing) + 1;
    }
    strings.push(text);
    return offset;
  };
  const needed = (spec.needed ?? []).map(stringOffset);
  const soname = spec.soname ? stringOffset(spec.soname) : undefined;
  const versionEntries = Object.entries(spec.versions ?? {}).map(([file, names]) => ({
    file: stringOffset(file),
    names: names.map((name) => ({ name, offset: stringOffset(name) })),
  }));
  const strtab = Buffer.concat(strings.map((text) => Buffer.from(`${text}\0`)));

  const headerSize = wide ? 64 : 52;
  const phentsize = wide ? 56 : 32;
  const phoff = headerSize;
  const strOff = phoff + 2 * phentsize;
  const verOff = strOff + strtab.length + ((8 - ((strOff + strtab.length) % 8)) % 8);
  const verneedBytes = versionEntries.reduce((sum, entry) => sum + 16 + 16 * entry.names.length, 0);
  const dynOff = verOff + verneedBytes;
  const dynEntries: [number, number][] = [
    ...needed.map((offset): [number, number] => [1, offset]),
    ...(soname !== undefined ? [[14, soname] as [number, number]] : []),
    [5, strOff],
    [10, strtab.length],
    ...(versionEntries.length ? [[0x6ffffffe, verOff] as [number, number], [0x6fffffff, versionEntries.length] as [number, number]] : []),
    [0, 0],
  ];
  const dynEntrySize = wide ? 16 : 8;
  const total = dynOff + dynEntries.length * dynEntrySize;
  const out = Buffer.alloc(total);
  const u16 = (at: number, value: number) => (little ? out.writeUInt16LE(value, at) : out.writeUInt16BE(value, at));
  const u32 = (at: number, value: number) => (little ? out.writeUInt32LE(value, at) : out.writeUInt32BE(value, at));
  const word = (at: number, value: number) =>
    wide ? (little ? out.writeBigUInt64LE(BigInt(value), at) : out.writeBigUInt64BE(BigInt(value), at)) : u32(at, value);

  out.set([0x7f, 0x45, 0x4c, 0x46, wide ? 2 : 1, little ? 1 : 2, 1], 0);
  u16(16, 3);
  u16(18, spec.machine ?? 62);
  u32(20, 1);
  word(wide ? 32 : 28, phoff);
  u16(wide ? 52 : 40, headerSize);
  u16(wide ? 54 : 42, phentsize);
  u16(wide ? 56 : 44, 2);
  const programHeader = (at: number, type: number, offset: number, size: number) => {
    u32(at, type);
    if (wide) {
      word(at + 8, offset);
      word(at + 16, offset);
      word(at + 32, size);
      word(at + 40, size);
    } else {
      u32(at + 4, offset);
      u32(at + 8, offset);
      u32(at + 16, size);
      u32(at + 20, size);
    }
  };
  programHeader(phoff, 1, 0, total);
  programHeader(phoff + phentsize, 2, dynOff, dynEntries.length * dynEntrySize);
  strtab.copy(out, strOff);
  let at = verOff;
  versionEntries.forEach((entry, index) => {
    u16(at, 1);
    u16(at + 2, entry.names.length);
    u32(at + 4, entry.file);
    u32(at + 8, 16);
    u32(at + 12, index === versionEntries.length - 1 ? 0 : 16 + 16 * entry.names.length);
    entry.names.forEach((name, auxIndex) => {
      const aux = at + 16 + 16 * auxIndex;
      u32(aux, elfHash(name.name));
      u32(aux + 8, name.offset);
      u32(aux + 12, auxIndex === entry.names.length - 1 ? 0 : 16);
    });
    at += 16 + 16 * entry.names.length;
  });
  dynEntries.forEach(([tag, value], index) => {
    const entry = dynOff + index * dynEntrySize;
    if (wide) {
      word(entry, tag);
      word(entry + 8, value);
    } else {
      u32(entry, tag);
      u32(entry + 4, value);
    }
  });
  return out;
}

/** A member of a real wheel in the wheel cache (the global setup filled it), copied out to a temporary file. */
export function realWheelMember(wheel: RegExp, member: RegExp): string {
  const cache = wheelCacheDir(process.env);
  const file = cachedWheelFiles(cache).find((candidate) => wheel.test(path.basename(candidate)));
  if (!file) throw new Error(`no wheel like ${wheel} in the wheel cache ${cache}`);
  const out = makeTempDir('real-binary');
  const script =
    'import re, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nname = next(n for n in z.namelist() if re.search(sys.argv[2], n))\nopen(sys.argv[3], "wb").write(z.read(name))\nprint(name)';
  const target = path.join(out, 'member.so');
  const name = execFileSync('python3', ['-c', script, file, member.source, target], { encoding: 'utf8' }).trim();
  const named = path.join(out, path.basename(name));
  fs.renameSync(target, named);
  return named;
}

/** Reads a file as the build does, counting the bytes it reads. */
export function readCounted(file: string): { info: SharedObjectFormat; bytesRead: number; size: number } {
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

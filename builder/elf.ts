/**
 * What a shared object says about where it can load, read from its bytes and never run: the ELF header
 * (class, byte order, machine), the dynamic section (DT_NEEDED libraries, DT_SONAME, DT_RPATH/DT_RUNPATH)
 * and the version-needed entries (`.gnu.version_r`: GLIBC_2.28, GLIBCXX_3.4.29, ...), found through the
 * program headers as the dynamic loader finds them. Pure: it reads through a function that returns the
 * bytes at an offset, so only the few hundred bytes it needs are read from a large file.
 */

/** The bytes at `offset`, up to `length` (fewer at the end of the file). */
export type ByteReader = (offset: number, length: number) => Uint8Array;

export interface ElfInfo {
  readonly format: 'elf';
  readonly class: 32 | 64;
  readonly endian: 'little' | 'big';
  /** e_machine. */
  readonly machine: number;
  /** e_type: 2 executable, 3 shared object (or position-independent executable). */
  readonly type: number;
  readonly needed: readonly string[];
  readonly soname?: string;
  /** DT_RUNPATH, else DT_RPATH, split on ':'. */
  readonly runpath?: readonly string[];
  /** Version names needed from each library (`libc.so.6` -> GLIBC_2.2.5, GLIBC_2.14), sorted. */
  readonly versions: Readonly<Record<string, readonly string[]>>;
  /** What could not be read, for a file whose headers are damaged. */
  readonly problem?: string;
}

export type SharedObjectFormat = ElfInfo | { readonly format: 'mach-o' | 'pe' | 'unknown'; readonly magic: string };

const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_RUNPATH = 29;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;

/** Bounds that keep a damaged or hostile file from making the reader loop or read much. */
const MAX_HEADERS = 4096;
const MAX_DYNAMIC = 8192;
const MAX_VERNEED = 1024;
const MAX_STRING = 4096;

class Fields {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly little: boolean,
  ) {}

  private view(offset: number, size: number): DataView {
    if (offset + size > this.bytes.length) throw new RangeError(`read past the end of a ${this.bytes.length}-byte block`);
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + offset, size);
  }

  u16(offset: number): number {
    return this.view(offset, 2).getUint16(0, this.little);
  }

  u32(offset: number): number {
    return this.view(offset, 4).getUint32(0, this.little);
  }

  u64(offset: number): number {
    const value = this.view(offset, 8).getBigUint64(0, this.little);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('a 64-bit field beyond what a file can hold');
    return Number(value);
  }

  /** A signed 64-bit tag, which may be negative (DT_LOPROC range); only its low 32 bits matter here. */
  tag64(offset: number): number {
    return Number(this.view(offset, 8).getBigUint64(0, this.little) & 0xffffffffn);
  }
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

/** What kind of file the first bytes say it is: ELF, Mach-O (one architecture or fat), PE (a Windows DLL), or something else. */
export function sniffFormat(head: Uint8Array): 'elf' | 'mach-o' | 'pe' | 'unknown' {
  const word = head.length >= 4 ? (head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3] : 0;
  if (word === 0x7f454c46) return 'elf';
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe, 0xbebafeca].includes(word >>> 0)) return 'mach-o';
  if (head[0] === 0x4d && head[1] === 0x5a) return 'pe';
  return 'unknown';
}

/** A NUL-terminated string at `offset` of a file (a string table entry). */
function stringAt(read: ByteReader, offset: number): string {
  let text = '';
  for (let at = offset; text.length < MAX_STRING; at += 256) {
    const chunk = read(at, 256);
    if (chunk.length === 0) break;
    const end = chunk.indexOf(0);
    text += Buffer.from(chunk.subarray(0, end < 0 ? chunk.length : end)).toString('latin1');
    if (end >= 0) break;
  }
  return text;
}

/** Reads a shared object's format and, for an ELF, what the loader needs of it. Never throws: a damaged header is a `problem`. */
export function readSharedObject(read: ByteReader): SharedObjectFormat {
  const head = read(0, 64);
  const format = sniffFormat(head);
  if (format !== 'elf') return { format, magic: hex(head.subarray(0, 4)) };
  const elfClass = head[4] === 2 ? 64 : 32;
  const little = head[5] !== 2;
  const base: Omit<ElfInfo, 'machine' | 'type'> = { format: 'elf', class: elfClass, endian: little ? 'little' : 'big', needed: [], versions: {} };
  if (head.length < (elfClass === 64 ? 64 : 52)) return { ...base, machine: 0, type: 0, problem: 'the ELF header is cut short' };
  const header = new Fields(head, little);
  const type = header.u16(16);
  const machine = header.u16(18);
  try {
    return { ...base, type, machine, ...readDynamic(read, header, elfClass, little) };
  } catch (error) {
    return { ...base, type, machine, problem: `its headers cannot be read (${(error as Error).message})` };
  }
}

interface Segment {
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
}

function readDynamic(read: ByteReader, header: Fields, elfClass: 32 | 64, little: boolean): Pick<ElfInfo, 'needed' | 'soname' | 'runpath' | 'versions'> {
  const wide = elfClass === 64;
  const phoff = wide ? header.u64(32) : header.u32(28);
  const phentsize = header.u16(wide ? 54 : 42);
  const phnum = header.u16(wide ? 56 : 44);
  if (phnum > MAX_HEADERS || phentsize < (wide ? 56 : 32)) throw new RangeError(`${phnum} program headers of ${phentsize} bytes`);
  const table = new Fields(read(phoff, phnum * phentsize), little);
  const segments: Segment[] = [];
  for (let index = 0; index < phnum; index++) {
    const at = index * phentsize;
    segments.push(
      wide
        ? { type: table.u32(at), offset: table.u64(at + 8), vaddr: table.u64(at + 16), filesz: table.u64(at + 32) }
        : { type: table.u32(at), offset: table.u32(at + 4), vaddr: table.u32(at + 8), filesz: table.u32(at + 16) },
    );
  }
  const dynamic = segments.find((segment) => segment.type === PT_DYNAMIC);
  if (!dynamic) return { needed: [], versions: {} };
  const entrySize = wide ? 16 : 8;
  const count = Math.min(Math.floor(dynamic.filesz / entrySize), MAX_DYNAMIC);
  const entries = new Fields(read(dynamic.offset, count * entrySize), little);
  const tags: [number, number][] = [];
  for (let index = 0; index < count; index++) {
    const at = index * entrySize;
    const tag = wide ? entries.tag64(at) : entries.u32(at);
    if (tag === DT_NULL) break;
    tags.push([tag, wide ? entries.u64(at + 8) : entries.u32(at + 4)]);
  }
  // Addresses in the dynamic section are virtual; the loadable segments say where they are in the file.
  const fileOffset = (address: number): number => {
    const segment = segments.find((candidate) => candidate.type === PT_LOAD && address >= candidate.vaddr && address < candidate.vaddr + candidate.filesz);
    if (!segment) throw new RangeError(`address 0x${address.toString(16)} is in no loadable segment`);
    return address - segment.vaddr + segment.offset;
  };
  const strtab = tags.find(([tag]) => tag === DT_STRTAB)?.[1];
  if (strtab === undefined) return { needed: [], versions: {} };
  const strings = fileOffset(strtab);
  const text = (offset: number) => stringAt(read, strings + offset);
  const needed = tags.filter(([tag]) => tag === DT_NEEDED).map(([, value]) => text(value));
  const soname = tags.find(([tag]) => tag === DT_SONAME);
  const runpath = tags.find(([tag]) => tag === DT_RUNPATH) ?? tags.find(([tag]) => tag === DT_RPATH);
  const versions: Record<string, string[]> = {};
  const verneed = tags.find(([tag]) => tag === DT_VERNEED)?.[1];
  const verneedCount = Math.min(tags.find(([tag]) => tag === DT_VERNEEDNUM)?.[1] ?? 0, MAX_VERNEED);
  if (verneed !== undefined) {
    let entry = fileOffset(verneed);
    for (let index = 0; index < verneedCount; index++) {
      const need = new Fields(read(entry, 16), little);
      const auxCount = Math.min(need.u16(2), MAX_VERNEED);
      const file = text(need.u32(4));
      let aux = entry + need.u32(8);
      const names = new Set(versions[file] ?? []);
      for (let auxIndex = 0; auxIndex < auxCount; auxIndex++) {
        const fields = new Fields(read(aux, 16), little);
        names.add(text(fields.u32(8)));
        const next = fields.u32(12);
        if (next === 0) break;
        aux += next;
      }
      versions[file] = [...names].sort();
      const next = need.u32(12);
      if (next === 0) break;
      entry += next;
    }
  }
  return {
    needed,
    ...(soname ? { soname: text(soname[1]) } : {}),
    ...(runpath ? { runpath: text(runpath[1]).split(':').filter(Boolean) } : {}),
    versions,
  };
}

// Our ELF reader: ELF32 and ELF64, either byte order, REL and RELA, SHN_XINDEX. It validates every
// structure it touches before using it, so malformed or half-written objects produce an
// ElfFormatError that says what is wrong and where, never an exception from deeper down.

import { ByteView, describe, toOffset, type What } from "./bytes";
import {
  ELFCLASS32,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  SHN_XINDEX,
  SHT_NOBITS,
  SHT_NULL,
  SHT_REL,
  SHT_RELA,
  SHT_STRTAB,
  SHT_SYMTAB,
  SHT_DYNSYM,
  SHT_SYMTAB_SHNDX,
} from "./constants";
import { ElfFormatError, hex } from "./errors";
import type { ElfFile, ElfHeader, ElfRelocation, ElfSymbol, ParseResult, SectionHeader } from "./types";

const EHDR_SIZE = { 32: 52, 64: 64 } as const;
const SHDR_SIZE = { 32: 40, 64: 64 } as const;
export const SYM_SIZE = { 32: 16, 64: 24 } as const;
export const RELA_SIZE = { 32: 12, 64: 24 } as const;
export const REL_SIZE = { 32: 8, 64: 16 } as const;

/** Parses an object without throwing: bad input comes back as `{ ok: false, error }`. */
export function parseElf(bytes: Uint8Array): ParseResult {
  try {
    return { ok: true, elf: readElf(bytes) };
  } catch (e) {
    if (e instanceof ElfFormatError) return { ok: false, error: { message: e.message, where: e.where } };
    throw e;
  }
}

/** Parses an object; throws ElfFormatError on malformed input. */
export function readElf(bytes: Uint8Array): ElfFile {
  if (bytes.byteLength < 16) {
    throw new ElfFormatError(
      `file is ${bytes.byteLength} bytes, too short for an ELF identification (16 bytes)`,
      "e_ident",
    );
  }
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new ElfFormatError(`not an ELF file: magic is ${magic}, expected 7f 45 4c 46`, "e_ident[EI_MAG]");
  }
  const cls = bytes[4];
  if (cls !== ELFCLASS32 && cls !== ELFCLASS64) {
    throw new ElfFormatError(
      `unknown ELF class ${cls} (expected 1 for ELF32 or 2 for ELF64)`,
      "e_ident[EI_CLASS]",
    );
  }
  const data = bytes[5];
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) {
    throw new ElfFormatError(`unknown data encoding ${data} (expected 1 LSB or 2 MSB)`, "e_ident[EI_DATA]");
  }
  const bits = cls === ELFCLASS64 ? 64 : 32;
  const is64 = bits === 64;
  const v = new ByteView(bytes, data === ELFDATA2LSB);
  const ehsize = EHDR_SIZE[bits];
  if (bytes.byteLength < ehsize) {
    throw new ElfFormatError(
      `file is ${bytes.byteLength} bytes, shorter than the ${ehsize}-byte ELF${bits} header (truncated?)`,
      "ELF header",
    );
  }
  const w = is64 ? 8 : 4;
  const header: ElfHeader = {
    bits,
    littleEndian: data === ELFDATA2LSB,
    osabi: bytes[7] ?? 0,
    e_type: v.u16(16, "e_type"),
    e_machine: v.u16(18, "e_machine"),
    e_version: v.u32(20, "e_version"),
    e_entry: v.addr(24, is64, "e_entry"),
    e_phoff: v.addr(24 + w, is64, "e_phoff"),
    e_shoff: v.addr(24 + 2 * w, is64, "e_shoff"),
    e_flags: v.u32(24 + 3 * w, "e_flags"),
    e_ehsize: v.u16(28 + 3 * w, "e_ehsize"),
    e_phentsize: v.u16(30 + 3 * w, "e_phentsize"),
    e_phnum: v.u16(32 + 3 * w, "e_phnum"),
    e_shentsize: v.u16(34 + 3 * w, "e_shentsize"),
    e_shnum: v.u16(36 + 3 * w, "e_shnum"),
    e_shstrndx: v.u16(38 + 3 * w, "e_shstrndx"),
  };
  const warnings: string[] = [];
  if (header.e_shoff === 0n) {
    throw new ElfFormatError("the object has no section header table (e_shoff is 0)", "e_shoff");
  }
  if (header.e_shentsize !== SHDR_SIZE[bits]) {
    throw new ElfFormatError(
      `e_shentsize is ${header.e_shentsize}, but an ELF${bits} section header is ${SHDR_SIZE[bits]} bytes`,
      "e_shentsize",
    );
  }
  const shoff = toOffset(header.e_shoff, "e_shoff");
  const shentsize = SHDR_SIZE[bits];
  // One message closure for every header: the index it names is the one being read (a closure per
  // header was garbage for every section of an object with thousands).
  let reading = 0;
  const what = () => `section header ${reading}`;
  const readShdr = (i: number): SectionHeader => {
    const o = shoff + i * shentsize;
    reading = i;
    v.check(o, shentsize, what);
    return {
      index: i,
      name: "",
      sh_name: v.u32In(o),
      sh_type: v.u32In(o + 4),
      sh_flags: v.addrIn(o + 8, is64),
      sh_addr: v.addrIn(o + 8 + w, is64),
      sh_offset: v.addrIn(o + 8 + 2 * w, is64),
      sh_size: v.addrIn(o + 8 + 3 * w, is64),
      sh_link: v.u32In(o + 8 + 4 * w),
      sh_info: v.u32In(o + 12 + 4 * w),
      sh_addralign: v.addrIn(o + 16 + 4 * w, is64),
      sh_entsize: v.addrIn(o + 16 + 5 * w, is64),
    };
  };

  // SHN_XINDEX scheme: counts that do not fit in 16 bits live in section 0.
  let shnum = header.e_shnum;
  let shstrndx = header.e_shstrndx;
  if (shnum === 0 || shstrndx === SHN_XINDEX) {
    const s0 = readShdr(0);
    if (shnum === 0) {
      shnum = toOffset(s0.sh_size, "section header 0 sh_size (extended e_shnum)");
      if (shnum === 0) throw new ElfFormatError("the object has no sections (e_shnum is 0)", "e_shnum");
      warnings.push(
        `e_shnum is 0: the real section count ${shnum} is in section 0's sh_size (SHN_XINDEX scheme)`,
      );
    }
    if (shstrndx === SHN_XINDEX) {
      shstrndx = s0.sh_link;
      warnings.push(`e_shstrndx is SHN_XINDEX: the real index ${shstrndx} is in section 0's sh_link`);
    }
  }
  v.check(shoff, shnum * shentsize, `section header table (${shnum} entries at e_shoff ${hex(shoff)})`);

  const sections: SectionHeader[] = new Array<SectionHeader>(shnum);
  for (let i = 0; i < shnum; i++) sections[i] = readShdr(i);
  if (shstrndx >= shnum) {
    throw new ElfFormatError(`e_shstrndx ${shstrndx} is not below the section count ${shnum}`, "e_shstrndx");
  }
  const shstr = sections[shstrndx]!;
  if (shstr.sh_type !== SHT_STRTAB) {
    throw new ElfFormatError(
      `section ${shstrndx} named by e_shstrndx is of type ${shstr.sh_type}, not SHT_STRTAB`,
      "e_shstrndx",
    );
  }
  checkSectionData(v, shstr);
  // Sections that share a name share its sh_name offset: each distinct one is decoded once.
  const names = new Map<number, string>();
  const nameWhat = () => `name of section ${reading}`;
  for (let n = 0; n < sections.length; n++) {
    const s = sections[n]!;
    checkSectionData(v, s);
    let name = names.get(s.sh_name);
    if (name === undefined) {
      reading = s.index;
      names.set(s.sh_name, (name = readString(v, shstr, s.sh_name, nameWhat)));
    }
    (s as { name: string }).name = name;
  }
  for (let n = 0; n < shnum; n++) checkLinks(sections[n]!, sections, warnings);
  return { bytes, header, sections, shstrndx, warnings };
}

const MAX_SAFE_N = BigInt(Number.MAX_SAFE_INTEGER);

/** The section's file bytes must lie inside the file (SHT_NOBITS and SHT_NULL have none). */
function checkSectionData(v: ByteView, s: Omit<SectionHeader, "name">): void {
  if (s.sh_type === SHT_NOBITS || s.sh_type === SHT_NULL) return;
  // Only an offset or size no file can have needs its message (made then).
  const off =
    s.sh_offset <= MAX_SAFE_N
      ? Number(s.sh_offset)
      : toOffset(s.sh_offset, `contents of section ${s.index} sh_offset`);
  const size =
    s.sh_size <= MAX_SAFE_N
      ? Number(s.sh_size)
      : toOffset(s.sh_size, `contents of section ${s.index} sh_size`);
  if (off + size > v.length) {
    throw new ElfFormatError(
      `section ${s.index} claims ${size} bytes at file offset ${hex(off)}, past the end of the ${v.length}-byte file (truncated or half-written?)`,
      `section header ${s.index}`,
    );
  }
}

/** sh_link/sh_info of the structural section types must name real sections of the right kind. */
function checkLinks(s: SectionHeader, sections: readonly SectionHeader[], warnings: string[]): void {
  const n = sections.length;
  if (s.sh_type !== SHT_SYMTAB && s.sh_type !== SHT_DYNSYM && s.sh_type !== SHT_RELA && s.sh_type !== SHT_REL)
    return;
  const what = `section header ${s.index} (${s.name || "unnamed"})`;
  if (s.sh_type === SHT_SYMTAB || s.sh_type === SHT_DYNSYM) {
    if (s.sh_link >= n) {
      throw new ElfFormatError(
        `symbol table's sh_link ${s.sh_link} is not below the section count ${n}`,
        what,
      );
    }
    if (sections[s.sh_link]!.sh_type !== SHT_STRTAB) {
      warnings.push(`${what}: symbol table's sh_link ${s.sh_link} is not a string table`);
    }
  }
  if (s.sh_type === SHT_RELA || s.sh_type === SHT_REL) {
    // The kernel checks these two against e_shnum itself (and fails with -ENOEXEC), so they are
    // left for the loader model to report in the kernel's terms rather than rejected here.
    if (s.sh_link >= n || s.sh_info >= n) return;
    const link = sections[s.sh_link]!;
    if (link.sh_type !== SHT_SYMTAB && link.sh_type !== SHT_DYNSYM) {
      warnings.push(
        `${what}: relocation section's sh_link ${s.sh_link} (${link.name}) is not a symbol table`,
      );
    }
  }
}

/** Reads a NUL-terminated string at `offset` inside string table `strtab`. */
function readString(v: ByteView, strtab: Omit<SectionHeader, "name">, offset: number, what: What): string {
  const start = Number(strtab.sh_offset);
  const size = Number(strtab.sh_size);
  if (offset >= size) {
    if (offset === 0 && size === 0) return "";
    const w = describe(what);
    throw new ElfFormatError(
      `${w}: string offset ${offset} is past the end of string table section ${strtab.index} (${size} bytes)`,
      w,
    );
  }
  const end = v.bytes.indexOf(0, start + offset);
  if (end < 0 || end >= start + size) {
    const w = describe(what);
    throw new ElfFormatError(
      `${w}: string at offset ${offset} runs off the end of section ${strtab.index}`,
      w,
    );
  }
  return decodeLatin1(v.bytes.subarray(start + offset, end));
}

// Names in ELF are bytes; latin1 keeps every byte visible and round-trippable in reports.
function decodeLatin1(b: Uint8Array): string {
  // Most names are short: a loop beats spreading the bytes into an argument list.
  if (b.length <= 64) {
    let s = "";
    for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
    return s;
  }
  let s = "";
  for (let i = 0; i < b.length; i += 4096)
    s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

// One ByteView per file: readers below are called per symbol and per relocation.
const views = new WeakMap<ElfFile, ByteView>();
function view(elf: ElfFile): ByteView {
  let v = views.get(elf);
  if (!v) views.set(elf, (v = new ByteView(elf.bytes, elf.header.littleEndian)));
  return v;
}

/** The file bytes of a section (empty for NOBITS). Bounds were checked at parse time. */
export function sectionData(elf: ElfFile, index: number): Uint8Array {
  const s = elf.sections[index];
  if (!s || s.sh_type === SHT_NOBITS || s.sh_type === SHT_NULL) return new Uint8Array(0);
  const off = Number(s.sh_offset);
  return elf.bytes.subarray(off, off + Number(s.sh_size));
}

/** A string from the string table `strtabIndex`; throws ElfFormatError if it is out of bounds. */
export function stringAt(elf: ElfFile, strtabIndex: number, offset: number, what: What): string {
  const s = elf.sections[strtabIndex];
  if (!s) {
    const w = describe(what);
    throw new ElfFormatError(`${w}: string table index ${strtabIndex} does not exist`, w);
  }
  return readString(view(elf), s, offset, what);
}

/** Number of whole symbols in a symbol table, by the class's struct size (as the kernel counts). */
export function symbolCount(elf: ElfFile, symtabIndex: number): number {
  const s = elf.sections[symtabIndex]!;
  return Number(s.sh_size / BigInt(SYM_SIZE[elf.header.bits]));
}

/** Reads symbol `k` of symbol table section `symtabIndex`, resolving its name and SHN_XINDEX. */
export function readSymbol(elf: ElfFile, symtabIndex: number, k: number): ElfSymbol {
  const tab = elf.sections[symtabIndex]!;
  const bits = elf.header.bits;
  const what = () => `symbol ${k} of section ${symtabIndex} (${tab.name})`;
  if (k < 0 || k >= symbolCount(elf, symtabIndex)) {
    throw new ElfFormatError(
      `symbol index ${k} is past the end of symbol table ${tab.name} (${symbolCount(elf, symtabIndex)} symbols)`,
      what(),
    );
  }
  const v = view(elf);
  const o = Number(tab.sh_offset) + k * SYM_SIZE[bits];
  let st_name: number, st_info: number, st_other: number, st_shndx: number, st_value: bigint, st_size: bigint;
  if (bits === 64) {
    st_name = v.u32(o, what);
    st_info = v.u8(o + 4, what);
    st_other = v.u8(o + 5, what);
    st_shndx = v.u16(o + 6, what);
    st_value = v.u64(o + 8, what);
    st_size = v.u64(o + 16, what);
  } else {
    st_name = v.u32(o, what);
    st_value = BigInt(v.u32(o + 4, what));
    st_size = BigInt(v.u32(o + 8, what));
    st_info = v.u8(o + 12, what);
    st_other = v.u8(o + 13, what);
    st_shndx = v.u16(o + 14, what);
  }
  let shndx = st_shndx;
  if (st_shndx === SHN_XINDEX) shndx = extendedIndex(elf, symtabIndex, k, what);
  const name = st_name === 0 ? "" : stringAt(elf, tab.sh_link, st_name, () => `name of ${what()}`);
  return {
    index: k,
    name,
    st_name,
    st_info,
    st_other,
    st_shndx,
    shndx,
    st_value,
    st_size,
    bind: st_info >> 4,
    type: st_info & 0xf,
  };
}

/** The SHT_SYMTAB_SHNDX section that belongs to symbol table `symtabIndex`, looked up once per table. */
function shndxSection(elf: ElfFile, symtabIndex: number): SectionHeader | undefined {
  let byTable = shndxSections.get(elf);
  if (byTable === undefined) shndxSections.set(elf, (byTable = new Map()));
  if (!byTable.has(symtabIndex))
    byTable.set(
      symtabIndex,
      elf.sections.find((s) => s.sh_type === SHT_SYMTAB_SHNDX && s.sh_link === symtabIndex),
    );
  return byTable.get(symtabIndex);
}

const shndxSections = new WeakMap<ElfFile, Map<number, SectionHeader | undefined>>();

function extendedIndex(elf: ElfFile, symtabIndex: number, k: number, what: () => string): number {
  const x = shndxSection(elf, symtabIndex);
  if (!x) {
    throw new ElfFormatError(
      `st_shndx is SHN_XINDEX but no SHT_SYMTAB_SHNDX section belongs to this table`,
      what(),
    );
  }
  return view(elf).u32(Number(x.sh_offset) + 4 * k, () => `${what()} extended section index`);
}

/** All symbols of a table, in order. */
export function readSymbols(elf: ElfFile, symtabIndex: number): ElfSymbol[] {
  const n = symbolCount(elf, symtabIndex);
  const out: ElfSymbol[] = new Array(n);
  for (let k = 0; k < n; k++) out[k] = readSymbol(elf, symtabIndex, k);
  return out;
}

/** A symbol as reports show it: what could not be resolved is named in `problem` instead of thrown. */
export interface ReportedSymbol extends ElfSymbol {
  /** Why `name` or `shndx` is a stand-in (st_name out of bounds, SHN_XINDEX without its table). */
  readonly problem?: string;
}

const reported = new WeakMap<ElfFile, readonly ReportedSymbol[]>();

/**
 * Every symbol of every SHT_SYMTAB, read once per file for all reporters (JSON, hovers, text). The
 * loaders read symbols their own way, as the kernel does; a report must show whatever they made of
 * the object, so nothing here throws: each entry lies inside its table (checked at parse time), and
 * a name or extended index that cannot be resolved is replaced and explained.
 */
export function reportedSymbols(elf: ElfFile): readonly ReportedSymbol[] {
  let out = reported.get(elf);
  if (out) return out;
  const list: ReportedSymbol[] = [];
  // A table whose header repeats an earlier one's (same bytes, same string table) adds nothing to
  // show: an object with 15,000 copies of one header made 2.5 million symbols to list.
  // (A table with its own SHT_SYMTAB_SHNDX section is always read: its extended indices are its own.)
  const tables = new Set<string>();
  const extended = new Set<number>();
  for (const s of elf.sections) if (s.sh_type === SHT_SYMTAB_SHNDX) extended.add(s.sh_link);
  for (const tab of elf.sections) {
    if (tab.sh_type !== SHT_SYMTAB) continue;
    const key = extended.has(tab.index)
      ? `#${tab.index}`
      : `${tab.sh_offset} ${tab.sh_size} ${tab.sh_link} ${tab.sh_entsize}`;
    if (tables.has(key)) continue;
    tables.add(key);
    const n = symbolCount(elf, tab.index);
    const memo: NameMemo = { st_name: 0, name: "", problem: undefined };
    for (let k = 0; k < n; k++) list.push(reportedSymbol(elf, tab, k, memo));
  }
  reported.set(elf, (out = list));
  return out;
}

/** The name a table's previous symbol resolved to: hostile tables repeat one st_name thousands of times. */
interface NameMemo {
  st_name: number;
  name: string;
  problem: string | undefined;
}

function reportedSymbol(elf: ElfFile, tab: SectionHeader, k: number, memo: NameMemo): ReportedSymbol {
  const f = symbolFields(elf, tab, k);
  let indexProblem: string | undefined;
  let shndx = f.st_shndx;
  if (f.st_shndx === SHN_XINDEX) {
    const x = shndxSection(elf, tab.index);
    if (x && BigInt(4 * k + 4) <= x.sh_size) shndx = view(elf).u32(Number(x.sh_offset) + 4 * k, "");
    else indexProblem = `st_shndx is SHN_XINDEX but no SHT_SYMTAB_SHNDX entry ${k} belongs to ${tab.name}`;
  }
  if (f.st_name !== memo.st_name) {
    memo.st_name = f.st_name;
    memo.name = "";
    memo.problem = undefined;
    if (f.st_name !== 0) {
      const strtab = elf.sections[tab.sh_link];
      const str = strtab && stringIfInside(view(elf), strtab, f.st_name);
      if (str !== undefined) memo.name = str;
      else {
        memo.name = `<st_name ${hex(f.st_name)}>`;
        memo.problem = `st_name ${hex(f.st_name)} is not a string inside string table ${tab.sh_link}`;
      }
    }
  }
  const { name } = memo;
  const problem =
    indexProblem === undefined
      ? memo.problem
      : memo.problem === undefined
        ? indexProblem
        : `${indexProblem}; ${memo.problem}`;
  const { st_name, st_info, st_other, st_shndx, st_value, st_size } = f;
  const bind = st_info >> 4;
  const type = st_info & 0xf;
  // Whole literals, one shape each (a spread per symbol cost more than reading it).
  return problem === undefined
    ? { index: k, name, st_name, st_info, st_other, st_shndx, st_value, st_size, shndx, bind, type }
    : { index: k, name, st_name, st_info, st_other, st_shndx, st_value, st_size, shndx, bind, type, problem };
}

/** The NUL-terminated string at `offset`, or undefined when it does not lie inside the table. */
function stringIfInside(v: ByteView, strtab: SectionHeader, offset: number): string | undefined {
  if (strtab.sh_type === SHT_NOBITS || strtab.sh_type === SHT_NULL) return undefined;
  const start = Number(strtab.sh_offset);
  const size = Number(strtab.sh_size);
  if (offset >= size) return undefined;
  const end = v.bytes.indexOf(0, start + offset);
  if (end < 0 || end >= start + size) return undefined;
  return decodeLatin1(v.bytes.subarray(start + offset, end));
}

/** The stored fields of symbol `k`; the caller has checked that it lies inside its table. */
function symbolFields(elf: ElfFile, tab: SectionHeader, k: number) {
  const v = view(elf);
  const what = () => `symbol ${k} of section ${tab.index} (${tab.name})`;
  const o = Number(tab.sh_offset) + k * SYM_SIZE[elf.header.bits];
  if (elf.header.bits === 64) {
    return {
      st_name: v.u32(o, what),
      st_info: v.u8(o + 4, what),
      st_other: v.u8(o + 5, what),
      st_shndx: v.u16(o + 6, what),
      st_value: v.u64(o + 8, what),
      st_size: v.u64(o + 16, what),
    };
  }
  return {
    st_name: v.u32(o, what),
    st_value: BigInt(v.u32(o + 4, what)),
    st_size: BigInt(v.u32(o + 8, what)),
    st_info: v.u8(o + 12, what),
    st_other: v.u8(o + 13, what),
    st_shndx: v.u16(o + 14, what),
  };
}

/** Entry size the class gives a relocation section of this type (the kernel uses it, not sh_entsize). */
export function relocationEntrySize(elf: ElfFile, relSection: SectionHeader): number {
  const bits = elf.header.bits;
  return relSection.sh_type === SHT_RELA ? RELA_SIZE[bits] : REL_SIZE[bits];
}

/** Reads every entry of a SHT_REL or SHT_RELA section. */
export function readRelocations(elf: ElfFile, relIndex: number): ElfRelocation[] {
  const s = elf.sections[relIndex]!;
  const bits = elf.header.bits;
  const isRela = s.sh_type === SHT_RELA;
  const size = relocationEntrySize(elf, s);
  const n = Number(s.sh_size / BigInt(size));
  const v = view(elf);
  const base = Number(s.sh_offset);
  const out: ElfRelocation[] = new Array(n);
  const what = () => `relocation section ${relIndex} (${s.name})`;
  for (let i = 0; i < n; i++) {
    const o = base + i * size;
    if (bits === 64) {
      const r_info = v.u64(o + 8, what);
      out[i] = {
        index: i,
        r_offset: v.u64(o, what),
        r_info,
        sym: Number(r_info >> 32n),
        type: Number(r_info & 0xffffffffn),
        r_addend: isRela ? v.i64(o + 16, what) : 0n,
      };
    } else {
      const info = v.u32(o + 4, what);
      out[i] = {
        index: i,
        r_offset: BigInt(v.u32(o, what)),
        r_info: BigInt(info),
        sym: info >>> 8,
        type: info & 0xff,
        r_addend: isRela ? BigInt(v.i32(o + 8, what)) : 0n,
      };
    }
  }
  return out;
}

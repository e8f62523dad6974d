// A relocation section's entries as columns of numbers, read once per object and shared by every
// simulated load: with a million entries, one ElfRelocation object (three bigints) per entry and per
// load was most of the time and memory. A field that does not fit in a double exactly is NaN here;
// relocationAt() gives the exact entry for those (and for any caller that wants one object).

import { ByteView } from "./bytes";
import { ElfFormatError } from "./errors";
import { RELA_SIZE, REL_SIZE } from "./reader";
import { SHT_RELA } from "./constants";
import type { ElfFile, ElfRelocation } from "./types";

export interface RelocationEntries {
  readonly count: number;
  /** r_offset, or NaN when it is above 2^53 - 1. */
  readonly r_offset: Float64Array;
  readonly sym: Uint32Array;
  readonly type: Uint32Array;
  /** r_addend (0 for REL), or NaN when its magnitude is above 2^53 - 1. */
  readonly r_addend: Float64Array;
}

const TWO_32 = 0x1_0000_0000;
/** High words up to this keep hi * 2^32 + lo below 2^53. */
const SAFE_HI = 0x1f_ffff;

const cache = new WeakMap<ElfFile, Map<number, RelocationEntries>>();

/** The entries of SHT_REL/SHT_RELA section `relIndex` (bounds were checked when the ELF was parsed). */
export function relocationEntries(elf: ElfFile, relIndex: number): RelocationEntries {
  let perFile = cache.get(elf);
  if (!perFile) cache.set(elf, (perFile = new Map()));
  let e = perFile.get(relIndex);
  if (!e) perFile.set(relIndex, (e = readEntries(elf, relIndex)));
  return e;
}

function readEntries(elf: ElfFile, relIndex: number): RelocationEntries {
  const s = elf.sections[relIndex]!;
  const is64 = elf.header.bits === 64;
  const le = elf.header.littleEndian;
  const isRela = s.sh_type === SHT_RELA;
  const size = isRela ? RELA_SIZE[elf.header.bits] : REL_SIZE[elf.header.bits];
  const count = Number(s.sh_size / BigInt(size));
  const base = Number(s.sh_offset);
  checkInside(elf, relIndex, base, count, size);
  const dv = new DataView(elf.bytes.buffer, elf.bytes.byteOffset, elf.bytes.byteLength);
  const r_offset = new Float64Array(count);
  const sym = new Uint32Array(count);
  const type = new Uint32Array(count);
  const r_addend = new Float64Array(count);
  // The low word sits first in a little-endian file, the high word first in a big-endian one.
  const lo = le ? 0 : 4;
  const hi = le ? 4 : 0;
  for (let i = 0, o = base; i < count; i++, o += size) {
    if (is64) {
      const offHi = dv.getUint32(o + hi, le);
      r_offset[i] = offHi <= SAFE_HI ? offHi * TWO_32 + dv.getUint32(o + lo, le) : NaN;
      // r_info: symbol index in the high word, type in the low word.
      sym[i] = dv.getUint32(o + 8 + hi, le);
      type[i] = dv.getUint32(o + 8 + lo, le);
      if (isRela) {
        const aHi = dv.getInt32(o + 16 + hi, le);
        r_addend[i] =
          aHi <= SAFE_HI && aHi >= -SAFE_HI - 1 ? aHi * TWO_32 + dv.getUint32(o + 16 + lo, le) : NaN;
      }
    } else {
      r_offset[i] = dv.getUint32(o, le);
      const info = dv.getUint32(o + 4, le);
      sym[i] = info >>> 8;
      type[i] = info & 0xff;
      if (isRela) r_addend[i] = dv.getInt32(o + 8, le);
    }
  }
  return { count, r_offset, sym, type, r_addend };
}

const views = new WeakMap<ElfFile, DataView>();

/**
 * The parser keeps section contents inside the file; should an entry still leave it, the error is the
 * one readRelocations() gives for that entry (an ElfFormatError, never a RangeError).
 */
function checkInside(elf: ElfFile, relIndex: number, base: number, count: number, size: number): void {
  const length = elf.bytes.byteLength;
  if (base + count * size <= length) return;
  const s = elf.sections[relIndex]!;
  const what = `relocation section ${relIndex} (${s.name})`;
  const v = new ByteView(elf.bytes, elf.header.littleEndian);
  const o = base + Math.max(0, Math.floor((length - base) / size)) * size;
  // In the order readRelocations() reads an entry's fields: r_info, r_offset, r_addend.
  const w = elf.header.bits === 64 ? 8 : 4;
  v.check(o + w, w, what);
  v.check(o, w, what);
  v.check(o + 2 * w, w, what);
  throw new ElfFormatError(`${what} runs past the end of the ${length}-byte file`, what);
}

const RAW_WORDS = new Uint32Array(4);

/** Where entry `i` of a relocation section starts in the file, and how to read it. */
function entryPlace(elf: ElfFile, relIndex: number, i: number) {
  const s = elf.sections[relIndex]!;
  const isRela = s.sh_type === SHT_RELA;
  const size = isRela ? RELA_SIZE[elf.header.bits] : REL_SIZE[elf.header.bits];
  let dv = views.get(elf);
  if (!dv) views.set(elf, (dv = new DataView(elf.bytes.buffer, elf.bytes.byteOffset, elf.bytes.byteLength)));
  return {
    dv,
    o: Number(s.sh_offset) + i * size,
    is64: elf.header.bits === 64,
    le: elf.header.littleEndian,
    isRela,
  };
}

/**
 * Entry `i`'s r_offset and r_addend as 32-bit words, high first: [offHi, offLo, addendHi, addendLo]
 * (the addend's two's complement; 0 for REL). The array is reused by the next call.
 */
export function rawEntryWords(elf: ElfFile, relIndex: number, i: number): Uint32Array {
  const { dv, o, is64, le, isRela } = entryPlace(elf, relIndex, i);
  const w = RAW_WORDS;
  // The low word sits first in a little-endian file, the high word first in a big-endian one.
  const lo = le ? 0 : 4;
  const hi = le ? 4 : 0;
  if (is64) {
    w[0] = dv.getUint32(o + hi, le);
    w[1] = dv.getUint32(o + lo, le);
    w[2] = isRela ? dv.getUint32(o + 16 + hi, le) : 0;
    w[3] = isRela ? dv.getUint32(o + 16 + lo, le) : 0;
  } else {
    w[0] = 0;
    w[1] = dv.getUint32(o, le);
    const a = isRela ? dv.getInt32(o + 8, le) : 0;
    w[2] = a < 0 ? 0xffff_ffff : 0;
    w[3] = a >>> 0;
  }
  return w;
}

/** Entry `i` exactly, as readRelocations() returns it. */
export function relocationAt(elf: ElfFile, relIndex: number, i: number): ElfRelocation {
  const { dv, o, is64, le, isRela } = entryPlace(elf, relIndex, i);
  if (is64) {
    const r_info = dv.getBigUint64(o + 8, le);
    return {
      index: i,
      r_offset: dv.getBigUint64(o, le),
      r_info,
      sym: Number(r_info >> 32n),
      type: Number(r_info & 0xffffffffn),
      r_addend: isRela ? dv.getBigInt64(o + 16, le) : 0n,
    };
  }
  const info = dv.getUint32(o + 4, le);
  return {
    index: i,
    r_offset: BigInt(dv.getUint32(o, le)),
    r_info: BigInt(info),
    sym: info >>> 8,
    type: info & 0xff,
    r_addend: isRela ? BigInt(dv.getInt32(o + 8, le)) : 0n,
  };
}

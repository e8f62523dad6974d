// Objects no compiler emits, made from real ones: relocation entries with 64-bit values past what
// the doubles hold, offsets that wrap back into the buffer, unknown types, targets aligned to 4 GiB,
// and relocation sections whose entries repeat. The number-path and report tests run them.

import { readElf } from "../server/src/core/elf/reader";
import type { ElfFile } from "../server/src/core/elf/types";

const TWO_64 = 1n << 64n;

/** 64-bit values a compiler never emits, for r_offset and r_addend. */
const HOSTILE = [
  1n << 53n,
  (1n << 53n) + 1n,
  1n << 62n,
  (1n << 63n) - 1n,
  1n << 63n,
  TWO_64 - 8n,
  TWO_64 - (1n << 53n),
  TWO_64 - (1n << 31n),
  0xffff_ffffn,
  (1n << 32n) + 4n,
];

/**
 * Copies of an ELF64 object with every RELA entry's r_offset, r_addend or type replaced, in turn,
 * by hostile values; one offset is chosen so that sh_offset + r_offset wraps back into the buffer.
 */
export function hostileCopies(name: string, elf: ElfFile): { name: string; elf: ElfFile }[] {
  if (elf.header.bits !== 64) return [];
  const le = elf.header.littleEndian;
  const out: { name: string; elf: ElfFile }[] = [];
  const types = [9, 10, 11, 42, 1, 2, 4];
  for (const field of ["r_offset", "r_addend", "type", "all"] as const) {
    const bytes = new Uint8Array(elf.bytes);
    const dv = new DataView(bytes.buffer);
    for (const s of elf.sections) {
      if (s.sh_type !== 4 /* SHT_RELA */) continue;
      const target = elf.sections[s.sh_info];
      for (let j = 0, o = Number(s.sh_offset); o + 24 <= Number(s.sh_offset + s.sh_size); j++, o += 24) {
        const v = HOSTILE[j % HOSTILE.length]!;
        // Every third entry: an offset that wraps mod 2^64 to 8 bytes into its section.
        const wrap = target ? (TWO_64 - target.sh_offset + 8n) % TWO_64 : v;
        if (field === "r_offset" || field === "all") dv.setBigUint64(o, j % 3 === 2 ? wrap : v, le);
        if (field === "r_addend") dv.setBigUint64(o + 16, v, le);
        // With "all", strides that pair each type with each offset and addend.
        if (field === "all") dv.setBigUint64(o + 16, HOSTILE[(j * 3 + 1) % HOSTILE.length]!, le);
        if (field === "type" || field === "all")
          dv.setUint32(o + (le ? 8 : 12), types[j % types.length]!, le);
      }
    }
    out.push({ name: `${name} (hostile ${field})`, elf: readElf(bytes) });
  }
  // Relocation targets aligned to 4 GiB: the staging buffer passes 2^32 (a sparse one).
  const bytes = new Uint8Array(elf.bytes);
  const dv = new DataView(bytes.buffer);
  for (const s of elf.sections) {
    const target = s.sh_type === 4 ? elf.sections[s.sh_info] : undefined;
    if (target) dv.setBigUint64(Number(elf.header.e_shoff) + target.index * 64 + 48, 1n << 32n, le);
  }
  out.push({ name: `${name} (targets aligned to 4 GiB)`, elf: readElf(bytes) });
  return out;
}

/**
 * The object with each ELF64 RELA section's entries repeated `times` over (appended to the file):
 * the section `times` times in a row, or with `each`, every entry `times` times in a row.
 */
export function repeatedRelas(elf: ElfFile, times: number, each = false): Uint8Array {
  const relas = elf.sections.filter((s) => s.sh_type === 4 /* SHT_RELA */ && s.sh_size > 0n);
  const grown = relas.map((s) => {
    const one = elf.bytes.subarray(Number(s.sh_offset), Number(s.sh_offset + s.sh_size));
    const all = new Uint8Array(one.length * times);
    if (each)
      for (let e = 0; e * 24 < one.length; e++)
        for (let k = 0; k < times; k++) all.set(one.subarray(e * 24, e * 24 + 24), (e * times + k) * 24);
    else for (let k = 0; k < times; k++) all.set(one, k * one.length);
    return all;
  });
  const out = new Uint8Array(elf.bytes.length + grown.reduce((n, g) => n + g.length, 0));
  out.set(elf.bytes);
  const dv = new DataView(out.buffer);
  const le = elf.header.littleEndian;
  let at = elf.bytes.length;
  relas.forEach((s, k) => {
    out.set(grown[k]!, at);
    const hdr = Number(elf.header.e_shoff) + s.index * 64;
    dv.setBigUint64(hdr + 24, BigInt(at), le);
    dv.setBigUint64(hdr + 32, BigInt(grown[k]!.length), le);
    at += grown[k]!.length;
  });
  return out;
}

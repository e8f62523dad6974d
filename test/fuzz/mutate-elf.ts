// Structure-aware ELF mutations: they know where the header, the section table, the symbols and the
// relocations of the seed object are, so most inputs get past the reader and reach the loaders.

import { readElf } from "../../server/src/core/elf/reader";
import type { ElfFile } from "../../server/src/core/elf/types";
import type { Rng } from "./rng";

const SHT_SYMTAB = 2;
const SHT_RELA = 4;
const SHT_NOTE = 7;
const SHT_REL = 9;

/** A seed object with its layout, read once. */
export interface ElfSeed {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly elf: ElfFile;
}

export function elfSeed(name: string, bytes: Uint8Array): ElfSeed | undefined {
  // A plain Uint8Array of its own: on a Buffer (what readFileSync gives) slice() is a view, and every
  // mutation would write into the seed, making each input depend on the ones generated before it.
  const own = new Uint8Array(bytes);
  try {
    return { name, bytes: own, elf: readElf(own) };
  } catch {
    return undefined;
  }
}

class Writer {
  readonly view: DataView;
  constructor(
    public bytes: Uint8Array,
    readonly le: boolean,
    readonly is64: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  put(off: number, size: 1 | 2 | 4 | 8, v: bigint): void {
    if (off < 0 || off + size > this.bytes.length) return;
    if (size === 1) this.view.setUint8(off, Number(v & 0xffn));
    else if (size === 2) this.view.setUint16(off, Number(v & 0xffffn), this.le);
    else if (size === 4) this.view.setUint32(off, Number(v & 0xffffffffn), this.le);
    else this.view.setBigUint64(off, BigInt.asUintN(64, v), this.le);
  }
  get(off: number, size: 4 | 8): bigint {
    if (off < 0 || off + size > this.bytes.length) return 0n;
    return size === 4 ? BigInt(this.view.getUint32(off, this.le)) : this.view.getBigUint64(off, this.le);
  }
  /** A target-address-sized field. */
  word(): 4 | 8 {
    return this.is64 ? 8 : 4;
  }
}

function ehdrFields(w: Writer): [number, 1 | 2 | 4 | 8][] {
  const a = w.word();
  return [
    [4, 1], // EI_CLASS
    [5, 1], // EI_DATA
    [16, 2], // e_type
    [18, 2], // e_machine
    [24, a], // e_entry
    [24 + 2 * a, a], // e_shoff
    [34 + 3 * a, 2], // e_shentsize
    [36 + 3 * a, 2], // e_shnum
    [38 + 3 * a, 2], // e_shstrndx
  ];
}

function shdrFields(w: Writer): [number, 1 | 2 | 4 | 8, string][] {
  const a = w.word();
  return [
    [0, 4, "sh_name"],
    [4, 4, "sh_type"],
    [8, a, "sh_flags"],
    [8 + a, a, "sh_addr"],
    [8 + 2 * a, a, "sh_offset"],
    [8 + 3 * a, a, "sh_size"],
    [8 + 4 * a, 4, "sh_link"],
    [12 + 4 * a, 4, "sh_info"],
    [16 + 4 * a, a, "sh_addralign"],
    [16 + 5 * a, a, "sh_entsize"],
  ];
}

const SHDR = { 4: 40, 8: 64 } as const;

function sectionsOf(seed: ElfSeed, type: number) {
  return seed.elf.sections.filter((s) => s.sh_type === type && s.sh_size > 0n);
}

type Mutation = (rng: Rng, w: Writer, seed: ElfSeed) => void;

const header: Mutation = (rng, w) => {
  const [off, size] = rng.pick(ehdrFields(w));
  w.put(off, size, rng.interesting((size * 8) as 8 | 16 | 32 | 64));
};

const sectionField: Mutation = (rng, w, seed) => {
  const i = rng.int(seed.elf.sections.length);
  const base = Number(seed.elf.header.e_shoff) + i * SHDR[w.word()];
  const [off, size, name] = rng.pick(shdrFields(w));
  let v = rng.interesting((size * 8) as 32 | 64);
  if (name === "sh_addralign" && rng.chance(0.7)) v = 1n << BigInt(rng.int(64));
  if (name === "sh_type" && rng.chance(0.5)) v = BigInt(rng.pick([0, 1, 2, 3, 4, 7, 8, 9, 18]));
  if (name === "sh_flags" && rng.chance(0.5)) v = BigInt(rng.pick([0, 2, 3, 6, 7, 0x40]));
  w.put(base + off, size, v);
};

const alignment: Mutation = (rng, w, seed) => {
  const i = rng.int(seed.elf.sections.length);
  const base = Number(seed.elf.header.e_shoff) + i * SHDR[w.word()];
  const a = w.word();
  const k = rng.pick([0, 3, 12, 20, 28, 30, 31, 32, 40, 52, 63]);
  w.put(base + 16 + 4 * a, a, rng.chance(0.1) ? 0n : 1n << BigInt(Math.min(k, a * 8 - 1)));
};

const symbolField: Mutation = (rng, w, seed) => {
  const tabs = sectionsOf(seed, SHT_SYMTAB);
  if (tabs.length === 0) return header(rng, w, seed);
  const tab = rng.pick(tabs);
  const size = w.is64 ? 24 : 16;
  const n = Number(tab.sh_size) / size;
  const o = Number(tab.sh_offset) + rng.int(n) * size;
  const fields: [number, 1 | 2 | 4 | 8][] = w.is64
    ? [[0, 4], [4, 1], [6, 2], [8, 8], [16, 8]] // prettier-ignore
    : [[0, 4], [4, 4], [8, 4], [12, 1], [14, 2]]; // prettier-ignore
  const [off, sz] = rng.pick(fields);
  let v = rng.interesting((sz * 8) as 8 | 16 | 32 | 64);
  if (sz === 2 && rng.chance(0.5)) v = BigInt(rng.pick([0, 0xffff, 0xfff1, 0xfff2, 0xff00, 1, 200]));
  w.put(o + off, sz, v);
};

const relocationField: Mutation = (rng, w, seed) => {
  const secs = [...sectionsOf(seed, SHT_RELA), ...sectionsOf(seed, SHT_REL)];
  if (secs.length === 0) return symbolField(rng, w, seed);
  const s = rng.pick(secs);
  const size = s.sh_type === SHT_RELA ? (w.is64 ? 24 : 12) : w.is64 ? 16 : 8;
  const n = Math.floor(Number(s.sh_size) / size);
  const o = Number(s.sh_offset) + rng.int(n) * size;
  const a = w.word();
  const which = rng.int(4);
  if (which === 0) w.put(o, a, rng.interesting((a * 8) as 32 | 64));
  else if (which === 1) {
    // r_info: symbol index in the high half, type in the low half (ELF64); 24/8 bits in ELF32.
    const sym = rng.chance(0.5) ? BigInt(rng.int(64)) : rng.interesting(32);
    const type = BigInt(rng.int(rng.chance(0.8) ? 64 : 256));
    w.put(o + a, a, w.is64 ? (sym << 32n) | type : ((sym & 0xffffffn) << 8n) | type);
  } else if (which === 2 && s.sh_type === SHT_RELA) w.put(o + 2 * a, a, rng.interesting((a * 8) as 32 | 64));
  else w.put(o, a, w.get(o, a) + BigInt(rng.int(64)) - 8n);
};

/** Grows the section table: up to thousands of extra headers appended at the end of the file. */
const manySections: Mutation = (rng, w, seed) => {
  const shsz = SHDR[w.word()];
  const old = seed.elf.sections.length;
  const extra = rng.pick([100, 1000, 8000, 15000]);
  const total = Math.min(0xfeff, old + extra);
  const table = new Uint8Array(total * shsz);
  const shoff = Number(seed.elf.header.e_shoff);
  table.set(w.bytes.subarray(shoff, shoff + old * shsz));
  // Copies of an allocated section (or of any section), so the loaders have work to do.
  const alloc = seed.elf.sections.filter((s) => (s.sh_flags & 2n) !== 0n && s.sh_type === 1);
  const copy = alloc.length > 0 ? rng.pick(alloc).index : rng.int(old);
  for (let i = old; i < total; i++) table.copyWithin(i * shsz, copy * shsz, copy * shsz + shsz);
  const out = new Uint8Array(w.bytes.length + table.length);
  out.set(w.bytes);
  out.set(table, w.bytes.length);
  w.bytes = out;
  const nw = new Writer(out, w.le, w.is64);
  const a = w.word();
  nw.put(24 + 2 * a, a, BigInt(w.bytes.length - table.length));
  nw.put(36 + 3 * a, 2, BigInt(total));
};

/** Grows a relocation section to tens of thousands of entries (copies appended at the end of the file). */
const manyRelocations: Mutation = (rng, w, seed) => {
  const secs = sectionsOf(seed, SHT_RELA);
  if (secs.length === 0) return manySections(rng, w, seed);
  const s = rng.pick(secs);
  const count = rng.pick([1000, 20000, 40000]);
  const one = w.bytes.subarray(Number(s.sh_offset), Number(s.sh_offset + s.sh_size));
  const reps = Math.max(1, Math.floor((count * (w.is64 ? 24 : 12)) / Math.max(1, one.length)));
  const grown = new Uint8Array(one.length * reps);
  for (let i = 0; i < reps; i++) grown.set(one, i * one.length);
  const out = new Uint8Array(w.bytes.length + grown.length);
  out.set(w.bytes);
  out.set(grown, w.bytes.length);
  const nw = new Writer(out, w.le, w.is64);
  const a = w.word();
  const base = Number(seed.elf.header.e_shoff) + s.index * SHDR[a];
  nw.put(base + 8 + 2 * a, a, BigInt(w.bytes.length));
  nw.put(base + 8 + 3 * a, a, BigInt(grown.length));
  w.bytes = out;
};

/** Turns a section into a note section with hostile n_namesz/n_descsz (kexec-tools walks notes). */
const note: Mutation = (rng, w, seed) => {
  const cands = seed.elf.sections.filter((s) => s.sh_type === 1 && s.sh_size >= 24n);
  if (cands.length === 0) return header(rng, w, seed);
  const s = rng.pick(cands);
  const a = w.word();
  const base = Number(seed.elf.header.e_shoff) + s.index * SHDR[a];
  w.put(base + 4, 4, BigInt(SHT_NOTE));
  const o = Number(s.sh_offset);
  w.put(o, 4, rng.interesting(32));
  w.put(o + 4, 4, rng.interesting(32));
  w.put(o + 8, 4, BigInt(rng.int(8)));
};

const bytes: Mutation = (rng, w) => {
  const n = 1 + rng.int(8);
  for (let i = 0; i < n; i++) w.bytes[rng.int(w.bytes.length)] = rng.int(256);
};

const truncate: Mutation = (rng, w) => {
  w.bytes = w.bytes.slice(0, rng.int(w.bytes.length));
};

const MUTATIONS: [Mutation, number][] = [
  [header, 8],
  [sectionField, 20],
  [alignment, 10],
  [symbolField, 16],
  [relocationField, 16],
  [manySections, 1],
  [manyRelocations, 1],
  [note, 4],
  [bytes, 8],
  [truncate, 2],
];
const TOTAL = MUTATIONS.reduce((n, [, w]) => n + w, 0);

export function mutateElf(rng: Rng, seed: ElfSeed): Uint8Array {
  const w = new Writer(seed.bytes.slice(), seed.elf.header.littleEndian, seed.elf.header.bits === 64);
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    let k = rng.int(TOTAL);
    for (const [m, weight] of MUTATIONS) {
      if (k < weight) {
        const before = w.bytes;
        m(rng, w, seed);
        // The structural mutations wrote through a fresh view; later rounds keep the seed's offsets.
        if (w.bytes !== before) return w.bytes;
        break;
      }
      k -= weight;
    }
  }
  return w.bytes;
}

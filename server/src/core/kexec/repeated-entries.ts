// Relocation entries that repeat an earlier entry of their section byte for byte. Once a loader has
// stopped, the rest of a section is evaluated without stores, so an entry that repeats a not-reached
// entry gets the same row, and the walks copy it instead of computing it again: a corrupt or hostile
// object can hold tens of thousands of copies of a few entries (each costing the bigint path a few
// microseconds per simulated load).

import type { ElfFile } from "../elf/types";
import { RELA_SIZE, REL_SIZE } from "../elf/reader";
import { SHT_RELA } from "../elf/constants";

/** Off, every entry is computed (tests compare the two, and count the rows copied). */
export const REPEATS = { copy: true, copied: 0 };

export class RepeatedEntries {
  /** Row of an earlier entry, by a hash of its bytes (collisions are checked byte for byte). */
  private readonly rows = new Map<number, number>();
  private readonly bytes: Uint8Array;
  private readonly base: number;
  private readonly size: number;

  constructor(elf: ElfFile, relIndex: number) {
    const s = elf.sections[relIndex]!;
    this.bytes = elf.bytes;
    this.base = Number(s.sh_offset);
    this.size = s.sh_type === SHT_RELA ? RELA_SIZE[elf.header.bits] : REL_SIZE[elf.header.bits];
  }

  /** The row recorded for an earlier entry with entry i's bytes, or -1; `entryOf` gives a row's entry. */
  rowFor(i: number, entryOf: (row: number) => number): number {
    if (!REPEATS.copy) return -1;
    const row = this.rows.get(this.hash(i));
    if (row === undefined || !this.same(entryOf(row), i)) return -1;
    REPEATS.copied++;
    return row;
  }

  /** Records `row` as entry i's (the latest row for its bytes wins). */
  add(i: number, row: number): void {
    this.rows.set(this.hash(i), row);
  }

  private hash(i: number): number {
    const b = this.bytes;
    let h = 0x811c9dc5;
    for (let o = this.base + i * this.size, end = o + this.size; o < end; o++)
      h = Math.imul(h ^ b[o]!, 0x01000193);
    return h;
  }

  /** Whether entries a and b are the same bytes. */
  same(a: number, b: number): boolean {
    const bytes = this.bytes;
    const x = this.base + a * this.size;
    const y = this.base + b * this.size;
    for (let k = 0; k < this.size; k++) if (bytes[x + k] !== bytes[y + k]) return false;
    return true;
  }
}

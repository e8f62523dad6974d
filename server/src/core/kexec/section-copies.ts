// The copy both loaders make of each ALLOC PROGBITS section into the staging buffer. Where a section
// goes in the buffer follows from the object alone in every kernel since 4.17 and in kexec-tools
// whenever the buffer address is aligned, so the copies a simulation makes at its several load
// addresses are usually the same bytes. They are made once per object and offsets; each load gets a
// copy-on-write scratch of them to relocate.

import type { ElfFile } from "../elf/types";
import { RunImage } from "./run-image";
import {
  allocateStaging,
  copyIntoStaging,
  DENSE_LIMIT,
  scratchOf,
  SparseBuffer,
  type StagingBuffer,
} from "./staging";
import { sumAbove, type U64 } from "./u64";

/** What a copy needs of a section header (a LoadedSection is one). */
export interface SectionToCopy {
  readonly index: number;
  readonly name: string;
  /** sh_offset in the object. */
  readonly fileOffset: bigint;
  readonly size: bigint;
}

/** Who copies, for the notes on a copy past the end of the buffer. */
export interface Copier {
  /** "the kernel", "kexec-tools". */
  readonly who: string;
  /** What the note calls the buffer: "purgatory buffer", "buffer". */
  readonly bufferName: string;
}

export interface CopiedSections {
  /** A buffer of its own for this load to write into. */
  readonly buffer: StagingBuffer;
  /** The copies that would land past the end of the buffer (undefined behaviour), as notes. */
  readonly undefinedBehaviour: string[];
}

/**
 * Copies `placed[i]`'s file bytes to buffer offset `offsets[i]` for every i, as the loader's layout
 * loop does, in order. Copies past the end of a `bufsz`-byte buffer are not made; they are noted.
 */
export function copySections(
  elf: ElfFile,
  bufsz: bigint,
  placed: readonly SectionToCopy[],
  offsets: readonly U64[],
  copier: Copier,
): CopiedSections {
  let list = made.get(elf);
  if (list === undefined) made.set(elf, (list = []));
  let copies = list.find((c) => c.copier === copier && c.bufsz === bufsz && sameOffsets(c, placed, offsets));
  if (copies === undefined) {
    copies = makeCopies(elf, bufsz, placed, offsets, copier);
    // A simulation asks for one or two layouts per loader; a few are kept in case of odd alignments.
    if (list.length === KEPT_PER_OBJECT) list.shift();
    list.push(copies);
  }
  const base = copies.buffer;
  const buffer = base instanceof RunImage ? new SparseBuffer(base.byteLength, base) : scratchOf(base);
  return { buffer, undefinedBehaviour: [...copies.undefinedBehaviour] };
}

interface Copies {
  readonly copier: Copier;
  readonly bufsz: bigint;
  readonly indices: Int32Array;
  readonly offsets: readonly U64[];
  /** Never written after it is made: loads write into scratch copies of it. */
  readonly buffer: StagingBuffer | RunImage;
  readonly undefinedBehaviour: readonly string[];
}

const made = new WeakMap<ElfFile, Copies[]>();
const KEPT_PER_OBJECT = 4;

function sameOffsets(c: Copies, placed: readonly SectionToCopy[], offsets: readonly U64[]): boolean {
  if (c.indices.length !== placed.length) return false;
  for (let i = 0; i < placed.length; i++) {
    if (c.indices[i] !== placed[i]!.index || c.offsets[i] !== offsets[i]) return false;
  }
  return true;
}

function makeCopies(
  elf: ElfFile,
  bufsz: bigint,
  placed: readonly SectionToCopy[],
  offsets: readonly U64[],
  copier: Copier,
): Copies {
  const inBuffer = (i: number) => !sumAbove(offsets[i]!, placed[i]!.size, bufsz);
  const buffer =
    bufsz > BigInt(DENSE_LIMIT) && inOrder(placed, offsets, inBuffer)
      ? new RunImage(Number(bufsz), elf.bytes, placed.length)
      : allocateStaging(bufsz);
  const ub: string[] = [];
  const pastEnd = new PastEnd();
  for (let i = 0; i < placed.length; i++) {
    const s = placed[i]!;
    const offset = offsets[i]!;
    if (!inBuffer(i)) {
      if (pastEnd.more()) continue;
      ub.push(
        `section ${s.index} (${s.name}) would be copied to buffer offset 0x${offset.toString(16)}, ` +
          `${s.size} bytes, past the end of the ${bufsz}-byte ${copier.bufferName}: ${copier.who} would write out of bounds`,
      );
      continue;
    }
    if (buffer instanceof RunImage) buffer.add(Number(offset), Number(s.fileOffset), Number(s.size));
    else copyIntoStaging(buffer, elf.bytes, Number(s.fileOffset), Number(s.size), Number(offset));
  }
  const indices = Int32Array.from(placed, (s) => s.index);
  return {
    copier,
    bufsz,
    indices,
    offsets: [...offsets],
    buffer,
    undefinedBehaviour: pastEnd.close(ub, copier.who),
  };
}

/** Whether each copy that lands in the buffer starts at or past the end of the one before. */
function inOrder(
  placed: readonly SectionToCopy[],
  offsets: readonly U64[],
  inBuffer: (i: number) => boolean,
): boolean {
  let end = 0;
  for (let i = 0; i < placed.length; i++) {
    if (!inBuffer(i)) continue;
    const at = Number(offsets[i]!);
    if (at < end) return false;
    end = at + Number(placed[i]!.size);
  }
  return true;
}

/**
 * Sections copied past the end of the buffer: each is undefined behaviour of the same kind, and an
 * object with thousands of them gets a note for each of the first few and one line for the rest.
 */
class PastEnd {
  private count = 0;
  /** Counts one; true when the caller should say nothing of it (past the first few). */
  more(): boolean {
    return this.count++ >= PAST_END_NOTES;
  }
  /** `ub` with a line for the ones past the first few, if any. */
  close(ub: string[], who: string): string[] {
    if (this.count > PAST_END_NOTES) {
      const n = this.count - PAST_END_NOTES;
      ub.push(
        `${n} more section${n === 1 ? "" : "s"} would be copied past the end of the buffer too (${who} copies them all)`,
      );
    }
    return ub;
  }
}

/** Sections past the end of the buffer that get a note of their own. */
const PAST_END_NOTES = 4;

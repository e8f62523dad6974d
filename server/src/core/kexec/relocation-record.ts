// What the report keeps of one relocation, whichever loader walked it (the kernel's RELA hooks or
// kexec-tools' machine_apply_elf_rel), and the one builder of such a record from an entry.

import type { ElfRelocation, SectionHeader } from "../elf/types";
import type { Interval } from "./windows";

export type RelocStatus =
  | "ok"
  | "overflow"
  | "unknown-type"
  | "undefined-symbol"
  | "common-symbol"
  | "invalid-section"
  | "undefined-behaviour"
  /** The kernel skipped it without a message and carried on (s390 before 5.16, unknown types). */
  | "ignored";

export interface RelocationRecord {
  readonly relSection: number;
  readonly relSectionName: string;
  readonly target: number;
  readonly targetName: string;
  /** Index of the entry within its relocation section. */
  readonly index: number;
  readonly r_offset: bigint;
  readonly type: number;
  readonly typeName: string;
  readonly symIndex: number;
  /** The name the kernel prints: the symbol's, or its section's for unnamed (section) symbols. */
  readonly symbol: string;
  readonly symShndx: number;
  /** S = st_value + sec_base (undefined when the symbol has no usable section). */
  readonly S: bigint | undefined;
  readonly A: bigint;
  /** P = the final physical address of the relocated field. */
  readonly P: bigint;
  /** The value the kernel computes (S + A, or S + A - P), modulo 2^64. */
  readonly value: bigint | undefined;
  /** What lands in the field (value truncated to the field's width). */
  readonly stored: bigint | undefined;
  /** Field width in bytes (0 for NONE and for failures before the store). */
  readonly width: number;
  readonly status: RelocStatus;
  /** False when an earlier error had already stopped the kernel: evaluated for the report only. */
  readonly reached: boolean;
  /** Whether the computed value moves with kbuf.mem (1) or not (0). */
  readonly memCoefficient: 0 | 1;
  /** For overflow-checked types: the kbuf.mem values for which this relocation fits. */
  readonly window: readonly Interval[] | undefined;
  /** Why the result is undefined behaviour, or other facts for the findings. */
  readonly note?: string;
}

/** What a loader learned about one relocation, beside the entry's own fields. */
export interface RecordFacts {
  readonly symbol: string;
  readonly symShndx: number;
  readonly S?: bigint;
  readonly value?: bigint;
  readonly stored?: bigint;
  readonly width?: number;
  readonly memCoefficient?: 0 | 1;
  readonly window?: readonly Interval[];
  readonly note?: string;
}

/**
 * One record, built field by field in one fixed order: every record then has the same object shape
 * (spreading a base object per relocation made V8 churn through hidden classes, 8x slower at 1M).
 */
export function relocationRecord(
  relsec: SectionHeader,
  target: { readonly index: number; readonly name: string },
  rel: ElfRelocation,
  P: bigint,
  typeName: string,
  status: RelocStatus,
  f: RecordFacts,
  reached: boolean,
): RelocationRecord {
  return {
    relSection: relsec.index,
    relSectionName: relsec.name,
    target: target.index,
    targetName: target.name,
    index: rel.index,
    r_offset: rel.r_offset,
    type: rel.type,
    typeName,
    symIndex: rel.sym,
    symbol: f.symbol,
    symShndx: f.symShndx,
    S: f.S,
    A: rel.r_addend,
    P,
    value: f.value,
    stored: f.stored,
    width: f.width ?? 0,
    status,
    reached,
    memCoefficient: f.memCoefficient ?? 0,
    window: f.window,
    note: f.note,
  };
}

/**
 * The relocations of one attempt: an ordinary array, or the rows of a relocation table read on
 * demand (a million records are never materialised at once). Only what both provide. A predicate
 * (filter, some, every, find) must not keep the record it is given: a table hands every row to it in
 * one object; the records these methods return are the caller's to keep.
 */
export interface RelocationList extends Iterable<RelocationRecord> {
  readonly length: number;
  at(i: number): RelocationRecord | undefined;
  filter(pred: (r: RelocationRecord, i: number) => unknown): RelocationRecord[];
  some(pred: (r: RelocationRecord, i: number) => unknown): boolean;
  every(pred: (r: RelocationRecord, i: number) => unknown): boolean;
  find(pred: (r: RelocationRecord, i: number) => unknown): RelocationRecord | undefined;
  map<U>(fn: (r: RelocationRecord, i: number) => U): U[];
  forEach(fn: (r: RelocationRecord, i: number) => void): void;
}

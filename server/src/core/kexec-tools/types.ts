// The shapes shared by kexec-tools' generic relocatable-ELF loader (kexec/kexec-elf-rel.c, modelled in
// load.ts, layout.ts, relocate.ts) and its per-architecture parts (arch/*.ts): machine_verify_elf_rel,
// machine_apply_elf_rel, where the purgatory is placed and which symbols the loader sets.

import type { ArchId } from "../arch/names";
import type { ElfFile, ElfSymbol } from "../elf/types";
import type { RamRange } from "../kexec/memory-hole";
import type { StagingBuffer } from "../kexec/staging";
import type { Interval } from "../kexec/windows";
import type { KexecToolsVersion } from "./version";

/** One call of machine_apply_elf_rel(ehdr, sym, r_type, location, address, value). */
export interface KtRelocCall {
  readonly elf: ElfFile;
  readonly version: KexecToolsVersion;
  readonly sym: ElfSymbol;
  /** The name kexec-tools uses for the symbol (its own, or "" for section symbols). */
  readonly symName: string;
  readonly r_type: number;
  /** The target section's bytes in the staging buffer (its sh_data); the field starts at `at`. */
  readonly data: StagingBuffer;
  readonly at: number;
  /** address = sh_addr + r_offset: the final physical address of the field. */
  readonly address: bigint;
  /** value = st_value + sec_base + r_addend, modulo 2^64. */
  readonly value: bigint;
  /** sh_addr of section `index` after elf_rel_load placed it (ppc64 needs .toc's for r2). */
  readonly sectionAddress?: (index: number) => bigint;
  /** The buffer's load address (buf_addr): lets a relocation say how its value moves with it. */
  readonly bufAddr: bigint;
  /** Whether the symbol's section is loaded with the buffer, so `value` moves with bufAddr. */
  readonly symMoves?: boolean;
}

/** One machine_apply_elf_rel call in numbers: exact doubles, a negative one meaning 2^64 + it. */
export interface KtFastCall {
  r_type: number;
  /** value = S + A (may be negative: the wrapped u64). */
  value: number;
  /** address = sh_addr + r_offset, below 2^53. */
  address: number;
  /** buf_addr, below 2^53. */
  bufAddr: number;
  symMoves: boolean;
  version: KexecToolsVersion;
  /** False once kexec has died: the outcome is recorded but nothing is printed. */
  live: boolean;
  /** The buffer the field is in (the scratch copy once kexec has died), for read-modify-write types. */
  data: StagingBuffer;
  /** The field's offset in `data`, below its length (a field may still run past the end). */
  at: number;
  /** The object's byte order (arm64 stores data fields in it, instructions little-endian). */
  elfLittleEndian: boolean;
  /** The load's TOC pointer (ppc64's r2), from KtFastApply.tocPointer; NaN without one or past 2^53. */
  toc: number;
  /** The symbol's st_other and the object's e_flags (ppc64's ELFv2 local entry offset). */
  st_other: number;
  e_flags: number;
}

/** What the number path computed; `stored` is meaningful when `width` is above 0. */
export interface KtFastResult {
  status: "ok" | "overflow";
  /** The row's note (one string per kind of row, not one per row), or undefined. */
  note: string | undefined;
  width: number;
  /** NaN when the field's new value is not known (the row says nothing was stored). */
  stored: number;
  memCoefficient: 0 | 1;
  window: readonly Interval[] | undefined;
}

/**
 * machine_apply_elf_rel with doubles, for a relocation whose values are all exact below 2^53. It
 * declines (false) whenever that does not hold or kexec would die on it (apply() then computes that
 * relocation, with its message), so results never depend on which path ran. It does not store.
 */
export interface KtFastApply {
  /** The byte order of the stores. */
  readonly littleEndian: boolean;
  /** The TOC pointer the TOC-relative types use, once per load (the loader's section addresses). */
  readonly tocPointer?: (elf: ElfFile, sectionAddress: (index: number) => bigint) => bigint | undefined;
  one(call: KtFastCall, out: KtFastResult): boolean;
}

export interface KtRelocResult {
  /** The name kexec-tools prints for the type ("R_X86_64_PLT32", "R_X86_64_42", "CALL26", ...). */
  readonly typeName: string;
  readonly status: "ok" | "overflow" | "unknown-type" | "undefined-behaviour";
  /** Field width in bytes written (0 for NONE, or when it dies before storing). */
  readonly width: number;
  /** What the field holds afterwards, if it was written. */
  readonly stored?: bigint;
  /** die()'s text without the trailing newline, when machine_apply_elf_rel dies. */
  readonly die?: string;
  /** Whether `value` moves with the load address (absolute) or not (PC-relative). */
  readonly memCoefficient: 0 | 1;
  /** For overflow-checked types: the buffer addresses (buf_addr) for which this relocation fits. */
  readonly window?: readonly Interval[];
  /** Facts for the findings: silent truncation, an unaligned target, ... */
  readonly note?: string;
}

/** Where the architecture's loader asks add_buffer to put the purgatory (min, max, end: 1 bottom-up, -1 top-down). */
export interface KtPlacement {
  readonly min: bigint;
  readonly max: bigint;
  readonly end: 1 | -1;
  /** Why: which loader and call. */
  readonly why: string;
}

/** One elf_rel_get_symbol / elf_rel_set_symbol / elf_rel_get_addr call of the loader, in order. */
export interface KtSymbolOp {
  readonly name: string;
  readonly op: "get" | "set" | "addr";
  /** The size passed (sizeof the C object); absent for "addr". */
  readonly size?: number;
  /** What the loader computes for the value first, and the die() text if that fails (ppc64's my_r2). */
  readonly check?: (elf: ElfFile) => string | undefined;
}

export interface KtLoadOptions {
  /** A kdump (crash) load: `kexec -p`. */
  readonly crash?: boolean;
}

export interface KtArch {
  readonly id: ArchId;
  readonly e_machine: number;
  /**
   * Whether kexec-tools loads a purgatory on this architecture at all; when not, why (e.g. no caller
   * of elf_rel_build_load in kexec/arch/<arch>).
   */
  readonly loadsPurgatory:
    true | { readonly why: string } | ((options: KtLoadOptions) => true | { readonly why: string });
  /** Alignments machine_verify_elf_rel rewrites before layout (ppc64: .toc to 256), by section index. */
  alignOverrides?(elf: ElfFile): ReadonlyMap<number, bigint>;
  /** machine_verify_elf_rel(): false makes elf_rel_build_load die("ELF rel parse failed\n"). */
  verify(elf: ElfFile, version: KexecToolsVersion): boolean;
  /** The name used for a type in reports before machine_apply_elf_rel runs (optional). */
  typeName?(r_type: number): string;
  /** A dbgprintf line machine_apply_elf_rel prints first (x86_64: the type's name), for --debug. */
  applyDebug?(r_type: number): string;
  /** machine_apply_elf_rel(): stores into call.data and returns what happened. */
  apply(call: KtRelocCall): KtRelocResult;
  /** The number path of apply(), if the architecture has one. */
  readonly applyFast?: KtFastApply;
  /**
   * True when no type's apply() reads the field it stores into (x86_64): an entry that repeats the
   * one before it then stores the same bytes again, and a not-reached one's result does not depend
   * on the stores before it, so the walk copies their rows.
   */
  readonly writeOnly?: boolean;
  /** getpagesize() of the machine kexec runs on. */
  readonly pageSize: bigint;
  /** RAM ranges of a typical machine with `ramSize` bytes (default: one range from 0). */
  memoryMap?(ramSize: bigint): RamRange[];
  /** The add_buffer bounds of the loader's elf_rel_build_load call(s). */
  placement(options: KtLoadOptions): KtPlacement;
  /** More add_buffer bounds other image loaders of the architecture use (x86_64: the ELF loader's). */
  otherPlacements?(options: KtLoadOptions): KtPlacement[];
  /** The loader's symbol operations after elf_rel_build_load, in order, for this kind of load. */
  symbolOps(version: KexecToolsVersion, options: KtLoadOptions): KtSymbolOp[];
}

// One kernel architecture as one object, the way lld's TargetInfo is one per target: its id and
// e_machine, the releases it exists in, its buffer minimum and default placements, its relocator, its
// load sequence (symbol steps and messages) and its own rules. The pipeline (simulate.ts) and the
// generic kexec_file.c parts (kexec/load.ts, rules/kexec-file.ts) take it as a parameter; the
// registry (index.ts) lists every one.

import type { KernelModel } from "../kexec/kernel";
import type { PurgatoryLoader } from "../kexec/load";
import type { KbufPlan } from "../kexec/purgatory";
import type { Rule, SymbolNeed } from "../rules/rule";
import type { ArchId } from "./names";

/** A kbuf.mem the simulation tries when the user gives none. */
export interface PlannedLoad {
  /** "low", "high", "normal", "crash". */
  readonly label: string;
  readonly why: string;
  readonly mem: bigint;
  /** A kdump (crash) load: some loaders set more symbols. */
  readonly crash: boolean;
}

export interface PlacementInput {
  readonly plan: KbufPlan;
  readonly kernel: KernelModel;
  readonly ramSize: bigint;
  readonly crash: boolean;
}

export interface KernelArch extends PurgatoryLoader {
  readonly id: ArchId;
  /** The first release whose kexec_file_load loads a purgatory on this architecture. */
  readonly since: { readonly major: number; readonly minor: number };
  /** kbuf.buf_min of the purgatory: what placement and the load windows are bounded by. */
  readonly bufMin: bigint;
  /** The loader picks the address itself, aligned to the page only (s390): buf_align plays no part. */
  readonly placesItself?: boolean;
  /**
   * Whether an object with this e_machine but another ELF class or byte order is refused as input
   * (no kernel embeds it). x86_64 simulates it instead, and not-loadable explains what would happen.
   */
  readonly refusesOtherLayouts: boolean;
  /** The addresses simulated when the user gives none, the loader's own placement. */
  defaultLoads(p: PlacementInput): PlannedLoad[];
  /** What a purgatory for it is built as, for not-loadable's fix. */
  readonly objectFormat: string;
  /** What kernels before 4.17 print on refusing the object; default: the loader's own lines. */
  readonly e0Refusal?: string;
  /** Symbols the loader gets or sets, checked in the object by purgatory-symbol (if it keeps that rule). */
  symbolNeeds?(kernel: KernelModel): readonly SymbolNeed[];
  /**
   * The architecture's own rules. One with a generic rule's id (or naming it in alsoEmits) replaces
   * it; the others run after the entry rules.
   */
  readonly rules: readonly Rule[];
  /** The relocation type names `readelf -r` prints ("R_390_PC32DBL"). */
  relocName(type: number): string;
}

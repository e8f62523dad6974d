// The shape every kernel-loader rule has: facts from the object and the simulated loads in, findings
// out. The generic kexec_file.c rules (kexec-file.ts) and each architecture's own (arch/*.ts) share it.

import type { ElfFile } from "../elf/types";
import type { LoadAttempt } from "../kexec/attempt";
import type { KernelModel } from "../kexec/kernel";
import type { KbufPlan } from "../kexec/purgatory";
import type { Interval } from "../kexec/windows";
import type { Finding } from "./types";

/** A purgatory symbol the architecture's loader needs, checked in the object itself. */
export interface SymbolNeed {
  readonly name: string;
  /** The size the loader reads or writes; undefined when it only takes the address. */
  readonly size: number | undefined;
  /** Who uses it, in plain words ("bzImage64_load reads and writes the entry registers here"). */
  readonly role: string;
}

/** What the generic rules need to know about the architecture whose kernel loads the object. */
export interface RuleArch {
  readonly id: string;
  /** Why a 4.17+ kernel of this architecture would misread the object, or undefined. */
  unreadableReason(elf: ElfFile): string | undefined;
  /** What a purgatory for this architecture is built as ("an ELF64 x86-64 relocatable object (...)"). */
  readonly objectFormat: string;
  /** What kernels before 4.17 do when they refuse the object ("print only ..."), for not-loadable. */
  e0Refusal(kernel: KernelModel): string;
  /** The symbols the loader itself gets or sets, besides the digests every loader sets. */
  symbolNeeds(kernel: KernelModel): readonly SymbolNeed[];
}

export interface RuleContext {
  readonly arch: RuleArch;
  readonly elf: ElfFile;
  readonly kernel: KernelModel;
  readonly plan: KbufPlan;
  readonly loads: readonly { label: string; attempt: LoadAttempt }[];
  readonly loadWindows: readonly Interval[];
  readonly bufMin: bigint;
}

export interface Rule {
  /** The finding id it reports under (an architecture's rule with a generic id replaces that one). */
  readonly id: string;
  /** Other ids its findings may carry. */
  readonly alsoEmits?: readonly string[];
  readonly evaluate: (ctx: RuleContext) => Finding[];
}

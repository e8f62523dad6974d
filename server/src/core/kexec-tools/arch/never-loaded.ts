// What riscv and LoongArch share in kexec-tools: a purgatory is built, but no loader of the
// architecture calls elf_rel_build_load, and machine_apply_elf_rel is a switch with only a default
// that dies. Kept exact for --arch runs and for the day a loader starts calling it.

import type { KtPlacement, KtRelocCall, KtRelocResult } from "../types";

/** machine_apply_elf_rel with no case: every type dies `Unknown rela relocation: N`. */
export function dieOnEveryType(typeName: (type: number) => string) {
  return (call: KtRelocCall): KtRelocResult => ({
    typeName: typeName(call.r_type),
    status: "unknown-type",
    width: 0,
    memCoefficient: 0,
    die: `Unknown rela relocation: ${call.r_type}`,
  });
}

/** The placement of a purgatory nothing places. */
export function notLoaded(dir: string): KtPlacement {
  return { min: 0n, max: 0n, end: 1, why: `not loaded: no caller of elf_rel_build_load in ${dir}` };
}

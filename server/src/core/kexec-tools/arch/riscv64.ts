// kexec-tools on riscv64 (kexec/arch/riscv, first in our releases in 2.0.32; absent from 2.0.25 and
// 2.0.29). Its purgatory is built (purgatory/arch/riscv/Makefile adds no sources, so purgatory.ro
// holds only the generic purgatory.c, printf.c, string.c and sha256.c) and embedded in kexec, but
// nothing in kexec/arch/riscv calls elf_rel_build_load: the ELF and Image loaders set info->entry to
// the kernel itself. Since info->rhdr.e_shdr stays NULL, update_purgatory returns at once. The
// relocation hook would refuse everything anyway: its switch has only a default that dies.

import { ELFCLASS64, ELFDATA2LSB, EM_RISCV } from "../../elf/constants";
import type { ElfFile } from "../../elf/types";
import type { KtArch } from "../types";
import { dieOnEveryType, notLoaded } from "./never-loaded";

export function ktRiscvRelocName(type: number): string {
  return `R_RISCV_${type}`;
}

export const KT_RISCV64: KtArch = {
  id: "riscv64",
  e_machine: EM_RISCV,
  loadsPurgatory: {
    why:
      "kexec-tools 2.0.32 builds a riscv purgatory but never loads it: nothing in kexec/arch/riscv calls " +
      "elf_rel_build_load (kexec-elf-riscv.c and kexec-image-riscv.c enter the kernel directly), so " +
      "update_purgatory finds no purgatory and returns; releases before 2.0.32 that we read (2.0.25, 2.0.29) have no RISC-V port",
  },
  // A 64-bit kexec (__riscv_xlen == 64) wants ELFCLASS64; little-endian; EM_RISCV.
  verify: (elf: ElfFile) =>
    elf.bytes[5] === ELFDATA2LSB && elf.bytes[4] === ELFCLASS64 && elf.header.e_machine === EM_RISCV,
  typeName: ktRiscvRelocName,
  apply: dieOnEveryType(ktRiscvRelocName),
  pageSize: 4096n,
  placement: () => notLoaded("kexec/arch/riscv"),
  symbolOps: () => [],
};

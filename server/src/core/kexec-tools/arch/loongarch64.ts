// kexec-tools on LoongArch (kexec/arch/loongarch: in 2.0.29 and 2.0.32, absent from 2.0.25). It builds
// a purgatory (purgatory/arch/loongarch: purgatory-loongarch.c, console-loongarch.c) but nothing in
// kexec/arch/loongarch calls elf_rel_build_load: the ELF, PE and pez loaders set info->entry to the
// kernel and pass the command line in a segment of their own. Its machine_verify_elf_rel would refuse
// every real LoongArch object anyway: it demands ELFDATA2MSB and ELFCLASS32, while LoongArch objects
// are little-endian (and ELFCLASS64 for loongarch64); and its relocation switch has only a default
// that dies.

import { ELFCLASS32, ELFDATA2MSB, EM_LOONGARCH } from "../../elf/constants";
import type { ElfFile } from "../../elf/types";
import type { KtArch } from "../types";
import { dieOnEveryType, notLoaded } from "./never-loaded";

export function ktLoongarchRelocName(type: number): string {
  return `R_LARCH_${type}`;
}

export const KT_LOONGARCH64: KtArch = {
  id: "loongarch64",
  e_machine: EM_LOONGARCH,
  loadsPurgatory: {
    why:
      "kexec-tools 2.0.29 and 2.0.32 build a LoongArch purgatory but never load it: nothing in " +
      "kexec/arch/loongarch calls elf_rel_build_load (the ELF, PE and pez loaders enter the kernel " +
      "directly), so update_purgatory finds no purgatory and returns; 2.0.25 has no LoongArch port",
  },
  // As written: big-endian and 32-bit, which no LoongArch object is.
  verify: (elf: ElfFile) =>
    elf.bytes[5] === ELFDATA2MSB && elf.bytes[4] === ELFCLASS32 && elf.header.e_machine === EM_LOONGARCH,
  typeName: ktLoongarchRelocName,
  apply: dieOnEveryType(ktLoongarchRelocName),
  pageSize: 16384n,
  placement: () => notLoaded("kexec/arch/loongarch"),
  symbolOps: () => [],
};

// The kexec-tools architectures modelled, by e_machine and by the names `--arch` accepts.

import type { KtArch, KtLoadOptions } from "../types";
import { KT_ARM64 } from "./arm64";
import { KT_LOONGARCH64 } from "./loongarch64";
import { KT_PPC64 } from "./ppc64";
import { KT_RISCV64 } from "./riscv64";
import { KT_S390X } from "./s390x";
import { KT_X86_64 } from "./x86_64";

export const KT_ARCHES: readonly KtArch[] = [
  KT_X86_64,
  KT_ARM64,
  KT_S390X,
  KT_PPC64,
  KT_RISCV64,
  KT_LOONGARCH64,
];

export function ktArchFor(e_machine: number): KtArch | undefined {
  return KT_ARCHES.find((a) => a.e_machine === e_machine);
}

export function ktArchNamed(id: string): KtArch | undefined {
  return KT_ARCHES.find((a) => a.id === id);
}

/** Whether this kind of load (kexec -l or -p) loads a purgatory on the architecture, or why not. */
export function ktLoadsPurgatory(arch: KtArch, options: KtLoadOptions): true | { readonly why: string } {
  return typeof arch.loadsPurgatory === "function" ? arch.loadsPurgatory(options) : arch.loadsPurgatory;
}

// The architecture names `--arch` and the settings take, one id per architecture everywhere (file
// names, types, reports): x86_64, s390x, riscv64, ppc64, arm64, loongarch64.

import { EM_AARCH64, EM_LOONGARCH, EM_PPC64, EM_RISCV, EM_S390, EM_X86_64 } from "../elf/constants";

export type ArchId = "x86_64" | "s390x" | "riscv64" | "ppc64" | "arm64" | "loongarch64";

/** The architecture ids, by e_machine. */
const BY_MACHINE: Readonly<Record<number, ArchId>> = {
  [EM_X86_64]: "x86_64",
  [EM_S390]: "s390x",
  [EM_RISCV]: "riscv64",
  [EM_PPC64]: "ppc64",
  [EM_AARCH64]: "arm64",
  [EM_LOONGARCH]: "loongarch64",
};

export const ARCH_NAMES: readonly ArchId[] = Object.values(BY_MACHINE);

/** The other names people write for them (uname -m, Debian, kbuild ARCH=). */
const ALIASES: Readonly<Record<string, ArchId>> = {
  "x86-64": "x86_64",
  amd64: "x86_64",
  x86: "x86_64",
  s390: "s390x",
  riscv: "riscv64",
  ppc64le: "ppc64",
  ppc64el: "ppc64",
  powerpc: "ppc64",
  powerpc64: "ppc64",
  aarch64: "arm64",
  loongarch: "loongarch64",
};

/** The id for `name` (any case, aliases allowed), or undefined. */
export function archNamed(name: string): ArchId | undefined {
  const n = name.trim().toLowerCase();
  return (ARCH_NAMES as readonly string[]).includes(n) ? (n as ArchId) : ALIASES[n];
}

export function archIdFor(e_machine: number): ArchId | undefined {
  return BY_MACHINE[e_machine];
}

// The registry of kernel architectures: every KernelArch the kernel loader simulates, one line each.

import { machineName } from "../elf/constants";
import type { KernelModel } from "../kexec/kernel";
import { ENOEXEC, unreadableAs } from "../kexec/load";
import { GENERIC_RULES } from "../rules/kexec-file";
import type { RuleArch } from "../rules/rule";
import { archIdFor, ARCH_NAMES } from "./names";
import { PPC64 } from "./ppc64";
import { RISCV64 } from "./riscv64";
import { S390X } from "./s390x";
import type { KernelArch } from "./types";
import { X86_64 } from "./x86_64";

export const KERNEL_ARCHES: readonly KernelArch[] = [X86_64, S390X, RISCV64, PPC64];

export function kernelArchNamed(id: string): KernelArch | undefined {
  return KERNEL_ARCHES.find((a) => a.id === id);
}

export function kernelArchFor(e_machine: number): KernelArch | undefined {
  return KERNEL_ARCHES.find((a) => a.e_machine === e_machine);
}

/** Every finding id the kernel loaders' rules can report (the README documents each one). */
export function kernelRuleIds(): string[] {
  const rules = [...GENERIC_RULES, ...KERNEL_ARCHES.flatMap((a) => a.rules)];
  return [...new Set([...rules.flatMap((r) => [r.id, ...(r.alsoEmits ?? [])]), "malformed-object"])];
}

/** The architecture as the generic rules see it. */
export function ruleArch(arch: KernelArch): RuleArch {
  return {
    id: arch.id,
    objectFormat: arch.objectFormat,
    unreadableReason: (elf) => unreadableAs(arch, elf),
    e0Refusal: (kernel: KernelModel) => {
      if (arch.e0Refusal !== undefined) return arch.e0Refusal;
      const lines = arch.loadFailed(kernel, ENOEXEC);
      return lines.length > 0 ? `print only "${lines.join('" and "')}"` : "print nothing";
    },
    symbolNeeds: (kernel) => arch.symbolNeeds?.(kernel) ?? [],
  };
}

/** Why no kernel loader runs: arm64/LoongArch have no purgatory, other machines none modelled. */
export function noKernelLoader(
  e_machine: number,
  archOption: string | undefined,
): { kind: "bad-input" | "bad-option"; error: string } {
  const id = archOption ?? archIdFor(e_machine);
  const what = archOption ? `--arch ${archOption}` : `e_machine is ${machineName(e_machine)} (${e_machine})`;
  if (id === "arm64" || id === "loongarch64") {
    return {
      kind: archOption ? "bad-option" : "bad-input",
      error:
        `${what}: kexec_file_load on ${id === "arm64" ? "arm64" : "LoongArch"} uses no purgatory (the kernel image ` +
        `is entered directly), so no kernel loads this object; kexec-tools' kexec_load path does: ` +
        `simulate it with --loader kexec-tools`,
    };
  }
  return {
    kind: archOption ? "bad-option" : "bad-input",
    error: `${what}; Purgatory Lens models the kexec_file_load purgatory loaders of ${KERNEL_ARCHES.map((a) => a.id).join(", ")} only (--arch names: ${ARCH_NAMES.join(", ")})`,
  };
}

// The kernel's kexec_file_load as a loader for the pipeline: the KernelArch that `--arch` or e_machine
// names, its plan, its default placements, its load sequence and the generic rules with its own.

import { KERNEL_ARCHES, kernelArchFor, kernelArchNamed, noKernelLoader, ruleArch } from "./arch/index";
import { machineName } from "./elf/constants";
import type { ElfFile } from "./elf/types";
import type { KernelModel } from "./kexec/kernel";
import { loadPurgatory, purgatoryPlan } from "./kexec/load";
import { evaluateRules, kernelRules } from "./rules/kexec-file";
import { DEFAULT_RAM, type PreparedLoader, type Refusal, type SimulateOptions } from "./simulation";

export function kernelLoader(
  elf: ElfFile,
  kernel: KernelModel,
  options: SimulateOptions,
): PreparedLoader | Refusal {
  const h = elf.header;
  const arch = options.arch !== undefined ? kernelArchNamed(options.arch) : kernelArchFor(h.e_machine);
  if (!arch) return { ok: false, ...noKernelLoader(h.e_machine, options.arch) };
  // With --arch the user asks what this architecture's kernel would do; the loader says it.
  if (
    options.arch === undefined &&
    arch.refusesOtherLayouts &&
    (h.bits !== 64 || !arch.byteOrders.includes(h.littleEndian))
  ) {
    const want = arch.byteOrders.map((le) => (le ? "LSB" : "MSB")).join(" or ");
    return {
      ok: false,
      kind: "bad-input",
      error:
        `e_machine is ${machineName(h.e_machine)} (${h.e_machine}); but the object is ELF${h.bits} ` +
        `${h.littleEndian ? "LSB" : "MSB"} and ${arch.id} purgatories are ELF64 ${want}, so no kernel embeds it ` +
        `(modelled loaders: ${KERNEL_ARCHES.map((a) => a.id).join(", ")})`,
    };
  }
  const v = kernel.version;
  if (v.major < arch.since.major || (v.major === arch.since.major && v.minor < arch.since.minor)) {
    return {
      ok: false,
      kind: "bad-option",
      error: `${arch.id} kexec_file_load with a purgatory first appeared in Linux ${arch.since.major}.${arch.since.minor}; ${kernel.label} has none`,
    };
  }
  const plan = purgatoryPlan(arch, elf, kernel);
  const rules = kernelRules(arch.rules);
  const view = ruleArch(arch);
  return {
    machine: arch.id,
    loader: { kind: "kernel" },
    plan,
    placementPlan: arch.placesItself ? { ...plan, buf_align: arch.pageSize } : plan,
    bufMin: arch.bufMin,
    placer: "the kernel's placement",
    defaultLoads: () =>
      arch.defaultLoads({
        plan,
        kernel,
        ramSize: options.ramSize ?? DEFAULT_RAM,
        crash: options.crash === true,
      }),
    loadAt: (mem, crash) =>
      loadPurgatory(arch, elf, kernel, mem, {
        debug: options.debug === true,
        crash,
        ramSize: options.ramSize ?? DEFAULT_RAM,
        plan,
      }),
    rules: (loads, loadWindows) =>
      evaluateRules(rules, { arch: view, elf, kernel, plan, loads, loadWindows, bufMin: arch.bufMin }),
  };
}

// simulate() for the architectures other than x86_64 that load a purgatory with kexec_file_load:
// s390x, riscv64 and ppc64, chosen by e_machine. Same report shape as x86_64; the placements are the
// architecture loader's own (s390 fixed after kernel + initrd, riscv top-down above the kernel, ppc64
// top-down below the RMA).

import {
  EM_AARCH64,
  EM_LOONGARCH,
  EM_PPC64,
  EM_RISCV,
  EM_S390,
  EM_X86_64,
  machineName,
} from "./elf/constants";
import type { ElfFile } from "./elf/types";
import { archPlan, loadArchPurgatory, type ArchLoader } from "./kexec/arch-load";
import type { KernelModel } from "./kexec/kernel";
import { topDownFit } from "./kexec/placement";
import { PPC64_LOADER, PPC64_RMA_SIZE } from "./kexec/ppc64";
import type { KbufPlan } from "./kexec/purgatory";
import { RISCV_DRAM_BASE, RISCV_KERNEL_LEN, RISCV_KERNEL_START, RISCV_LOADER } from "./kexec/riscv";
import { S390_DEFAULT_CRASH_BASE, S390_DEFAULT_IMAGE, S390_LOADER, s390PurgatoryAddress } from "./kexec/s390";
import { hex } from "./kexec/u64";
import { evaluateArchRules } from "./rules/arch";
import {
  checkLoadAddress,
  DEFAULT_RAM,
  finishReport,
  windowsOf,
  type SimulateOptions,
  type SimulationResult,
} from "./simulate";

/** The names `--arch` takes, by e_machine. */
const ARCH_IDS: Readonly<Record<number, string>> = {
  [EM_X86_64]: "x86_64",
  [EM_S390]: "s390x",
  [EM_RISCV]: "riscv64",
  [EM_PPC64]: "ppc64",
  [EM_AARCH64]: "arm64",
  [EM_LOONGARCH]: "loongarch64",
};

export const ARCH_NAMES = Object.values(ARCH_IDS);

/** The other names people write for them (uname -m, Debian, kbuild ARCH=). */
const ARCH_ALIASES: Readonly<Record<string, string>> = {
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

/** The --arch name for `name` (any case, aliases allowed), or undefined. */
export function archNamed(name: string): string | undefined {
  const n = name.trim().toLowerCase();
  return ARCH_NAMES.includes(n) ? n : ARCH_ALIASES[n];
}

export function archIdFor(e_machine: number): string | undefined {
  return ARCH_IDS[e_machine];
}

export function archLoaderNamed(id: string): ArchLoader | undefined {
  return [S390_LOADER, RISCV_LOADER, PPC64_LOADER].find((a) => a.id === id);
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
    error: `${what}; Purgatory Lens models the kexec_file_load purgatory loaders of ${["x86_64", "s390x", "riscv64", "ppc64"].join(", ")} only (--arch names: ${ARCH_NAMES.join(", ")})`,
  };
}

export function archLoaderFor(e_machine: number): ArchLoader | undefined {
  switch (e_machine) {
    case EM_S390:
      return S390_LOADER;
    case EM_RISCV:
      return RISCV_LOADER;
    case EM_PPC64:
      return PPC64_LOADER;
    default:
      return undefined;
  }
}

interface PlannedLoad {
  label: string;
  why: string;
  mem: bigint;
  crash: boolean;
}

/** kbuf.buf_min of the purgatory: what placement and the load windows are bounded by. */
function bufMinFor(arch: ArchLoader): bigint {
  return arch.id === "riscv64" ? RISCV_KERNEL_START + RISCV_KERNEL_LEN : 0n;
}

function defaultLoads(
  arch: ArchLoader,
  plan: KbufPlan,
  kernel: KernelModel,
  options: SimulateOptions,
): PlannedLoad[] {
  const crash = options.crash === true;
  switch (arch.id) {
    case "s390x": {
      const normal = s390PurgatoryAddress(S390_DEFAULT_IMAGE);
      const kdump = s390PurgatoryAddress(S390_DEFAULT_IMAGE, S390_DEFAULT_CRASH_BASE);
      return [
        {
          label: "normal",
          why: `right after a ${S390_DEFAULT_IMAGE >> 20n} MiB kernel + initrd loaded at 0 (s390 places the purgatory itself)`,
          mem: normal,
          crash: false,
        },
        {
          label: "crash",
          why: `kdump: the same image from a crashkernel base of ${hex(S390_DEFAULT_CRASH_BASE)} (also sets crash_start/crash_size)`,
          mem: kdump,
          crash: true,
        },
      ];
    }
    case "riscv64": {
      const ram = options.ramSize ?? DEFAULT_RAM;
      const range = { start: RISCV_DRAM_BASE, end: RISCV_DRAM_BASE + ram - 1n };
      const mem = topDownFit(range, plan.memsz, plan.buf_align, bufMinFor(arch), kernel);
      return mem === undefined
        ? []
        : [
            {
              label: "high",
              why: `top of ${ram >> 30n} GiB of DRAM from ${hex(RISCV_DRAM_BASE)}, above a kernel ending at ${hex(bufMinFor(arch))} (buf_min)`,
              mem,
              crash,
            },
          ];
    }
    case "ppc64": {
      const mem = topDownFit({ start: 0n, end: PPC64_RMA_SIZE - 1n }, plan.memsz, plan.buf_align, 0n, kernel);
      return mem === undefined
        ? []
        : [
            {
              label: "high",
              why: `top of a ${PPC64_RMA_SIZE >> 20n} MiB RMA (buf_max = ppc64_rma_size, top-down)`,
              mem,
              crash,
            },
          ];
    }
  }
}

export function simulateArch(
  arch: ArchLoader,
  elf: ElfFile,
  kernel: KernelModel,
  options: SimulateOptions,
  forced = false,
): SimulationResult {
  const h = elf.header;
  // With --arch the user asks what this architecture's kernel would do; the loader says it.
  if (!forced && (h.bits !== 64 || !arch.byteOrders.includes(h.littleEndian))) {
    const want = arch.byteOrders.map((le) => (le ? "LSB" : "MSB")).join(" or ");
    return {
      ok: false,
      kind: "bad-input",
      error:
        `e_machine is ${machineName(h.e_machine)} (${h.e_machine}); but the object is ELF${h.bits} ` +
        `${h.littleEndian ? "LSB" : "MSB"} and ${arch.id} purgatories are ELF64 ${want}, so no kernel embeds it ` +
        `(modelled loaders: x86_64, s390x, riscv64, ppc64)`,
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
  const plan = archPlan(arch, elf, kernel);
  // s390's fixed address is only page-aligned: the loader never aligns it to buf_align.
  const placementPlan = arch.id === "s390x" ? { ...plan, buf_align: arch.pageSize } : plan;
  const bufMin = bufMinFor(arch);

  let loads: PlannedLoad[];
  if (options.loads && options.loads.length > 0) {
    for (const mem of options.loads) {
      const bad = checkLoadAddress(mem, placementPlan);
      if (bad) return { ok: false, kind: "bad-option", error: bad };
    }
    loads = options.loads.map((mem) => ({
      label: "given",
      why: "address given with --load",
      mem,
      crash: options.crash === true,
    }));
  } else {
    loads = defaultLoads(arch, plan, kernel, options);
  }
  const simulated = loads.map((l) => ({
    label: l.label,
    why: l.why,
    attempt: loadArchPurgatory(arch, elf, kernel, l.mem, {
      debug: options.debug === true,
      crash: l.crash,
      ramSize: options.ramSize ?? DEFAULT_RAM,
    }),
  }));
  const loadWindows = windowsOf(simulated[0]?.attempt, placementPlan, bufMin);
  const findings = evaluateArchRules({
    arch: arch.id,
    elf,
    kernel,
    plan,
    loads: simulated,
    loadWindows,
    bufMin,
  });
  return finishReport({
    machine: arch.id,
    loader: { kind: "kernel" },
    elf,
    kernel,
    plan,
    bufMin,
    loads: simulated,
    loadWindows,
    findings,
  });
}

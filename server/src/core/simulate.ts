// The analysis entry point: bytes in, a plain-data report out. The CLI, the language server and the
// tests all call this; nothing here knows about LSP, VS Code or the terminal.

import { EM_AARCH64, EM_LOONGARCH, EM_X86_64, machineName } from "./elf/constants";
import { parseElf } from "./elf/reader";
import type { ElfFile } from "./elf/types";
import { loadX86Purgatory, X86_BUF_MIN, type LoadAttempt } from "./kexec/bzimage64";
import { kernelModel, type KernelModel } from "./kexec/kernel";
import { defaultPlacements } from "./kexec/placement";
import { setupKbuf, type KbufPlan } from "./kexec/purgatory";
import { EVERYWHERE, intersect, placeable, type Interval } from "./kexec/windows";
import { hex } from "./kexec/u64";
import { evaluateRules } from "./rules/x86";
import { archLoaderFor, simulateArch } from "./simulate-arch";
import type { Finding } from "./rules/types";

export interface SimulateOptions {
  /** Kernel release to model ("6.8", "5.10.223"); default the newest modelled. */
  readonly kernel?: string;
  /** kbuf.mem values to simulate; default: the low and high placements of a PC with `ramSize`. */
  readonly loads?: readonly bigint[];
  /** RAM size for the default placements; default 64 GiB. */
  readonly ramSize?: bigint;
  /** Keep pr_debug lines in the log. */
  readonly debug?: boolean;
  /** s390x / ppc64: simulate a kdump (crash) load, which sets more purgatory symbols. */
  readonly crash?: boolean;
}

export interface SimulatedLoad {
  /** "low", "high" or "given". */
  readonly label: string;
  readonly why: string;
  readonly attempt: LoadAttempt;
}

export interface SimulationReport {
  readonly machine: string;
  readonly elf: ElfFile;
  readonly kernel: KernelModel;
  readonly plan: KbufPlan;
  readonly bufMin: bigint;
  readonly loads: readonly SimulatedLoad[];
  /** kbuf.mem ranges (first and last valid address, inclusive) where every relocation fits. */
  readonly loadWindows: readonly Interval[];
  readonly findings: readonly Finding[];
  /** True when the load succeeds at every simulated address. */
  readonly ok: boolean;
  /** True when, besides, image->start is purgatory_start wherever it loads (no silent hang). */
  readonly entryOk: boolean;
}

export type SimulationResult =
  | { readonly ok: true; readonly report: SimulationReport }
  | { readonly ok: false; readonly error: string; readonly kind: "bad-input" | "bad-option" };

export const DEFAULT_RAM = 64n << 30n;

export function simulate(bytes: Uint8Array, options: SimulateOptions = {}): SimulationResult {
  let kernel: KernelModel;
  try {
    kernel = kernelModel(options.kernel);
  } catch (e) {
    return { ok: false, kind: "bad-option", error: (e as Error).message };
  }
  const parsed = parseElf(bytes);
  if (!parsed.ok) return { ok: false, kind: "bad-input", error: parsed.error.message };
  const elf = parsed.elf;
  if (elf.header.e_machine !== EM_X86_64) {
    const em = elf.header.e_machine;
    const arch = archLoaderFor(em);
    if (arch) return simulateArch(arch, elf, kernel, options);
    const what = `e_machine is ${machineName(em)} (${em})`;
    return {
      ok: false,
      kind: "bad-input",
      error:
        em === EM_AARCH64 || em === EM_LOONGARCH
          ? `${what}: kexec_file_load on ${em === EM_AARCH64 ? "arm64" : "LoongArch"} uses no purgatory ` +
            `(the kernel image is entered directly), so the kernel never loads this object; ` +
            `only kexec-tools' kexec_load path uses one there, which Purgatory Lens does not model yet`
          : `${what}; Purgatory Lens models the kexec_file_load purgatory loaders of x86_64, s390x, riscv64 and ppc64 only`,
    };
  }
  const plan = setupKbuf(elf, kernel);
  const bufMin = X86_BUF_MIN;

  let loads: { label: string; why: string; mem: bigint }[];
  if (options.loads && options.loads.length > 0) {
    for (const mem of options.loads) {
      const bad = checkLoadAddress(mem, plan);
      if (bad) return { ok: false, kind: "bad-option", error: bad };
    }
    loads = options.loads.map((mem) => ({ label: "given", why: "address given with --load", mem }));
  } else {
    loads = defaultPlacements(options.ramSize ?? DEFAULT_RAM, plan.memsz, plan.buf_align, bufMin, kernel);
  }
  const simulated = loads.map((l) => ({
    label: l.label,
    why: l.why,
    attempt: loadX86Purgatory(elf, kernel, l.mem, { debug: options.debug === true }),
  }));
  const loadWindows = windowsOf(simulated[0]?.attempt, plan, bufMin);
  const findings = evaluateRules({ elf, kernel, plan, loads: simulated, loadWindows, bufMin });
  return {
    ok: true,
    report: {
      machine: machineName(elf.header.e_machine),
      elf,
      kernel,
      plan,
      bufMin,
      loads: simulated,
      loadWindows,
      findings,
      ok: simulated.length > 0 && simulated.every((s) => s.attempt.ok),
      entryOk: simulated.every((s) => entryOk(s.attempt) !== false),
    },
  };
}

/** Whether image->start is where purgatory_start landed; undefined when that cannot be told. */
export function entryOk(a: LoadAttempt): boolean | undefined {
  if (!a.ok || a.imageStart === undefined || a.purgatoryStart === undefined) return undefined;
  return a.imageStart === a.purgatoryStart;
}

/** A --load the kernel's placement could produce: aligned to buf_align, room for memsz below 2^64. */
export function checkLoadAddress(mem: bigint, plan: KbufPlan): string | undefined {
  if (mem < 0n || mem >= 1n << 64n) return `load address ${hex(mem)} is not a 64-bit address`;
  if (plan.buf_align > 0n && mem % plan.buf_align !== 0n) {
    return `load address ${hex(mem)} is not aligned to buf_align ${hex(plan.buf_align)}: the kernel's placement never produces it`;
  }
  if (mem + plan.memsz > 1n << 64n)
    return `load address ${hex(mem)} leaves no room for memsz ${hex(plan.memsz)}`;
  return undefined;
}

/**
 * Windows from one attempt's relocation records (each carries its own constraint, independent of the
 * address it was simulated at). A failure that does not depend on the address closes every window.
 */
export function windowsOf(attempt: LoadAttempt | undefined, plan: KbufPlan, bufMin: bigint): Interval[] {
  if (!attempt) return [];
  if (attempt.failedAt === "undefined-behaviour" || attempt.failedAt === "validate") return [];
  // A relocation-stage failure with no overflow record (REL section, bad sh_info/sh_link) does not
  // depend on the address either.
  if (attempt.failedAt === "relocations" && !attempt.relocations.some((r) => r.status === "overflow"))
    return [];
  let w: Interval[] = [...EVERYWHERE];
  for (const r of attempt.relocations) {
    if (r.status !== "ok" && r.status !== "overflow" && r.status !== "ignored") return [];
    if (r.window) w = intersect(w, r.window);
  }
  return placeable(w, plan.buf_align, bufMin, plan.memsz);
}

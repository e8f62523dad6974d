// The analysis entry point: bytes in, a plain-data report out. The CLI, the language server and the
// tests all call this; nothing here knows about LSP, VS Code or the terminal.

import { parseElf } from "./elf/reader";
import type { ElfFile } from "./elf/types";
import { loadX86Purgatory, X86_BUF_MIN, type LoadAttempt } from "./kexec/bzimage64";
import { kernelModel, type KernelModel } from "./kexec/kernel";
import { defaultPlacements } from "./kexec/placement";
import { setupKbuf, type KbufPlan } from "./kexec/purgatory";
import { EVERYWHERE, intersect, placeable, type Interval } from "./kexec/windows";
import { hex } from "./kexec/u64";
import { evaluateRules } from "./rules/x86";
import { archIdFor, archLoaderNamed, noKernelLoader, simulateArch } from "./simulate-arch";
import { simulateKexecTools } from "./simulate-kexec-tools";
import type { Finding } from "./rules/types";
import { verdictFindings } from "./rules/verdict";

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
  /**
   * The architecture whose loader runs (`--arch`); default: the one `e_machine` names. Naming another
   * one asks what that architecture's loader would do with this object.
   */
  readonly arch?: string;
  /** Which loader: the kernel's kexec_file_load (default) or kexec-tools' own (kexec_load, `kexec -c`). */
  readonly loader?: "kernel" | "kexec-tools";
  /** kexec-tools release to model with loader "kexec-tools" ("2.0.23", "2.0.32"); default the newest. */
  readonly kexecTools?: string;
}

export interface SimulatedLoad {
  /** "low", "high" or "given". */
  readonly label: string;
  readonly why: string;
  readonly attempt: LoadAttempt;
}

/** Which loader the report is about. */
export type LoaderModel =
  { readonly kind: "kernel" } | { readonly kind: "kexec-tools"; readonly version: string };

export interface SimulationReport {
  readonly machine: string;
  readonly loader: LoaderModel;
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
  if (options.loader === "kexec-tools") return simulateKexecTools(elf, kernel, options);
  if (options.loader !== undefined && options.loader !== "kernel") {
    return {
      ok: false,
      kind: "bad-option",
      error: `loader "${options.loader}" is not "kernel" or "kexec-tools"`,
    };
  }
  const em = elf.header.e_machine;
  const archId = options.arch ?? archIdFor(em);
  if (archId !== "x86_64") {
    const arch = archId === undefined ? undefined : archLoaderNamed(archId);
    if (arch) return simulateArch(arch, elf, kernel, options, options.arch !== undefined);
    return { ok: false, ...noKernelLoader(em, options.arch) };
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
    attempt: loadX86Purgatory(elf, kernel, l.mem, {
      debug: options.debug === true,
      ramSize: options.ramSize ?? DEFAULT_RAM,
    }),
  }));
  const loadWindows = windowsOf(simulated[0]?.attempt, plan, bufMin);
  const findings = evaluateRules({ elf, kernel, plan, loads: simulated, loadWindows, bufMin });
  return finishReport({
    machine: "x86_64",
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

/** The report's parts each loader's simulation computes; the verdicts are derived here, once. */
export type ReportParts = Omit<SimulationReport, "ok" | "entryOk">;

export function finishReport(parts: ReportParts): SimulationResult {
  const loads = parts.loads;
  return {
    ok: true,
    report: {
      ...parts,
      findings: [...parts.findings, ...verdictFindings(parts)],
      ok: loads.length > 0 && loads.every((s) => s.attempt.ok),
      entryOk: loads.every((s) => entryOk(s.attempt) !== false),
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

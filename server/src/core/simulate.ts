// The analysis entry point: bytes in, a plain-data report out. The CLI, the language server and the
// tests all call this; nothing here knows about LSP, VS Code or the terminal.
//
// One pipeline for every loader: parse, pick the loader (the kernel's, for the architecture --arch or
// e_machine names, or kexec-tools'), plan, load at each address, load windows, rules, verdict.

import { parseElf } from "./elf/reader";
import type { ElfFile } from "./elf/types";
import type { LoadAttempt } from "./kexec/attempt";
import { kernelModel, type KernelModel } from "./kexec/kernel";
import type { KbufPlan } from "./kexec/purgatory";
import { distinctWindows, reviveRelocationList } from "./kexec/relocation-table";
import { hex } from "./kexec/u64";
import { EVERYWHERE, intersect, placeable, type Interval } from "./kexec/windows";
import { kexecToolsLoader } from "./simulate-kexec-tools";
import { kernelLoader } from "./simulate-kernel";
import type { PreparedLoader, SimulatedLoad, SimulateOptions, SimulationResult } from "./simulation";
import { verdictFindings } from "./rules/verdict";

export * from "./simulation";

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
  if (options.loader !== undefined && options.loader !== "kernel" && options.loader !== "kexec-tools") {
    return {
      ok: false,
      kind: "bad-option",
      error: `loader "${options.loader}" is not "kernel" or "kexec-tools"`,
    };
  }
  const loader =
    options.loader === "kexec-tools"
      ? kexecToolsLoader(elf, kernel, options)
      : kernelLoader(elf, kernel, options);
  if ("ok" in loader) return loader;
  return run(loader, elf, kernel, options);
}

function run(
  p: PreparedLoader,
  elf: ElfFile,
  kernel: KernelModel,
  options: SimulateOptions,
): SimulationResult {
  let loads: SimulatedLoad[];
  if (options.loads && options.loads.length > 0) {
    for (const mem of options.loads) {
      const bad = checkLoadAddress(mem, p.placementPlan, p.placer);
      if (bad) return { ok: false, kind: "bad-option", error: bad };
    }
    const crash = options.crash === true;
    loads = options.loads.map((mem) => ({
      label: "given",
      why: "address given with --load",
      attempt: p.loadAt(mem, crash),
    }));
  } else {
    loads = p.defaultLoads().map((l) => ({
      label: l.label,
      why: l.why,
      attempt: "attempt" in l ? l.attempt : p.loadAt(l.mem, l.crash),
    }));
  }
  const loadWindows = windowsOf(loads[0]?.attempt, p.placementPlan, p.bufMin);
  return finish(p, elf, kernel, loads, loadWindows);
}

/** The report, with the verdicts derived once for every loader. */
function finish(
  p: PreparedLoader,
  elf: ElfFile,
  kernel: KernelModel,
  loads: readonly SimulatedLoad[],
  loadWindows: readonly Interval[],
): SimulationResult {
  const explained = p.rules(loads, loadWindows);
  const findings = [
    ...explained,
    ...verdictFindings({ loads, plan: p.plan, findings: explained, loader: p.loader }),
  ];
  return {
    ok: true,
    report: {
      machine: p.machine,
      loader: p.loader,
      elf,
      kernel,
      plan: p.plan,
      bufMin: p.bufMin,
      loads,
      loadWindows,
      findings,
      ok: loads.length > 0 && loads.every((s) => s.attempt.ok),
      entryOk: loads.every((s) => entryOk(s.attempt) !== false),
    },
  };
}

/**
 * A result that crossed a structured clone (the language server simulates in a worker thread): its
 * relocation lists work again. Everything else in a report is plain data and survives the clone.
 */
export function reviveResult(result: SimulationResult): SimulationResult {
  if (!result.ok) return result;
  for (const load of result.report.loads) {
    const a = load.attempt as { relocations: LoadAttempt["relocations"] };
    a.relocations = reviveRelocationList(a.relocations);
  }
  return result;
}

/** Whether image->start is where purgatory_start landed; undefined when that cannot be told. */
export function entryOk(a: LoadAttempt): boolean | undefined {
  if (!a.ok || a.imageStart === undefined || a.purgatoryStart === undefined) return undefined;
  return a.imageStart === a.purgatoryStart;
}

/** A --load the loader's placement could produce: aligned to buf_align, room for memsz below 2^64. */
export function checkLoadAddress(
  mem: bigint,
  plan: KbufPlan,
  placer = "the kernel's placement",
): string | undefined {
  if (mem < 0n || mem >= 1n << 64n) return `load address ${hex(mem)} is not a 64-bit address`;
  if (plan.buf_align > 0n && mem % plan.buf_align !== 0n) {
    return `load address ${hex(mem)} is not aligned to buf_align ${hex(plan.buf_align)}: ${placer} never produces it`;
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
  if (attempt.relocations.some((r) => r.status !== "ok" && r.status !== "overflow" && r.status !== "ignored"))
    return [];
  let w: Interval[] = [...EVERYWHERE];
  // Records share window arrays (one per distinct constraint): intersect each distinct one once.
  for (const rw of distinctWindows(attempt.relocations)) w = intersect(w, rw);
  return placeable(w, plan.buf_align, bufMin, plan.memsz);
}

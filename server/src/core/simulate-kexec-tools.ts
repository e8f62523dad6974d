// kexec-tools' loader for the pipeline (loader "kexec-tools"): what `kexec -l` / `kexec -p` (the
// kexec_load path) does with a purgatory, modelled from kexec-tools' own loader. The kernel is not
// involved in loading it: the report's kernel model only labels the run, and the "log" is kexec's
// stderr.

import { machineName } from "./elf/constants";
import type { ElfFile } from "./elf/types";
import { ktArchFor, ktArchNamed, ktLoadsPurgatory, KT_ARCHES } from "./kexec-tools/arch";
import { ktArchPlan, loadKtPurgatory } from "./kexec-tools/load";
import { locateHole } from "./kexec-tools/locate-hole";
import type { KtArch } from "./kexec-tools/types";
import { kexecToolsVersion, ktAtLeast, type KexecToolsVersion } from "./kexec-tools/version";
import { failedAttempt, type LoadAttempt } from "./kexec/attempt";
import type { KernelModel } from "./kexec/kernel";
import { pcMemoryMap, type RamRange } from "./kexec/memory-hole";
import type { KbufPlan } from "./kexec/purgatory";
import { S390_DEFAULT_CRASH_BASE } from "./arch/s390x";
import { evaluateKexecToolsRules } from "./rules/kexec-tools";
import { DEFAULT_RAM, type PreparedLoader, type Refusal, type SimulateOptions } from "./simulation";

/** The machine's RAM: the PC map on x86_64, the architecture's own otherwise. */
function memoryMap(arch: KtArch, ramSize: bigint): RamRange[] {
  if (arch.memoryMap) return arch.memoryMap(ramSize);
  return arch.id === "x86_64" ? pcMemoryMap(ramSize) : [{ start: 0n, end: ramSize - 1n }];
}

/** A load whose placement failed: locate_hole's lines, then die(). */
function placementFailed(plan: KbufPlan, stderr: string[]): LoadAttempt {
  const log = stderr.map((text) => ({ level: "err" as const, text }));
  return failedAttempt({ mem: 0n, plan, log, symbolSteps: [], silent: [] }, "placement");
}

function pickKtArch(elf: ElfFile, archOption: string | undefined): KtArch | string {
  const em = elf.header.e_machine;
  const arch = archOption ? ktArchNamed(archOption) : ktArchFor(em);
  if (arch) return arch;
  const known = KT_ARCHES.map((a) => a.id).join(", ");
  return archOption
    ? `--arch ${archOption}: kexec-tools' purgatory loader is modelled for ${known}`
    : `e_machine is ${machineName(em)} (${em}); kexec-tools' purgatory loader is modelled for ${known}`;
}

export function kexecToolsLoader(
  elf: ElfFile,
  _kernel: KernelModel,
  options: SimulateOptions,
): PreparedLoader | Refusal {
  let version: KexecToolsVersion;
  try {
    version = kexecToolsVersion(options.kexecTools);
  } catch (e) {
    return { ok: false, kind: "bad-option", error: (e as Error).message };
  }
  const picked = pickKtArch(elf, options.arch);
  if (typeof picked === "string") return { ok: false, kind: "bad-input", error: picked };
  const arch = picked;
  // Only x86_64's loader was traced back before 2.0.25; the others were read in 2.0.25–2.0.32.
  if (arch.id !== "x86_64" && !ktAtLeast(version, 2, 0, 25)) {
    return {
      ok: false,
      kind: "bad-option",
      error: `kexec-tools ${version.label} on ${arch.id} is not modelled: its loader was read in 2.0.25, 2.0.29 and 2.0.32 only`,
    };
  }
  const crash = options.crash === true;
  // The s390 crashkernel base is the same one the kernel-side s390 simulation assumes.
  const loadOptions = { crash, crashBase: S390_DEFAULT_CRASH_BASE };
  const loads = ktLoadsPurgatory(arch, loadOptions);
  if (loads !== true) {
    return {
      ok: false,
      kind: "bad-input",
      error: `kexec-tools ${version.label} on ${arch.id} does not load a purgatory${crash ? "" : " for kexec -l"}: ${loads.why}`,
    };
  }
  const plan = ktArchPlan(arch, elf, version);
  const places = [arch.placement(loadOptions), ...(arch.otherPlacements?.(loadOptions) ?? [])];
  // The lowest address any of the architecture's loaders lets add_buffer use.
  const bufMin = places.reduce((m, w) => (w.min < m ? w.min : m), places[0]!.min);
  const loadAt = (mem: bigint): LoadAttempt =>
    loadKtPurgatory(arch, elf, version, mem, { debug: options.debug, ...loadOptions });
  return {
    machine: arch.id,
    loader: { kind: "kexec-tools", version: version.label },
    plan,
    placementPlan: plan,
    bufMin,
    placer: "locate_hole",
    defaultLoads: () => {
      const ram = options.ramSize ?? DEFAULT_RAM;
      const map = memoryMap(arch, ram);
      return places.map((w) => {
        const hole = locateHole(map, [], plan.memsz, plan.buf_align, arch.pageSize, w.min, w.max, w.end);
        return {
          label: w.end < 0 ? "high" : "low",
          why: `${w.why}, on a ${ram >> 30n} GiB machine with no other segment in the way`,
          attempt: hole.ok ? loadAt(hole.base) : placementFailed(plan, hole.stderr),
        };
      });
    },
    loadAt: (mem) => loadAt(mem),
    rules: (loads, loadWindows) =>
      evaluateKexecToolsRules({ arch: arch.id, elf, version, plan, loads, loadWindows, bufMin }),
  };
}

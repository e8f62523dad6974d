// One purgatory load by kexec-tools, as far as the purgatory is concerned: elf_rel_build_load
// (build_elf_rel_info, then elf_rel_load: size, add_buffer, layout, relocations), then the loader's
// symbol calls and update_purgatory's. Every error is die(): the text goes to stderr and kexec exits 1.
// The "log" of the returned attempt is that stderr (level "err"), plus dbgprintf lines with --debug.

import { denseBytes, stagingSha256 } from "../kexec/staging";
import { ElfFormatError } from "../elf/errors";
import type { ElfFile } from "../elf/types";
import { failedAttempt, type LoadAttempt, type LoadStage, type SymbolStep } from "../kexec/attempt";
import { KernelLog } from "../kexec/log";
import type { KbufPlan } from "../kexec/purgatory";
import { checkElfRel } from "./elf-check";
import { ktLayout, ktPlan } from "./layout";
import { ktApplyRelocations } from "./relocate";
import { ktFindSymbol, ktSymbolOp } from "./symbols";
import type { KtArch, KtLoadOptions } from "./types";
import type { KexecToolsVersion } from "./version";

export interface KtAttemptOptions extends KtLoadOptions {
  readonly debug?: boolean;
}

/** The buffer elf_rel_load asks for; the same for every load of one object (made once each). */
export function ktArchPlan(arch: KtArch, elf: ElfFile, version: KexecToolsVersion): KbufPlan {
  let plans = plansOf.get(elf);
  if (plans === undefined) plansOf.set(elf, (plans = new Map()));
  const key = `${arch.id} ${version.label}`;
  let plan = plans.get(key);
  if (plan === undefined)
    plans.set(key, (plan = ktPlan(elf, version, arch.pageSize, arch.alignOverrides?.(elf))));
  return plan;
}

const plansOf = new WeakMap<ElfFile, Map<string, KbufPlan>>();

/** The load at buf_addr `mem` (the placement already chose it, or failed, before this is called). */
export function loadKtPurgatory(
  arch: KtArch,
  elf: ElfFile,
  version: KexecToolsVersion,
  mem: bigint,
  options: KtAttemptOptions = {},
): LoadAttempt {
  const log = new KernelLog(options.debug === true);
  const plan = ktArchPlan(arch, elf, version);
  const steps: SymbolStep[] = [];
  const silent: string[] = [];
  const base = { mem, plan, log: log.lines, symbolSteps: steps, silent };
  const failed = (stage: LoadStage, rest: Partial<LoadAttempt> = {}): LoadAttempt =>
    failedAttempt(base, stage, rest);

  const check = checkElfRel(elf, arch, version);
  for (const line of check.stderr) log.err(line);
  if (check.refused) {
    log.err("ELF rel parse failed");
    silent.push(`build_elf_rel_info() refuses the object without saying why: ${check.refused}`);
    return failed("validate");
  }
  try {
    const layout = ktLayout(elf, version, plan, mem, arch.alignOverrides?.(elf));
    const start = ktFindSymbol(elf, "purgatory_start");
    const startSec = "found" in start ? layout.sechdrs[start.found.st_shndx] : undefined;
    const laid = {
      sechdrs: layout.sechdrs,
      imageStart: layout.entry,
      purgatoryStart:
        "found" in start && startSec?.inBuffer ? startSec.sh_addr + start.found.st_value : undefined,
      entryMatches:
        layout.entrySection === undefined
          ? []
          : [
              {
                index: layout.entrySection,
                name: layout.sechdrs[layout.entrySection]!.name,
                effect: "set" as const,
              },
            ],
    };
    if (layout.undefinedBehaviour.length > 0) {
      return failed("undefined-behaviour", { ...laid, undefinedBehaviour: layout.undefinedBehaviour });
    }
    const relocs = ktApplyRelocations(elf, arch, version, layout, mem, log);
    const withRelocs = { ...laid, relocations: relocs.records };
    if (relocs.undefinedBehaviour.length > 0) {
      return failed("undefined-behaviour", { ...withRelocs, undefinedBehaviour: relocs.undefinedBehaviour });
    }
    if (relocs.died) return failed("relocations", withRelocs);
    // bzImage64_load's dbgprintf once elf_rel_build_load has returned.
    if (arch.id === "x86_64") log.debug(() => `Loaded purgatory at addr 0x${mem.toString(16)}`);
    const bufferSha256 = stagingSha256(layout.buffer);
    const done = { ...withRelocs, bufferSha256, buffer: denseBytes(layout.buffer) };

    const ops = arch.symbolOps(version, options);
    for (const op of ops) {
      const precondition = op.check?.(elf);
      if (precondition !== undefined) {
        steps.push({
          name: op.name,
          op: op.op,
          size: op.size,
          result: { ok: false, reason: "not-found", detail: precondition },
        });
        log.err(precondition);
        return failed("purgatory-symbols", done);
      }
      const r = ktSymbolOp(elf, layout, op);
      const stage: LoadStage = op.name.startsWith("sha256_") ? "digests" : "purgatory-symbols";
      if (r.ok) {
        steps.push({
          name: op.name,
          op: op.op,
          size: op.size,
          result: op.op === "addr" ? { ok: true, addr: r.addr } : { ok: true },
        });
        continue;
      }
      if ("undefinedBehaviour" in r) {
        steps.push({
          name: op.name,
          op: op.op,
          size: op.size,
          result: { ok: false, reason: "out-of-bounds", detail: r.undefinedBehaviour },
        });
        return failed("undefined-behaviour", { ...done, undefinedBehaviour: [r.undefinedBehaviour] });
      }
      const reason = r.why === "size" ? "size-mismatch" : r.why === "bss" ? "bss" : "not-found";
      steps.push({ name: op.name, op: op.op, size: op.size, result: { ok: false, reason, detail: r.die } });
      log.err(r.die);
      return failed(stage, done);
    }
    return { ...base, ...done, ok: true, failedAt: undefined, undefinedBehaviour: [] };
  } catch (e) {
    if (!(e instanceof ElfFormatError)) throw e;
    return failed("undefined-behaviour", {
      undefinedBehaviour: [`${e.message}: kexec-tools does not check this and would read out of bounds`],
    });
  }
}

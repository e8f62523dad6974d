// The part of kexec_load_purgatory() every architecture's load runs the same way once the object is
// accepted: kexec_purgatory_setup_sechdrs (layout and image->start), then kexec_apply_relocations with
// the architecture's RELA hook, stopping where the kernel's behaviour becomes undefined. What the
// loaders do around it (their checks, messages and symbol work) is in load.ts and each arch/*.ts.

import { ELFCLASS64, ET_REL } from "../elf/constants";
import type { ElfFile } from "../elf/types";
import type { LoadAttempt, LoadStage, SymbolStep } from "./attempt";
import type { KernelModel } from "./kernel";
import type { KernelLog } from "./log";
import { setupSechdrs, type KbufPlan, type Layout } from "./purgatory";
import { denseBytes, stagingSha256, vzallocFails } from "./staging";
import { hex } from "./u64";
import { applyRelocations, type ArchRelocator } from "./relocate";
import { findSymbol, getSetSymbol, type SymbolOpResult } from "./symbols";

/**
 * Why a kernel before 4.17 refuses the object (its __kexec_load_purgatory validated the header), or
 * undefined. `littleEndian` is checked only where elf_check_arch checks it (x86_64).
 */
export function e0Rejects(
  elf: ElfFile,
  want: { readonly e_machine: number; readonly id: string; readonly littleEndian?: boolean },
): string | undefined {
  const h = elf.header;
  const size = BigInt(elf.bytes.byteLength);
  const endianOk = want.littleEndian === undefined || h.littleEndian === want.littleEndian;
  if (h.bits !== 64 || elf.bytes[4] !== ELFCLASS64 || !endianOk || h.e_machine !== want.e_machine) {
    return `elf_check_arch() rejects it (not ELF64 ${want.id})`;
  }
  if (h.e_type !== ET_REL) return `e_type is ${h.e_type}, not ET_REL`;
  if (h.e_shentsize !== 64) return `e_shentsize is ${h.e_shentsize}, not 64`;
  if (h.e_shoff >= size) return "e_shoff is past the end of the image";
  if (BigInt(h.e_shnum) * 64n > size - h.e_shoff) return "the section headers run past the end of the image";
  return undefined;
}

/** The attempt's fields known so far. */
export type Progress = Partial<LoadAttempt>;

/** Everything an attempt has once its purgatory is relocated, before the loader's symbol work. */
export type Relocated = Pick<
  LoadAttempt,
  "sechdrs" | "imageStart" | "purgatoryStart" | "entryMatches" | "relocations" | "bufferSha256" | "buffer"
>;

export type PurgatoryOutcome =
  /** vzalloc(bufsz) of the staging buffer failed: -ENOMEM before anything is laid out. */
  | { readonly kind: "no-memory"; readonly progress: Progress }
  /** The kernel would read or write out of bounds: the simulation stops here. */
  | { readonly kind: "undefined-behaviour"; readonly progress: Progress }
  /** The RELA hook (or the generic walk) returned an error; `printed` says whether it said anything. */
  | { readonly kind: "relocations-failed"; readonly progress: Progress; readonly printed: boolean }
  /** Laid out and relocated: the buffer is final until the loader sets its symbols. */
  | { readonly kind: "relocated"; readonly layout: Layout; readonly progress: Relocated };

/**
 * Lays the purgatory out at `mem` and applies its relocations. Throws ElfFormatError where a table
 * the kernel reads unchecked is malformed (callers report that as undefined behaviour).
 */
export function layOutAndRelocate(
  elf: ElfFile,
  kernel: KernelModel,
  plan: KbufPlan,
  mem: bigint,
  log: KernelLog,
  relocator: ArchRelocator | undefined,
  silent: string[],
  ramSize?: bigint,
): PurgatoryOutcome {
  if (vzallocFails(plan.bufsz, ramSize)) {
    // warn_alloc(): "<comm>: <message>, mode:<gfp>(<flag names>), nodemask=<mask>", then the cpuset
    // part (machine-dependent, so "?"); vzalloc asks GFP_KERNEL | __GFP_ZERO and no nodemask.
    log.warn(
      `kexec: vmalloc error: size ${plan.bufsz}, exceeds total pages, mode:0xdc0(GFP_KERNEL|__GFP_ZERO), nodemask=(null),cpuset=?,mems_allowed=?`,
    );
    silent.push(
      `kexec_purgatory_setup_kbuf() returns -ENOMEM without a message of its own: vzalloc(${hex(plan.bufsz)}) asks for more than the machine's ${hex(ramSize!)} bytes of RAM`,
    );
    return { kind: "no-memory", progress: {} };
  }
  const layout = setupSechdrs(elf, kernel, plan, mem, log, (name) => {
    const f = findSymbol(elf, name, log);
    return f && { shndx: f.sym.st_shndx, value: f.sym.st_value };
  });
  const start = findSymbol(elf, "purgatory_start");
  const startSec = start && layout.sechdrs[start.sym.st_shndx];
  const laid = {
    sechdrs: layout.sechdrs,
    imageStart: layout.imageStart,
    purgatoryStart: startSec?.inBuffer ? startSec.sh_addr + start!.sym.st_value : undefined,
    entryMatches: layout.entryMatches,
  };
  if (layout.undefinedBehaviour.length > 0) {
    return {
      kind: "undefined-behaviour",
      progress: { ...laid, undefinedBehaviour: layout.undefinedBehaviour },
    };
  }
  const errsBefore = log.errCount;
  const relocs = applyRelocations(elf, kernel, plan, layout, mem, log, relocator);
  silent.push(...relocs.notes.filter((n) => n.includes("without a message")));
  const withRelocs = { ...laid, relocations: relocs.records };
  const ub = relocs.records.filter((r) => r.status === "undefined-behaviour" && r.reached);
  if (ub.length > 0) {
    return {
      kind: "undefined-behaviour",
      progress: { ...withRelocs, undefinedBehaviour: ub.map((r) => r.note ?? "") },
    };
  }
  if (relocs.failed) {
    const printed = log.errCount > errsBefore;
    return { kind: "relocations-failed", progress: withRelocs, printed };
  }
  const bufferSha256 = stagingSha256(layout.buffer);
  return {
    kind: "relocated",
    layout,
    progress: { ...withRelocs, bufferSha256, buffer: denseBytes(layout.buffer) },
  };
}

/**
 * The loaders' kexec_purgatory_get_set_symbol calls, recorded as steps: `step` runs one, `stepFailed`
 * turns its failure into the attempt's outcome (undefined behaviour when it would touch memory
 * outside the buffer; a silent -EINVAL noted when the symbol is missing).
 */
export function symbolSteps(
  elf: ElfFile,
  kernel: KernelModel,
  layout: Layout,
  log: KernelLog,
  steps: SymbolStep[],
  silent: string[],
  failed: (stage: LoadStage, rest: Progress) => LoadAttempt,
  done: Relocated,
) {
  const step = (name: string, op: "get" | "set", size: number): SymbolOpResult => {
    const result = getSetSymbol(elf, kernel, layout, log, name, size, op === "get");
    steps.push({ name, op, size, result });
    return result;
  };
  const stepFailed = (stage: LoadStage, r: SymbolOpResult): LoadAttempt => {
    if (!r.ok && r.reason === "out-of-bounds") {
      return failed("undefined-behaviour", { ...done, undefinedBehaviour: [r.detail] });
    }
    if (!r.ok && r.reason === "not-found") {
      silent.push(`kexec_purgatory_get_set_symbol() returns -EINVAL without a message: ${r.detail}`);
    }
    return failed(stage, done);
  };
  return { step, stepFailed };
}

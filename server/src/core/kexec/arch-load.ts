// One simulated kexec_file_load on an architecture other than x86_64, as far as the purgatory is
// concerned: the generic kexec_load_purgatory (setup_kbuf, setup_sechdrs, apply_relocations with the
// architecture's RELA hook, or none), the architecture loader's message when that fails, its own
// symbol work, then kexec_calculate_store_digests. The same steps as bzimage64.ts, with the
// per-architecture parts (s390.ts, riscv.ts, ppc64.ts) passed in as an ArchLoader.

import { createHash } from "node:crypto";
import { ELFCLASS64, ET_REL } from "../elf/constants";
import { ElfFormatError } from "../elf/errors";
import type { ElfFile } from "../elf/types";
import {
  failedAttempt,
  SHA256_DIGEST_SIZE,
  SHA_REGIONS_SIZE,
  type LoadAttempt,
  type LoadStage,
  type SymbolStep,
} from "./bzimage64";
import type { KernelModel } from "./kernel";
import { KernelLog } from "./log";
import { setupKbuf, setupSechdrs, type KbufPlan } from "./purgatory";
import { applyRelocations, type ArchRelocator } from "./relocate";
import { findSymbol, getSetSymbol, type SymbolOpResult } from "./symbols";

export type ArchId = "s390x" | "riscv64" | "ppc64";

/** Which kind of image is loaded: the symbols some loaders set depend on it. */
export interface ArchLoadOptions {
  readonly debug?: boolean;
  /** A kdump (crash) kernel: s390 sets crash_start/crash_size, ppc64 sets run_at_load. */
  readonly crash?: boolean;
  /** ppc64 only: an /ibm,opal node exists (PowerNV), so opal_base/opal_entry are set. */
  readonly opal?: boolean;
}

/** One symbol operation of the architecture's loader after the purgatory is in place. */
export interface ArchSymbolOp {
  readonly name: string;
  readonly op: "get" | "set";
  readonly size: number;
}

export interface ArchLoader {
  readonly id: ArchId;
  readonly e_machine: number;
  /** The first release whose kexec_file_load loads a purgatory on this architecture. */
  readonly since: { readonly major: number; readonly minor: number };
  readonly pageSize: bigint;
  /** ELF byte orders the architecture's kernels read purgatories in (true = little-endian). */
  readonly byteOrders: readonly boolean[];
  relocator(kernel: KernelModel): ArchRelocator | undefined;
  /** The loader's lines when kexec_load_purgatory returns `ret`. */
  loadFailed(kernel: KernelModel, ret: number): string[];
  /** The loader's symbol operations, in order, for this kind of load. */
  symbolOps(kernel: KernelModel, options: ArchLoadOptions): ArchSymbolOp[];
  /**
   * What the loader does when a symbol operation fails with `ret`: its lines, and whether the error
   * reaches the caller (riscv only prints and carries on).
   */
  symbolFailed(kernel: KernelModel, ret: number): { lines: string[]; fatal: boolean };
  /** pr_debug line on success, if the loader prints one. */
  loaded?(kernel: KernelModel, mem: bigint): string;
}

const ENOEXEC = -8;
const EINVAL = -22;

/** Why an E1+ kernel of this architecture would misread the object (it validates nothing). */
export function unreadableFor(arch: ArchLoader, elf: ElfFile): string | undefined {
  const h = elf.header;
  if (h.bits !== 64 || !arch.byteOrders.includes(h.littleEndian)) {
    const want = arch.byteOrders.map((le) => (le ? "LSB" : "MSB")).join(" or ");
    return `the object is ELF${h.bits} ${h.littleEndian ? "LSB" : "MSB"}; an ${arch.id} kernel reads its purgatory as ELF64 ${want}`;
  }
  if (h.e_machine !== arch.e_machine) return `e_machine is ${h.e_machine}, not ${arch.e_machine}`;
  return undefined;
}

function e0Rejects(arch: ArchLoader, elf: ElfFile): string | undefined {
  const h = elf.header;
  const size = BigInt(elf.bytes.byteLength);
  if (h.bits !== 64 || elf.bytes[4] !== ELFCLASS64 || h.e_machine !== arch.e_machine) {
    return `elf_check_arch() rejects it (not ELF64 ${arch.id})`;
  }
  if (h.e_type !== ET_REL) return `e_type is ${h.e_type}, not ET_REL`;
  if (h.e_shentsize !== 64) return `e_shentsize is ${h.e_shentsize}, not 64`;
  if (h.e_shoff >= size) return "e_shoff is past the end of the image";
  if (BigInt(h.e_shnum) * 64n > size - h.e_shoff) return "the section headers run past the end of the image";
  return undefined;
}

export function archPlan(arch: ArchLoader, elf: ElfFile, kernel: KernelModel): KbufPlan {
  return setupKbuf(elf, kernel, arch.pageSize);
}

export function loadArchPurgatory(
  arch: ArchLoader,
  elf: ElfFile,
  kernel: KernelModel,
  mem: bigint,
  options: ArchLoadOptions = {},
): LoadAttempt {
  const log = new KernelLog(options.debug === true);
  const plan = archPlan(arch, elf, kernel);
  const steps: SymbolStep[] = [];
  const silent: string[] = [];
  const base = { mem, plan, log: log.lines, symbolSteps: steps, silent };
  const failed = (stage: LoadStage, rest: Partial<LoadAttempt> = {}): LoadAttempt =>
    failedAttempt(base, stage, rest);
  const loadingFailed = (ret: number): void => {
    for (const line of arch.loadFailed(kernel, ret)) log.err(line);
  };

  if (kernel.era === "E0") {
    const why = e0Rejects(arch, elf);
    if (why) {
      silent.push(`kexec_load_purgatory() returns -ENOEXEC without a message: ${why}`);
      loadingFailed(ENOEXEC);
      return failed("validate");
    }
  } else {
    const why = unreadableFor(arch, elf);
    if (why) return failed("undefined-behaviour", { undefinedBehaviour: [`${why}; no check stops it`] });
  }

  try {
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
      return failed("undefined-behaviour", { ...laid, undefinedBehaviour: layout.undefinedBehaviour });
    }
    const errsBefore = log.lines.filter((l) => l.level === "err").length;
    const relocs = applyRelocations(elf, kernel, plan, layout, mem, log, arch.relocator(kernel));
    silent.push(...relocs.notes.filter((n) => n.includes("without a message")));
    const withRelocs = { ...laid, relocations: relocs.records };
    const ub = relocs.records.filter((r) => r.status === "undefined-behaviour" && r.reached);
    if (ub.length > 0) {
      return failed("undefined-behaviour", {
        ...withRelocs,
        undefinedBehaviour: ub.map((r) => r.note ?? ""),
      });
    }
    if (relocs.failed) {
      if (log.lines.filter((l) => l.level === "err").length === errsBefore) {
        const r = relocs.records.find((x) => x.reached && x.status !== "ok" && x.status !== "ignored");
        silent.push(
          r
            ? `the RELA hook returns -ENOEXEC without a message at ${r.typeName} against ${r.symbol} (${r.status})`
            : "kexec_apply_relocations() returns -ENOEXEC without a message",
        );
      }
      loadingFailed(ENOEXEC);
      return failed("relocations", withRelocs);
    }
    if (arch.loaded) {
      const line = arch.loaded(kernel, mem);
      log.debug(() => line);
    }
    const bufferSha256 = createHash("sha256").update(layout.buffer).digest("hex");
    const done = { ...withRelocs, bufferSha256, buffer: layout.buffer };

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

    for (const s of arch.symbolOps(kernel, options)) {
      const r = step(s.name, s.op, s.size);
      if (r.ok) continue;
      if (r.reason === "out-of-bounds") return stepFailed("purgatory-symbols", r);
      const then = arch.symbolFailed(kernel, EINVAL);
      for (const line of then.lines) log.err(line);
      if (then.fatal) return stepFailed("purgatory-symbols", r);
      if (r.reason === "not-found") silent.push(`${s.name} is not set: ${r.detail}; the loader goes on`);
      break; // the rest of this group is skipped, the load goes on
    }

    // kexec_calculate_store_digests, after machine_kexec_prepare.
    let r = step(kernel.shaRegionsSymbol, "set", SHA_REGIONS_SIZE);
    if (!r.ok) return stepFailed("digests", r);
    r = step(kernel.sha256DigestSymbol, "set", SHA256_DIGEST_SIZE);
    if (!r.ok) return stepFailed("digests", r);

    return { ...base, ...done, ok: true, failedAt: undefined, undefinedBehaviour: [] };
  } catch (e) {
    if (!(e instanceof ElfFormatError)) throw e;
    return failed("undefined-behaviour", {
      undefinedBehaviour: [`${e.message}: the kernel does not check this and would read out of bounds`],
    });
  }
}

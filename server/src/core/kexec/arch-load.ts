// One simulated kexec_file_load on an architecture other than x86_64, as far as the purgatory is
// concerned: the generic kexec_load_purgatory (setup_kbuf, setup_sechdrs, apply_relocations with the
// architecture's RELA hook, or none), the architecture loader's message when that fails, its own
// symbol work, then kexec_calculate_store_digests. The same steps as bzimage64.ts, with the
// per-architecture parts (s390.ts, riscv.ts, ppc64.ts) passed in as an ArchLoader.

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
import { e0Rejects, layOutAndRelocate, symbolSteps } from "./load-purgatory";
import { setupKbuf, type KbufPlan } from "./purgatory";
import type { ArchRelocator } from "./relocate";

export type ArchId = "s390x" | "riscv64" | "ppc64";

/** Which kind of image is loaded: the symbols some loaders set depend on it. */
export interface ArchLoadOptions {
  readonly debug?: boolean;
  /** The machine's RAM: vzalloc refuses a staging buffer larger than it. */
  readonly ramSize?: bigint;
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
const ENOMEM = -12;
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
    const why = e0Rejects(elf, arch);
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
    const out = layOutAndRelocate(
      elf,
      kernel,
      plan,
      mem,
      log,
      arch.relocator(kernel),
      silent,
      options.ramSize,
    );
    if (out.kind === "no-memory") {
      loadingFailed(ENOMEM);
      return failed("allocation");
    }
    if (out.kind === "undefined-behaviour") return failed("undefined-behaviour", out.progress);
    if (out.kind === "relocations-failed") {
      if (!out.printed) {
        const r = out.progress.relocations?.find(
          (x) => x.reached && x.status !== "ok" && x.status !== "ignored",
        );
        silent.push(
          r
            ? `the RELA hook returns -ENOEXEC without a message at ${r.typeName} against ${r.symbol} (${r.status})`
            : "kexec_apply_relocations() returns -ENOEXEC without a message",
        );
      }
      loadingFailed(ENOEXEC);
      return failed("relocations", out.progress);
    }
    if (arch.loaded) {
      const line = arch.loaded(kernel, mem);
      log.debug(() => line);
    }
    const { layout, progress: done } = out;

    const { step, stepFailed } = symbolSteps(elf, kernel, layout, log, steps, silent, failed, done);

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

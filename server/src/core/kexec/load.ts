// One simulated kexec_file_load, as far as the purgatory is concerned, on any architecture: the
// generic kexec_load_purgatory (before 4.17 its header checks; then setup_kbuf, setup_sechdrs and
// apply_relocations with the architecture's RELA hook), the architecture loader's message when that
// fails, its own symbol work, then kexec_calculate_store_digests. What differs per architecture is
// the PurgatoryLoader part of its KernelArch (arch/*.ts).

import { ElfFormatError } from "../elf/errors";
import type { ElfFile } from "../elf/types";
import {
  failedAttempt,
  SHA256_DIGEST_SIZE,
  SHA_REGIONS_SIZE,
  type LoadAttempt,
  type LoadStage,
  type SymbolStep,
} from "./attempt";
import type { KernelModel } from "./kernel";
import { KernelLog } from "./log";
import { e0Rejects, layOutAndRelocate, symbolSteps } from "./load-purgatory";
import { setupKbuf, type KbufPlan } from "./purgatory";
import type { ArchRelocator } from "./relocate";
import { getSymbolAddr, type SymbolOpResult } from "./symbols";

/** Which kind of image is loaded: the symbols some loaders set depend on it. */
export interface LoadOptions {
  readonly debug?: boolean;
  /** The machine's RAM: vzalloc refuses a staging buffer larger than it. */
  readonly ramSize?: bigint;
  /** A kdump (crash) kernel: s390 sets crash_start/crash_size, ppc64 sets run_at_load. */
  readonly crash?: boolean;
  /** ppc64 only: an /ibm,opal node exists (PowerNV), so opal_base/opal_entry are set. */
  readonly opal?: boolean;
  /** The kbuf plan, when the caller already made it: every load address shares one. */
  readonly plan?: KbufPlan;
}

/** The architecture loader's symbol work after the purgatory is relocated, and how it ends. */
export interface SymbolWork {
  readonly kernel: KernelModel;
  readonly log: KernelLog;
  readonly silent: string[];
  /** kexec_purgatory_get_set_symbol(), recorded as a step. */
  step(name: string, op: "get" | "set", size: number): SymbolOpResult;
  /** kexec_purgatory_get_symbol_addr(), recorded as an "addr" step; undefined when not found. */
  addr(name: string): bigint | undefined;
  /** The attempt ending with step `r` failed at `stage`. */
  stepFailed(stage: LoadStage, r: SymbolOpResult): LoadAttempt;
  /** The attempt ending at `stage` after a failure the loader reports itself. */
  fail(stage: LoadStage): LoadAttempt;
}

/** What a kernel architecture's loader contributes to kexec_file_load's purgatory handling. */
export interface PurgatoryLoader {
  /** The `--arch` name. */
  readonly id: string;
  readonly e_machine: number;
  readonly pageSize: bigint;
  /** ELF byte orders the architecture's kernels read purgatories in (true = little-endian). */
  readonly byteOrders: readonly boolean[];
  /** Whether elf_check_arch() before 4.17 also checked the byte order (x86_64's did). */
  readonly e0ChecksByteOrder?: boolean;
  /** Why a 4.17+ kernel would misread the object (it validates nothing); default unreadableAs(). */
  unreadable?(elf: ElfFile): string | undefined;
  relocator(kernel: KernelModel): ArchRelocator | undefined;
  /** The loader's lines when kexec_load_purgatory returns `ret`. */
  loadFailed(kernel: KernelModel, ret: number): string[];
  /** pr_debug line on success, if the loader prints one. */
  loaded?(kernel: KernelModel, mem: bigint): string;
  /** The loader's own symbol work; undefined when it lets the load go on to the digests. */
  setSymbols(work: SymbolWork, options: LoadOptions): LoadAttempt | undefined;
}

export const ENOEXEC = -8;
export const ENOMEM = -12;
export const EINVAL = -22;

/** Why a kernel of this architecture would misread the object (it validates nothing), or undefined. */
export function unreadableAs(arch: PurgatoryLoader, elf: ElfFile): string | undefined {
  if (arch.unreadable) return arch.unreadable(elf);
  const h = elf.header;
  if (h.bits !== 64 || !arch.byteOrders.includes(h.littleEndian)) {
    const want = arch.byteOrders.map((le) => (le ? "LSB" : "MSB")).join(" or ");
    return `the object is ELF${h.bits} ${h.littleEndian ? "LSB" : "MSB"}; an ${arch.id} kernel reads its purgatory as ELF64 ${want}`;
  }
  if (h.e_machine !== arch.e_machine) return `e_machine is ${h.e_machine}, not ${arch.e_machine}`;
  return undefined;
}

export function purgatoryPlan(arch: PurgatoryLoader, elf: ElfFile, kernel: KernelModel): KbufPlan {
  return setupKbuf(elf, kernel, arch.pageSize);
}

/** One symbol operation of a loader that sets a fixed list of purgatory symbols. */
export interface SymbolOp {
  readonly name: string;
  readonly op: "get" | "set";
  readonly size: number;
}

/**
 * The symbol work of the loaders that get or set a list of symbols (s390x, riscv64, ppc64): on a
 * failure, `then` says what the loader prints and whether the error reaches the caller (riscv only
 * prints and carries on, skipping the rest of the list).
 */
export function runSymbolOps(
  w: SymbolWork,
  ops: readonly SymbolOp[],
  then: { readonly lines: readonly string[]; readonly fatal: boolean },
): LoadAttempt | undefined {
  for (const s of ops) {
    const r = w.step(s.name, s.op, s.size);
    if (r.ok) continue;
    if (r.reason === "out-of-bounds") return w.stepFailed("purgatory-symbols", r);
    for (const line of then.lines) w.log.err(line);
    if (then.fatal) return w.stepFailed("purgatory-symbols", r);
    if (r.reason === "not-found") w.silent.push(`${s.name} is not set: ${r.detail}; the loader goes on`);
    break; // the rest of this group is skipped, the load goes on
  }
  return undefined;
}

export function loadPurgatory(
  arch: PurgatoryLoader,
  elf: ElfFile,
  kernel: KernelModel,
  mem: bigint,
  options: LoadOptions = {},
): LoadAttempt {
  const log = new KernelLog(options.debug === true);
  const plan = options.plan ?? purgatoryPlan(arch, elf, kernel);
  const steps: SymbolStep[] = [];
  const silent: string[] = [];
  const base = { mem, plan, log: log.lines, symbolSteps: steps, silent };
  const failed = (stage: LoadStage, rest: Partial<LoadAttempt> = {}): LoadAttempt =>
    failedAttempt(base, stage, rest);
  const loadingFailed = (ret: number): void => {
    for (const line of arch.loadFailed(kernel, ret)) log.err(line);
  };

  if (kernel.era === "E0") {
    const why = e0Rejects(elf, {
      e_machine: arch.e_machine,
      id: arch.id,
      ...(arch.e0ChecksByteOrder ? { littleEndian: arch.byteOrders[0] } : {}),
    });
    if (why) {
      silent.push(`kexec_load_purgatory() returns -ENOEXEC without a message: ${why}`);
      loadingFailed(ENOEXEC);
      return failed("validate");
    }
  } else {
    const why = unreadableAs(arch, elf);
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
    const loaded = arch.loaded;
    if (loaded) log.debug(() => loaded(kernel, mem));
    const { layout, progress: done } = out;
    const { step, stepFailed } = symbolSteps(elf, kernel, layout, log, steps, silent, failed, done);
    const work: SymbolWork = {
      kernel,
      log,
      silent,
      step,
      stepFailed,
      addr(name) {
        const addr = getSymbolAddr(elf, layout, name, log);
        steps.push({
          name,
          op: "addr",
          result:
            addr === undefined
              ? { ok: false, reason: "not-found", detail: `no GLOBAL defined symbol ${name}` }
              : { ok: true, addr },
        });
        return addr;
      },
      fail: (stage) => failed(stage, done),
    };
    const stopped = arch.setSymbols(work, options);
    if (stopped) return stopped;

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

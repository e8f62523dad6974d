// One simulated kexec_file_load of a bzImage on x86_64, as far as the purgatory is concerned:
// bzImage64_load -> kexec_load_purgatory (setup_kbuf, setup_sechdrs, apply_relocations), then the
// entry64_regs / stack_end symbol work, then kexec_calculate_store_digests setting the digest symbols.

import { EM_X86_64 } from "../elf/constants";
import { ElfFormatError } from "../elf/errors";
import type { ElfFile } from "../elf/types";
import { x86_64Relocator } from "../arch/x86_64";
import type { KernelModel } from "./kernel";
import { KernelLog, PREFIX, type LogLine } from "./log";
import { e0Rejects, layOutAndRelocate, symbolSteps } from "./load-purgatory";
import { setupKbuf, type EntryMatch, type KbufPlan, type LoadedSection } from "./purgatory";
import type { RelocationRecord } from "./relocate";
import { getSymbolAddr, type SymbolOpResult } from "./symbols";
import { hex } from "./u64";

/** Lowest address bzImage64_load lets the purgatory go (MIN_PURGATORY_ADDR). */
export const X86_BUF_MIN = 0x3000n;

/** The x86-64 `struct kexec_entry64_regs`: 17 u64 registers. */
export const ENTRY64_REGS_SIZE = 136;
export const SHA_REGIONS_SIZE = 256;
export const SHA256_DIGEST_SIZE = 32;

export type LoadStage =
  | "validate"
  | "relocations"
  | "entry64_regs"
  | "stack_end"
  | "digests"
  | "undefined-behaviour"
  /** Other architectures: the loader's own purgatory symbols (kernel_entry, purgatory_start, ...). */
  | "purgatory-symbols"
  /** kexec-tools: locate_hole found no room for the purgatory. */
  | "placement"
  /** The staging buffer could not be allocated (-ENOMEM). */
  | "allocation";

export interface SymbolStep {
  readonly name: string;
  readonly op: "get" | "set" | "addr";
  readonly size?: number;
  readonly result:
    SymbolOpResult | { ok: true; addr: bigint } | { ok: false; reason: "not-found"; detail: string };
}

export interface LoadAttempt {
  readonly mem: bigint;
  readonly ok: boolean;
  /** Where it failed, if it did. */
  readonly failedAt: LoadStage | undefined;
  readonly log: readonly LogLine[];
  readonly plan: KbufPlan;
  readonly sechdrs: readonly LoadedSection[];
  readonly imageStart: bigint | undefined;
  /** Where purgatory_start lands (the address image->start should hold), if it is defined. */
  readonly purgatoryStart: bigint | undefined;
  readonly entryMatches: readonly EntryMatch[];
  readonly relocations: readonly RelocationRecord[];
  /** SHA-256 of the bufsz-byte staging buffer after relocation (before any symbol is set). */
  readonly bufferSha256: string | undefined;
  /** The staging buffer after relocation, when the relocations succeeded and it was small enough to
   *  hold whole (see staging.ts). */
  readonly buffer: Uint8Array | undefined;
  readonly symbolSteps: readonly SymbolStep[];
  /** Why the kernel's behaviour would be undefined (the simulation stopped there). */
  readonly undefinedBehaviour: readonly string[];
  /** Silent failures the kernel reports with no message. */
  readonly silent: readonly string[];
}

/** What every attempt carries from its start, whatever happens to it. */
export type AttemptBase = Pick<LoadAttempt, "mem" | "plan" | "log" | "symbolSteps" | "silent">;

/** An attempt that stopped at `stage`: nothing laid out or relocated unless `rest` says otherwise. */
export function failedAttempt(
  base: AttemptBase,
  stage: LoadStage,
  rest: Partial<LoadAttempt> = {},
): LoadAttempt {
  return {
    ...base,
    ok: false,
    failedAt: stage,
    sechdrs: [],
    imageStart: undefined,
    purgatoryStart: undefined,
    entryMatches: [],
    relocations: [],
    bufferSha256: undefined,
    buffer: undefined,
    undefinedBehaviour: [],
    ...rest,
  };
}

export interface LoadOptions {
  readonly debug?: boolean;
  /** The machine's RAM: vzalloc refuses a staging buffer larger than it. */
  readonly ramSize?: bigint;
}

/** Problems that make E1+ kernels misread the object entirely (they validate nothing). */
export function unreadableByKernel(elf: ElfFile): string | undefined {
  const h = elf.header;
  if (h.bits !== 64 || !h.littleEndian) {
    return `the object is ELF${h.bits} ${h.littleEndian ? "LSB" : "MSB"}; an x86_64 kernel reads it as ELF64 little-endian`;
  }
  if (h.e_machine !== EM_X86_64) return `e_machine is ${h.e_machine}, not EM_X86_64 (62)`;
  return undefined;
}

/** E0 (before 4.17) validated the object and returned -ENOEXEC silently on any of these. */

export function loadX86Purgatory(
  elf: ElfFile,
  kernel: KernelModel,
  mem: bigint,
  options: LoadOptions = {},
): LoadAttempt {
  const log = new KernelLog(options.debug === true);
  const plan = setupKbuf(elf, kernel);
  const steps: SymbolStep[] = [];
  const silent: string[] = [];
  const base = { mem, plan, log: log.lines, symbolSteps: steps, silent };
  const failed = (stage: LoadStage, rest: Partial<LoadAttempt> = {}): LoadAttempt =>
    failedAttempt(base, stage, rest);
  const loadingFailed = (): void => log.err(`${PREFIX.bzImage64}Loading purgatory failed`);

  if (kernel.era === "E0") {
    const why = e0Rejects(elf, { e_machine: EM_X86_64, id: "x86_64", littleEndian: true });
    if (why) {
      silent.push(`kexec_load_purgatory() returns -ENOEXEC without a message: ${why}`);
      loadingFailed();
      return failed("validate");
    }
  } else {
    const why = unreadableByKernel(elf);
    if (why) return failed("undefined-behaviour", { undefinedBehaviour: [`${why}; no check stops it`] });
  }

  try {
    const out = layOutAndRelocate(elf, kernel, plan, mem, log, x86_64Relocator, silent, options.ramSize);
    if (out.kind === "no-memory") {
      loadingFailed();
      return failed("allocation");
    }
    if (out.kind === "undefined-behaviour") return failed("undefined-behaviour", out.progress);
    if (out.kind === "relocations-failed") {
      loadingFailed();
      return failed("relocations", out.progress);
    }
    log.debug(() => `${PREFIX.bzImage64}Loaded purgatory at ${hex(mem)}`);
    const { layout, progress: done } = out;

    const { step, stepFailed } = symbolSteps(elf, kernel, layout, log, steps, silent, failed, done);

    // bzImage64_load: read entry64_regs, find stack_end, write entry64_regs back.
    let r = step("entry64_regs", "get", ENTRY64_REGS_SIZE);
    if (!r.ok) return stepFailed("entry64_regs", r);
    const stackEnd = getSymbolAddr(elf, layout, "stack_end", log);
    steps.push({
      name: "stack_end",
      op: "addr",
      result:
        stackEnd === undefined
          ? { ok: false, reason: "not-found", detail: "no GLOBAL defined symbol stack_end" }
          : { ok: true, addr: stackEnd },
    });
    if (stackEnd === undefined) {
      log.err(`${PREFIX.bzImage64}Could not find address of symbol stack_end`);
      return failed("stack_end", done);
    }
    r = step("entry64_regs", "set", ENTRY64_REGS_SIZE);
    if (!r.ok) return stepFailed("entry64_regs", r);

    // kexec_calculate_store_digests, after machine_kexec_prepare.
    r = step(kernel.shaRegionsSymbol, "set", SHA_REGIONS_SIZE);
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

// What one simulated load of the purgatory leaves behind, whichever loader ran it (a kernel's
// kexec_file_load or kexec-tools' kexec_load path): how far it got, the log, the layout, every
// relocation and every symbol operation.

import type { LogLine } from "./log";
import type { EntryMatch, KbufPlan, LoadedSection } from "./purgatory";
import type { RelocationList } from "./relocate";
import type { SymbolOpResult } from "./symbols";

/** Sizes of what kexec_calculate_store_digests() writes: 16 segment regions and a SHA-256 digest. */
export const SHA_REGIONS_SIZE = 256;
export const SHA256_DIGEST_SIZE = 32;

export type LoadStage =
  | "validate"
  | "relocations"
  /** x86_64's bzImage64_load: the entry registers, then the stack. */
  | "entry64_regs"
  | "stack_end"
  | "digests"
  | "undefined-behaviour"
  /** The other architectures: the loader's own purgatory symbols (kernel_entry, purgatory_start, ...). */
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
  readonly relocations: RelocationList;
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

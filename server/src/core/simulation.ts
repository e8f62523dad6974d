// The simulation's data: the options it takes, the report it gives, and what a loader (the kernel's
// kexec_file_load on one architecture, or kexec-tools' kexec_load path) hands the pipeline in
// simulate.ts once it has looked at the object.

import type { ArchId } from "./arch/names";
import type { ElfFile } from "./elf/types";
import type { LoadAttempt } from "./kexec/attempt";
import type { KernelModel } from "./kexec/kernel";
import type { KbufPlan } from "./kexec/purgatory";
import type { Interval } from "./kexec/windows";
import type { Finding } from "./rules/types";

export interface SimulateOptions {
  /** Kernel release to model ("6.8", "5.10.223"); default the newest modelled. */
  readonly kernel?: string;
  /** kbuf.mem values to simulate; default: the loader's own placements on a machine with `ramSize`. */
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
  /** "low", "high", "normal", "crash" or "given". */
  readonly label: string;
  readonly why: string;
  readonly attempt: LoadAttempt;
}

/** Which loader the report is about. */
export type LoaderModel =
  { readonly kind: "kernel" } | { readonly kind: "kexec-tools"; readonly version: string };

export interface SimulationReport {
  readonly machine: ArchId;
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

export type Refusal = {
  readonly ok: false;
  readonly error: string;
  readonly kind: "bad-input" | "bad-option";
};

export type SimulationResult = { readonly ok: true; readonly report: SimulationReport } | Refusal;

export const DEFAULT_RAM = 64n << 30n;

/** A default load: an address to load at, or (kexec-tools) the attempt that failed to find one. */
export type PlannedAttempt =
  | { readonly label: string; readonly why: string; readonly mem: bigint; readonly crash: boolean }
  | { readonly label: string; readonly why: string; readonly attempt: LoadAttempt };

/** One loader, ready to run on one object: what the pipeline needs from it. */
export interface PreparedLoader {
  readonly machine: ArchId;
  readonly loader: LoaderModel;
  readonly plan: KbufPlan;
  /** The plan that placement and --load checks go by (s390 aligns its fixed address to the page only). */
  readonly placementPlan: KbufPlan;
  readonly bufMin: bigint;
  /** Who chooses addresses, for --load's error ("the kernel's placement", "locate_hole"). */
  readonly placer: string;
  defaultLoads(): readonly PlannedAttempt[];
  loadAt(mem: bigint, crash: boolean): LoadAttempt;
  rules(loads: readonly SimulatedLoad[], loadWindows: readonly Interval[]): Finding[];
}

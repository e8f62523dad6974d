// One job of the simulation worker and what it answers, shared by the worker thread
// (simulation-worker.ts) and the pool (simulation-pool.ts), which runs a job on its own thread when
// there is no worker script.
import { elfCompleteness } from "../core/elf/complete";
import type { ReportContext } from "../core/report/json";
import { simulate, type SimulateOptions, type SimulationResult } from "../core/simulate";
import { encodeReportAnswer } from "./report-text";

export interface SimulationJob {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly options: SimulateOptions;
  /** Simulate only a whole object (complete.ts); otherwise answer why it is not. */
  readonly whole?: boolean;
  /**
   * Answer with the report request's answer instead of the simulation: its JSON, written where the
   * simulation ran, so that the request loop never builds or serialises the document.
   */
  readonly report?: { readonly object: string; readonly context: ReportContext };
}

/** What a job is answered with (a defect in the core is `{ error }`, sent by the worker). */
export type Outcome =
  | { result: SimulationResult }
  | { incomplete: string }
  /** The report request's answer as UTF-8 JSON bytes, in a buffer of their own. */
  | { answer: Uint8Array }
  /** The simulation refused the object (not ELF, a bad option): the report request's error. */
  | { refused: string }
  | { error: string };

export function runJob(job: Omit<SimulationJob, "id">): Outcome {
  // The structure is checked here, off the request loop: a 1 MB object with 15,000 sections takes
  // tens of milliseconds to read.
  const c = job.whole ? elfCompleteness(job.bytes) : undefined;
  if (c && !c.complete) return { incomplete: c.reason };
  const result = simulate(job.bytes, job.options);
  if (!job.report) return { result };
  if (!result.ok) return { refused: result.error };
  return { answer: encodeReportAnswer(job.report.object, result.report, job.report.context) };
}

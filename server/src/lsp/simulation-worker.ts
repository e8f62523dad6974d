// The worker thread that runs simulations for the language server, so the request loop keeps
// answering hovers and completions while a large object is simulated. Bundled as its own entry
// (dist/simulation-worker.js) next to the server.
import { parentPort } from "node:worker_threads";
import { elfCompleteness } from "../core/elf/complete";
import { simulate, type SimulateOptions } from "../core/simulate";

export interface SimulationJob {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly options: SimulateOptions;
  /** Simulate only a whole object (complete.ts); otherwise answer why it is not. */
  readonly whole?: boolean;
}

parentPort?.on("message", (job: SimulationJob) => {
  try {
    // The structure is checked here, off the request loop: a 1 MB object with 15,000 sections takes
    // tens of milliseconds to read.
    const c = job.whole ? elfCompleteness(job.bytes) : undefined;
    if (c && !c.complete) parentPort!.postMessage({ id: job.id, incomplete: c.reason });
    else parentPort!.postMessage({ id: job.id, result: simulate(job.bytes, job.options) });
  } catch (e) {
    // A defect in the core: sent back whole so the server logs it and shows it, never swallowed.
    parentPort!.postMessage({ id: job.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});

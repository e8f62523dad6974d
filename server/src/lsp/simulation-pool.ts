// Runs simulate() in a worker thread (simulation-worker.ts) and hands back the report, or the report
// request's answer written there. One worker, created on first use and replaced if it dies or runs
// past the time limit; jobs queue in order.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ReportContext } from "../core/report/json";
import { reviveResult, type SimulateOptions, type SimulationResult } from "../core/simulate";
import { runJob, type Outcome, type SimulationJob } from "./simulation-job";

/** A simulation still running after this long is stopped and reported as a failure. */
export const SIMULATION_TIMEOUT_MS = 30_000;

type Reply = { id: number } & Outcome;

/** Why an object is not simulated yet: it is not a whole object (still being written, or cut short). */
export interface Incomplete {
  readonly incomplete: string;
}

/** The report request's answer as UTF-8 JSON bytes (report-text.ts), or why the object was refused. */
export type EncodedReport = { readonly encoded: Uint8Array } | { readonly error: string };

export class SimulationPool {
  private worker: Worker | undefined;
  private nextId = 1;
  private pending = new Map<
    number,
    { resolve: (r: Outcome) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();

  constructor(private readonly script = join(__dirname, "simulation-worker.js")) {}

  async run(bytes: Uint8Array, options: SimulateOptions): Promise<SimulationResult> {
    const r = await this.post({ bytes, options });
    return (r as { result: SimulationResult }).result;
  }

  /** Simulates `bytes` if they are a whole ELF object (core/elf/complete.ts); else says why not. */
  async runWhole(bytes: Uint8Array, options: SimulateOptions): Promise<SimulationResult | Incomplete> {
    const r = await this.post({ bytes, options, whole: true });
    return "incomplete" in r ? r : (r as { result: SimulationResult }).result;
  }

  /**
   * Simulates `bytes` and writes the report request's answer in the worker: the request loop gets
   * bytes to send, never the report itself.
   */
  async report(
    bytes: Uint8Array,
    options: SimulateOptions,
    object: string,
    context: ReportContext,
  ): Promise<EncodedReport> {
    const r = await this.post({ bytes, options, report: { object, context } });
    if ("answer" in r) return { encoded: r.answer };
    return { error: (r as { refused: string }).refused };
  }

  private post(job: Omit<SimulationJob, "id">): Promise<Outcome> {
    // Without the worker script (a test importing the sources directly) the job runs here.
    if (!existsSync(this.script)) {
      const outcome = runJob(job);
      return "error" in outcome ? Promise.reject(new Error(outcome.error)) : Promise.resolve(outcome);
    }
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          new Error(`the simulation took longer than ${SIMULATION_TIMEOUT_MS / 1000} s and was stopped`),
        );
      }, SIMULATION_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, ...job } satisfies SimulationJob);
    });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script);
    w.on("message", (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if ("error" in m) p.reject(new Error(`the simulation failed: ${m.error}`));
      // The clone kept the relocation tables' data but not their classes.
      else if ("result" in m) p.resolve({ result: reviveResult(m.result) });
      else p.resolve(m);
    });
    w.on("error", (e) => this.fail(e));
    w.on("exit", (code) => {
      if (this.worker === w) this.worker = undefined;
      if (this.pending.size > 0) this.fail(new Error(`the simulation worker exited with code ${code}`));
    });
    w.unref();
    this.worker = w;
    return w;
  }

  /** Rejects every queued job and replaces the worker. */
  private fail(e: Error): void {
    const jobs = [...this.pending.values()];
    this.pending.clear();
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
    for (const j of jobs) {
      clearTimeout(j.timer);
      j.reject(e);
    }
  }
}

// Runs simulate() in a worker thread (simulation-worker.ts) and hands back the report. One worker,
// created on first use and replaced if it dies or runs past the time limit; jobs queue in order.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { elfCompleteness } from "../core/elf/complete";
import { reviveResult, simulate, type SimulateOptions, type SimulationResult } from "../core/simulate";
import type { SimulationJob } from "./simulation-worker";

/** A simulation still running after this long is stopped and reported as a failure. */
export const SIMULATION_TIMEOUT_MS = 30_000;

type Reply =
  | { id: number; result: SimulationResult }
  | { id: number; incomplete: string }
  | { id: number; error: string };

/** Why an object is not simulated yet: it is not a whole object (still being written, or cut short). */
export interface Incomplete {
  readonly incomplete: string;
}

export class SimulationPool {
  private worker: Worker | undefined;
  private nextId = 1;
  private pending = new Map<
    number,
    { resolve: (r: SimulationResult | Incomplete) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();

  constructor(private readonly script = join(__dirname, "simulation-worker.js")) {}

  run(bytes: Uint8Array, options: SimulateOptions): Promise<SimulationResult> {
    return this.post(bytes, options, false) as Promise<SimulationResult>;
  }

  /** Simulates `bytes` if they are a whole ELF object (core/elf/complete.ts); else says why not. */
  runWhole(bytes: Uint8Array, options: SimulateOptions): Promise<SimulationResult | Incomplete> {
    return this.post(bytes, options, true);
  }

  private post(
    bytes: Uint8Array,
    options: SimulateOptions,
    whole: boolean,
  ): Promise<SimulationResult | Incomplete> {
    // Without the worker script (a test importing the sources directly) the simulation runs here.
    if (!existsSync(this.script)) {
      const c = whole ? elfCompleteness(bytes) : undefined;
      return Promise.resolve(c && !c.complete ? { incomplete: c.reason } : simulate(bytes, options));
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
      worker.postMessage({ id, bytes, options, whole } satisfies SimulationJob);
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
      else if ("incomplete" in m) p.resolve({ incomplete: m.incomplete });
      // The clone kept the relocation tables' data but not their classes.
      else p.resolve(reviveResult(m.result));
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

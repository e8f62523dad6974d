// One fuzz worker thread: generates its share of the inputs, runs each through its target's entry
// points, and reports counts, slow calls and exceptions. A call over the slow limit is timed again
// (bestTimes: up to three runs in all) and counts as slow only if its best time stays over; otherwise it
// counts as noise. The driver watches `state` (which input is running, and a heartbeat) and terminates
// the thread when one input runs past the hang limit.

import { parentPort, workerData } from "node:worker_threads";
import {
  bestTimes,
  EDITOR_LIMIT,
  failureKey,
  generate,
  loadSeeds,
  runInput,
  Timer,
  type Call,
  type FuzzInput,
  type TargetName,
} from "./targets";

export interface WorkerConfig {
  readonly targets: readonly TargetName[];
  readonly seed: number;
  /** This worker runs indexes offset, offset + stride, ... of each target. */
  readonly offset: number;
  readonly stride: number;
  /** Next index to run, per target (after a restart, past the input that hung). */
  readonly next: Readonly<Record<string, number>>;
  /** Stop a target at this index. */
  readonly quota: Readonly<Record<string, number>>;
  readonly deadline: number;
  readonly slowMs: number;
  /** Int32Array view: [target index, input index, heartbeat]. */
  readonly state: SharedArrayBuffer;
}

export interface FailureReport {
  readonly key: string;
  readonly target: TargetName;
  index: number;
  readonly kind: "exception" | "slow";
  readonly entry: string;
  readonly message: string;
  count: number;
  /** Slow calls: the best time over `runs` runs of the worst input seen, and its first timing. */
  ms?: number;
  firstMs?: number;
  runs?: number;
  /** Slow calls: the first few inputs it happened on (index, best time, size), to triage from. */
  examples?: { index: number; ms: number; size: number }[];
}

export interface TargetStats {
  inputs: number;
  calls: number;
  exceptions: number;
  /** Calls over the slow limit on their best time of up to three runs, on inputs up to EDITOR_LIMIT. */
  slowCalls: number;
  /** Calls over the slow limit on their first timing only: the machine's load, not the code. */
  noiseCalls: number;
  /** The slowest call on an input up to EDITOR_LIMIT, by its best time when it was re-measured. */
  slowest: { ms: number; entry: string; index: number; size: number };
  slowestByEntry: Record<string, number>;
}

export interface WorkerSnapshot {
  readonly type: "progress" | "done";
  readonly stats: Record<string, TargetStats>;
  readonly next: Record<string, number>;
  readonly failures: FailureReport[];
}

function emptyStats(): TargetStats {
  return {
    inputs: 0,
    calls: 0,
    exceptions: 0,
    slowCalls: 0,
    noiseCalls: 0,
    slowest: { ms: 0, entry: "", index: -1, size: 0 },
    slowestByEntry: {},
  };
}

function main(cfg: WorkerConfig): void {
  const seeds = loadSeeds();
  const state = new Int32Array(cfg.state);
  const stats: Record<string, TargetStats> = {};
  const next: Record<string, number> = { ...cfg.next };
  const failures = new Map<string, FailureReport>();
  for (const t of cfg.targets) stats[t] = emptyStats();
  let lastPost = Date.now();
  const post = (type: WorkerSnapshot["type"]) =>
    parentPort!.postMessage({ type, stats, next, failures: [...failures.values()] } satisfies WorkerSnapshot);

  const active = () => cfg.targets.filter((t) => next[t]! < cfg.quota[t]!);
  let live = active();
  while (live.length > 0 && Date.now() < cfg.deadline) {
    // Each target gets an equal share of time, not of inputs: a cheap target (most mutated objects
    // are rejected by the reader in microseconds) is not held back by an expensive one.
    for (const target of live) {
      const sliceEnd = Date.now() + SLICE_MS;
      while (Date.now() < sliceEnd && next[target]! < cfg.quota[target]!) runOne(target);
    }
    live = active();
  }
  post("done");

  function runOne(target: TargetName): void {
    const index = next[target]!;
    next[target] = index + cfg.stride;
    Atomics.store(state, 0, cfg.targets.indexOf(target));
    Atomics.store(state, 1, index);
    Atomics.add(state, 2, 1);
    const input = generate(seeds, target, cfg.seed, index);
    const timer = new Timer();
    const s = stats[target]!;
    s.inputs++;
    try {
      runInput(seeds, input, timer);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const stack = err.stack ?? String(err);
      s.exceptions++;
      const key = failureKey(target, "exception", timer.current, stack);
      const f = failures.get(key);
      if (f) f.count++;
      else
        failures.set(key, {
          key,
          target,
          index,
          kind: "exception",
          entry: timer.current,
          message: stack
            .split("\n")
            .slice(0, 6)
            .map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l))
            .join("\n"),
          count: 1,
        });
    }
    s.calls += timer.calls.length;
    // The 100 ms bound applies to inputs up to EDITOR_LIMIT; larger ones are neither judged nor timed again.
    if (input.bytes.length <= EDITOR_LIMIT) judge(target, index, input, timer.calls);
    if (Date.now() - lastPost > 500) {
      post("progress");
      lastPost = Date.now();
    }
  }

  /** Counts the slow calls (best of up to three runs) and the noise, and keeps the slowest figures. */
  function judge(target: TargetName, index: number, input: FuzzInput, calls: readonly Call[]): void {
    const s = stats[target]!;
    const { best, runs } = bestTimes(seeds, input, calls, cfg.slowMs, () => Atomics.add(state, 2, 1));
    calls.forEach((c, i) => {
      const ms = best[i]!;
      if (ms > (s.slowestByEntry[c.entry] ?? 0)) s.slowestByEntry[c.entry] = ms;
      if (ms > s.slowest.ms) s.slowest = { ms, entry: c.entry, index, size: input.bytes.length };
      if (c.ms <= cfg.slowMs) return;
      if (ms <= cfg.slowMs) {
        s.noiseCalls++;
        return;
      }
      s.slowCalls++;
      const key = `${target}:slow:${c.entry}`;
      const message =
        `${c.entry} took ${ms.toFixed(0)} ms (best of ${runs}; first ${c.ms.toFixed(0)} ms) ` +
        `on a ${input.bytes.length}-byte input`;
      const example = { index, ms: Math.round(ms), size: input.bytes.length };
      const f = failures.get(key);
      if (f) {
        f.count++;
        if (f.examples!.length < MAX_EXAMPLES) f.examples!.push(example);
        if (ms > (f.ms ?? 0)) Object.assign(f, { index, ms, firstMs: c.ms, runs, message });
      } else
        failures.set(key, {
          key,
          target,
          index,
          kind: "slow",
          entry: c.entry,
          message,
          count: 1,
          ms,
          firstMs: c.ms,
          runs,
          examples: [example],
        });
    });
  }
}

/** How many inputs a slow failure lists as examples. */
const MAX_EXAMPLES = 20;

/** How long each target runs before the next one's turn. */
const SLICE_MS = 100;

if (parentPort && workerData) main(workerData as WorkerConfig);

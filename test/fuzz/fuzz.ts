// `npm run fuzz`: structure-aware fuzzing of the core's entry points in worker threads, with a
// watchdog for hangs. Each distinct failure is minimised and saved to test/fuzz/corpus/<target>/, which
// the unit tier replays.
//
// A slow call is judged on more than one timing: on a loaded machine (two cores shared with other work)
// one timing of a 2 ms call can read 150 ms. A call over --slow-ms (100) on an input up to 1 MB runs the
// input again, up to three runs in all, and counts as slow only if its best (minimum) time stays over;
// the failure report keeps both its first and its best time. Calls over the limit on their first timing
// only are counted as "noise". The summary's "slowest" is the best-of-runs figure for re-measured calls
// (inputs over 1 MB are neither judged nor part of it). The minimiser keeps a slow input only while the
// same entry point stays slow on its best of three.
//
//   node out/test/fuzz/fuzz.js [--seconds N] [--inputs N | --elf N --lds N --make N --cmd N]
//                              [--workers K] [--seed S] [--hang-ms MS] [--save] [--json FILE] [--quiet]
//                              [--slow-ms MS] [--fail-on exceptions|exceptions,hangs]
//   node out/test/fuzz/fuzz.js --store-listed   (store the inputs index.json lists but does not hold)

import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { CORPUS, EXT, readIndex, storeInput } from "./corpus";
import { minimise } from "./minimise";
import { Rng } from "./rng";
import { generate, loadSeeds, TARGETS, type FuzzInput, type TargetName } from "./targets";
import type { FailureReport, TargetStats, WorkerConfig, WorkerSnapshot } from "./worker";

interface Args {
  seconds: number;
  quota: Record<TargetName, number>;
  workers: number;
  seed: number;
  hangMs: number;
  slowMs: number;
  save: boolean;
  json: string | undefined;
  quiet: boolean;
  /** What makes the run fail: exceptions always; hangs too unless only "exceptions" is asked for. */
  failOnHangs: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    seconds: 60,
    quota: { elf: Infinity, lds: Infinity, make: Infinity, cmd: Infinity },
    workers: 1,
    seed: 1,
    hangMs: 1000,
    slowMs: 100,
    save: false,
    json: undefined,
    quiet: false,
    failOnHangs: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    const v = () => argv[++i] ?? "";
    if (f === "--seconds") a.seconds = Number(v());
    else if (f === "--inputs") {
      const n = Number(v());
      for (const t of TARGETS) a.quota[t] = n;
    } else if (f.startsWith("--") && (TARGETS as readonly string[]).includes(f.slice(2)))
      a.quota[f.slice(2) as TargetName] = Number(v());
    else if (f === "--workers") a.workers = Math.max(1, Number(v()));
    else if (f === "--seed") a.seed = Number(v());
    else if (f === "--hang-ms") a.hangMs = Number(v());
    else if (f === "--slow-ms") a.slowMs = Number(v());
    else if (f === "--save") a.save = true;
    else if (f === "--json") a.json = v();
    else if (f === "--quiet") a.quiet = true;
    else if (f === "--fail-on") a.failOnHangs = v().split(",").includes("hangs");
    else throw new Error(`unknown option ${f}`);
  }
  return a;
}

/** The input index of a hang key (`<target>:hang:<index>`). */
function indexOfHang(key: string): number | undefined {
  const m = /:hang:(\d+)$/.exec(key);
  return m ? Number(m[1]) : undefined;
}

interface Hang {
  target: TargetName;
  index: number;
  entry: string;
}

interface Slot {
  worker: Worker;
  state: Int32Array;
  beat: number;
  since: number;
  snapshot: WorkerSnapshot | undefined;
  /** Snapshots of earlier (hung, terminated) workers in this slot. */
  past: WorkerSnapshot[];
  next: Record<string, number>;
  done: boolean;
}

function addStats(into: Record<string, TargetStats>, from: Record<string, TargetStats>): void {
  for (const [t, s] of Object.entries(from)) {
    const d = (into[t] ??= {
      inputs: 0,
      calls: 0,
      exceptions: 0,
      slowCalls: 0,
      noiseCalls: 0,
      slowest: { ms: 0, entry: "", index: -1, size: 0 },
      slowestByEntry: {},
    });
    d.inputs += s.inputs;
    d.calls += s.calls;
    d.exceptions += s.exceptions;
    d.slowCalls += s.slowCalls;
    d.noiseCalls += s.noiseCalls;
    if (s.slowest.ms > d.slowest.ms) d.slowest = s.slowest;
    for (const [e, ms] of Object.entries(s.slowestByEntry))
      if (ms > (d.slowestByEntry[e] ?? 0)) d.slowestByEntry[e] = ms;
  }
}

export async function fuzz(args: Args): Promise<{ ok: boolean; summary: unknown }> {
  const t0 = Date.now();
  const deadline = t0 + args.seconds * 1000;
  const hangs: Hang[] = [];
  const slots: Slot[] = [];
  const targets = TARGETS.filter((t) => args.quota[t] > 0);
  const quota = Object.fromEntries(targets.map((t) => [t, Math.min(args.quota[t], 2 ** 31 - 1)]));

  const start = (w: number, next: Record<string, number>): Slot => {
    const state = new SharedArrayBuffer(12);
    const cfg: WorkerConfig = {
      targets,
      seed: args.seed,
      offset: w,
      stride: args.workers,
      next,
      quota,
      deadline,
      slowMs: args.slowMs,
      state,
    };
    const worker = new Worker(join(__dirname, "worker.js"), { workerData: cfg });
    const slot: Slot = {
      worker,
      state: new Int32Array(state),
      beat: -1,
      since: Date.now(),
      snapshot: undefined,
      past: slots[w]?.past ?? [],
      next,
      done: false,
    };
    worker.on("message", (m: WorkerSnapshot) => {
      slot.snapshot = m;
      if (m.type === "done") slot.done = true;
    });
    worker.on("error", (e) => {
      console.error(`worker ${w} died: ${e.stack ?? e}`);
      slot.done = true;
    });
    worker.on("exit", () => (slot.done = true));
    return slot;
  };
  for (let w = 0; w < args.workers; w++) slots[w] = start(w, Object.fromEntries(targets.map((t) => [t, w])));

  let lastReport = Date.now();
  while (slots.some((s) => !s.done)) {
    await new Promise((r) => setTimeout(r, 100));
    for (let w = 0; w < slots.length; w++) {
      const s = slots[w]!;
      if (s.done) continue;
      const beat = Atomics.load(s.state, 2);
      if (beat !== s.beat) {
        s.beat = beat;
        s.since = Date.now();
        continue;
      }
      if (Date.now() - s.since < args.hangMs || s.beat < 0) continue;
      // Watchdog: the current input has run past the hang limit.
      const target = targets[Atomics.load(s.state, 0)]!;
      const index = Atomics.load(s.state, 1);
      await s.worker.terminate();
      hangs.push({ target, index, entry: "?" });
      const next = { ...(s.snapshot?.next ?? s.next) };
      next[target] = index + args.workers;
      if (s.snapshot) s.past.push(s.snapshot);
      slots[w] = Date.now() < deadline ? start(w, next) : { ...s, done: true };
    }
    if (!args.quiet && Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      const stats: Record<string, TargetStats> = {};
      for (const s of slots)
        for (const snap of [...s.past, ...(s.snapshot ? [s.snapshot] : [])]) addStats(stats, snap.stats);
      const line = Object.entries(stats)
        .map(([t, x]) => `${t} ${x.inputs} (${x.exceptions} exc, ${x.slowCalls} slow, ${x.noiseCalls} noise)`)
        .join(", ");
      console.log(`[${Math.round((Date.now() - t0) / 1000)} s] ${line}; ${hangs.length} hangs`);
    }
  }

  const stats: Record<string, TargetStats> = {};
  const failures = new Map<string, FailureReport>();
  for (const s of slots)
    for (const snap of [...s.past, ...(s.snapshot ? [s.snapshot] : [])]) {
      addStats(stats, snap.stats);
      for (const f of snap.failures) {
        const g = failures.get(f.key);
        if (!g) failures.set(f.key, { ...f, examples: f.examples?.slice() });
        else {
          g.count += f.count;
          if (g.examples && f.examples) g.examples.push(...f.examples);
          // The worst input seen by any worker is the one to minimise and save.
          if ((f.ms ?? 0) > (g.ms ?? 0))
            Object.assign(g, {
              index: f.index,
              ms: f.ms,
              firstMs: f.firstMs,
              runs: f.runs,
              message: f.message,
            });
        }
      }
    }

  const seeds = loadSeeds();
  const saved: string[] = [];
  if (args.save) {
    for (const f of failures.values())
      saved.push(save(f.target, f.key, f.kind, generate(seeds, f.target, args.seed, f.index), f, args));
    // Hangs are saved as found (no minimising: each trial could run for seconds), the five smallest
    // per target: enough to replay each kind without filling the repository.
    for (const target of TARGETS) {
      const mine = hangs
        .filter((h) => h.target === target)
        .map((h) => ({ h, input: generate(seeds, h.target, args.seed, h.index) }))
        .sort((a, b) => a.input.bytes.length - b.input.bytes.length)
        .slice(0, 5);
      for (const { h, input } of mine)
        saved.push(save(target, `${target}:hang:${h.index}`, "hang", input, undefined, args));
    }
  }

  const exceptions = [...failures.values()].filter((f) => f.kind === "exception");
  const summary = {
    seed: args.seed,
    seconds: Math.round((Date.now() - t0) / 1000),
    workers: args.workers,
    targets: stats,
    hangs,
    failures: [...failures.values()],
    saved,
  };
  if (!args.quiet || exceptions.length + hangs.length > 0) printSummary(summary, hangs, args.slowMs);
  if (args.json) writeFileSync(args.json, JSON.stringify(summary, null, 2) + "\n");
  return {
    ok: exceptions.length === 0 && (!args.failOnHangs || hangs.length === 0),
    summary,
  };
}

function printSummary(
  summary: {
    seconds: number;
    targets: Record<string, TargetStats>;
    failures: FailureReport[];
    saved: string[];
  },
  hangs: Hang[],
  slowMs: number,
): void {
  console.log(`\nfuzz: ${summary.seconds} s`);
  const over = `calls>${slowMs}ms`;
  console.log(`target    inputs      calls  exceptions  ${over.padStart(11)}  noise  slowest (best of runs)`);
  for (const [t, s] of Object.entries(summary.targets)) {
    const h = hangs.filter((x) => x.target === t);
    console.log(
      `${t.padEnd(6)} ${String(s.inputs).padStart(9)} ${String(s.calls).padStart(10)}  ${String(s.exceptions).padStart(10)}  ` +
        `${String(s.slowCalls).padStart(11)}  ${String(s.noiseCalls).padStart(5)}  ` +
        `${s.slowest.ms.toFixed(1)} ms ${s.slowest.entry} (#${s.slowest.index}, ${s.slowest.size} bytes)` +
        (h.length > 0 ? `; hangs ${h.length}` : ""),
    );
  }
  for (const f of summary.failures)
    console.log(`  ${f.kind} ×${f.count} ${f.entry}: ${f.message.split("\n")[0]}`);
  for (const s of summary.saved) console.log(`  saved ${s}`);
}

/** The seed object an ELF input was mutated from (generate() picks it first). */
function elfBase(seed: number, index: number): Uint8Array {
  return Rng.for(seed, "elf", index).pick(loadSeeds().elf).bytes;
}

/** Minimises (exceptions and slow calls; hangs are saved as found) and writes one corpus file. */
function save(
  target: TargetName,
  key: string,
  kind: string,
  input: FuzzInput,
  f: FailureReport | undefined,
  args: Args,
): string {
  const base = target === "elf" && f ? elfBase(args.seed, f.index) : undefined;
  const bytes = f ? minimise(loadSeeds(), input, f, args.slowMs, 10_000, base) : input.bytes;
  const id = createHash("sha1").update(key).digest("hex").slice(0, 12);
  const stored = storeInput(`${target}/${kind}-${id}.${EXT[target]}`, bytes, {
    kind,
    entry: f?.entry ?? "?",
    message: (f?.message ?? "hang").split("\n")[0]!,
    variant: input.variant,
    found: { seed: args.seed, index: f?.index ?? indexOfHang(key) },
  });
  return join(CORPUS, stored);
}

/**
 * `--store-listed`: regenerates the inputs the index lists but does not hold (too large to store when
 * they were found) from their seed and index, and stores them (compressed) where they now fit.
 */
function storeListed(): void {
  const seeds = loadSeeds();
  for (const [name, e] of Object.entries(readIndex())) {
    if (e.saved !== false) continue;
    const target = name.split("/")[0] as TargetName;
    if (e.found.index === undefined) continue;
    const input = generate(seeds, target, e.found.seed, e.found.index);
    // A different length means the index recorded the input after minimising; the input as generated
    // holds the same failure, so it is stored whole.
    if (input.bytes.length !== e.bytes)
      console.log(`${name}: regenerated ${input.bytes.length} bytes (${e.bytes} after minimising)`);
    const stored = storeInput(name, input.bytes, {
      kind: e.kind,
      entry: e.entry,
      message: e.message,
      variant: e.variant,
      found: e.found,
    });
    console.log(`${name}: ${input.bytes.length} bytes -> ${stored}`);
  }
}

if (require.main === module && process.argv.includes("--store-listed")) {
  storeListed();
} else if (require.main === module) {
  fuzz(parseArgs(process.argv.slice(2))).then(
    (r) => (process.exitCode = r.ok ? 0 : 1),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 2;
    },
  );
}

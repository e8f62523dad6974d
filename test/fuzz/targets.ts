// The fuzz targets: how each kind of input is generated from its seeds, and which of the core's entry
// points it goes through. Every entry point call is timed on its own, so a slow call is pinned to the
// function that was slow, not to the input as a whole.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseCmdFile } from "../../server/src/core/kbuild/cmdfile";
import { parseCommand } from "../../server/src/core/kbuild/compile";
import {
  findAssignments,
  findFlag,
  kbuildTargets,
  parseMakefile,
  purgatoryObjects,
} from "../../server/src/core/kbuild/makefile";
import { lintDiagnostics, syntaxDiagnostics } from "../../server/src/core/lds/diagnostics";
import { completions, definitionAt, documentSymbols, hoverAt } from "../../server/src/core/lds/features";
import { parseScript } from "../../server/src/core/lds/parser";
import { placeSections, type InputObject } from "../../server/src/core/lds/orphans";
import { flagHover, symbolHover } from "../../server/src/core/report/hover";
import { writeReportJson } from "../../server/src/core/report/json-stream";
import { writeReportText } from "../../server/src/core/report/text";
import { simulate, type SimulateOptions } from "../../server/src/core/simulate";
import { elfSeed, mutateElf, type ElfSeed } from "./mutate-elf";
import { mutateCmd, mutateLds, mutateMakefile } from "./mutate-text";
import { Rng } from "./rng";

export type TargetName = "elf" | "lds" | "make" | "cmd";
export const TARGETS: readonly TargetName[] = ["elf", "lds", "make", "cmd"];

/** Inputs above this size are "too large to simulate in the editor"; the 100 ms bound applies below. */
export const EDITOR_LIMIT = 1 << 20;

export interface Call {
  readonly entry: string;
  readonly ms: number;
}

/** Records how long each entry point took; `call` rethrows whatever the entry point throws. */
export class Timer {
  readonly calls: Call[] = [];
  current = "";
  call<T>(entry: string, f: () => T): T {
    this.current = entry;
    const t0 = performance.now();
    const r = f();
    this.calls.push({ entry, ms: performance.now() - t0 });
    return r;
  }
}

// ------------------------------------------------------------------------------------------- seeds

const ROOT = join(__dirname, "..", "..", "..");

function filesUnder(dir: string, pick: (path: string) => boolean, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names.sort()) {
    const p = join(dir, n);
    const st = statSync(p);
    if (st.isDirectory()) filesUnder(p, pick, out);
    else if (pick(p) && st.size <= 256 * 1024) out.push(p);
  }
  return out;
}

export interface Seeds {
  readonly elf: readonly ElfSeed[];
  readonly lds: readonly string[];
  readonly make: readonly string[];
  readonly cmd: readonly string[];
  /** Input objects for placement (linker-script target). */
  readonly objects: readonly InputObject[];
}

let cached: Seeds | undefined;

/** The repository's own fixtures and examples: real objects, scripts, Makefiles and .cmd files. */
export function loadSeeds(): Seeds {
  if (cached) return cached;
  const dirs = [join(ROOT, "test", "fixtures"), join(ROOT, "examples")];
  const all = dirs.flatMap((d) => filesUnder(d, () => true));
  const rel = (p: string) => relative(ROOT, p);
  const elf = all
    .filter((p) => /\.(ro|o)$/.test(p))
    .map((p) => elfSeed(rel(p), readFileSync(p)))
    .filter((s): s is ElfSeed => s !== undefined);
  const text = (re: RegExp) => all.filter((p) => re.test(p)).map((p) => readFileSync(p, "utf8"));
  const objects = elf
    .filter((s) => s.elf.header.e_type === 1 && /\.o$/.test(s.name))
    .slice(0, 6)
    .map((s) => ({ path: s.name, elf: s.elf }));
  cached = {
    elf,
    lds: text(/\.(lds|ld|lds\.S)$/),
    make: text(/(^|\/)(Makefile|Kbuild)$/),
    cmd: text(/\.cmd$/),
    objects,
  };
  return cached;
}

// -------------------------------------------------------------------------------- input generation

/** The options one simulation of an ELF input runs with: every architecture, both loaders, crash. */
export const ELF_VARIANTS: readonly SimulateOptions[] = (() => {
  const out: SimulateOptions[] = [];
  for (const arch of [undefined, "x86_64", "s390x", "riscv64", "ppc64", "arm64", "loongarch64"])
    for (const loader of ["kernel", "kexec-tools"] as const)
      for (const crash of [false, true]) out.push({ arch, loader, crash });
  out.push({ kernel: "4.14" }, { kernel: "5.10" }, { kernel: "6.8" }, { ramSize: 1n << 20n });
  out.push({ loads: [0x100000n] }, { loader: "kexec-tools", kexecTools: "2.0.23" });
  return out;
})();

export interface FuzzInput {
  readonly target: TargetName;
  readonly bytes: Uint8Array;
  /** ELF: which ELF_VARIANTS entry to run (the corpus replays all of them). */
  readonly variant: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function generate(seeds: Seeds, target: TargetName, seed: number, index: number): FuzzInput {
  const rng = Rng.for(seed, target, index);
  switch (target) {
    case "elf":
      return { target, bytes: mutateElf(rng, rng.pick(seeds.elf)), variant: rng.int(ELF_VARIANTS.length) };
    case "lds":
      return { target, bytes: enc.encode(mutateLds(rng, rng.pick(seeds.lds))), variant: rng.int(1 << 16) };
    case "make":
      return { target, bytes: enc.encode(mutateMakefile(rng, rng.pick(seeds.make))), variant: 0 };
    case "cmd":
      return { target, bytes: enc.encode(mutateCmd(rng, rng.pick(seeds.cmd))), variant: 0 };
  }
}

// -------------------------------------------------------------------------------------- execution

/** Runs one input through its target's entry points. Throws what an entry point throws. */
export function runInput(seeds: Seeds, input: FuzzInput, timer: Timer): void {
  switch (input.target) {
    case "elf":
      return runElf(input.bytes, ELF_VARIANTS[input.variant % ELF_VARIANTS.length]!, timer);
    case "lds":
      return runLds(seeds, dec.decode(input.bytes), input.variant, timer);
    case "make":
      return runMake(dec.decode(input.bytes), timer);
    case "cmd":
      return runCmd(dec.decode(input.bytes), timer);
  }
}

export function runElf(bytes: Uint8Array, options: SimulateOptions, timer: Timer): void {
  const r = timer.call("simulate", () => simulate(bytes, options));
  if (!r.ok) {
    if (r.error.includes("\n") || r.error.length === 0)
      throw new Error(`unusable input without one clear line: ${r.error}`);
    return;
  }
  const report = r.report;
  // The reporters as `purgatory-lens simulate --relocs` and `--json` call them: text for the lines,
  // bytes straight through for the relocation rows (what goes to stdout).
  const text: Uint8Array[] = [];
  const textSink = (s: string) => text.push(Buffer.from(s));
  const textBytes = (b: Uint8Array) => text.push(b);
  timer.call("writeReportText", () =>
    writeReportText("fuzz.ro", report, { relocations: true }, textSink, textBytes),
  );
  // The one JSON writer: simulate --json, check --format json and the section map's report all print
  // what it writes (relocations as rows); reportJson() builds the document inside it.
  const json: Uint8Array[] = [];
  const jsonSink = (s: string) => json.push(Buffer.from(s));
  const jsonBytes = (b: Uint8Array) => json.push(b);
  timer.call("writeReportJson", () => writeReportJson("fuzz.ro", report, jsonSink, undefined, jsonBytes));
  JSON.parse(Buffer.concat(json).toString("utf8"));
  const names = [
    "purgatory_start",
    "entry64_regs",
    "sha256_digest",
    report.loads[0]?.attempt.relocations.at(0)?.symbol ?? "x",
  ];
  for (const n of names) timer.call("symbolHover", () => symbolHover(report, n, "fuzz.ro"));
  timer.call("flagHover", () => flagHover(report, "-mcmodel=large"));
  const failing = report.loads.length === 0 || report.loads.some((l) => !l.attempt.ok);
  if (failing && !report.findings.some((f) => f.severity === "error"))
    throw new Error("a failing verdict without an error finding to explain it");
}

export function runLds(seeds: Seeds, text: string, variant: number, timer: Timer): void {
  const script = timer.call("lds.parse", () => parseScript(text, { tolerant: (variant & 1) === 1 }));
  timer.call("lds.syntax", () => syntaxDiagnostics(script));
  const objects = seeds.objects.slice(0, 1 + (variant % Math.max(1, seeds.objects.length)));
  const placement = timer.call("lds.placement", () => placeSections(script, objects, { relocatable: true }));
  timer.call("lds.lint", () => lintDiagnostics(script, { placement, fileExists: () => false }));
  timer.call("lds.outline", () => documentSymbols(script));
  const offsets = [0, text.length >> 1, (variant * 7919) % (text.length + 1), text.length];
  for (const o of offsets) {
    timer.call("lds.hover", () => hoverAt(script, o, placement));
    timer.call("lds.definition", () => definitionAt(script, o));
  }
  timer.call("lds.completions", () => completions(script, placement));
}

export function runMake(text: string, timer: Timer): void {
  const mf = timer.call("make.parse", () => parseMakefile(text));
  timer.call("make.objects", () => purgatoryObjects(mf));
  timer.call("make.targets", () => kbuildTargets(mf));
  timer.call("make.flags", () => findFlag(mf, "-mcmodel=large"));
  timer.call("make.assignments", () => findAssignments(mf, "PURGATORY_CFLAGS"));
}

export function runCmd(text: string, timer: Timer): void {
  const cmd = timer.call("cmd.parse", () => parseCmdFile(text));
  if (cmd) timer.call("cmd.command", () => parseCommand(cmd.argv));
}

// ------------------------------------------------------------------------------ re-measuring

/** How many times in all an input runs before one of its calls counts as slow. */
export const TIMING_RUNS = 3;

/**
 * The best (minimum) time of each call in `first` over up to TIMING_RUNS runs of the input: one timing
 * on a loaded machine says little (a 2-core box shared with other work stalls a thread for 100 ms and
 * more), but a call that stays over `slowMs` on every run is slow. Runs stop early once no call is over
 * `slowMs`. Calls are matched by position, since an input makes the same calls in the same order each
 * time (an entry point such as a hover is called several times per input). `beforeRun` lets the worker
 * beat its heartbeat, so each run gets the whole hang limit.
 */
export function bestTimes(
  seeds: Seeds,
  input: FuzzInput,
  first: readonly Call[],
  slowMs: number,
  beforeRun: () => void = () => undefined,
): { best: number[]; runs: number } {
  const best = first.map((c) => c.ms);
  let runs = 1;
  while (runs < TIMING_RUNS && best.some((ms) => ms > slowMs)) {
    beforeRun();
    runs++;
    const timer = new Timer();
    try {
      runInput(seeds, input, timer);
    } catch {
      // The first run reported the exception; the calls before it still count.
    }
    timer.calls.forEach((c, i) => {
      if (i < best.length && first[i]!.entry === c.entry) best[i] = Math.min(best[i]!, c.ms);
    });
  }
  return { best, runs };
}

// ------------------------------------------------------------------------------ classification

/** A stable key for a failure: its kind, entry point and first frame inside our sources. */
export function failureKey(target: TargetName, kind: string, entry: string, stack: string): string {
  const frame =
    stack
      .split("\n")
      .map(
        (l) =>
          /\((?:.*\/)?(server\/src\/[^:)]+|out\/server\/src\/[^:)]+):\d+/.exec(l)?.[1] ??
          /at ([^ ]+) \(/.exec(l)?.[1],
      )
      .find((f) => f !== undefined) ?? "";
  const first = stack
    .split("\n")[0]!
    .replace(/0x[0-9a-f]+|\d+/g, "N")
    .slice(0, 80);
  return `${target}:${kind}:${entry}:${frame}:${first}`;
}

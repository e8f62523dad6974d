// `npm run bench`: prints measured figures (never asserts them): the simulation time of each
// example/fixture object; for a generated object with 1,000,000 relocations assembled by GNU as, the
// in-process relocations per second and, as whole processes, the CLI's JSON and text against
// llvm-readelf -r on the same object (wall, CPU, peak RSS, output size). Later tiers add their own
// sections below.
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ensureTools } from "./system-deps.mjs";

ensureTools({ gcc: "gcc", ld: "binutils", "llvm-readelf-19": "llvm-19", time: "time" });
if (spawnSync("node", ["scripts/build.mjs"], { stdio: "inherit" }).status !== 0) process.exit(1);
if (spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { stdio: "inherit" }).status !== 0) process.exit(1);
const { simulate } = await import("../out/server/src/core/simulate.js");

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall and CPU time of `runs` simulations (default placements) after one warm-up. */
function timeSimulation(bytes, runs, options = {}) {
  simulate(bytes, options);
  const times = [];
  const cpu = [];
  let report;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = simulate(bytes, options);
    const c = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
    report = r.ok ? r.report : undefined;
  }
  return { ms: median(times), cpuMs: median(cpu), report };
}

/**
 * One whole process under /usr/bin/time: wall seconds, CPU seconds (user + sys) and peak RSS (MB),
 * with stdout to `outFile` (its size in MB too).
 */
function timeProcess(argv, outFile) {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", ...argv], {
    stdio: ["ignore", openSync(outFile, "w"), "pipe"],
    encoding: "utf8",
  });
  const last = r.stderr.trim().split("\n").pop().trim().split(/\s+/).map(Number);
  if (last.length !== 4 || last.some((x) => !Number.isFinite(x))) throw new Error(`time: ${r.stderr}`);
  const [wall, user, sys, rssKb] = last;
  return { wall, cpu: user + sys, rssMb: rssKb / 1024, outMb: statSync(outFile).size / 1048576 };
}

/** Median of each figure over `runs` rounds; each round runs every command once, in turn. */
function timeProcesses(commands, runs) {
  const samples = commands.map(() => []);
  for (let i = 0; i < runs; i++) commands.forEach((c, k) => samples[k].push(timeProcess(c.argv, c.out)));
  return samples.map((xs) => ({
    wall: median(xs.map((x) => x.wall)),
    cpu: median(xs.map((x) => x.cpu)),
    rssMb: median(xs.map((x) => x.rssMb)),
    outMb: median(xs.map((x) => x.outMb)),
  }));
}

function objects(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".ro"))
    .map((f) => join(dir, f))
    .sort();
}

console.log("\n== simulation time per object (median of 20, the loader's default placements)");
console.log("object".padEnd(64), "size".padStart(8), "relocs".padStart(7), "ms".padStart(8));
const ktObjects = new Set(objects("test/fixtures/kexec-tools"));
for (const f of [...objects("examples"), ...objects("test/fixtures")]) {
  const bytes = readFileSync(f);
  // kexec-tools-style objects under kexec-tools' loader (as kexec -p, so that s390 loads one too).
  const { ms, report } = timeSimulation(
    bytes,
    20,
    ktObjects.has(f) ? { loader: "kexec-tools", crash: true } : {},
  );
  const relocs = report?.loads[0]?.attempt.relocations.length ?? "-";
  console.log(
    f.padEnd(64),
    String(bytes.length).padStart(8),
    String(relocs).padStart(7),
    ms.toFixed(2).padStart(8),
  );
}

// The generated object: a .text with one instruction and 1,000,000 data fields in three relocation
// types (R_X86_64_64, R_X86_64_PC32, R_X86_64_32) against symbols in two sections.
const N = process.env.BENCH_RELOCS ? Number(process.env.BENCH_RELOCS) : 1_000_000;
const dir = mkdtempSync(join(tmpdir(), "pl-bench-"));
try {
  const lines = [
    "\t.text\n\t.globl purgatory_start\npurgatory_start:\n\thlt\n",
    "\t.section .rodata\ntarget_a:\n\t.quad 0\ntarget_b:\n\t.quad 0\n",
    "\t.data\n",
  ];
  const kinds = ["\t.quad target_a + 8\n", "\t.long target_b - .\n", "\t.long target_a\n"];
  const body = [];
  for (let i = 0; i < N; i++) body.push(kinds[i % 3]);
  writeFileSync(join(dir, "big.S"), lines.join("") + body.join(""));
  const t0 = performance.now();
  const as = spawnSync("gcc", ["-c", join(dir, "big.S"), "-o", join(dir, "big.o")], { stdio: "inherit" });
  const ld = spawnSync("ld", ["-r", "-e", "purgatory_start", join(dir, "big.o"), "-o", join(dir, "big.ro")], {
    stdio: "inherit",
  });
  if (as.status !== 0 || ld.status !== 0) throw new Error("building the generated object failed");
  const buildMs = performance.now() - t0;
  const bytes = readFileSync(join(dir, "big.ro"));
  const runs = 5;
  const { ms, cpuMs, report } = timeSimulation(bytes, runs);
  const relocs = report.loads[0].attempt.relocations.length;
  const perLoad = ms / report.loads.length;
  console.log(
    `\n== generated object: ${relocs.toLocaleString("en")} relocations, ${(statSync(join(dir, "big.ro")).size / 1048576).toFixed(1)} MiB (built by gcc+ld in ${(buildMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    `simulate in-process (2 loads + windows + rules): median ${ms.toFixed(0)} ms wall (${cpuMs.toFixed(0)} ms CPU) of ${runs}`,
  );
  console.log(
    `in-process throughput per load: ${perLoad.toFixed(0)} ms = ${Math.round(relocs / (perLoad / 1000)).toLocaleString("en")} relocations/s ` +
      `(by CPU time: ${Math.round(relocs / (cpuMs / report.loads.length / 1000)).toLocaleString("en")}/s)`,
  );
  // Whole processes on the same object: the CLI's JSON, its text (the summary, and --relocs listing
  // every relocation as readelf does) and llvm-readelf -r listing the same relocations.
  const cliRuns = 5;
  const cli = ["node", "dist/cli.js", "simulate", join(dir, "big.ro")];
  const rows = [
    { name: "CLI simulate --json", argv: [...cli, "--json"], out: join(dir, "out.json") },
    {
      name: "llvm-readelf-19 -r",
      argv: ["llvm-readelf-19", "-r", join(dir, "big.ro")],
      out: join(dir, "readelf.txt"),
    },
    { name: "CLI simulate (text)", argv: cli, out: join(dir, "out.txt") },
    { name: "CLI simulate --relocs (text)", argv: [...cli, "--relocs"], out: join(dir, "relocs.txt") },
  ];
  const figures = timeProcesses(rows, cliRuns);
  console.log(`\nwhole processes, output to a file (median of ${cliRuns}, run in turn):`);
  console.log(
    "command".padEnd(30),
    "wall s".padStart(7),
    "CPU s".padStart(7),
    "peak RSS MB".padStart(12),
    "output MB".padStart(10),
  );
  rows.forEach((r, k) => {
    const f = figures[k];
    console.log(
      r.name.padEnd(30),
      f.wall.toFixed(2).padStart(7),
      f.cpu.toFixed(2).padStart(7),
      f.rssMb.toFixed(0).padStart(12),
      f.outMb.toFixed(0).padStart(10),
    );
  });
  console.log(
    `load average while measuring: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} on ${cpus().length} CPUs`,
  );
  const kt = timeSimulation(bytes, runs, { loader: "kexec-tools" });
  const ktPerLoad = kt.ms / kt.report.loads.length;
  console.log(
    `kexec-tools loader (${kt.report.loads.length} loads): median ${kt.ms.toFixed(0)} ms of ${runs}, per load ${ktPerLoad.toFixed(0)} ms = ${Math.round(relocs / (ktPerLoad / 1000)).toLocaleString("en")} relocations/s`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const { benchLsp } = await import("./bench-lsp.mjs");
await benchLsp();

const { benchWebview } = await import("./bench-webview.mjs");
await benchWebview();

const { benchReport } = await import("./bench-report.mjs");
await benchReport();

// Linker scripts: parse time of a generated 5,000-line script (median of 20 after a warm-up).
{
  const { parseScript } = await import("../out/server/src/core/lds/parser.js");
  const { generateLargeScript } = await import("../out/test/lds-helpers.js");
  const text = generateLargeScript(5000);
  parseScript(text);
  const times = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    parseScript(text);
    times.push(performance.now() - t0);
  }
  console.log(
    `\n== linker scripts\nparse a 5,000-line script (${(text.length / 1024).toFixed(0)} KiB): median ${median(times).toFixed(1)} ms of 20`,
  );
}

const { benchLds } = await import("./bench-lds.mjs");
await benchLds();

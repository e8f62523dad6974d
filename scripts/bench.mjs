// `npm run bench`: prints measured figures (never asserts them). For issue-2 scope: the simulation time
// of each example/fixture object, and of a generated object with 1,000,000 relocations assembled by
// GNU as, with relocations per second. Later tiers add their own sections below.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ensureTools } from "./system-deps.mjs";

ensureTools({ gcc: "gcc", ld: "binutils" });
if (spawnSync("node", ["scripts/build.mjs"], { stdio: "inherit" }).status !== 0) process.exit(1);
if (spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { stdio: "inherit" }).status !== 0) process.exit(1);
const { simulate } = await import("../out/server/src/core/simulate.js");

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time of `runs` simulations (default placements) after one warm-up. */
function timeSimulation(bytes, runs, options = {}) {
  simulate(bytes, options);
  const times = [];
  let report;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = simulate(bytes, options);
    times.push(performance.now() - t0);
    report = r.ok ? r.report : undefined;
  }
  return { ms: median(times), report };
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
  const { ms, report } = timeSimulation(bytes, runs);
  const relocs = report.loads[0].attempt.relocations.length;
  const perLoad = ms / report.loads.length;
  console.log(
    `\n== generated object: ${relocs.toLocaleString("en")} relocations, ${(statSync(join(dir, "big.ro")).size / 1048576).toFixed(1)} MiB (built by gcc+ld in ${(buildMs / 1000).toFixed(1)} s)`,
  );
  console.log(`simulate (2 loads + windows + rules): median ${ms.toFixed(0)} ms of ${runs}`);
  console.log(
    `per load: ${perLoad.toFixed(0)} ms = ${Math.round(relocs / (perLoad / 1000)).toLocaleString("en")} relocations/s`,
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

/* global window -- the evaluate() callback runs in the page */
// The section map's data path for `npm run bench`, on an object of about 1 MB with 24,000 relocations
// (assembled by GNU as, or BENCH_REPORT_OBJECT=path for any other object): in the language server
// (dist/server.js over stdio), the time from the report request to its answer, and how long the
// server's request loop is blocked meanwhile -- hovers sent one after another while the report is
// being made, each answered before the next is sent: the slowest of them, and the first, sent right
// after the request -- then, in the webview's engine (headless Chromium), parsing the answer's text
// and turning its relocation rows into objects.
import { Buffer } from "node:buffer";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

const { ServerUnderTest, uri } = await import("../out/test/lsp/harness.js");

const P = "arch/x86/purgatory";
const RUNS = process.env.BENCH_REPORT_RUNS ? Number(process.env.BENCH_REPORT_RUNS) : 5;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** 1,200 sections of 20 64-bit fields each: 24,000 R_X86_64_64 relocations, a 1 MB object. */
function buildObject(dir) {
  const lines = ["\t.text\n\t.globl purgatory_start\npurgatory_start:\n\thlt\n"];
  for (let s = 0; s < 1200; s++) {
    lines.push(`\t.section .text.f${s},"ax",@progbits\nf${s}:\n`);
    for (let r = 0; r < 20; r++) lines.push(`\t.quad f${(s + r) % 1200}\n`);
  }
  writeFileSync(join(dir, "m.S"), lines.join(""));
  for (const [tool, args] of [
    ["gcc", ["-c", join(dir, "m.S"), "-o", join(dir, "m.o")]],
    ["ld", ["-r", "-e", "purgatory_start", join(dir, "m.o"), "-o", join(dir, "m.ro")]],
  ]) {
    if (spawnSync(tool, args, { stdio: "inherit" }).status !== 0) throw new Error(`${tool} failed`);
  }
  return readFileSync(join(dir, "m.ro"));
}

/**
 * The client's decoder, except that a message over 1 MB is left unparsed (`{ id, result: { raw } }`):
 * the hovers' latencies are then the server's, not this process's parsing of a large answer, which
 * is measured on its own.
 */
const lazyJson = {
  name: "application/json",
  decode: (buffer) => {
    const b = Buffer.from(buffer);
    if (b.length < 1 << 20) return Promise.resolve(JSON.parse(b.toString("utf8")));
    const id = Number(/"id":(\d+)/.exec(b.subarray(0, 200).toString("latin1"))[1]);
    return Promise.resolve({ jsonrpc: "2.0", id, result: { raw: b } });
  },
};

/** The answer's text as the webview gets it, whichever shape the server answers with (and the time to parse it). */
function answerText(raw) {
  const t0 = performance.now();
  const result = JSON.parse(raw.toString("utf8")).result;
  const ms = performance.now() - t0;
  return { text: typeof result.json === "string" ? result.json : JSON.stringify(result), ms };
}

/** Microseconds on the clock V8's CPU profiles use (the monotonic clock). */
const micros = () => Number(process.hrtime.bigint() / 1000n);

/**
 * The longest stretch of the server's main thread without an idle sample, between `from` and `to`
 * (µs), from its CPU profile: how long its request loop was blocked at most.
 */
function longestBusy(profDir, from, to) {
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; the main thread is thread 0.
  const file = readdirSync(profDir).find((f) => /\.0\.\d+\.cpuprofile$/.test(f));
  const profile = JSON.parse(readFileSync(join(profDir, file), "utf8"));
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  let t = profile.startTime;
  let start;
  let longest = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < from || t > to) continue;
    if (!idle.has(profile.samples[i])) start ??= t;
    else if (start !== undefined) {
      longest = Math.max(longest, t - start);
      start = undefined;
    }
  }
  return longest / 1000;
}

async function serverFigures(tree, profDir) {
  const server = new ServerUnderTest(
    [
      process.execPath,
      "--cpu-prof",
      `--cpu-prof-dir=${profDir}`,
      "--cpu-prof-interval=250",
      "dist/server.js",
      "--stdio",
    ],
    {},
    { contentTypeDecoder: lazyJson },
  );
  await server.initialize(tree);
  await server.until(
    () => server.results.at(-1)?.purgatories[0]?.durationMs !== undefined,
    "a result",
    60000,
  );
  const c = join(tree, P, "purgatory.c");
  const text = readFileSync(c, "utf8");
  await server.open(c, text, "c");
  const line = text.split("\n").findIndex((l) => l.includes("purgatory_sha_regions"));
  const hover = () =>
    server.connection.sendRequest("textDocument/hover", {
      textDocument: { uri: uri(c) },
      position: { line, character: text.split("\n")[line].indexOf("purgatory_sha_regions") + 2 },
    });
  await hover();
  const runs = [];
  let answer;
  const busy = []; // [from, to] of each report request, µs
  for (let i = 0; i < RUNS; i++) {
    await sleep(200);
    let done = false;
    const t0 = performance.now();
    const request = server.connection.sendRequest("purgatory/report", {}).then((a) => {
      done = true;
      answer = a;
      return performance.now() - t0;
    });
    const hovers = [];
    while (!done) {
      const h0 = performance.now();
      await hover();
      hovers.push(performance.now() - h0);
    }
    const report = await request;
    busy.push([micros() - Math.round(report * 1000), micros()]);
    // The same number of hovers with no request running: what the machine gives a hover anyway.
    const idle = [];
    for (let k = 0; k < hovers.length; k++) {
      const h0 = performance.now();
      await hover();
      idle.push(performance.now() - h0);
    }
    runs.push({
      report,
      first: hovers[0],
      slowest: Math.max(...hovers),
      idle: Math.max(...idle),
      hovers: hovers.length,
    });
  }
  await server.shutdown();
  runs.forEach((r, i) => (r.blocked = longestBusy(profDir, ...busy[i])));
  return { runs, answer };
}

/** In Chromium: the webview's own readReport() (webview/src/report.ts) on the text, `RUNS` times. */
async function webviewFigures(text) {
  const { WebviewPage } = await import("../out/test/webview/harness.js");
  const { build } = await import("esbuild");
  const reader = await build({
    entryPoints: ["webview/src/report.ts"],
    bundle: true,
    format: "iife",
    globalName: "__reportModule",
    platform: "browser",
    write: false,
  });
  const w = await WebviewPage.open("dark", {
    "/bench-text.js": `window.__benchText = ${JSON.stringify(text)};`,
    "/report.js": reader.outputFiles[0].text,
  });
  try {
    return await w.page.evaluate((runs) => {
      const out = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const doc = window.__reportModule.readReport(window.__benchText);
        out.push(performance.now() - t0);
        if (!doc.results?.[0]?.relocations[0]?.relSection)
          throw new Error(`no relocation objects: ${doc.error}`);
      }
      return out;
    }, RUNS);
  } finally {
    await w.close();
  }
}

export async function benchReport() {
  console.log("\n== section map report: language server and webview");
  const work = mkdtempSync(join(tmpdir(), "pl-bench-report-"));
  try {
    const object = process.env.BENCH_REPORT_OBJECT
      ? readFileSync(process.env.BENCH_REPORT_OBJECT)
      : buildObject(work);
    const tree = join(work, "tree");
    cpSync("examples/linux", tree, { recursive: true });
    writeFileSync(join(tree, P, "purgatory.ro"), object);
    const profDir = join(work, "profile");
    const { runs, answer } = await serverFigures(tree, profDir);
    const parsed = [0, 1, 2].map(() => answerText(answer.raw));
    const text = parsed[0].text;
    const doc = JSON.parse(text);
    const relocations = doc.results.reduce((n, r) => n + r.relocations.length, 0);
    console.log(
      `${(object.length / 1024).toFixed(0)} KB object, ${doc.results.length} loads, ${relocations.toLocaleString("en")} relocations in all; answer ${(text.length / 1e6).toFixed(1)} MB of JSON text; medians of ${RUNS}`,
    );
    const line = (what, k) =>
      console.log(
        `${what.padEnd(62)} ${median(runs.map((r) => r[k]))
          .toFixed(0)
          .padStart(5)} ms`,
      );
    line("report request -> answer received", "report");
    line("hover sent right after the report request -> its answer", "first");
    line("slowest hover answered while the report was made", "slowest");
    line("slowest of as many hovers with no request running", "idle");
    line("longest the server's main thread went without idling meanwhile", "blocked");
    console.log(
      `${"client (extension host): parse the answer message".padEnd(62)} ${median(parsed.map((p) => p.ms))
        .toFixed(0)
        .padStart(5)} ms`,
    );
    if (process.env.BENCH_REPORT_VERBOSE) console.log(JSON.stringify(runs));
    const parse = await webviewFigures(text);
    console.log(
      `${"webview: parse the text and adapt the relocation rows".padEnd(62)} ${median(parse).toFixed(0).padStart(5)} ms`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("bench-report.mjs")) await benchReport();

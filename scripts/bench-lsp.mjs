// Language-server figures for `npm run bench`: on examples/linux, save-to-diagnostics latency (median
// and p95 over 200 saves of the Makefile) and rebuild-to-diagnostics latency (100 rewrites of the
// object, through the client's watched-file event and through the server's own watcher); cold start
// to the first results on examples/linux and on a generated tree of 80,000 files with 10 O= build
// folders; `purgatory-lens check` on that tree. Uses the bundled dist/server.js and the LSP-tier
// harness (compiled to out/), so it measures what users run.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

const { ServerUnderTest, uri } = await import("../out/test/lsp/harness.js");

const P = "arch/x86/purgatory";
const SAVES = 200;
const REBUILDS = 100;
const OBJS = ["purgatory", "stack", "setup-x86_64", "sha256", "entry64", "string"];
const EXT = { purgatory: "c", sha256: "c", string: "c", stack: "S", "setup-x86_64": "S", entry64: "S" };

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** A result notification after the first `seen`, for the whole object (not "being written"). */
function newResult(server, seen) {
  const last = server.results.at(-1)?.purgatories[0];
  return server.results.length > seen && last && !last.summary.startsWith("being written");
}

async function coldStart(root, expected) {
  const t0 = performance.now();
  const server = new ServerUnderTest();
  await server.initialize(root);
  await server.until(
    () => server.results.find((r) => r.purgatories.length >= expected),
    `${expected} results`,
    120000,
  );
  const ms = performance.now() - t0;
  await server.shutdown();
  return ms;
}

/** A kernel-shaped tree: the example source tree, 10 O= build folders, filler up to `total` files. */
function generateTree(dir, total) {
  const src = join(dir, "linux");
  cpSync("examples/linux", src, { recursive: true });
  const object = readFileSync("examples/linux/arch/x86/purgatory/purgatory.ro");
  let n = 0;
  for (let b = 0; b < 10; b++) {
    const pd = join(dir, "builds", `b${b}`, P);
    mkdirSync(pd, { recursive: true });
    const objs = OBJS.map((o) => `${P}/${o}.o`);
    writeFileSync(
      join(pd, ".purgatory.ro.cmd"),
      `savedcmd_${P}/purgatory.ro := ld -m elf_x86_64 -r -e purgatory_start -z nodefaultlib -o ${P}/purgatory.ro ${objs.join(" ")}\n`,
    );
    writeFileSync(join(pd, "purgatory.ro"), object);
    for (const o of OBJS) {
      writeFileSync(
        join(pd, `.${o}.o.cmd`),
        `savedcmd_${P}/${o}.o := clang-19 -mcmodel=large -c -o ${P}/${o}.o ${src}/${P}/${o}.${EXT[o]}\n`,
      );
    }
    n += 2 + OBJS.length;
  }
  for (let t = 0; n < total; t++) {
    for (let s = 0; s < 40 && n < total; s++) {
      const d = join(t % 3 === 0 ? join(dir, "builds", `b${t % 10}`) : src, `dir${t}`, `sub${s}`);
      mkdirSync(d, { recursive: true });
      for (let f = 0; f < 50 && n < total; f++, n++) writeFileSync(join(d, `file${f}.c`), "");
    }
  }
  return n;
}

/** `latencyOnly`: only the save and rebuild latencies (`node scripts/bench-lsp.mjs --latency`). */
export async function benchLsp({ latencyOnly = false } = {}) {
  console.log("\n== language server (dist/server.js over stdio)");
  const work = mkdtempSync(join(tmpdir(), "pl-bench-lsp-"));
  try {
    const tree = join(work, "example");
    cpSync("examples/linux", tree, { recursive: true });
    if (!latencyOnly) {
      const cold = [];
      for (let i = 0; i < 5; i++) cold.push(await coldStart(tree, 1));
      console.log(
        `cold start to first result, examples/linux: median ${percentile(cold, 50).toFixed(0)} ms of 5`,
      );
    }

    const server = new ServerUnderTest();
    await server.initialize(tree);
    const mk = join(tree, P, "Makefile");
    await server.until(() => server.diagnostics.get(uri(mk))?.length > 0, "first diagnostics");
    await server.open(mk, readFileSync(mk, "utf8"), "makefile");
    const count = () => server.publishCount.get(uri(mk)) ?? 0;
    const lat = [];
    for (let i = 0; i < SAVES; i++) {
      const seen = count();
      const t0 = performance.now();
      await server.saved(mk);
      await server.until(() => count() > seen, "diagnostics after save");
      lat.push(performance.now() - t0);
    }
    // A rebuild: the object is rewritten (alternately the example's and another clang -mcmodel=large
    // build, so every run has new contents and new findings) and the client sends the watched-file
    // event, as VS Code does after `make`.
    const ro = join(tree, P, "purgatory.ro");
    const builds = [readFileSync(ro), readFileSync("test/fixtures/x86_64/obj/clang19-large.lld.ro")];
    const rebuilt = [];
    for (let i = 0; i < REBUILDS; i++) {
      const seen = count();
      const results = server.results.length;
      const t0 = performance.now();
      writeFileSync(ro, builds[(i + 1) % 2]);
      await server.changedOnDisk(ro);
      await server.until(() => count() > seen && newResult(server, results), "diagnostics after a rebuild");
      rebuilt.push(performance.now() - t0);
    }
    await server.shutdown();

    // The same rebuilds seen by the server's own file watcher (Neovim, Emacs, Helix: no
    // didChangeWatchedFiles), which may wake while the file is still being written.
    const own = new ServerUnderTest();
    await own.initialize(tree, {}, {});
    await own.until(() => own.diagnostics.get(uri(mk))?.length > 0, "first diagnostics (own watcher)");
    const watched = [];
    for (let i = 0; i < REBUILDS; i++) {
      const results = own.results.length;
      const t0 = performance.now();
      writeFileSync(ro, builds[i % 2]);
      await own.until(() => newResult(own, results), "a result after a rebuild (own watcher)");
      watched.push(performance.now() - t0);
      await sleep(50); // let the watcher's last events of this write pass
    }
    await own.shutdown();
    console.log(
      `save Makefile -> diagnostics published again: median ${percentile(lat, 50).toFixed(0)} ms, p95 ${percentile(lat, 95).toFixed(0)} ms over ${lat.length} saves`,
    );
    console.log(
      `object rebuilt (watched-file event) -> new diagnostics: median ${percentile(rebuilt, 50).toFixed(0)} ms, p95 ${percentile(rebuilt, 95).toFixed(0)} ms over ${rebuilt.length} rebuilds`,
    );
    console.log(
      `object rebuilt, seen by the server's own watcher -> new result: median ${percentile(watched, 50).toFixed(0)} ms, p95 ${percentile(watched, 95).toFixed(0)} ms over ${watched.length} rebuilds`,
    );

    if (latencyOnly) return;
    const big = join(work, "big");
    const t0 = performance.now();
    const files = generateTree(big, 80_000);
    console.log(
      `generated ${files.toLocaleString("en")} files with 10 build folders in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const bigCold = [];
    for (let i = 0; i < 3; i++) bigCold.push(await coldStart(big, 11));
    console.log(
      `cold start to first results for all 11 purgatories, 80,000-file tree: median ${percentile(bigCold, 50).toFixed(0)} ms of 3`,
    );

    // The CI gate on the same tree: the whole process, from node's start to the exit status.
    const check = [];
    let summary = "";
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const r = spawnSync(process.execPath, ["dist/cli.js", "check", big], { encoding: "utf8" });
      check.push(performance.now() - t);
      summary = r.stdout.trim().split("\n").at(-1) ?? r.stderr;
    }
    console.log(
      `purgatory-lens check on the 80,000-file tree (11 purgatories, the whole process): median ${percentile(check, 50).toFixed(0)} ms, max ${Math.max(...check).toFixed(0)} ms of 5\n  ${summary}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("bench-lsp.mjs"))
  await benchLsp({ latencyOnly: process.argv.includes("--latency") });

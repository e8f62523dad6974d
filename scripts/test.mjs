// `npm test`: installs the system tools the tests use if they are missing, builds the bundles,
// type-checks and compiles, lints, then runs every test tier with Node's test runner.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { ensureTools } from "./system-deps.mjs";

function step(title, cmd, args) {
  console.log(`\n== ${title}`);
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`\n${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

ensureTools();
step("bundle (esbuild)", "node", ["scripts/build.mjs"]);
// A fresh out/: tests of files moved or deleted since the last compile must not run from stale output.
rmSync("out", { recursive: true, force: true });
step("type-check and compile (tsc)", "npx", ["tsc", "-p", "tsconfig.json"]);
step("lint (eslint)", "npx", ["eslint", "."]);
step("format (prettier --check)", "npx", ["prettier", "--check", "."]);
// Tiers, sorted by what they need. The unit tier starts no external process (the preload fails any
// test that tries); the golden tier compares against goldens and the tools we did not write.
step("tests: core unit (no external process)", "node", [
  "--require",
  "./out/test/no-processes.js",
  "--test",
  "--test-concurrency=2",
  "out/test/unit/",
]);
step("tests: golden, the language server over stdio, the webview in Chromium", "node", [
  "--test",
  "--test-concurrency=2",
  "out/test/golden/",
  "out/test/lsp/",
  "out/test/webview/",
]);
// The editors tier: headless Neovim and Emacs with eglot run `purgatory-lens lsp --stdio` with the
// README's configurations (one at a time: each starts an editor, a server and a rebuild).
step("tests: other editors' LSP clients (Neovim, Emacs eglot) and the installed package", "node", [
  "--test",
  "--test-concurrency=1",
  "out/test/editors/",
]);
// A quick seeded fuzz run (about 60 s, one worker thread): any uncaught exception in the core's entry
// points fails the suite; hangs and slow calls are printed (their wall time depends on how loaded the
// machine is, so they are measured, not asserted). The saved corpus is replayed by the unit tier above.
step("fuzz: a quick seeded run of every target", "node", [
  "out/test/fuzz/fuzz.js",
  "--seconds",
  "60",
  "--seed",
  "1",
  "--workers",
  "1",
  "--hang-ms",
  "5000",
  "--fail-on",
  "exceptions",
]);
// The whole-extension tier: the extension in a real VS Code workbench (code-server + Chromium), its
// API suite in the extension host, its UI suite through Playwright, and the packaged .vsix.
step("tests: the extension in a real workbench (API, UI, .vsix)", "node", ["scripts/e2e/run.mjs"]);

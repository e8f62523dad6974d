// The whole-extension tier: the extension in a real VS Code workbench (code-server +
// Chromium), offline. Builds, then runs
//   1. the API suite (test/e2e/api) inside the extension host, extension loaded from this folder;
//   2. the UI suite (test/e2e/ui) through Playwright, as a person would, with a screenshot per step;
//   3. the API suite again against the packaged .vsix installed into a fresh extensions folder.
// Every code-server run is isolated in a fresh folder and its process group is killed, even on
// failure. Exits non-zero if anything fails or does not start; the last line is "N passed, N failed".
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { ensureE2eTools } from "./install.mjs";
import { installExtension, isolate, logTail, startCodeServer, stopGroup } from "./code-server.mjs";
import { launchBrowser, runApiSuite, workbenchUrl } from "./workbench.mjs";
import { uiSuite } from "../../test/e2e/ui/suite.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const artifacts = join(root, "test/artifacts/e2e");
const runDir = mkdtempSync(join(tmpdir(), "purgatory-lens-e2e-"));
const tally = { passed: 0, failed: 0 };
const servers = new Set(); // process groups to kill whatever happens
let browser;

process.on("exit", () => servers.forEach((s) => stopGroup(s.pgid)));
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

function record(ok, name, detail) {
  if (ok) tally.passed++;
  else tally.failed++;
  console.log(
    `  ${ok ? "ok" : "FAIL"}  ${name}${detail ? `\n${String(detail).replace(/^/gm, "        ")}` : ""}`,
  );
}

/** Runs one phase; an exception fails it and prints the code-server log of the run it belongs to. */
async function phase(title, fn) {
  console.log(`\n== e2e: ${title}`);
  try {
    await fn();
  } catch (e) {
    record(false, title, e instanceof Error ? (e.stack ?? e.message) : e);
    for (const s of servers) console.log(`\n-- code-server log tail (${s.iso.log})\n${logTail(s.iso)}`);
  }
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}`);
}

/** A fresh copy of examples/linux: the quick fix test edits it. */
function workspace(name) {
  const ws = join(runDir, name, "linux");
  cpSync(join(root, "examples/linux"), ws, { recursive: true });
  return ws;
}

async function withServer(name, bin, env, fn, prepare) {
  const iso = isolate(join(runDir, name), env);
  prepare?.(iso);
  const server = await startCodeServer(bin, iso);
  server.iso = iso;
  servers.add(server);
  try {
    await fn(server);
  } finally {
    server.stop();
    servers.delete(server);
  }
}

/** Counts the suite's own ok / not ok lines, and fails the run if it did not exit 0. */
function tallyApi(label, { code, lines }) {
  for (const l of lines) {
    if (l.startsWith("[pl-e2e] ok ")) tally.passed++;
    else if (l.startsWith("[pl-e2e] not ok ")) tally.failed++;
  }
  // A failing test is already counted; a crash, a timeout or an unloadable suite is one more failure.
  const ran = lines.some((l) => l.startsWith("[pl-e2e] summary"));
  const failedTests = lines.some((l) => l.startsWith("[pl-e2e] not ok "));
  if (!ran || (code !== 0 && !failedTests)) record(false, `${label}: exit code ${code}, no complete run`);
  else if (code !== 0) console.log(`  ${label}: exit code ${code}`);
}

const tools = ensureE2eTools();
const suite = join(runDir, "api-suite.js");
rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });

await phase("build the extension and the API suite", async () => {
  sh("node", ["scripts/build.mjs"]);
  await build({
    entryPoints: [join(root, "test/e2e/api/index.ts")],
    outfile: suite,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: ["vscode"],
    logLevel: "warning",
  });
});

await phase("API and UI suites, extension loaded from its folder", async () => {
  browser = await launchBrowser(runDir);
  await withServer("dev", tools.codeServer, { PURGATORY_LENS_E2E_EXPECT: root }, async (server) => {
    console.log(`code-server ${server.url} (pgid ${server.pgid}); API suite:`);
    const url = workbenchUrl(server, workspace("ws-api"), { devPath: root, testsPath: suite });
    tallyApi("API suite (folder)", await runApiSuite(browser.context, url));
    console.log("UI suite:");
    const folder = workspace("ws-ui");
    const page = await browser.context.newPage();
    const ui = await uiSuite(page, workbenchUrl(server, folder, { devPath: root }), folder, artifacts);
    for (const r of ui) record(r.ok, `UI: ${r.name}`, r.error);
    await page.close();
  });
});

await phase("API suite against the packaged .vsix", async () => {
  sh("npm", ["run", "package"]);
  const vsix = readdirSync(root).find((f) => f.endsWith(".vsix"));
  if (!vsix) throw new Error("npm run package made no .vsix");
  const install = (iso) => installExtension(tools.codeServer, iso, join(root, vsix));
  // extensionTestsPath needs an extensionDevelopmentPath; an empty folder adds no extension, so the
  // installed copy is the one under test (the suite checks where it was loaded from).
  const noExtension = join(runDir, "no-extension");
  mkdirSync(noExtension);
  const env = { PURGATORY_LENS_E2E_EXPECT: join(runDir, "vsix", "extensions") };
  await withServer(
    "vsix",
    tools.codeServer,
    env,
    async (server) => {
      console.log(`code-server ${server.url} (pgid ${server.pgid}) with ${vsix} installed; API suite:`);
      const url = workbenchUrl(server, workspace("ws-vsix"), { devPath: noExtension, testsPath: suite });
      tallyApi("API suite (.vsix)", await runApiSuite(browser.context, url));
    },
    install,
  );
});

await browser?.close();
if (tally.failed === 0) rmSync(runDir, { recursive: true, force: true });
else console.log(`\nrun folder kept for inspection: ${runDir}`);
console.log(`screenshots: ${artifacts}`);
console.log(`${tally.passed} passed, ${tally.failed} failed`);
process.exit(tally.failed === 0 && tally.passed > 0 ? 0 : 1);

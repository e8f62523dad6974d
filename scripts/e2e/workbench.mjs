// Opens the VS Code workbench that code-server serves in Debian's Chromium (playwright-core), with our
// extension loaded through the `payload` URL parameter (the web workbench's extensionDevelopmentPath),
// and runs an extensionTestsPath suite, whose exit code the workbench hands to window.codeAutomationExit.
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { clearTimeout, setTimeout } from "node:timers";
import { URLSearchParams } from "node:url";

/** Launch settings shared with the webview tier (test/webview/harness.ts). */
const LAUNCH = JSON.parse(readFileSync(new URL("../../test/chromium.json", import.meta.url), "utf8"));

export async function launchBrowser(tmp) {
  const profile = mkdtempSync(join(tmp, "chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? LAUNCH.executablePath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    // Chromium writes crash reports and caches under XDG dirs: keep them in the run folder.
    env: { ...process.env, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
    args: LAUNCH.args,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The workbench URL for a folder, with development paths (absolute paths on this machine). */
export function workbenchUrl(server, folder, { devPath, testsPath } = {}) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [];
  if (devPath) payload.push(["extensionDevelopmentPath", remote(devPath)]);
  if (testsPath) payload.push(["extensionTestsPath", remote(testsPath)]);
  const q = new URLSearchParams({ folder });
  if (payload.length) q.set("payload", JSON.stringify(payload));
  return `${server.url}/?${q}`;
}

/**
 * Runs the bundled API suite in the extension host and returns its result lines and exit code.
 * The extension host's console reaches the browser console, where the suite's "[pl-e2e]" lines are.
 */
export async function runApiSuite(context, url, { timeoutMs = 180_000, log = console.log } = {}) {
  const page = await context.newPage();
  const lines = [];
  page.on("console", (m) => {
    const t = m.text();
    const i = t.indexOf("[pl-e2e]");
    if (i < 0) return;
    const line = t.slice(i);
    lines.push(line);
    log(`    ${line.replace(/\n/g, "\n      ")}`);
  });
  let done;
  const exited = new Promise((r) => (done = r));
  await page.exposeFunction("codeAutomationExit", (code) => done(code));
  await page.goto(url);
  let timer;
  const timeout = new Promise((r) => (timer = setTimeout(() => r("timeout"), timeoutMs)));
  const code = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  await page.close().catch(() => {});
  return { code, lines };
}

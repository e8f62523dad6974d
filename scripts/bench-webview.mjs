/* global window, document, requestAnimationFrame, setTimeout -- the evaluate() callbacks run in the page */
// Section-map figure for `npm run bench`: the first render, in headless Chromium, of an object with
// 5,000 allocated sections and 50,000 relocations (assembled by GNU as, simulated by our core).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const { simulate } = await import("../out/server/src/core/simulate.js");
const { reportJson } = await import("../out/server/src/core/report/json.js");
const { WebviewPage } = await import("../out/test/webview/harness.js");

export async function benchWebview() {
  console.log("\n== section map (headless Chromium)");
  const dir = mkdtempSync(join(tmpdir(), "pl-bench-map-"));
  try {
    const lines = ["\t.text\n\t.globl purgatory_start\npurgatory_start:\n\thlt\n"];
    for (let s = 0; s < 5000; s++) {
      lines.push(`\t.section .text.f${s},"ax",@progbits\nf${s}:\n`);
      for (let r = 0; r < 10; r++) lines.push(`\t.quad f${(s + r) % 5000}\n`);
    }
    writeFileSync(join(dir, "m.S"), lines.join(""));
    const as = spawnSync("gcc", ["-c", join(dir, "m.S"), "-o", join(dir, "m.o")], { stdio: "inherit" });
    const ld = spawnSync("ld", ["-r", "-e", "purgatory_start", join(dir, "m.o"), "-o", join(dir, "m.ro")], {
      stdio: "inherit",
    });
    if (as.status !== 0 || ld.status !== 0) throw new Error("building the 5,000-section object failed");
    const r = simulate(readFileSync(join(dir, "m.ro")), { loads: [0x100000n] });
    if (!r.ok) throw new Error(r.error);
    const report = reportJson("m.ro", r.report);
    const load = report.results[0];
    const w = await WebviewPage.open("dark");
    try {
      const message = {
        type: "state",
        objects: [{ uri: "file:///m.ro", label: "m.ro" }],
        object: "file:///m.ro",
        controls: { kernel: "", load: "", ram: "" },
        report,
      };
      // Hand the report to the page first, so the figure is the webview's own work (message
      // delivery, layout math, DOM, first paint), not Playwright's transfer of 20 MB of JSON.
      await w.page.evaluate((m) => (window.__benchMessage = m), message);
      const ms = await w.page.evaluate(async () => {
        const t0 = performance.now();
        window.postMessage(window.__benchMessage, "*");
        await new Promise((res) => {
          const check = () =>
            document.querySelector("svg.buffer")
              ? requestAnimationFrame(() => res(undefined))
              : setTimeout(check, 1);
          check();
        });
        return performance.now() - t0;
      });
      const ticks = await w.page.locator("svg.buffer line.tick").count();
      console.log(
        `first render: ${load.sections.length.toLocaleString("en")} sections, ${load.relocations.length.toLocaleString("en")} relocations (${ticks.toLocaleString("en")} ticks): ${ms.toFixed(0)} ms`,
      );
    } finally {
      await w.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

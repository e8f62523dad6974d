/* global window, document, performance, requestAnimationFrame, requestIdleCallback, setTimeout, MouseEvent, KeyboardEvent, Event -- the evaluate() callbacks run in the page */
// Section-map figures for `npm run bench`, in headless Chromium, on an object with 5,000 allocated
// sections and 50,000 relocations (assembled by GNU as, simulated by our core): the first render,
// then the updates a person makes on it -- selecting a relocation in the table (the map follows),
// moving through the table with a key, filtering the table and clearing the filter, and selecting a
// section on the map (the table switches tab and scrolls to it). Each figure runs from the event to
// the end of the next frame (rAF, then a task: style, layout and paint included); medians of RUNS
// fresh pages. The updates start once the page has been idle after the first render.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const { simulate } = await import("../out/server/src/core/simulate.js");
const { reportText } = await import("../out/server/src/lsp/report-text.js");
const { WebviewPage } = await import("../out/test/webview/harness.js");

const RUNS = process.env.BENCH_MAP_RUNS ? Number(process.env.BENCH_MAP_RUNS) : 7;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Builds the 5,003-section, 50,000-relocation object and simulates it once at 1 MiB. */
function bigReport(dir) {
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
  return r.report;
}

/** One fresh page: every figure, in ms. Runs in the page. */
async function measure() {
  const frame = () => new Promise((res) => requestAnimationFrame(() => setTimeout(res, 0)));
  const timed = async (act) => {
    const t0 = performance.now();
    act();
    await frame();
    return performance.now() - t0;
  };
  const out = {};
  // First render: the message arrives (structured clone included), the page is drawn.
  out.first = await timed(() => window.postMessage(window.__benchMessage, "*"));
  if (!document.querySelector("svg.buffer")) throw new Error("no map drawn");
  out.domNodes = document.getElementsByTagName("*").length;
  // A person clicks or types after the map appears, not within the next frame: let the work the page
  // leaves for idle time (the table's search text) run first, as it would.
  await new Promise((res) => requestIdleCallback(res, { timeout: 2000 }));
  await frame();
  // A click on a relocation row: the row and its tick are selected.
  const rows = [...document.querySelectorAll('tbody tr[data-key^="reloc:"]')];
  const row = rows[8];
  out.tableSelect = await timed(() =>
    row.firstElementChild.dispatchEvent(new MouseEvent("click", { bubbles: true })),
  );
  const key = row.getAttribute("data-key");
  if (!document.querySelector(`svg.buffer [data-key="${key}"].selected`))
    throw new Error(`${key} not selected on the map`);
  await frame();
  // The next row by keyboard (a table without keyboard support reports nothing).
  const grid = document.querySelector('[role="grid"]');
  if (grid)
    out.keyMove = await timed(() =>
      grid.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true, cancelable: true })),
    );
  await frame();
  // Filtering the relocations down to one symbol's, and clearing the filter again.
  const filter = document.getElementById("filter");
  out.filter = await timed(() => {
    filter.value = "f4321";
    filter.dispatchEvent(new Event("input", { bubbles: true }));
  });
  out.filtered = document.querySelectorAll("tbody tr[data-key]").length;
  await frame();
  out.unfilter = await timed(() => {
    filter.value = "";
    filter.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await frame();
  // A click on the map, 60% of the way along the load buffer: a section deep in the list.
  const band = document.querySelector("svg.buffer").getBoundingClientRect();
  const x = band.left + band.width * 0.6;
  const y = band.top + 14 + 18;
  const target = document.elementFromPoint(x, y);
  out.mapSelect = await timed(() =>
    target.dispatchEvent(new MouseEvent("click", { bubbles: true, clientX: x, clientY: y })),
  );
  // (A table that draws only its first rows may have no row for that section to show.)
  out.mapSelected = document.querySelector("tbody tr.selected")?.getAttribute("data-key") ?? "no row shown";
  return out;
}

export async function benchWebview() {
  console.log("\n== section map (headless Chromium)");
  const dir = mkdtempSync(join(tmpdir(), "pl-bench-map-"));
  try {
    const report = bigReport(dir);
    const load = report.loads[0].attempt;
    const sections = load.sechdrs.filter((s) => s.inBuffer || s.isBss).length;
    // What the panel posts (client/src/panel.ts): the language server's report text, as it is.
    const message = {
      type: "state",
      objects: [{ uri: "file:///m.ro", label: "m.ro" }],
      object: "file:///m.ro",
      controls: { kernel: "", load: "", ram: "" },
      report: reportText("m.ro", report),
    };
    // The report reaches the page as a script it loads (Playwright's own transfer of 16 MB takes
    // tens of seconds), so the figures are the webview's work: the message's structured clone,
    // the layout math, the DOM, the frame.
    const w = await WebviewPage.open("dark", {
      "/bench-message.js": `window.__benchMessage = ${JSON.stringify(message)};`,
    });
    const runs = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        if (i > 0) await w.reload();
        runs.push(await w.page.evaluate(measure));
      }
    } finally {
      await w.close();
    }
    const last = runs.at(-1);
    const line = (what, k, note = "") => {
      if (last[k] === undefined) return;
      const ms = median(runs.map((r) => r[k]));
      console.log(`${what.padEnd(50)} ${ms.toFixed(0).padStart(5)} ms${note}`);
    };
    console.log(
      `${sections.toLocaleString("en")} sections, ${load.relocations.length.toLocaleString("en")} relocations; ${last.domNodes.toLocaleString("en")} DOM elements after the first render; medians of ${RUNS} fresh pages`,
    );
    line("first render (message to painted frame)", "first");
    line("select a relocation in the table (map follows)", "tableSelect");
    line("next row by keyboard (map follows)", "keyMove");
    line(`filter the relocations ("f4321": ${last.filtered} rows)`, "filter");
    line("clear the filter (50,000 rows again)", "unfilter");
    line("select a section on the map (table follows)", "mapSelect", ` (${last.mapSelected})`);
    if (process.env.BENCH_MAP_VERBOSE) console.log(JSON.stringify(runs));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

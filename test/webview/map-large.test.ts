// The section map of a large object in headless Chromium: thousands of sections and relocation sites
// folded into paths (the failing relocation still an element of its own), tables that draw only the
// rows in view, keyboard navigation, and selection synced both ways through the folded layers.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { reportJson } from "../../server/src/core/report/json";
import { simulate } from "../../server/src/core/simulate";
import { reportText } from "../../server/src/lsp/report-text";
import { BLOCKS_AS_PATH, spanAt, TICKS_AS_PATH } from "../../webview/src/layers";
import { bufferMap, type Block } from "../../webview/src/model";
import { repoRoot } from "../helpers";
import { WebviewPage } from "./harness";
import { buildLargeObject } from "./large-object";

const ARTIFACTS = join(repoRoot, "test", "artifacts", "webview");
const SECTIONS = 1500;
const PER_SECTION = 2;
/** 8 GiB: every 64-bit field fits, the one 32-bit field overflows. */
const HIGH = 0x200000000n;

/** The report as objects (what the tests expect) and as the language server's text (what is sent). */
function largeReport() {
  const r = simulate(buildLargeObject(SECTIONS, PER_SECTION), { loads: [HIGH] });
  assert.ok(r.ok);
  return { report: reportJson("large.ro", r.report), text: reportText("large.ro", r.report) };
}

/**
 * The section at whole pixel `px` of the band (a mouse event's clientX is a whole pixel, and the
 * blocks are narrower than one here), searching right from px for one that is not a gap.
 */
function sectionAt(blocks: readonly Block[], px: number): { block: Block; px: number } {
  for (let x = px; ; x++) {
    const b = blocks[spanAt(blocks, x)];
    if (b && b.kind !== "gap") return { block: b, px: x };
  }
}

const state = (text: string) => ({
  type: "state",
  objects: [{ uri: "file:///x/large.ro", label: "large.ro" }],
  object: "file:///x/large.ro",
  controls: { kernel: "", load: "", ram: "" },
  // As the panel sends it: the language server's text.
  report: text,
});

describe(`section map of ${SECTIONS} sections and ${SECTIONS * PER_SECTION + 1} relocations`, () => {
  const { report, text } = largeReport();
  const load = report.results[0]!;
  const failingIndex = load.relocations.findIndex((r) => r.status !== "ok");
  let w: WebviewPage;
  before(async () => {
    assert.ok(load.sections.length > BLOCKS_AS_PATH, `${load.sections.length} sections`);
    assert.ok(load.relocations.length > TICKS_AS_PATH, `${load.relocations.length} relocations`);
    assert.equal(load.relocations.filter((r) => r.status !== "ok").length, 1);
    assert.equal(load.relocations[failingIndex]!.typeName, "R_X86_64_32");
    w = await WebviewPage.open("dark");
    await w.send(state(text));
    await w.page.waitForSelector("svg.buffer");
  });
  after(() => w.close());

  it("folds the blocks into paths and keeps few elements", async () => {
    assert.equal(await w.page.locator("svg.buffer path.blocks.has-entry").count(), 1);
    const elements = await w.page.locator("svg.buffer *").count();
    assert.ok(elements < 100, `${elements} elements in the buffer band`);
    assert.ok((await w.page.locator("svg.file path.blocks").count()) >= 1);
    const label = (await w.page.locator("svg.buffer").getAttribute("aria-label")) ?? "";
    assert.equal(
      label,
      `load buffer: ${load.sections.length} sections, ${load.relocations.length} relocation sites, 1 failing`,
    );
  });

  it("draws one tick per pixel column for the passing relocations, and the failing one on its own", async () => {
    const m = bufferMap(load, 1000);
    const expected = new Set(m.ticks.filter((t) => !t.failing).map((t) => Math.floor(t.x)));
    const d = (await w.page.locator("svg.buffer path.tick.many").getAttribute("d")) ?? "";
    const columns = [...d.matchAll(/M([\d.]+) /g)].map((x) => Number(x[1]) - 0.5);
    assert.equal(columns.length, expected.size, "one stroke per column");
    assert.deepEqual(new Set(columns), expected);
    const failing = w.page.locator("svg.buffer line.tick.failing");
    assert.equal(await failing.count(), 1);
    assert.equal(await failing.getAttribute("data-key"), `reloc:${failingIndex}`);
    const r = load.relocations[failingIndex]!;
    assert.equal(
      await failing.locator("title").textContent(),
      `R_X86_64_32 at ${r.section}+${r.offset} → ${r.symbol}: ${r.status}`,
    );
    const tick = m.ticks.find((t) => t.index === failingIndex)!;
    assert.ok(Math.abs(Number(await failing.getAttribute("x1")) - tick.x) < 0.01);
    // Drawn after (on top of) the folded ticks.
    const order = await w.page.evaluate(() => {
      const all = [...document.querySelectorAll("svg.buffer .tick")];
      return all.map((e) => e.getAttribute("class"));
    });
    assert.deepEqual(order, ["tick many", "tick failing"]);
  });

  it("draws only the table rows in view, and the others as they scroll in", async () => {
    const grid = w.page.locator('[role="grid"]');
    assert.equal(await grid.getAttribute("aria-rowcount"), String(load.relocations.length + 1));
    const drawn = await w.page.locator("tbody tr[data-key]").count();
    assert.ok(drawn > 10 && drawn < 120, `${drawn} rows drawn`);
    assert.equal(await w.page.locator(`tr[data-key="reloc:${load.relocations.length - 1}"]`).count(), 0);
    await grid.evaluate((e) => (e.scrollTop = e.scrollHeight));
    const last = w.page.locator(`tr[data-key="reloc:${load.relocations.length - 1}"]`);
    await last.waitFor();
    assert.equal(await last.getAttribute("aria-rowindex"), String(load.relocations.length + 1));
    const r = load.relocations.at(-1)!;
    assert.equal(await last.locator("td").first().textContent(), `${r.section}+${r.offset}`);
    assert.ok(await last.isVisible());
    // Half-way: the rows there, none from the start.
    await grid.evaluate((e) => (e.scrollTop = e.scrollHeight / 2));
    const mid = Math.floor(load.relocations.length / 2);
    await w.page.locator(`tr[data-key="reloc:${mid}"]`).waitFor();
    assert.equal(await w.page.locator('tr[data-key="reloc:0"]').count(), 0);
    assert.ok((await w.page.locator("tbody tr[data-key]").count()) < 120);
  });

  it("selects a section by clicking its place on the folded band, and the table follows", async () => {
    const { block: b, px } = sectionAt(bufferMap(load, 1000).blocks, 600);
    const box = (await w.page.locator("svg.buffer").boundingBox())!;
    await w.page.mouse.click(box.x + px, box.y + 14 + 18);
    assert.equal(await w.page.locator(".tab.active").textContent(), "sections");
    const row = w.page.locator(`tr.selected[data-key="${b.key}"]`);
    assert.ok(await row.isVisible(), `row of ${b.name} scrolled into view`);
    assert.equal(await row.locator("td").first().textContent(), b.name);
    // On the map: the section gets an element of its own, selected, with its title.
    const own = w.page.locator(`svg.buffer g.block.selected[data-key="${b.key}"]`);
    assert.equal(await own.count(), 1);
    assert.match(
      (await own.locator("title").textContent()) ?? "",
      new RegExp(`^${b.name.replace(".", "\\.")} `),
    );
    const posted = await w.posted();
    assert.deepEqual(posted.at(-1), {
      type: "reveal",
      object: "large.ro",
      target: { kind: "section", name: b.name },
    });
  });

  it("names the section under the pointer in the folded layer's tooltip", async () => {
    const { block: b, px } = sectionAt(bufferMap(load, 1000).blocks, 300);
    const box = (await w.page.locator("svg.buffer").boundingBox())!;
    await w.page.mouse.move(box.x + px, box.y + 30);
    const title = await w.page.locator("svg.buffer path.blocks.has-entry > title").textContent();
    assert.match(title ?? "", new RegExp(`^${b.name.replace(".", "\\.")} +AX\\nkbuf\\.mem \\+ 0x`));
  });

  it("selects a relocation by clicking its pixel column, and the table follows", async () => {
    const m = bufferMap(load, 1000);
    const passing = m.ticks.filter((t) => !t.failing);
    const target = passing.find((t) => t.x > 700)!;
    const column = Math.floor(target.x);
    const first = passing.find((t) => Math.floor(t.x) === column)!;
    const box = (await w.page.locator("svg.buffer").boundingBox())!;
    await w.page.mouse.click(box.x + column + 0.5, box.y + 14 + 36 + 5);
    assert.equal(await w.page.locator(".tab.active").textContent(), "relocations");
    const row = w.page.locator(`tr.selected[data-key="reloc:${first.index}"]`);
    assert.ok(await row.isVisible());
    assert.equal(
      await w.page.locator(`svg.buffer line.tick.selected[data-key="reloc:${first.index}"]`).count(),
      1,
    );
  });

  it("moves the selection with the keys, the map following, and reveals the source on Enter only", async () => {
    const grid = w.page.locator('[role="grid"]');
    const before = (await w.posted()).length;
    const selected = async () => w.page.locator("tbody tr.selected").getAttribute("data-key");
    const start = Number((await selected())!.slice("reloc:".length));
    await grid.focus();
    await w.page.keyboard.press("ArrowDown");
    assert.equal(await selected(), `reloc:${start + 1}`);
    assert.equal(await w.page.locator(`svg.buffer line.selected[data-key="reloc:${start + 1}"]`).count(), 1);
    await w.page.keyboard.press("ArrowUp");
    await w.page.keyboard.press("ArrowUp");
    assert.equal(await selected(), `reloc:${start - 1}`);
    await w.page.keyboard.press("End");
    const last = `reloc:${load.relocations.length - 1}`;
    assert.equal(await selected(), last);
    assert.ok(await w.page.locator(`tr[data-key="${last}"]`).isVisible());
    assert.equal(
      await grid.getAttribute("aria-activedescendant"),
      await w.page.locator(`tr[data-key="${last}"]`).getAttribute("id"),
    );
    await w.page.keyboard.press("PageUp");
    const paged = Number((await selected())!.slice("reloc:".length));
    assert.ok(paged < load.relocations.length - 5, `Page Up moved to ${paged}`);
    await w.page.keyboard.press("Home");
    assert.equal(await selected(), "reloc:0");
    assert.ok(await w.page.locator('tr[data-key="reloc:0"]').isVisible());
    assert.equal((await w.posted()).length, before, "moving does not open editors");
    await w.page.keyboard.press("Enter");
    const r = load.relocations[0]!;
    assert.deepEqual((await w.posted()).at(-1), {
      type: "reveal",
      object: "large.ro",
      target: { kind: "relocation", symbol: r.symbol, section: r.section, offset: r.offset },
    });
  });

  it("filters every row, not only the drawn ones, and keeps the selection when it matches", async () => {
    const needle = `.text.f${SECTIONS - 3}`;
    const expected = load.relocations
      .map((r, i) => ({ r, i }))
      .filter(({ r }) =>
        [`${r.section}+${r.offset}`, r.symbol].some((v) => v.toLowerCase().includes(needle)),
      );
    await w.page.fill("#filter", needle);
    const keys = await w.page
      .locator("tbody tr[data-key]")
      .evaluateAll((rs) => rs.map((r) => r.getAttribute("data-key")));
    assert.deepEqual(
      keys,
      expected.map(({ i }) => `reloc:${i}`),
    );
    assert.equal(
      await w.page.locator('[role="grid"]').getAttribute("aria-rowcount"),
      String(expected.length + 1),
    );
    await w.page.fill("#filter", "");
    assert.equal(
      await w.page.locator('[role="grid"]').getAttribute("aria-rowcount"),
      String(load.relocations.length + 1),
    );
    // The selection (reloc:0, from the keys) is still selected and in view.
    assert.ok(await w.page.locator('tr.selected[data-key="reloc:0"]').isVisible());
    assert.deepEqual(w.errors, []);
  });

  it("keeps the look of the folded layers (screenshot saved)", async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await w.page.screenshot({ path: join(ARTIFACTS, "section-map-large-dark.png") });
    const fill = await w.page
      .locator("svg.buffer path.blocks.has-entry")
      .evaluate((e) => getComputedStyle(e).fill);
    assert.equal(fill, "rgb(209, 134, 22)", "the theme's orange, as the separate blocks containing e_entry");
    const stroke = await w.page
      .locator("svg.buffer line.tick.failing")
      .evaluate((e) => getComputedStyle(e).stroke);
    assert.equal(stroke, "rgb(248, 81, 73)", "the theme's error colour");
  });
});

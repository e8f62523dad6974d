// The section map in headless Chromium, fed recorded simulation results of real objects.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { reportJson, type ReportContext, type ReportJson } from "../../server/src/core/report/json";
import { simulate } from "../../server/src/core/simulate";
import { reportText } from "../../server/src/lsp/report-text";
import { fixturePath, repoRoot } from "../helpers";
import { WebviewPage } from "./harness";

const ARTIFACTS = join(repoRoot, "test", "artifacts", "webview");

/** The text the language server answers with, for each report recorded below. */
const texts = new WeakMap<ReportJson, string>();

/** A simulation's report as objects (what the tests expect), its server text kept for state(). */
function recorded(
  path: string,
  kernel: string,
  ramSize?: bigint,
  loader?: { loader: "kexec-tools"; kexecTools?: string },
  context?: ReportContext,
): ReportJson {
  const r = simulate(readFileSync(path), { kernel, ramSize, ...loader });
  assert.ok(r.ok);
  const name = path.slice(repoRoot.length + 1);
  const report = reportJson(name, r.report, context);
  texts.set(report, reportText(name, r.report, context));
  return report;
}

const example = () =>
  recorded(join(repoRoot, "examples/linux/arch/x86/purgatory/purgatory.ro"), "6.8", 11n << 30n);
/** The panel's message, with the report as the server's text. */
const state = (report: ReportJson) => ({
  type: "state",
  objects: [{ uri: "file:///x/purgatory.ro", label: "purgatory.ro" }],
  object: "file:///x/purgatory.ro",
  controls: { kernel: "6.8", load: "", ram: "11G" },
  report: texts.get(report) ?? assert.fail("a report recorded with recorded()"),
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

describe("section map (LLVM 18 example, kernel 6.8, 11 GiB)", () => {
  let w: WebviewPage;
  const report = example();
  before(async () => {
    w = await WebviewPage.open("dark");
    await w.send(state(report));
    await w.page.waitForSelector("svg.buffer");
  });
  after(() => w.close());

  it("draws each allocated section as a block in buffer order, sized by bytes", async () => {
    const load = report.results[0]!;
    const boxes: (Box & { size: number })[] = [];
    for (const s of load.sections) {
      const box = await w.page.locator(`svg.buffer rect[data-key="section:${s.index}"]`).boundingBox();
      assert.ok(box, `block for ${s.name}`);
      boxes.push({ ...box, size: Number(BigInt(s.size)) });
    }
    const byOffset = [...load.sections]
      .map((s, i) => ({ s, b: boxes[i]! }))
      .sort((a, b) => Number(BigInt(a.s.offset) - BigInt(b.s.offset)));
    for (let i = 1; i < byOffset.length; i++)
      assert.ok(byOffset[i]!.b.x >= byOffset[i - 1]!.b.x, "left to right by offset");
    // Blocks above the minimum width are proportional to their sizes.
    const big = byOffset.filter((x) => x.b.width > 20);
    const ratio = big[0]!.b.width / big[0]!.b.size;
    for (const x of big)
      assert.ok(Math.abs(x.b.width / x.b.size - ratio) / ratio < 0.05, `${x.s.name} proportional`);
    for (const b of boxes) assert.ok(b.width >= 4, "tiny sections stay clickable");
  });

  it("puts each relocation tick at its offset within its section", async () => {
    const load = report.results[0]!;
    for (const [i, r] of load.relocations.entries()) {
      const s = load.sections.find((x) => x.name === r.section)!;
      const block = (await w.page.locator(`svg.buffer rect[data-key="section:${s.index}"]`).boundingBox())!;
      const tick = (await w.page.locator(`svg.buffer line[data-key="reloc:${i}"]`).boundingBox())!;
      const expected = block.x + (Number(BigInt(r.offset)) / Number(BigInt(s.size))) * (block.width + 1);
      assert.ok(
        Math.abs(tick.x - expected) <= 1.5,
        `${r.section}+${r.offset}: tick at ${tick.x}, expected ${expected}`,
      );
    }
  });

  it("marks both executable sections that contain the entry (the WARN) and the failing R_X86_64_32", async () => {
    const high = report.results.findIndex((r) => !r.ok);
    await w.page.evaluate((i) => {
      const api = window as unknown as { __state: Record<string, unknown> };
      api.__state = { ...api.__state, load: i };
    }, high);
    await w.send(state(report));
    const marks = await w.page
      .locator("svg.buffer .entry-mark")
      .evaluateAll((es) => es.map((e) => e.getAttribute("class")));
    assert.deepEqual(marks.sort(), ["entry-mark set", "entry-mark warned"]);
    const failing = w.page.locator("svg.buffer line.tick.failing");
    assert.equal(await failing.count(), 1);
    const stroke = await failing.evaluate((e) => getComputedStyle(e).stroke);
    assert.equal(stroke, "rgb(248, 81, 73)", "the theme's error colour");
  });

  it("shades the load window and ends it below 4 GiB", async () => {
    const win = (await w.page.locator("svg.address rect.window").boundingBox())!;
    const fourG = await w.page.locator("svg.address line.mark").nth(1).boundingBox();
    assert.ok(
      fourG && win.x + win.width <= fourG.x + 1,
      `window ends at ${win.x + win.width}, 4 GiB at ${fourG?.x}`,
    );
  });

  it("syncs selection both ways and asks the extension to reveal the source", async () => {
    await w.page.click('.tab[data-tab="relocations"]');
    const row = w.page.locator('tr[data-key="reloc:0"]');
    await row.click();
    assert.match(
      (await w.page.locator('svg.buffer line[data-key="reloc:0"]').getAttribute("class")) ?? "",
      /selected/,
    );
    let posted = await w.posted();
    assert.deepEqual(posted.at(-1), {
      type: "reveal",
      object: report.object,
      target: {
        kind: "relocation",
        symbol: report.results[0]!.relocations[0]!.symbol,
        section: report.results[0]!.relocations[0]!.section,
        offset: report.results[0]!.relocations[0]!.offset,
      },
    });
    const text = report.results[0]!.sections.find((s) => s.name === ".text")!;
    await w.page
      .locator(`svg.buffer rect[data-key="section:${text.index}"]`)
      .click({ position: { x: 3, y: 20 } });
    assert.match(
      (await w.page.locator(`tr[data-key="section:${text.index}"]`).getAttribute("class")) ?? "",
      /selected/,
    );
    posted = await w.posted();
    assert.deepEqual(posted.at(-1), {
      type: "reveal",
      object: report.object,
      target: { kind: "section", name: ".text" },
    });
  });

  it("re-simulates from the controls and keeps state for a reload", async () => {
    await w.page.locator("#load").evaluate((e) => ((e as HTMLInputElement).value = "0x100000"));
    await w.page.click("#simulate");
    const posted = await w.posted();
    assert.deepEqual(posted.at(-1), {
      type: "simulate",
      object: "file:///x/purgatory.ro",
      controls: { kernel: "6.8", load: "0x100000", ram: "11G" },
    });
    const saved = await w.page.evaluate(
      () => (window as unknown as { __state: { controls: unknown; selection: string } }).__state,
    );
    assert.deepEqual(saved.controls, { kernel: "6.8", load: "0x100000", ram: "11G" });
    assert.ok(saved.selection);
    assert.deepEqual(w.errors, []);
  });
});

describe("compare view", () => {
  /** name -> [left, right] of each row of the compare table at `n`, as drawn. */
  const rows = (w: WebviewPage, n: number) =>
    w.page.evaluate(
      (n) =>
        Object.fromEntries(
          [...document.querySelectorAll("table.compare")[n]!.querySelectorAll("tbody tr")].map((tr) => {
            const [name, left, right] = [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "");
            return [name, [left, right]];
          }),
        ),
      n,
    );
  const counts = (r: ReportJson) => {
    const m: Record<string, number> = {};
    for (const x of r.results[0]!.relocations) m[x.typeName] = (m[x.typeName] ?? 0) + 1;
    return m;
  };

  it("compares two objects' sections and relocation types from their report texts", async () => {
    const left = example();
    const right = recorded(fixturePath("x86_64", "obj", "clang16-hot.bfd.ro"), "6.8", 11n << 30n);
    const w = await WebviewPage.open("dark");
    try {
      await w.send(state(left));
      await w.page.waitForSelector("svg.buffer");
      await w.send({ type: "compare", left: texts.get(left), right: texts.get(right) });
      await w.page.waitForSelector(".compare-view");
      const [l, r] = [counts(left), counts(right)];
      const types = [...new Set([...Object.keys(l), ...Object.keys(r)])].sort();
      assert.ok(types.length > 1);
      assert.deepEqual(
        await rows(w, 1),
        Object.fromEntries(types.map((t) => [t, [String(l[t] ?? "—"), String(r[t] ?? "—")]])),
      );
      const sizes = await rows(w, 0);
      for (const s of left.results[0]!.sections)
        assert.equal(sizes[s.name]![0], String(Number(BigInt(s.size))));
      assert.ok(await w.page.locator(".compare-view tr.differs").count());
      assert.deepEqual(w.errors, []);
    } finally {
      await w.close();
    }
  });

  it("shows why one side has no report", async () => {
    const left = example();
    const w = await WebviewPage.open("dark");
    try {
      await w.send(state(left));
      await w.page.waitForSelector("svg.buffer");
      await w.send({ type: "compare", left: texts.get(left), right: { error: "other.ro is not built yet" } });
      await w.page.waitForSelector("p.error");
      assert.equal(await w.page.locator("p.error").textContent(), "other.ro is not built yet");
      assert.deepEqual(w.errors, []);
    } finally {
      await w.close();
    }
  });
});

describe("section map with hostile names", () => {
  it("renders markup and quotes in ELF names as text", async () => {
    const w = await WebviewPage.open("light");
    try {
      const report = recorded(fixturePath("edge", "obj", "hostile.ro"), "7.2");
      await w.send(state(report));
      await w.page.waitForSelector("svg.buffer");
      await w.page.click('.tab[data-tab="sections"]');
      const names = await w.page.locator("tbody tr td:first-child").allTextContents();
      assert.ok(names.includes("<img src=x onerror=alert(1)>"));
      assert.ok(names.includes(".data\"quoted'&amp;"));
      await w.page.click('.tab[data-tab="symbols"]');
      assert.ok(
        (await w.page.locator("tbody tr td:first-child").allTextContents()).includes(
          "<script>alert('sym')</script>",
        ),
      );
      assert.equal(await w.page.locator("#app img, #app script").count(), 0, "no element injected");
      assert.deepEqual(w.errors, []);
    } finally {
      await w.close();
    }
  });
});

describe("themes", () => {
  for (const theme of ["light", "dark", "high-contrast"]) {
    it(`renders readably in ${theme} (screenshot saved)`, async () => {
      const w = await WebviewPage.open(theme);
      try {
        // Show the failing placement (top of an 11 GiB machine): the red tick and the window end.
        const report = example();
        const failing = report.results.findIndex((r) => !r.ok);
        await w.page.evaluate(
          (i) => ((window as unknown as { __state: unknown }).__state = { load: i }),
          failing,
        );
        await w.send(state(report));
        await w.page.waitForSelector("svg.buffer");
        mkdirSync(ARTIFACTS, { recursive: true });
        await w.page.screenshot({ path: join(ARTIFACTS, `section-map-${theme}.png`), fullPage: true });
        const fg = await w.page.locator("body").evaluate((b) => getComputedStyle(b).color);
        const bg = await w.page.locator("body").evaluate((b) => getComputedStyle(b).backgroundColor);
        assert.notEqual(fg, bg);
        assert.deepEqual(w.errors, []);
      } finally {
        await w.close();
      }
    });
  }
});

describe("section map of the other architectures' purgatories", () => {
  const cases = [
    { arch: "s390x", object: fixturePath("s390x", "obj", "gcc12.ro"), kernel: "5.15" },
    { arch: "riscv64", object: fixturePath("riscv64", "obj", "gcc12.ro"), kernel: "6.10" },
  ];
  for (const c of cases) {
    it(`renders a ${c.arch} object with its architecture and loader`, async () => {
      const report = recorded(c.object, c.kernel);
      assert.equal(report.machine, c.arch);
      const w = await WebviewPage.open("light");
      try {
        await w.send({ ...state(report), controls: { kernel: c.kernel, load: "", ram: "" } });
        await w.page.waitForSelector("svg.buffer");
        for (const s of report.results[0]!.sections) {
          const box = await w.page.locator(`svg.buffer rect[data-key="section:${s.index}"]`).boundingBox();
          assert.ok(box && box.width > 0, `block for ${s.name}`);
        }
        const verdict = await w.page.locator(".verdict").first().textContent();
        assert.match(
          verdict ?? "",
          new RegExp(`${c.arch}, kexec_file_load, kernel ${c.kernel.replace(".", "\\.")}`),
        );
        assert.deepEqual(w.errors, []);
      } finally {
        await w.close();
      }
    });
  }
});

describe("section map of a kexec-tools report", () => {
  let w: WebviewPage;
  const report = recorded(
    join(repoRoot, "examples/linux/arch/x86/purgatory/purgatory.ro"),
    "7.2",
    64n << 30n,
    { loader: "kexec-tools", kexecTools: "2.0.32" },
  );
  const high = report.results.findIndex((r) => !r.ok && r.log.some((l) => l.text.includes("overflow")));
  before(async () => {
    assert.equal(report.loader, "kexec-tools 2.0.32");
    assert.ok(high >= 0, JSON.stringify(report.results.map((r) => r.log)));
    w = await WebviewPage.open("dark");
    await w.page.evaluate((i) => ((window as unknown as { __state: unknown }).__state = { load: i }), high);
    await w.send({ ...state(report), controls: { kernel: "", load: "", ram: "64G" } });
    await w.page.waitForSelector("svg.buffer");
  });
  after(() => w.close());

  it("names the loader and kexec-tools' buf_addr, never the kernel's kbuf.mem", async () => {
    const load = report.results[high]!;
    const verdict = (await w.page.locator(".verdict").first().textContent()) ?? "";
    assert.match(verdict, /x86_64, kexec-tools 2\.0\.32 \(kexec_load\)/);
    assert.ok(verdict.includes(`purgatory.ro at buf_addr ${load.mem}: fails`), verdict);
    assert.equal(await w.page.locator(".verdict .log-source").textContent(), "kexec stderr:");
    assert.match(
      (await w.page.locator(".verdict .log.err").first().textContent()) ?? "",
      /^overflow in relocation type R_X86_64_32 val [0-9a-f]+$/,
    );
    assert.equal(
      await w.page.locator("h3").first().textContent(),
      "Load buffer (buf_addr … buf_addr + memsz)",
    );
    assert.equal(await w.page.locator("svg.buffer text.axis").first().textContent(), `buf_addr ${load.mem}`);
    assert.equal(await w.page.locator("#load").getAttribute("aria-label"), "buf_addr");
    const everything = await w.page.evaluate(() => {
      const titles = [...document.querySelectorAll("title")].map((t) => t.textContent).join("\n");
      return `${document.body.innerText}\n${titles}`;
    });
    assert.ok(!everything.includes("kbuf.mem"), "no kbuf.mem anywhere, tooltips included");
    assert.ok(!everything.includes("kernel log"));
    assert.deepEqual(w.errors, []);
  });

  it("draws the sections and marks the failing R_X86_64_32", async () => {
    for (const s of report.results[high]!.sections) {
      const box = await w.page.locator(`svg.buffer rect[data-key="section:${s.index}"]`).boundingBox();
      assert.ok(box && box.width > 0, `block for ${s.name}`);
    }
    const failing = w.page.locator("svg.buffer line.tick.failing");
    assert.equal(await failing.count(), 1);
    assert.match((await failing.locator("title").textContent()) ?? "", /^R_X86_64_32 at \.ltext\+/);
  });

  it("says kbuf.mem and kernel log for the kernel's report of the same object", async () => {
    const kernel = recorded(
      join(repoRoot, "examples/linux/arch/x86/purgatory/purgatory.ro"),
      "7.2",
      64n << 30n,
    );
    const failing = kernel.results.findIndex((r) => !r.ok);
    await w.page.evaluate(
      (i) => ((window as unknown as { __state: unknown }).__state = { load: i }),
      failing,
    );
    await w.send({ ...state(kernel), controls: { kernel: "", load: "", ram: "64G" } });
    await w.page.waitForFunction(() => document.querySelector("h3")?.textContent?.includes("kbuf.mem"));
    assert.match(
      (await w.page.locator(".verdict").first().textContent()) ?? "",
      /kexec_file_load, kernel 7\.2/,
    );
    assert.equal(await w.page.locator(".verdict .log-source").textContent(), "kernel log:");
    assert.equal(await w.page.locator("#load").getAttribute("aria-label"), "kbuf.mem");
  });

  it("names where the modelled kernel release came from in the header", async () => {
    const report = recorded(
      join(repoRoot, "test/fixtures/trees/x86-6.8.6/arch/x86/purgatory/purgatory.ro"),
      "6.8.6",
      64n << 30n,
      undefined,
      { kernelSource: "Makefile" },
    );
    await w.send({ ...state(report), controls: { kernel: "", load: "", ram: "64G" } });
    await w.page.waitForFunction(() =>
      document.querySelector(".verdict")?.textContent?.includes("kernel 6.8.6 (from Makefile)"),
    );
    assert.match(
      (await w.page.locator(".verdict").first().textContent()) ?? "",
      /x86_64, kexec_file_load, kernel 6\.8\.6 \(from Makefile\) \(E2\)/,
    );
  });
});

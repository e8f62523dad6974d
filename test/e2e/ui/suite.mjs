// The UI suite: Playwright drives the workbench as a person would (explorer, Problems panel, hover,
// command palette, status bar, section map webview) on a copy of examples/linux, and saves a
// screenshot after each step.
// Selectors are VS Code 1.100.3's (code-server 4.100.3). Returns [{ name, ok, error }].
import { readFileSync } from "node:fs";
import { join } from "node:path";

const T = 30_000; // generous: the first start builds caches, and CI machines have 2 cores
const MAP_TITLE = "Section map: arch/x86/purgatory/purgatory.ro";
/** The example purgatory's allocated sections in buffer order, as the section map draws them. */
const SECTIONS = [".text", ".ltext", ".kexec-purgatory", ".data", ".rodata", ".lrodata", ".bss"];

/** Runs a command from the palette (F1) by its title, as a person types it. */
async function palette(page, title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ timeout: T });
  await input.fill(`>${title}`);
  await page
    .locator(".quick-input-list .monaco-list-row", { hasText: title })
    .first()
    .waitFor({ timeout: T });
  await page.keyboard.press("Enter");
}

const rowSelector = ".explorer-folders-view .monaco-list-row";

/** An explorer row by its exact name (compact folders are off in the test settings). */
const explorerRow = (page, name) =>
  page
    .locator(rowSelector, {
      has: page.locator(".label-name", { hasText: new RegExp(`^${name.replace(".", "\\.")}$`) }),
    })
    .first();

/** Opens a path from the explorer by clicking each folder, then the file. */
async function openFromExplorer(page, parts) {
  for (const p of parts.slice(0, -1)) {
    const row = explorerRow(page, p);
    if ((await row.getAttribute("aria-expanded", { timeout: T })) === "true") continue;
    // Two quick clicks on neighbouring rows can read as a double click and leave the folder shut:
    // expand it from the keyboard if the click did not.
    await row.click({ timeout: T });
    await page.waitForTimeout(300);
    if ((await row.getAttribute("aria-expanded")) !== "true") await page.keyboard.press("ArrowRight");
    await page
      .locator(`${rowSelector}[aria-expanded="true"]`, { hasText: p })
      .first()
      .waitFor({ timeout: T });
  }
  const file = parts.at(-1);
  await explorerRow(page, file).click({ timeout: T });
  await page.locator(".tabs-container .tab.active", { hasText: file }).waitFor({ timeout: T });
}

/** Scrolls the active editor to a 1-based line with the palette's ":line" form. */
async function goToLine(page, line) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input.input");
  await input.fill(`:${line}`);
  await page.keyboard.press("Enter");
}

async function until(get, what, timeoutMs = T) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await get();
    if (last.ok) return last.value;
    await new Promise((r) => globalThis.setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}; last seen:\n${last?.value}`);
}

export async function uiSuite(page, url, folder, artifacts) {
  const results = [];
  let n = 0;
  const step = async (name, fn) => {
    const shot = join(artifacts, `${String(++n).padStart(2, "0")}-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    try {
      const detail = await fn();
      results.push({ name: detail ? `${name}: ${detail}` : name, ok: true });
    } catch (e) {
      results.push({ name, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
    await page.screenshot({ path: shot }).catch(() => {});
    return results.at(-1).ok;
  };
  const cFile = readFileSync(join(folder, "arch/x86/purgatory/purgatory.c"), "utf8").split("\n");

  const opened = await step("workbench opens on the example tree", async () => {
    await page.goto(url);
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    await page
      .locator(".explorer-folders-view .monaco-list-row", { hasText: "arch" })
      .waitFor({ timeout: T });
    return await page.title();
  });
  if (!opened) return results; // nothing below can work without the workbench

  await step("open the Makefile from the explorer", async () => {
    await openFromExplorer(page, ["arch", "x86", "purgatory", "Makefile"]);
  });

  await step("Problems panel lists the purgatory diagnostics", async () => {
    await palette(page, "View: Focus Problems");
    const panel = page.locator(".markers-panel");
    const text = await until(async () => {
      const t = (await panel.innerText().catch(() => "")) ?? "";
      return { ok: /reloc-overflow/.test(t) && /entry-multiple-sections/.test(t), value: t };
    }, "reloc-overflow and entry-multiple-sections in the Problems panel");
    if (!/purgatory/.test(text) || !/Makefile/.test(text)) throw new Error(`unexpected Problems:\n${text}`);
    return text
      .split("\n")
      .find((l) => l.includes("reloc-overflow"))
      ?.trim();
  });

  await step("hover purgatory_sha_regions in purgatory.c", async () => {
    await openFromExplorer(page, ["arch", "x86", "purgatory", "purgatory.c"]);
    const line = cFile.findIndex((l) => l.includes("purgatory_sha_regions[")) + 1;
    await goToLine(page, line);
    const token = page.locator(".monaco-editor .view-lines span", { hasText: /^purgatory_sha_regions$/ });
    await token.first().hover({ timeout: T });
    const hover = page.locator(
      ".monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover .hover-contents",
    );
    const text = await until(async () => {
      const t = await hover
        .allInnerTexts()
        .then((a) => a.join("\n"))
        .catch(() => "");
      return { ok: /R_X86_64_32/.test(t) && /purgatory_sha_regions/.test(t), value: t };
    }, "the relocation table in the hover");
    return text
      .split("\n")
      .find((l) => l.includes("R_X86_64_32"))
      ?.trim();
  });

  await step("run Purgatory Lens: Re-simulate from the command palette", async () => {
    await page.keyboard.press("Escape");
    await palette(page, "Purgatory Lens: Re-simulate");
    // The server logs each run to the output channel; this one must name the command as its reason.
    await palette(page, "Purgatory Lens: Show Output");
    const out = page.locator(".output-view, .panel .monaco-editor .view-lines").first();
    return await until(async () => {
      // Monaco renders spaces as no-break spaces.
      const t = ((await out.innerText().catch(() => "")) ?? "").replace(/\u00a0/g, " ");
      const m = t.match(/run for [^\n]*command[^\n]*/);
      return { ok: Boolean(m), value: m?.[0] ?? t.slice(-500) };
    }, "a run for the command in the Purgatory Lens output");
  });

  await step("status bar shows the verdict", async () => {
    const item = page.locator(".statusbar-item", { hasText: /purgatory/ });
    return await until(async () => {
      const t = (
        (await item
          .first()
          .innerText()
          .catch(() => "")) ?? ""
      ).trim();
      const icon = await item
        .first()
        .locator(".codicon-error")
        .count()
        .catch(() => 0);
      return { ok: /purgatory: \d+ errors?/.test(t) && icon > 0, value: t };
    }, "$(error) purgatory: N errors in the status bar");
  });

  // The section map's HTML lives two iframes down: code-server's webview host, then our page.
  const map = page.frameLocator("iframe.webview").frameLocator("iframe#active-frame");

  await step("Show Section Map draws the example's purgatory", async () => {
    // With no editor open, revealing a source line below has to open one.
    await palette(page, "View: Close All Editors");
    await page.locator(".tabs-container .tab").first().waitFor({ state: "detached", timeout: T });
    await palette(page, "Purgatory Lens: Show Section Map");
    await page.locator(".tabs-container .tab", { hasText: MAP_TITLE }).waitFor({ timeout: T });
    const verdict = map.locator(".verdict");
    await verdict.waitFor({ timeout: T });
    // The first simulated load is the low one, where the example loads.
    const text = (await verdict.innerText()).replace(/\s+/g, " ");
    if (!/^purgatory\.ro at kbuf\.mem 0x[0-9a-f]+: loads — x86_64, kexec_file_load, kernel 7\.2 /.test(text))
      throw new Error(`unexpected verdict: ${text}`);
    const blocks = await map
      .locator("svg.buffer g.block:not(.gap) > title")
      .allTextContents()
      .then((titles) => titles.map((t) => t.split(/\s/)[0]));
    if (JSON.stringify(blocks) !== JSON.stringify(SECTIONS))
      throw new Error(`section blocks ${JSON.stringify(blocks)}, expected ${JSON.stringify(SECTIONS)}`);
    // The WARN's two executable sections holding e_entry: .text (set by the symbol) and .ltext.
    const marks = await map.locator("svg.buffer .entry-mark").count();
    if (marks !== 2) throw new Error(`${marks} entry marks, expected 2 (.text and .ltext)`);
    return text.split(" — ")[0];
  });

  await step("the high load marks the failing R_X86_64_32", async () => {
    // Pick the top-of-RAM placement in the load selector, as a person would.
    await map.locator("#which-load").click({ timeout: T });
    await map.locator("#which-load li.option", { hasText: /^\s*high 0x/ }).click({ timeout: T });
    const verdict = map.locator(".verdict.failed");
    await verdict.waitFor({ timeout: T });
    const text = await verdict.innerText();
    if (!/: fails \(relocations\)/.test(text) || !/kexec: Overflow in relocation type 10 value 0x/.test(text))
      throw new Error(`unexpected verdict:\n${text}`);
    const ticks = await map.locator("svg.buffer line.tick.failing").count();
    if (ticks !== 1) throw new Error(`${ticks} failing relocation ticks, expected 1`);
    const rows = await map.locator("tr.failing").allInnerTexts();
    if (
      rows.length !== 1 ||
      !/^\.ltext\+0xd\s+R_X86_64_32\s+purgatory_sha_regions\s.*\soverflow$/.test(rows[0])
    )
      throw new Error(`failing relocation rows: ${JSON.stringify(rows)}`);
    return rows[0].replace(/\s+/g, " ");
  });

  await step("clicking the failing relocation reveals its source line", async () => {
    await map.locator("tr.failing").first().click({ timeout: T });
    // The extension opens purgatory.c with the reference to purgatory_sha_regions selected.
    await page
      .locator(".tabs-container .tab.active", { hasText: "purgatory.c" })
      .waitFor({ timeout: T })
      .catch(async () => {
        const tabs = await page.locator(".tabs-container .tab").allInnerTexts();
        throw new Error(`no editor on purgatory.c opened; tabs: ${JSON.stringify(tabs)}`);
      });
    const selection = page.locator("#status\\.editor\\.selection");
    const status = await until(async () => {
      const t = ((await selection.innerText().catch(() => "")) ?? "").trim();
      return { ok: /\(21 selected\)/.test(t), value: t };
    }, 'the 21 characters of "purgatory_sha_regions" selected in purgatory.c');
    const line = Number(status.match(/Ln (\d+)/)?.[1]);
    if (!cFile[line - 1]?.includes("purgatory_sha_regions"))
      throw new Error(`${status}: line ${line} is "${cFile[line - 1]}"`);
    return `purgatory.c:${line}: ${cFile[line - 1].trim()}`;
  });

  await step("back on the map, the failing relocation is still selected", async () => {
    // The panel keeps no context while hidden: it redraws from its saved state when shown again.
    await page.locator(".tabs-container .tab", { hasText: MAP_TITLE }).click({ timeout: T });
    await map.locator(".verdict.failed").waitFor({ timeout: T });
    // Selection is synced between the table and the map: the row and its tick. (A tick is a vertical
    // line, which has no area, so Playwright never calls it visible: wait for it to be attached.)
    const row = map.locator("tr.failing.selected");
    await row.waitFor({ timeout: T });
    const key = await row.getAttribute("data-key");
    await map
      .locator(`svg.buffer line.tick.failing.selected[data-key="${key}"]`)
      .waitFor({ state: "attached", timeout: T });
    return key;
  });

  return results;
}

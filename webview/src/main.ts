// The section map: controls, the three bands, findings and tables. State lives in getState/setState
// so the panel survives being hidden and restores after a window reload.
import "@vscode-elements/elements/dist/vscode-button/index.js";
import "@vscode-elements/elements/dist/vscode-single-select/index.js";
import "@vscode-elements/elements/dist/vscode-option/index.js";
import "@vscode-elements/elements/dist/vscode-textfield/index.js";
import { parseSize } from "../../server/src/core/kexec/u64";
import type { MapControls, ReportJson, ToWebview } from "../../server/src/protocol";
import { compareView } from "./compare";
import { parseReport, readReport } from "./report";
import { count, el } from "./dom";
import { addressView, bufferView, fileView, type BandView } from "./map";
import { bufferBase, logName, type LoadJson } from "./model";
import { VirtualTable, type Column, type GridView, type Sort, type TableOptions } from "./table";
import { loadState, post, saveState, type MapState } from "./vscode-api";

interface Data {
  objects: { uri: string; label: string }[];
  object: string;
  report: ReportJson | { error: string } | undefined;
  compare?: HTMLElement;
}

const data: Data = { objects: [], object: "", report: undefined };
let state: MapState = loadState();
const sorts: Record<string, Sort | undefined> = {};
const app = document.getElementById("app")!;

const BASE_WIDTH = 1000;

function controls(): MapControls {
  return state.controls ?? { kernel: "", load: "", ram: "" };
}

type FieldElement = HTMLElement & { value: string };

function field(id: string, label: string, value: string, placeholder: string): HTMLElement {
  const f = el("vscode-textfield" as "input", {
    id,
    value,
    placeholder,
    "aria-label": label,
  }) as unknown as FieldElement;
  f.value = value;
  return el("label", { class: "control" }, el("span", {}, label), f);
}

function select(
  id: string,
  options: { value: string; label: string }[],
  value: string,
  onChange: (v: string) => void,
): HTMLElement {
  const s = el("vscode-single-select" as "select", { id }) as unknown as FieldElement;
  for (const o of options) {
    const opt = el("vscode-option" as "option", { value: o.value }, o.label);
    if (o.value === value) opt.setAttribute("selected", "");
    s.append(opt);
  }
  s.addEventListener("change", () => onChange(s.value));
  return s;
}

function readControls(): MapControls {
  const v = (id: string) => ((document.getElementById(id) as FieldElement | null)?.value ?? "").trim();
  return { kernel: v("kernel"), load: v("load"), ram: v("ram") };
}

function simulate(patch: Partial<MapControls> = {}): void {
  const c = { ...readControls(), ...patch };
  state = saveState({ controls: c, load: c.load ? 0 : state.load });
  post({ type: "simulate", object: data.object, controls: c });
}

function toolbar(report: ReportJson | undefined): HTMLElement {
  const c = controls();
  const button = el("vscode-button" as "button", { id: "simulate" }, "Simulate");
  button.addEventListener("click", () => simulate());
  const zoomIn = el("vscode-button" as "button", { id: "zoom-in", secondary: "", title: "zoom in" }, "+");
  const zoomOut = el("vscode-button" as "button", { id: "zoom-out", secondary: "", title: "zoom out" }, "−");
  zoomIn.addEventListener("click", () => zoom(1.5));
  zoomOut.addEventListener("click", () => zoom(1 / 1.5));
  const parts: (HTMLElement | null)[] = [
    data.objects.length > 1
      ? select(
          "object",
          data.objects.map((o) => ({ value: o.uri, label: o.label })),
          data.object,
          (v) => {
            data.object = v;
            state = saveState({ object: v, selection: undefined });
            post({ type: "simulate", object: v, controls: readControls() });
          },
        )
      : null,
    field("kernel", "kernel", c.kernel, report?.kernel ?? "7.2"),
    field("load", report ? bufferBase(report) : "kbuf.mem", c.load, "default placements"),
    field("ram", "RAM", c.ram, "64G"),
    button,
    report && report.results.length > 1
      ? select(
          "which-load",
          report.results.map((r, i) => ({ value: String(i), label: `${r.label} ${r.mem}` })),
          String(state.load ?? 0),
          (v) => {
            state = saveState({ load: Number(v) });
            render();
          },
        )
      : null,
    zoomOut,
    zoomIn,
    data.objects.length > 1 ? compareControl() : null,
  ];
  return el("div", { class: "toolbar" }, ...parts);
}

/** Compare the shown object with another one of the workspace (e.g. the LLVM 17 and 18 builds). */
function compareControl(): HTMLElement {
  const others = data.objects.filter((o) => o.uri !== data.object);
  let other = others[0]?.uri ?? "";
  const pick = select(
    "compare-with",
    others.map((o) => ({ value: o.uri, label: o.label })),
    other,
    (v) => (other = v),
  );
  const go = el("vscode-button" as "button", { id: "compare", secondary: "" }, "Compare");
  go.addEventListener("click", () => post({ type: "compare", left: data.object, right: other }));
  return el("span", { class: "control compare-control" }, pick, go);
}

function zoom(factor: number): void {
  state = saveState({ zoom: Math.max(0.5, Math.min(64, (state.zoom ?? 1) * factor)) });
  render();
}

/** Findings longer than this show their start and a button for the rest. */
const LONG_FINDING = 400;

/**
 * A finding's title as text. A title naming thousands of sections (tens of thousands of characters)
 * is cut, with a button that shows it all: laying it all out would cost more than the whole map.
 */
function findingTitle(title: string): (Node | string)[] {
  if (title.length <= LONG_FINDING) return [title];
  const text = document.createTextNode(title.slice(0, LONG_FINDING) + "…");
  const more = el("button", { class: "more", type: "button" }, `show all ${count(title.length)} characters`);
  more.addEventListener("click", () => {
    text.textContent = title;
    more.remove();
  });
  return [text, " ", more];
}

function findingsList(report: ReportJson): HTMLElement {
  if (report.findings.length === 0) return el("p", { class: "verdict ok" }, "No findings.");
  return el(
    "ul",
    { class: "findings" },
    ...report.findings.map((f) =>
      el(
        "li",
        { class: f.severity },
        el("strong", {}, `${f.severity}: `),
        ...findingTitle(f.title),
        el("span", { class: "rule" }, ` [${f.id}]`),
      ),
    ),
  );
}

/** "riscv64, kexec_file_load, kernel 6.10": which architecture's loader ran, and which loader. */
function simulatedBy(report: ReportJson): string {
  const how = report.loader === "kernel" ? "kexec_file_load" : `${report.loader} (kexec_load)`;
  return report.loader === "kernel"
    ? `${report.machine}, ${how}, kernel ${report.kernel}${report.kernelSource ? ` (${kernelFrom(report.kernelSource)})` : ""}`
    : `${report.machine}, ${how}`;
}

/** Where the modelled release came from, as the editor's status and hovers say it. */
function kernelFrom(source: string): string {
  if (source === "default") return "newest modelled, no kernel tree found";
  if (source === "setting") return "from purgatoryLens.kernelVersion";
  return `from ${source}`;
}

function verdict(report: ReportJson, load: LoadJson): HTMLElement {
  const text = load.ok
    ? load.entryOk === false
      ? "loads, but image->start is wrong"
      : "loads"
    : `fails (${load.failedAt})`;
  return el(
    "div",
    { class: `verdict ${load.ok && load.entryOk !== false ? "ok" : "failed"}` },
    el("strong", {}, `${report.object.split("/").pop()} at ${bufferBase(report)} ${load.mem}: ${text}`),
    ` — ${simulatedBy(report)} (${report.era}), bufsz ${load.bufsz}, memsz ${load.memsz}, buf_align ${load.bufAlign}, image->start ${load.imageStart ?? "–"}`,
    load.log.length > 0 ? el("div", { class: "log-source" }, `${logName(report)}:`) : null,
    ...load.log.map((l) => el("div", { class: `log ${l.level}` }, l.text)),
  );
}

type Reloc = LoadJson["relocations"][number];
type Section = LoadJson["sections"][number];
type Sym = ReportJson["symbols"][number];

/** The drawn views that show the selection: the two bands and the table of the active tab. */
const views: { bands: BandView[]; table: GridView | undefined } = { bands: [], table: undefined };

function tables(report: ReportJson, load: LoadJson): HTMLElement {
  const tab = state.tab ?? "relocations";
  const tabs = el(
    "div",
    { class: "tabs", role: "tablist" },
    ...["sections", "relocations", "symbols"].map((t) => {
      const b = el(
        "button",
        {
          class: t === tab ? "tab active" : "tab",
          role: "tab",
          "aria-selected": String(t === tab),
          "data-tab": t,
        },
        t,
      );
      b.addEventListener("click", () => {
        state = saveState({ tab: t });
        showTables(report, load);
      });
      return b;
    }),
  );
  const filter = el("input", {
    id: "filter",
    type: "search",
    placeholder: "filter",
    "aria-label": `filter ${tab}`,
    value: state.filter ?? "",
  });
  filter.addEventListener("input", () => {
    state = saveState({ filter: filter.value });
    views.table?.setFilter(filter.value);
  });
  const options = <T>(label: string): TableOptions<T> => ({
    label,
    filter: state.filter ?? "",
    sort: sorts[tab],
    selected: state.selection,
    onSort: (sort) => (sorts[tab] = sort),
    onSelect: (key, how) => onSelect(key, report, load, "table", how === "activate"),
  });
  let t: VirtualTable<Section> | VirtualTable<Sym> | VirtualTable<Reloc>;
  if (tab === "sections") {
    const cols: Column<Section>[] = [
      { title: "name", value: (s) => s.name },
      { title: "flags", value: (s) => s.flags },
      { title: "align", value: (s) => s.align, numeric: true },
      { title: "file offset", value: (s) => s.fileOffset, numeric: true },
      {
        title: "buffer offset",
        value: (s) => (s.type === "NOBITS" ? "(bss) " : "") + s.offset,
        numeric: true,
      },
      { title: "address", value: (s) => s.addr, numeric: true },
      { title: "size", value: (s) => s.size, numeric: true },
    ];
    t = new VirtualTable(load.sections, cols, (s) => `section:${s.index}`, options("sections"));
  } else if (tab === "symbols") {
    const cols: Column<Sym>[] = [
      { title: "name", value: (s) => s.name },
      { title: "section", value: (s) => s.section },
      { title: "value", value: (s) => s.value, numeric: true },
      { title: "size", value: (s) => s.size, numeric: true },
      { title: "bind", value: (s) => s.bind },
      { title: "type", value: (s) => s.type },
    ];
    t = new VirtualTable(report.symbols, cols, (s) => `symbol:${s.name}`, options("symbols"));
  } else {
    const cols: Column<Reloc>[] = [
      { title: "site", value: (r) => `${r.section}+${r.offset}` },
      { title: "type", value: (r) => r.typeName },
      { title: "symbol", value: (r) => r.symbol },
      { title: "S", value: (r) => r.S ?? "–", numeric: true },
      { title: "A", value: (r) => r.A, numeric: true },
      { title: "P", value: (r) => r.P, numeric: true },
      { title: "stored", value: (r) => r.stored ?? "–", numeric: true },
      { title: "status", value: (r) => r.status + (r.reached ? "" : " (not reached)") },
    ];
    t = new VirtualTable(load.relocations, cols, (_, i) => `reloc:${i}`, {
      ...options<Reloc>("relocations"),
      rowClass: (r) => (r.status === "ok" ? "" : "failing"),
      indexOf: (key) => {
        const i = key.startsWith("reloc:") ? Number(key.slice("reloc:".length)) : NaN;
        return Number.isInteger(i) && i >= 0 && i < load.relocations.length ? i : undefined;
      },
    });
  }
  views.table = t;
  return el("section", { class: "tables" }, el("div", { class: "table-bar" }, tabs, filter), t.element);
}

/** Redraws only the tables (another tab), keeping the maps as they are. */
function showTables(report: ReportJson, load: LoadJson): void {
  const old = document.querySelector("section.tables");
  if (!old) return;
  old.replaceWith(tables(report, load));
  views.table?.select(state.selection, true);
  idle(() => views.table?.prepare());
}

/** Runs `f` when the page has nothing else to do (after the frame being drawn). */
function idle(f: () => void): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(f, { timeout: 1000 });
  else setTimeout(f, 50);
}

/** Shows the selected key on the bands and in the table; `reveal` scrolls each to it. */
function highlight(reveal: { map: boolean; table: boolean } = { map: false, table: false }): void {
  for (const band of views.bands) {
    const e = band.select(state.selection);
    if (reveal.map) e?.scrollIntoView({ block: "nearest", inline: "center" });
  }
  views.table?.select(state.selection, reveal.table);
}

/**
 * A key chosen on the map or in the table: both show it, and the extension reveals its source
 * (except while the keyboard walks the table, which would take the focus away at every row).
 */
function onSelect(
  key: string,
  report: ReportJson,
  load: LoadJson,
  from: "map" | "table",
  reveal = true,
): void {
  state = saveState({ selection: key });
  const [kind, rest] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
  if (from === "map") {
    const tab = kind === "reloc" ? "relocations" : kind === "symbol" ? "symbols" : "sections";
    if (kind !== "gap" && state.tab !== tab && !(state.tab === undefined && tab === "relocations")) {
      state = saveState({ tab });
      showTables(report, load);
    }
  }
  highlight({ map: from === "table", table: from === "map" });
  if (!reveal) return;
  // Links back to the code.
  if (kind === "section") {
    const s = load.sections.find((x) => String(x.index) === rest);
    if (s) post({ type: "reveal", object: report.object, target: { kind: "section", name: s.name } });
  } else if (kind === "reloc") {
    const r = load.relocations[Number(rest)];
    if (r)
      post({
        type: "reveal",
        object: report.object,
        target: { kind: "relocation", symbol: r.symbol, section: r.section, offset: r.offset },
      });
  } else if (kind === "symbol") {
    post({ type: "reveal", object: report.object, target: { kind: "symbol", name: rest } });
  }
}

function render(): void {
  views.bands = [];
  views.table = undefined;
  const report = data.report;
  if (!report) {
    app.replaceChildren(el("p", {}, "Waiting for a simulation…"));
    return;
  }
  if ("error" in report) {
    app.replaceChildren(toolbar(undefined), el("p", { class: "error" }, report.error));
    return;
  }
  const load = report.results[Math.min(state.load ?? 0, report.results.length - 1)];
  if (!load) {
    app.replaceChildren(toolbar(report), el("p", { class: "error" }, "No load address could be simulated."));
    return;
  }
  const width = Math.round(BASE_WIDTH * (state.zoom ?? 1));
  // A PC remaps the RAM hidden by the PCI hole (3-4 GiB) above 4 GiB, so the top address is one GiB
  // higher than the RAM size; never draw the band shorter than the highest simulated load.
  const ram = parseSize(controls().ram || "64G") ?? 64n << 30n;
  const top = ram > 3n << 30n ? ram + (1n << 30n) : ram;
  const highest = report.results.reduce(
    (m, r) => (BigInt(r.mem) + BigInt(r.memsz) > m ? BigInt(r.mem) + BigInt(r.memsz) : m),
    0n,
  );
  const ramTop = top >= highest ? top : highest;
  const pick = (key: string) => onSelect(key, report, load, "map");
  const buffer = bufferView(load, width, bufferBase(report), pick);
  const file = fileView(report, width, pick);
  views.bands = [buffer, file];
  const maps = el(
    "section",
    { class: "maps" },
    el("h3", {}, `Load buffer (${bufferBase(report)} … ${bufferBase(report)} + memsz)`),
    el("div", { class: "scroll" }, buffer.element),
    el("h3", {}, "Object file (by file offset)"),
    el("div", { class: "scroll" }, file.element),
    el("h3", {}, "Physical address space (log scale) and load windows"),
    addressView(report, load, ramTop, BASE_WIDTH, (addr) => {
      const align = BigInt(load.bufAlign);
      simulate({ load: "0x" + ((addr / align) * align).toString(16) });
    }),
  );
  maps.addEventListener("click", (e) => {
    const key = (e.target as Element).closest("[data-key]")?.getAttribute("data-key");
    if (key && !key.startsWith("gap:")) pick(key);
  });
  app.replaceChildren(
    toolbar(report),
    verdict(report, load),
    findingsList(report),
    maps,
    tables(report, load),
    data.compare ?? el("div", {}),
  );
  // A restored selection (after a reload) is scrolled into view in the table.
  highlight({ map: false, table: true });
  idle(() => views.table?.prepare());
}

window.addEventListener("message", (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  if (m.type === "state") {
    data.objects = m.objects;
    data.object = m.object;
    data.report = readReport(m.report);
    state = saveState({ object: m.object, controls: state.controls ?? m.controls });
    render();
  } else if (m.type === "compare") {
    data.compare = compareView(parseReport(m.left), parseReport(m.right));
    render();
  }
});

render();
post({ type: "ready" });

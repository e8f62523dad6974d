// The SVG views: the load buffer band, the object's file layout, and the physical address space with
// the load windows. Every drawn item carries data-key so a click selects its table row and vice
// versa. With thousands of sections or relocations, the blocks and ticks fold into a few paths
// (layers.ts) whose clicks are mapped back to the item under the pointer, and a selected item gets
// an element of its own drawn on top.
import { count, hex, svg, tip } from "./dom";
import {
  BLOCKS_AS_PATH,
  blocksPath,
  MARKS_AS_ELEMENTS,
  columnsPath,
  FAILING_AS_ELEMENTS,
  spanAt,
  tickAt,
  tickColumns,
  TICKS_AS_PATH,
  type Span,
} from "./layers";
import { addrAt, bufferBase, bufferMap, fileMap, logX, type Block, type LoadJson, type Tick } from "./model";
import type { ReportJson } from "../../server/src/protocol";

const BAND = 36;

/** A band of the map: its SVG, and how to show a selection on it. */
export interface BandView {
  element: SVGElement;
  /**
   * Marks the elements carrying `key` selected. An item folded into a path gets an element of its
   * own on top, so the selection is always visible and has its title; returns that element.
   */
  select(key: string | undefined): Element | undefined;
}

/** From a pointer event to the band's own x (the SVG may be drawn scaled). */
function bandX(root: SVGElement, width: number, e: MouseEvent): number {
  const box = root.getBoundingClientRect();
  return (e.clientX - box.left) * (width / (box.width || width));
}

/**
 * The selection machinery shared by the bands: `overlay` holds the elements drawn for selected items
 * that have none of their own; `draw` makes one for a key (or undefined for keys of other bands).
 */
function selectable(root: SVGElement, draw: (key: string) => SVGElement | undefined): BandView["select"] {
  const overlay = svg("g", { class: "overlay" });
  root.append(overlay);
  return (key) => {
    for (const e of root.querySelectorAll(".selected")) e.classList.remove("selected");
    overlay.replaceChildren();
    if (key === undefined) return undefined;
    let found = [...root.querySelectorAll(`[data-key="${CSS.escape(key)}"]`)];
    if (found.length === 0) {
      const drawn = draw(key);
      if (!drawn) return undefined;
      overlay.append(drawn);
      found = [drawn, ...drawn.querySelectorAll(`[data-key="${CSS.escape(key)}"]`)];
    }
    for (const e of found) e.classList.add("selected");
    return found[0];
  };
}

/**
 * A band's blocks as paths, one per layer (the class of the blocks' look: "section", "gap"...), with
 * a title that names the block under the pointer, and clicks mapped back to the block's key. Blocks
 * whose `layer` is undefined are left to the caller, which draws them as elements.
 */
function blockLayers<B extends Span & { key: string; kind: string }>(
  root: SVGElement,
  blocks: readonly B[],
  layer: (b: B) => string | undefined,
  y: number,
  width: number,
  describe: (b: B) => string,
  pick: (key: string) => void,
): void {
  const layers = new Map<string, B[]>();
  for (const b of blocks) {
    const l = layer(b);
    if (l === undefined) continue;
    const list = layers.get(l);
    if (list) list.push(b);
    else layers.set(l, [b]);
  }
  const at = (e: MouseEvent) => spanAt(blocks, bandX(root, width, e));
  for (const [l, spans] of layers) {
    const what = l === "gap" ? "gaps" : "sections";
    const title = tip(`${count(spans.length)} ${what}`);
    const path = svg("path", { class: `blocks ${l}`, d: blocksPath(spans, y, BAND) }, title);
    let shown = -1;
    path.addEventListener("mousemove", (e) => {
      const i = at(e);
      if (i === shown || i < 0) return;
      shown = i;
      title.textContent = describe(blocks[i]!);
    });
    path.addEventListener("click", (e) => {
      const b = blocks[at(e)];
      if (b && b.kind !== "gap") pick(b.key);
    });
    root.append(path);
  }
}

/** The load buffer; `base` names its start as the loader does (`kbuf.mem`, kexec-tools' `buf_addr`). */
export function bufferView(
  load: LoadJson,
  width: number,
  base = "kbuf.mem",
  pick: (key: string) => void = () => {},
): BandView {
  const m = bufferMap(load, width);
  const passing: Tick[] = [];
  const failing: Tick[] = [];
  for (const t of m.ticks) (t.failing ? failing : passing).push(t);
  const root = svg("svg", {
    class: "band buffer",
    width,
    height: BAND + 40,
    viewBox: `0 0 ${width} ${BAND + 40}`,
    role: "img",
    "aria-label": `load buffer: ${m.blocks.filter((b) => b.kind !== "gap").length} sections, ${m.ticks.length} relocation sites, ${failing.length} failing`,
  });
  const describe = (b: Block) => {
    const entry = b.entry ? ` — contains e_entry (${b.entry})` : "";
    return `${b.name}  ${b.flags ?? ""}\n${base} + ${hex(b.offset)}, ${b.size} bytes${entry}`;
  };
  const blockElement = (b: Block) => {
    const g = svg("g", { class: `block ${b.kind}${b.entry ? " has-entry" : ""}`, "data-key": b.key });
    g.append(svg("rect", { x: b.x, y: 14, width: Math.max(1, b.w - 1), height: BAND, "data-key": b.key }));
    if (b.kind !== "gap" && b.w > 40)
      g.append(svg("text", { x: b.x + 3, y: 14 + BAND / 2 + 4, class: "label" }, b.name));
    g.append(tip(describe(b)));
    if (b.entry) {
      // The WARN's sections: each executable section containing e_entry gets a marker on top.
      g.append(
        svg("path", { class: `entry-mark ${b.entry}`, d: `M${b.x + 2} 2 l8 0 l-4 8 z`, "data-key": b.key }),
      );
    }
    return g;
  };
  // Up to BLOCKS_AS_PATH blocks, one element each; beyond, paths, and elements only for the blocks
  // wide enough for a label and those marked for containing e_entry -- unless thousands share one
  // mark (every executable section of a relocatable object at address 0 contains an e_entry of 0).
  const folded = m.blocks.length > BLOCKS_AS_PATH;
  const marks = new Map<string, number>();
  for (const b of m.blocks) if (b.entry) marks.set(b.entry, (marks.get(b.entry) ?? 0) + 1);
  const ownMark = (b: Block) => b.entry !== undefined && marks.get(b.entry)! <= MARKS_AS_ELEMENTS;
  const own = (b: Block) => !folded || ownMark(b) || (b.kind !== "gap" && b.w > 40);
  if (folded) {
    const layer = (b: Block) => (own(b) ? undefined : b.entry ? "has-entry" : b.kind);
    blockLayers(root, m.blocks, layer, 14, width, describe, pick);
    for (const [effect] of marks) {
      const many = m.blocks.filter((b) => b.entry === effect && !own(b));
      if (many.length === 0) continue;
      const { columns } = tickColumns(
        many.map((b) => b.x),
        width,
      );
      const d = [...columns].map((c) => `M${c + 2} 2l8 0l-4 8z`).join("");
      root.append(
        svg(
          "path",
          { class: `entry-mark ${effect} many`, d },
          tip(`${count(many.length)} executable sections contain e_entry (${effect})`),
        ),
      );
    }
  }
  for (const b of m.blocks) if (own(b)) root.append(blockElement(b));

  const y1 = 14 + BAND;
  const tickElement = (t: Tick) => {
    const r = t.relocation;
    return svg(
      "line",
      {
        class: `tick${t.failing ? " failing" : ""}`,
        x1: t.x,
        x2: t.x,
        y1,
        y2: y1 + 10,
        "data-key": `reloc:${t.index}`,
      },
      tip(`${r.typeName} at ${r.section}+${r.offset} → ${r.symbol}: ${r.status}`),
    );
  };
  const tickPath = (ticks: Tick[], cls: string, what: string) => {
    const columns = tickColumns(
      ticks.map((t) => t.x),
      width,
    );
    const path = svg(
      "path",
      { class: cls, d: columnsPath(columns, y1, 10) },
      tip(
        `${count(ticks.length)} ${what} in ${count(columns.columns.length)} pixel columns: click one to select its first relocation, or zoom in`,
      ),
    );
    path.addEventListener("click", (e) => {
      const i = tickAt(columns, bandX(root, width, e));
      if (i >= 0) pick(`reloc:${ticks[i]!.index}`);
    });
    root.append(path);
  };
  // Passing ticks fold into pixel columns above TICKS_AS_PATH; failing ones are drawn after them
  // (on top), one element each while there are few.
  if (m.ticks.length > TICKS_AS_PATH) tickPath(passing, "tick many", "relocation sites");
  else for (const t of passing) root.append(tickElement(t));
  if (failing.length > FAILING_AS_ELEMENTS) tickPath(failing, "tick failing many", "failing relocations");
  else for (const t of failing) root.append(tickElement(t));

  if (m.entryX !== undefined) {
    root.append(
      svg(
        "line",
        { class: "entry", x1: m.entryX, x2: m.entryX, y1: 10, y2: 14 + BAND + 4 },
        tip(`image->start ${load.imageStart}`),
      ),
    );
  }
  root.append(svg("text", { x: 0, y: BAND + 38, class: "axis" }, `${base} ${load.mem}`));
  root.append(svg("text", { x: width, y: BAND + 38, class: "axis end" }, `+ memsz ${load.memsz}`));
  const blockOf = new Map(m.blocks.map((b) => [b.key, b]));
  const select = selectable(root, (key) => {
    if (key.startsWith("reloc:")) {
      const t = tickOf(m.ticks, Number(key.slice("reloc:".length)));
      return t ? tickElement(t) : undefined;
    }
    const b = blockOf.get(key);
    return b ? blockElement(b) : undefined;
  });
  return { element: root, select };
}

/** The tick of relocation `index` (ticks are sorted by index; relocations in no block have none). */
function tickOf(ticks: readonly Tick[], index: number): Tick | undefined {
  let lo = 0;
  let hi = ticks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = ticks[mid]!;
    if (t.index < index) lo = mid + 1;
    else if (t.index > index) hi = mid - 1;
    else return t;
  }
  return undefined;
}

export function fileView(
  report: ReportJson,
  width: number,
  pick: (key: string) => void = () => {},
): BandView {
  const blocks = fileMap(report, width);
  const root = svg("svg", {
    class: "band file",
    width,
    height: BAND + 24,
    viewBox: `0 0 ${width} ${BAND + 24}`,
    role: "img",
    "aria-label": `object file layout: ${blocks.length} sections with file contents`,
  });
  type FB = (typeof blocks)[number];
  const describe = (b: FB) =>
    `${b.name}: file offset ${hex(b.offset)}, ${b.size} bytes${b.alloc ? "" : " (not loaded)"}`;
  const blockElement = (b: FB) =>
    svg(
      "g",
      { class: `block ${b.kind}`, "data-key": b.key },
      svg("rect", { x: b.x, y: 4, width: Math.max(1, b.w - 1), height: BAND, "data-key": b.key }),
      b.w > 40 ? svg("text", { x: b.x + 3, y: 4 + BAND / 2 + 4, class: "label" }, b.name) : null,
      tip(describe(b)),
    );
  const folded = blocks.length > BLOCKS_AS_PATH;
  const own = (b: FB) => !folded || b.w > 40;
  if (folded) blockLayers(root, blocks, (b) => (own(b) ? undefined : b.kind), 4, width, describe, pick);
  for (const b of blocks) if (own(b)) root.append(blockElement(b));
  root.append(svg("text", { x: 0, y: BAND + 20, class: "axis" }, "file offset 0"));
  root.append(svg("text", { x: width, y: BAND + 20, class: "axis end" }, `${hex(report.fileSize)}`));
  const blockOf = new Map(blocks.map((b) => [b.key, b]));
  const select = selectable(root, (key) => {
    const b = blockOf.get(key);
    return b ? blockElement(b) : undefined;
  });
  return { element: root, select };
}

/**
 * The physical address space on a log scale up to the top of RAM: the load windows shaded, every
 * simulated load marked (the shown one emphasised), and 2 GiB / 4 GiB drawn. Clicking picks the load
 * address (kbuf.mem, or kexec-tools' buf_addr).
 */
export function addressView(
  report: ReportJson,
  shown: LoadJson,
  top: bigint,
  width: number,
  pick: (addr: bigint) => void,
): SVGElement {
  const base = bufferBase(report);
  const root = svg("svg", {
    class: "band address",
    width,
    height: 64,
    viewBox: `0 0 ${width} 64`,
    role: "img",
    "aria-label": "physical address space",
  });
  root.append(
    svg("rect", { class: "ram", x: 0, y: 14, width, height: 22 }, tip(`physical memory up to ${hex(top)}`)),
  );
  for (const w of report.loadWindows) {
    const from = BigInt(w.from);
    if (from > top) continue;
    const to = BigInt(w.to) < top ? BigInt(w.to) : top;
    const x1 = logX(from, top, width);
    const x2 = logX(to, top, width);
    root.append(
      svg(
        "rect",
        { class: "window", x: x1, y: 14, width: Math.max(2, x2 - x1), height: 22 },
        tip(`every relocation fits for ${base} ${w.from} – ${w.to}`),
      ),
    );
  }
  for (const [label, at] of [
    ["2 GiB", 1n << 31n],
    ["4 GiB", 1n << 32n],
  ] as const) {
    if (at >= top) continue;
    const x = logX(at, top, width);
    root.append(svg("line", { class: "mark", x1: x, x2: x, y1: 10, y2: 40 }));
    root.append(svg("text", { class: "axis", x: x + 2, y: 10 }, label));
  }
  for (const r of report.results) {
    const x = logX(BigInt(r.mem), top, width);
    const cls = `load${r === shown ? " shown" : ""}${r.ok ? "" : " failing"}`;
    root.append(
      svg(
        "path",
        { class: cls, d: `M${x} 38 l-5 9 l10 0 z` },
        tip(`${r.label}: ${base} ${r.mem} — ${r.ok ? "loads" : `fails (${r.failedAt})`}`),
      ),
    );
  }
  root.append(svg("text", { class: "axis", x: 0, y: 62 }, "4 KiB"));
  root.append(svg("text", { class: "axis end", x: width, y: 62 }, `${hex(top)} (top of RAM)`));
  root.addEventListener("click", (e) => {
    const box = (root as unknown as SVGSVGElement).getBoundingClientRect();
    pick(addrAt(((e as MouseEvent).clientX - box.left) * (width / box.width), top, width));
  });
  return root;
}

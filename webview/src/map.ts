// The SVG views: the load buffer band, the object's file layout, and the physical address space with
// the load windows. Every element carries data-key so a click selects its table row and vice versa.
import { hex, svg, tip } from "./dom";
import { addrAt, bufferBase, bufferMap, fileMap, logX, type LoadJson } from "./model";
import type { ReportJson } from "../../server/src/protocol";

const BAND = 36;

/** Above this many relocations, passing ticks are drawn as one path (one DOM node, not 50,000). */
export const TICKS_AS_PATH = 2000;
/** Above this many blocks, blocks get no individual tooltip. */
export const TIPS_UP_TO = 1000;

/** The load buffer; `base` names its start as the loader does (`kbuf.mem`, kexec-tools' `buf_addr`). */
export function bufferView(load: LoadJson, width: number, selected?: string, base = "kbuf.mem"): SVGElement {
  const m = bufferMap(load, width);
  const root = svg("svg", {
    class: "band buffer",
    width,
    height: BAND + 40,
    viewBox: `0 0 ${width} ${BAND + 40}`,
    role: "img",
    "aria-label": "load buffer",
  });
  // Native tooltips cost a DOM node each: with thousands of sections the tables carry the details.
  const tips = m.blocks.length <= TIPS_UP_TO;
  for (const b of m.blocks) {
    const g = svg("g", { class: `block ${b.kind}${b.entry ? " has-entry" : ""}`, "data-key": b.key });
    g.append(svg("rect", { x: b.x, y: 14, width: Math.max(1, b.w - 1), height: BAND, "data-key": b.key }));
    if (b.kind !== "gap" && b.w > 40)
      g.append(svg("text", { x: b.x + 3, y: 14 + BAND / 2 + 4, class: "label" }, b.name));
    const entry = b.entry ? ` — contains e_entry (${b.entry})` : "";
    if (tips || b.entry)
      g.append(tip(`${b.name}  ${b.flags ?? ""}\n${base} + ${hex(b.offset)}, ${b.size} bytes${entry}`));
    if (b.entry) {
      // The WARN's sections: each executable section containing e_entry gets a marker on top.
      g.append(
        svg("path", { class: `entry-mark ${b.entry}`, d: `M${b.x + 2} 2 l8 0 l-4 8 z`, "data-key": b.key }),
      );
    }
    root.append(g);
  }
  const aggregate = m.ticks.length > TICKS_AS_PATH;
  const y1 = 14 + BAND;
  let passing = "";
  for (const t of m.ticks) {
    const r = t.relocation;
    // Failing and selected ticks stay individual elements (clickable, with a tooltip).
    if (aggregate && !t.failing && t.key !== selected) {
      passing += `M${t.x.toFixed(1)} ${y1}v10`;
      continue;
    }
    root.append(
      svg(
        "line",
        { class: `tick${t.failing ? " failing" : ""}`, x1: t.x, x2: t.x, y1, y2: y1 + 10, "data-key": t.key },
        tip(`${r.typeName} at ${r.section}+${r.offset} → ${r.symbol}: ${r.status}`),
      ),
    );
  }
  if (passing)
    root.append(svg("path", { class: "tick many", d: passing }, tip(`${m.ticks.length} relocation sites`)));
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
  return root;
}

export function fileView(report: ReportJson, width: number): SVGElement {
  const root = svg("svg", {
    class: "band file",
    width,
    height: BAND + 24,
    viewBox: `0 0 ${width} ${BAND + 24}`,
    role: "img",
    "aria-label": "object file layout",
  });
  const blocks = fileMap(report, width);
  const tips = blocks.length <= TIPS_UP_TO;
  for (const b of blocks) {
    root.append(
      svg(
        "g",
        { class: `block ${b.alloc ? "section" : "nonalloc"}`, "data-key": b.key },
        svg("rect", { x: b.x, y: 4, width: Math.max(1, b.w - 1), height: BAND, "data-key": b.key }),
        b.w > 40 ? svg("text", { x: b.x + 3, y: 4 + BAND / 2 + 4, class: "label" }, b.name) : null,
        tips
          ? tip(`${b.name}: file offset ${hex(b.offset)}, ${b.size} bytes${b.alloc ? "" : " (not loaded)"}`)
          : null,
      ),
    );
  }
  root.append(svg("text", { x: 0, y: BAND + 20, class: "axis" }, "file offset 0"));
  root.append(svg("text", { x: width, y: BAND + 20, class: "axis end" }, `${hex(report.fileSize)}`));
  return root;
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

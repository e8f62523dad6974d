// Two objects side by side (e.g. the LLVM 17 and LLVM 18 builds of one tree): their allocated
// sections and their relocation-type counts, with the differences highlighted. It reads the reports
// as they arrive, relocations as rows: only the type name column is counted.
import { el } from "./dom";
import { num } from "./model";
import type { ReportDocument } from "../../server/src/protocol";

type Maybe = ReportDocument | { error: string };

function sectionSizes(r: ReportDocument): Map<string, number> {
  return new Map((r.results[0]?.sections ?? []).map((s) => [s.name, num(s.size)]));
}

function relocCounts(r: ReportDocument): Map<string, number> {
  const m = new Map<string, number>();
  const typeName = r.relocationFields.indexOf("typeName");
  for (const row of r.results[0]?.relocations ?? []) {
    const t = String(row[typeName]);
    m.set(t, (m.get(t) ?? 0) + 1);
  }
  return m;
}

function side(label: string, a: Map<string, number>, b: Map<string, number>): HTMLElement {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const rows = names.map((n) => {
    const x = a.get(n);
    const y = b.get(n);
    return el(
      "tr",
      { class: x === y ? "" : "differs", "data-name": n },
      el("td", {}, n),
      el("td", {}, x === undefined ? "—" : String(x)),
      el("td", {}, y === undefined ? "—" : String(y)),
    );
  });
  return el(
    "table",
    { class: "compare" },
    el("thead", {}, el("tr", {}, el("th", {}, label), el("th", {}, "left"), el("th", {}, "right"))),
    el("tbody", {}, ...rows),
  );
}

export function compareView(left: Maybe, right: Maybe): HTMLElement {
  if ("error" in left || "error" in right) {
    return el("p", { class: "error" }, "error" in left ? left.error : "error" in right ? right.error : "");
  }
  return el(
    "div",
    { class: "compare-view" },
    el("h3", {}, `${left.object.split("/").pop()} ↔ ${right.object.split("/").pop()}`),
    el(
      "p",
      {},
      `left: ${left.ok ? "loads" : "fails"}, right: ${right.ok ? "loads" : "fails"} (kernel ${left.kernel})`,
    ),
    side("section (size)", sectionSizes(left), sectionSizes(right)),
    side("relocation type (count)", relocCounts(left), relocCounts(right)),
  );
}

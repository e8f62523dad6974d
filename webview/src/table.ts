// Sortable, filterable tables under the map. Rows carry data-key for selection sync; very long tables
// render their first MAX_ROWS matching rows (filter to find the rest) so 50,000 relocations stay fast.
import { el } from "./dom";

export interface Column<T> {
  title: string;
  value: (row: T) => string | number;
  /** Sort numerically (values that are hex strings are compared as numbers). */
  numeric?: boolean;
}

export const MAX_ROWS = 500;

function sortKey(v: string | number, numeric: boolean | undefined): number | string {
  if (!numeric) return String(v);
  if (typeof v === "number") return v;
  const m = /^-?0x[0-9a-f]+$/i.test(v)
    ? Number(BigInt(v.replace("-", ""))) * (v.startsWith("-") ? -1 : 1)
    : Number(v);
  return Number.isNaN(m) ? 0 : m;
}

export function table<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  key: (row: T) => string,
  options: {
    filter: string;
    sort?: { column: number; descending: boolean };
    rowClass?: (row: T) => string;
    onSort: (column: number) => void;
  },
): HTMLElement {
  const f = options.filter.trim().toLowerCase();
  let shown = f
    ? rows.filter((r) => columns.some((c) => String(c.value(r)).toLowerCase().includes(f)))
    : [...rows];
  const sort = options.sort;
  if (sort) {
    const c = columns[sort.column]!;
    shown = shown
      .map((r) => ({ r, k: sortKey(c.value(r), c.numeric) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) * (sort.descending ? -1 : 1))
      .map((x) => x.r);
  }
  const head = el(
    "tr",
    {},
    ...columns.map((c, i) => {
      const th = el(
        "th",
        { "data-column": i, title: "sort" },
        c.title + (sort?.column === i ? (sort.descending ? " ▼" : " ▲") : ""),
      );
      th.addEventListener("click", () => options.onSort(i));
      return th;
    }),
  );
  const body = el("tbody", {});
  for (const r of shown.slice(0, MAX_ROWS)) {
    body.append(
      el(
        "tr",
        { "data-key": key(r), class: options.rowClass?.(r) },
        ...columns.map((c) => el("td", {}, String(c.value(r)))),
      ),
    );
  }
  const note =
    shown.length > MAX_ROWS
      ? el("p", { class: "note" }, `${shown.length - MAX_ROWS} more rows: filter to narrow them down.`)
      : null;
  return el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, head), body), note);
}

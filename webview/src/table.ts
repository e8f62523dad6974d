// Sortable, filterable tables under the map, virtualised: only the rows in (and just around) the
// scrolled viewport exist in the DOM, between two spacer rows that keep the scrollbar true, so 50,000
// relocations cost what 60 rows cost. The table is an ARIA grid: arrow keys, Page Up/Down, Home and
// End move the selection (kept in view), Enter activates it, and every row carries its data-key for
// the map's selection sync.
import { el } from "./dom";

export interface Column<T> {
  title: string;
  value: (row: T) => string | number;
  /** Sort numerically (values that are hex strings are compared as numbers). */
  numeric?: boolean;
}

export interface Sort {
  column: number;
  descending: boolean;
}

export interface TableOptions<T> {
  /** The grid's accessible name ("relocations"). */
  label: string;
  filter: string;
  sort?: Sort | undefined;
  rowClass?: (row: T) => string;
  onSort: (sort: Sort) => void;
  /** The key selected when the table is drawn (it starts scrolled to its row). */
  selected?: string | undefined;
  /**
   * The row index a key names, when the key says it directly ("reloc:17"); otherwise the table
   * builds a map of every row's key.
   */
  indexOf?: (key: string) => number | undefined;
  /** A row was chosen: by a click or Enter ("activate"), or by moving through rows with the keys. */
  onSelect: (key: string, how: "activate" | "move") => void;
}

/** Rows drawn beyond each edge of the viewport, so a short scroll shows rows already laid out. */
const OVERSCAN = 12;
/** The table's viewport is at most this fraction of the window's height (set as its max-height). */
const VIEW_FRACTION = 0.5;
/** Until a row has been measured (the font decides its height). */
const ESTIMATED_ROW = 20;

function sortKey(v: string | number, numeric: boolean | undefined): number | string {
  if (!numeric) return String(v);
  if (typeof v === "number") return v;
  const m = /^-?0x[0-9a-f]+$/i.test(v)
    ? Number(BigInt(v.replace("-", ""))) * (v.startsWith("-") ? -1 : 1)
    : Number(v);
  return Number.isNaN(m) ? 0 : m;
}

/** What the page needs of a table, whatever its rows are. */
export interface GridView {
  readonly element: HTMLElement;
  setFilter(filter: string): void;
  select(key: string | undefined, reveal: boolean): void;
  prepare(): void;
}

let tables = 0;

export class VirtualTable<T> implements GridView {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly head: HTMLTableRowElement;
  private readonly before: HTMLTableRowElement;
  private readonly after: HTMLTableRowElement;
  private readonly table: HTMLTableElement;
  private readonly cols: HTMLElement[];
  private readonly id = `grid${++tables}`;
  /** Indices into `rows`, in display order (filtered, sorted). */
  private shown: number[] = [];
  /** Lower-cased text of each row's cells, built on the first filter (or when the page is idle). */
  private haystack: string[] | undefined;
  private keys: Map<string, number> | undefined;
  private filter = "";
  private sort: Sort | undefined;
  private selected: string | undefined;
  /**
   * Row and header heights, shared by every table (they use the same font): a new table starts
   * with the last measured ones, so scrolling to a row never has to wait for a layout, and checks
   * them in its first frame (the font size may have changed).
   */
  private static rowHeight = ESTIMATED_ROW;
  private static headHeight = ESTIMATED_ROW;
  private measured = false;
  private from = 0;
  private to = 0;
  private frame = 0;
  /** The viewport's scrollTop as last set or seen, so that revealing a row needs no layout. */
  private scrolled = 0;

  constructor(
    private readonly rows: readonly T[],
    private readonly columns: readonly Column<T>[],
    private readonly key: (row: T, index: number) => string,
    private readonly options: TableOptions<T>,
  ) {
    this.filter = options.filter;
    this.sort = options.sort;
    this.head = el("tr", { role: "row", "aria-rowindex": 1 });
    this.body = el("tbody", { role: "rowgroup" });
    const spacer = () =>
      el("tr", { class: "spacer", "aria-hidden": "true" }, el("td", { colspan: columns.length }));
    this.before = spacer();
    this.after = spacer();
    this.cols = columns.map(() => el("col", {}));
    this.table = el(
      "table",
      { role: "presentation" },
      el("colgroup", {}, ...this.cols),
      el("thead", { role: "rowgroup" }, this.head),
      this.body,
    );
    this.element = el(
      "div",
      { class: "table-wrap", role: "grid", tabindex: 0, "aria-label": options.label },
      this.table,
    );
    this.element.style.maxHeight = `${VIEW_FRACTION * 100}vh`;
    this.element.addEventListener("scroll", () => this.schedule());
    this.element.addEventListener("keydown", (e) => this.onKey(e));
    this.body.addEventListener("click", (e) => {
      const row = (e.target as Element).closest("tr[data-key]");
      const key = row?.getAttribute("data-key");
      if (key) this.options.onSelect(key, "activate");
    });
    this.drawHead();
    this.recompute();
    // A selection the table starts with is drawn where it will be scrolled to, once attached.
    this.selected = options.selected;
    const at = this.selected !== undefined ? this.position(this.selected) : -1;
    this.scrolled = at >= 0 ? this.scrollFor(at) : 0;
    this.draw(this.scrolled);
  }

  setFilter(filter: string): void {
    if (filter === this.filter) return;
    this.filter = filter;
    this.recompute();
    const at = this.selected !== undefined ? this.position(this.selected) : -1;
    if (at >= 0) this.reveal(at, true);
    else {
      this.element.scrollTop = this.scrolled = 0;
      this.draw(0, true);
    }
  }

  /** Marks the row with this key (if any) selected; with `reveal`, scrolls it into view. */
  select(key: string | undefined, reveal: boolean): void {
    this.selected = key;
    for (const tr of this.body.querySelectorAll("tr.selected")) {
      tr.classList.remove("selected");
      tr.setAttribute("aria-selected", "false");
    }
    const at = key === undefined ? -1 : this.position(key);
    if (at < 0) {
      this.element.removeAttribute("aria-activedescendant");
      return;
    }
    if (reveal) this.reveal(at);
    const tr = this.body.querySelector(`tr[aria-rowindex="${at + 2}"]`);
    tr?.classList.add("selected");
    tr?.setAttribute("aria-selected", "true");
    this.element.setAttribute("aria-activedescendant", `${this.id}-${at}`);
  }

  /** Builds the search text and key index now, so the first keystroke in the filter is fast. */
  prepare(): void {
    this.searchText();
    if (!this.options.indexOf) this.keyIndex();
  }

  private keyIndex(): Map<string, number> {
    this.keys ??= new Map(this.rows.map((r, i) => [this.key(r, i), i]));
    return this.keys;
  }

  private searchText(): string[] {
    if (this.haystack) return this.haystack;
    // One string per row, cells joined by a newline (a filter typed in the box never contains one),
    // so a match never spans two cells. The same pass finds each column's widest cell.
    const columns = this.columns;
    const widths = columns.map((c) => c.title.length + 2);
    this.haystack = this.rows.map((r) => {
      let text = "";
      for (let j = 0; j < columns.length; j++) {
        const v = String(columns[j]!.value(r));
        if (v.length > widths[j]!) widths[j] = v.length;
        text += j === 0 ? v : "\n" + v;
      }
      return text.toLowerCase();
    });
    this.fitColumns(widths);
    return this.haystack;
  }

  /**
   * Fixed column widths from the widest cell of the whole table (cells are one line of the editor's
   * monospace font), so columns do not jump as other rows scroll into view.
   */
  private fitColumns(chars: readonly number[]): void {
    const total = chars.reduce((s, n) => s + n, 0);
    chars.forEach((n, j) => (this.cols[j]!.style.width = `calc(${n}ch + 16px)`));
    this.table.style.width = `calc(${total}ch + ${16 * chars.length}px)`;
    this.table.style.tableLayout = "fixed";
  }

  /** The display position of the row with this key, or -1 when the filter hides it. */
  private position(key: string): number {
    const index = this.options.indexOf ? this.options.indexOf(key) : this.keyIndex().get(key);
    if (index === undefined) return -1;
    if (!this.filter.trim() && !this.sort) return index;
    return this.shown.indexOf(index);
  }

  private recompute(): void {
    const f = this.filter.trim().toLowerCase();
    let shown: number[];
    if (f) {
      const text = this.searchText();
      shown = [];
      for (let i = 0; i < text.length; i++) if (text[i]!.includes(f)) shown.push(i);
    } else shown = Array.from(this.rows.keys());
    const sort = this.sort;
    if (sort) {
      const c = this.columns[sort.column]!;
      const keys = shown.map((i) => sortKey(c.value(this.rows[i]!), c.numeric));
      const order = shown.map((_, j) => j);
      const sign = sort.descending ? -1 : 1;
      // Ties keep the object's order whichever way the column sorts.
      order.sort((a, b) => (keys[a]! < keys[b]! ? -sign : keys[a]! > keys[b]! ? sign : a - b));
      shown = order.map((j) => shown[j]!);
    }
    this.shown = shown;
    this.element.setAttribute("aria-rowcount", String(shown.length + 1));
  }

  private drawHead(): void {
    const sort = this.sort;
    this.head.replaceChildren(
      ...this.columns.map((c, i) => {
        const th = el(
          "th",
          {
            role: "columnheader",
            "data-column": i,
            title: "sort",
            "aria-sort": sort?.column === i ? (sort.descending ? "descending" : "ascending") : undefined,
          },
          c.title + (sort?.column === i ? (sort.descending ? " ▼" : " ▲") : ""),
        );
        th.addEventListener("click", () => {
          this.sort = { column: i, descending: sort?.column === i ? !sort.descending : false };
          this.options.onSort(this.sort);
          this.drawHead();
          this.recompute();
          const at = this.selected !== undefined ? this.position(this.selected) : -1;
          if (at >= 0) this.reveal(at, true);
          else this.draw(this.scrolled, true);
        });
        return th;
      }),
    );
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.scrolled = this.element.scrollTop;
      this.draw(this.scrolled);
    });
  }

  /** Rows that fit the viewport; before the table is laid out, what half a window would show. */
  private visibleRows(): number {
    return Math.ceil(this.viewHeight() / VirtualTable.rowHeight) + 1;
  }

  /** The scrolled viewport's height, from the window's (no layout needed). */
  private viewHeight(): number {
    return window.innerHeight * VIEW_FRACTION;
  }

  /** Draws the rows around scroll position `top`, unless those in view are drawn with a margin. */
  private draw(top: number, force = false): void {
    const n = this.shown.length;
    const first = Math.min(Math.floor(top / VirtualTable.rowHeight), Math.max(0, n - 1));
    const last = Math.min(n, first + this.visibleRows());
    const margin = OVERSCAN / 2;
    const covered =
      this.to > this.from &&
      first - this.from >= Math.min(margin, first) &&
      this.to - last >= Math.min(margin, n - last);
    if (!force && covered) return;
    const from = Math.max(0, first - OVERSCAN);
    const to = Math.min(n, last + OVERSCAN);
    this.from = from;
    this.to = to;
    const columns = this.columns;
    const rows: HTMLElement[] = [];
    for (let at = from; at < to; at++) {
      const index = this.shown[at]!;
      const r = this.rows[index]!;
      const key = this.key(r, index);
      const selected = key === this.selected;
      const tr = el("tr", {
        role: "row",
        id: `${this.id}-${at}`,
        "aria-rowindex": at + 2,
        "aria-selected": selected ? "true" : "false",
        "data-key": key,
        class: (this.options.rowClass?.(r) ?? "") + (selected ? " selected" : "") || undefined,
      });
      for (const c of columns) tr.append(el("td", { role: "gridcell" }, String(c.value(r))));
      rows.push(tr);
    }
    this.before.style.height = `${from * VirtualTable.rowHeight}px`;
    this.after.style.height = `${(this.shown.length - to) * VirtualTable.rowHeight}px`;
    this.body.replaceChildren(this.before, ...rows, this.after);
    if (!this.measured && rows.length > 0) requestAnimationFrame(() => this.measure(rows[0]!));
  }

  /** Rows are one line each; their height comes from the theme's font. */
  private measure(row: HTMLElement): void {
    if (this.measured || !row.isConnected) return;
    const h = row.getBoundingClientRect().height;
    if (!(h > 0)) return;
    this.measured = true;
    VirtualTable.headHeight = this.head.getBoundingClientRect().height || h;
    if (Math.abs(h - VirtualTable.rowHeight) < 0.01) return;
    VirtualTable.rowHeight = h;
    this.draw(this.scrolled, true);
  }

  /** The scroll position that brings display position `at` into the viewport, below the header. */
  private scrollFor(at: number): number {
    const row = VirtualTable.rowHeight;
    const top = at * row;
    const view = this.viewHeight();
    if (top < this.scrolled) return top;
    if (top + row + VirtualTable.headHeight > this.scrolled + view)
      return top + row + VirtualTable.headHeight - view;
    return this.scrolled;
  }

  /** Scrolls display position `at` into view; `redraw` after the rows shown have changed. */
  private reveal(at: number, redraw = false): void {
    const scroll = this.scrollFor(at);
    this.draw(scroll, redraw);
    this.element.scrollTop = this.scrolled = scroll;
  }

  private onKey(e: KeyboardEvent): void {
    if (this.shown.length === 0) return;
    const at = this.selected !== undefined ? this.position(this.selected) : -1;
    const page = Math.max(1, this.visibleRows() - 2);
    let next: number;
    switch (e.key) {
      case "ArrowDown":
        next = at + 1;
        break;
      case "ArrowUp":
        next = at < 0 ? 0 : at - 1;
        break;
      case "PageDown":
        next = at + page;
        break;
      case "PageUp":
        next = at - page;
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = this.shown.length - 1;
        break;
      case "Enter":
      case " ":
        if (at < 0) return;
        e.preventDefault();
        this.options.onSelect(this.selected!, "activate");
        return;
      default:
        return;
    }
    e.preventDefault();
    next = Math.max(0, Math.min(this.shown.length - 1, next));
    const index = this.shown[next]!;
    const key = this.key(this.rows[index]!, index);
    this.select(key, true);
    this.options.onSelect(key, "move");
  }
}

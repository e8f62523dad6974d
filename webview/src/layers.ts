// What the heavy layers of the map draw when there are too many sections or relocation sites for one
// SVG element each: relocation ticks folded into one per pixel column, section blocks folded into
// runs, each layer one path; and the hit test that maps a click on such a path back to its item.
// Pure functions of positions, so they are easy to check.

/** Above this many blocks in a band, blocks are drawn as paths (one DOM node per kind). */
export const BLOCKS_AS_PATH = 1000;
/** Above this many relocation sites, passing ticks are drawn as one path of pixel columns. */
export const TICKS_AS_PATH = 2000;
/** Entry marks of one kind stay one element each up to this many (the WARN names one or two). */
export const MARKS_AS_ELEMENTS = 100;
/**
 * Failing ticks stay one element each (a title, a click target) up to this many; beyond it they get
 * their own path in the error colour, one stroke per pixel column, so they are never hidden.
 */
export const FAILING_AS_ELEMENTS = 1000;

export interface TickColumn {
  /** The pixel column: ticks at x in [column, column + 1). */
  column: number;
  /** Indices (into the ticks given) of the ticks in this column, in order. */
  ticks: number[];
}

/** Ticks grouped by the pixel column they fall in, left to right. */
export function tickColumns(xs: readonly number[]): TickColumn[] {
  const byColumn = new Map<number, number[]>();
  xs.forEach((x, i) => {
    const c = Math.floor(x);
    const list = byColumn.get(c);
    if (list) list.push(i);
    else byColumn.set(c, [i]);
  });
  return [...byColumn].sort((a, b) => a[0] - b[0]).map(([column, ticks]) => ({ column, ticks }));
}

/** One vertical stroke per pixel column, from y down `length` pixels, as path data. */
export function columnsPath(columns: readonly TickColumn[], y: number, length: number): string {
  let d = "";
  for (const c of columns) d += `M${c.column + 0.5} ${y}v${length}`;
  return d;
}

/** The column holding x, or the nearest within `slack` pixels; undefined if none is that close. */
export function columnAt(columns: readonly TickColumn[], x: number, slack = 2): TickColumn | undefined {
  let lo = 0;
  let hi = columns.length;
  const c = Math.floor(x);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (columns[mid]!.column < c) lo = mid + 1;
    else hi = mid;
  }
  let best: TickColumn | undefined;
  for (const i of [lo - 1, lo]) {
    const col = columns[i];
    if (!col || Math.abs(col.column - c) > slack) continue;
    if (!best || Math.abs(col.column - c) < Math.abs(best.column - c)) best = col;
  }
  return best;
}

export interface Span {
  x: number;
  w: number;
}

/**
 * Rectangles for blocks laid side by side, as path data: a block at least `separate` pixels wide
 * gets its own rectangle one pixel narrower (the gap shows where it ends, as the separate elements
 * do); narrower neighbours merge into one run, since a boundary under a pixel cannot be seen anyway.
 */
export function blocksPath(spans: readonly Span[], y: number, height: number, separate = 3): string {
  let d = "";
  let runX = 0;
  let runEnd = -1;
  const flush = () => {
    if (runEnd >= 0)
      d += `M${round(runX)} ${y}h${round(Math.max(1, runEnd - runX))}v${height}h${round(-Math.max(1, runEnd - runX))}z`;
    runEnd = -1;
  };
  for (const s of spans) {
    if (s.w >= separate) {
      flush();
      d += `M${round(s.x)} ${y}h${round(s.w - 1)}v${height}h${round(1 - s.w)}z`;
    } else if (runEnd >= 0 && s.x <= runEnd + 0.5) runEnd = Math.max(runEnd, s.x + s.w);
    else {
      flush();
      runX = s.x;
      runEnd = s.x + s.w;
    }
  }
  flush();
  return d;
}

/** The index of the span containing x (spans sorted by x, side by side), or -1. */
export function spanAt(spans: readonly Span[], x: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid]!;
    if (x < s.x) hi = mid - 1;
    else if (x >= s.x + s.w) lo = mid + 1;
    else return mid;
  }
  return -1;
}

function round(v: number): string {
  return String(Math.round(v * 100) / 100);
}

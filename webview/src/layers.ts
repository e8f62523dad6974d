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

/** Ticks folded into pixel columns: the columns that hold any, left to right, and each one's first. */
export interface TickColumns {
  /** Pixel columns holding ticks (a tick at x falls in column floor(x)), ascending. */
  columns: Int32Array;
  /** For each of `columns`, the index (into the ticks given) of its first tick. */
  first: Int32Array;
}

/** Folds tick positions (0 <= x <= width) into pixel columns, in one pass and two typed arrays. */
export function tickColumns(xs: ArrayLike<number>, width: number): TickColumns {
  const last = Math.max(0, Math.ceil(width));
  const firstAt = new Int32Array(last + 1).fill(-1);
  let count = 0;
  for (let i = 0; i < xs.length; i++) {
    const c = Math.min(last, Math.max(0, Math.floor(xs[i]!)));
    if (firstAt[c]! < 0) {
      firstAt[c] = i;
      count++;
    }
  }
  const columns = new Int32Array(count);
  const first = new Int32Array(count);
  for (let c = 0, j = 0; c <= last; c++)
    if (firstAt[c]! >= 0) {
      columns[j] = c;
      first[j++] = firstAt[c]!;
    }
  return { columns, first };
}

/** One vertical stroke per pixel column, from y down `length` pixels, as path data. */
export function columnsPath(t: TickColumns, y: number, length: number): string {
  const parts: string[] = [];
  for (const c of t.columns) parts.push(`M${c + 0.5} ${y}v${length}`);
  return parts.join("");
}

/**
 * The first tick of the column holding x, or of the nearest column within `slack` pixels; -1 when
 * no column is that close.
 */
export function tickAt(t: TickColumns, x: number, slack = 2): number {
  const c = Math.floor(x);
  let lo = 0;
  let hi = t.columns.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.columns[mid]! < c) lo = mid + 1;
    else hi = mid;
  }
  let best = -1;
  for (const j of [lo - 1, lo]) {
    if (j < 0 || j >= t.columns.length) continue;
    const d = Math.abs(t.columns[j]! - c);
    if (d <= slack && (best < 0 || d < Math.abs(t.columns[best]! - c))) best = j;
  }
  return best < 0 ? -1 : t.first[best]!;
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

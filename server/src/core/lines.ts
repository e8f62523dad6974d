// Offsets to lines: the start offset of every line of a text, and the search that finds which line
// (or which element of any ascending list of offsets) holds an offset. The readers map every
// position they report through these.

/** The offset each line of `text` starts at: 0, then one past each `\n`. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/**
 * The index of the last element of `sorted` (ascending) at or before `offset`, searched between
 * `lo` and `hi` inclusive; `lo` when none is. With line starts, the 0-based line of an offset.
 */
export function lastAtOrBefore(
  sorted: ArrayLike<number>,
  offset: number,
  lo = 0,
  hi = sorted.length - 1,
): number {
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

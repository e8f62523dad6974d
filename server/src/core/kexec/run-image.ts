// The staging buffer as the loaders' copy loops leave it when it is too big to allocate whole: a run
// of file bytes per section, in increasing buffer offsets. Fifteen thousand copies then cost three
// numbers each in typed arrays, where a page map cost a view and an extent object each and most of a
// simulation's time went to the garbage collector moving them.

import { PAGE, ZERO_PAGE, type PageSource } from "./staging";

/** Never written: loads write into scratch copies of it (SparseBuffer with this as its base). */
export class RunImage implements PageSource {
  private count = 0;
  private readonly starts: Float64Array;
  private readonly froms: Float64Array;
  private readonly lengths: Float64Array;

  /** Room for `capacity` runs of `src` bytes. */
  constructor(
    readonly byteLength: number,
    private readonly src: Uint8Array,
    capacity: number,
  ) {
    this.starts = new Float64Array(capacity);
    this.froms = new Float64Array(capacity);
    this.lengths = new Float64Array(capacity);
  }

  /** Where the last run ends: the next one must start there or later. */
  get end(): number {
    const n = this.count;
    return n === 0 ? 0 : this.starts[n - 1]! + this.lengths[n - 1]!;
  }

  /**
   * src[from, from + length) at buffer offset `at`, which must be at or past `end`. Like a typed
   * array's set() of a subarray, it copies only the bytes `src` has.
   */
  add(at: number, from: number, length: number): void {
    length = Math.min(length, Math.max(0, this.src.length - from));
    if (length === 0) return;
    if (at < this.end || at + length > this.byteLength)
      throw new RangeError("runs must be in order and in the buffer");
    const n = this.count++;
    this.starts[n] = at;
    this.froms[n] = from;
    this.lengths[n] = length;
  }

  get(at: number): number {
    const r = this.runAtOrBefore(at);
    if (r < 0 || at >= this.starts[r]! + this.lengths[r]!) return 0;
    return this.src[this.froms[r]! + at - this.starts[r]!]!;
  }

  pageBytes(k: number): Uint8Array {
    const lo = k * PAGE;
    const hi = lo + PAGE;
    let r = this.runAtOrBefore(lo);
    // The run before the page may reach into it; the ones after start inside it or past it.
    if (r < 0 || lo >= this.starts[r]! + this.lengths[r]!) r++;
    if (r >= this.count || this.starts[r]! >= hi) return ZERO_PAGE;
    const page = new Uint8Array(PAGE);
    for (; r < this.count && this.starts[r]! < hi; r++) {
      const start = Math.max(lo, this.starts[r]!);
      const stop = Math.min(hi, this.starts[r]! + this.lengths[r]!);
      const from = this.froms[r]! + start - this.starts[r]!;
      page.set(this.src.subarray(from, from + stop - start), start - lo);
    }
    return page;
  }

  /** The last run starting at or before `at`, or -1. */
  private runAtOrBefore(at: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= at) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

// Load windows: the sets of kbuf.mem values for which a relocation (and then all of them) fits.
// Every checked value is `c + k * mem` modulo 2^64 with k in {0, 1}, so each constraint is one
// interval of mem modulo 2^64; intersecting them gives the windows exactly, without trying addresses.

import { ALIGN, ALIGN_DOWN, U64_MASK, u64 } from "./u64";

/** An inclusive range [from, to] of unsigned 64-bit values, from <= to. */
export interface Interval {
  readonly from: bigint;
  readonly to: bigint;
}

export const EVERYWHERE: readonly Interval[] = [{ from: 0n, to: U64_MASK }];

/** The values start, start+1, ..., start+count-1 taken modulo 2^64, as one or two plain intervals. */
export function modularRange(start: bigint, count: bigint): Interval[] {
  if (count <= 0n) return [];
  if (count > U64_MASK) return [...EVERYWHERE];
  const from = u64(start);
  const to = u64(start + count - 1n);
  return from <= to
    ? [{ from, to }]
    : [
        { from: 0n, to },
        { from, to: U64_MASK },
      ];
}

/** mem values for which (c + mem) mod 2^64 lies in [lo, lo + count - 1] mod 2^64. */
export function memRangeFor(c: bigint, lo: bigint, count: bigint): Interval[] {
  return modularRange(u64(lo - c), count);
}

const TWO_32 = 1n << 32n;
const S32_LOW = U64_MASK - 0x7fff_ffffn;
/** The windows made for each c, unsigned (0) and signed (1), kept across loads and emptied when large. */
const windows32 = [new Map<number, readonly Interval[]>(), new Map<number, readonly Interval[]>()];

const windows48 = new Map<number, readonly Interval[]>();

/** memRangeFor(c, 0, 2^48) for c an exact double, one array per c (as window32 keeps them). */
export function window48(c: number): readonly Interval[] {
  let w = windows48.get(c);
  if (w === undefined) {
    if (windows48.size >= 65536) windows48.clear();
    w = memRangeFor(BigInt(c) & U64_MASK, 0n, 1n << 48n);
    windows48.set(c, w);
  }
  return w;
}

/**
 * The mem for which a 32-bit absolute field holding c + mem fits: memRangeFor(c, 0, 2^32) unsigned,
 * memRangeFor(c, -2^31, 2^32) signed, for c an exact double (negative meaning 2^64 + c). One array
 * per c, handed out again: the number paths give every relocation with the same c the same window.
 */
export function window32(c: number, signed: boolean): readonly Interval[] {
  const cache = windows32[signed ? 1 : 0]!;
  let w = cache.get(c);
  if (w === undefined) {
    if (cache.size >= 65536) cache.clear();
    w = memRangeFor(BigInt(c) & U64_MASK, signed ? S32_LOW : 0n, TWO_32);
    cache.set(c, w);
  }
  return w;
}

export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const from = x.from > y.from ? x.from : y.from;
    const to = x.to < y.to ? x.to : y.to;
    if (from <= to) out.push({ from, to });
    if (x.to < y.to) i++;
    else j++;
  }
  return out;
}

/** Keeps sorted, merged order; used after building a set from pieces. */
export function normalise(list: readonly Interval[]): Interval[] {
  const sorted = [...list].sort((p, q) => (p.from < q.from ? -1 : p.from > q.from ? 1 : 0));
  const out: Interval[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1n) {
      if (r.to > last.to) out[out.length - 1] = { from: last.from, to: r.to };
    } else out.push(r);
  }
  return out;
}

/**
 * Restricts windows to addresses the kernel's placement can produce: multiples of buf_align, not
 * below buf_min, and leaving room for memsz bytes below 2^64. Endpoints become the first and last
 * valid kbuf.mem inside each window.
 */
export function placeable(
  windows: readonly Interval[],
  bufAlign: bigint,
  bufMin: bigint,
  memsz: bigint,
): Interval[] {
  const top = memsz > 0n ? U64_MASK - memsz + 1n : U64_MASK;
  const domain: Interval[] = bufMin <= top ? [{ from: bufMin, to: top }] : [];
  const out: Interval[] = [];
  for (const w of intersect(normalise(windows), domain)) {
    const from = ALIGN(w.from, bufAlign);
    const to = ALIGN_DOWN(w.to, bufAlign);
    // ALIGN can wrap to 0 at the very top of the address space; such a window holds no address.
    if (from >= w.from && from <= to) out.push({ from, to });
  }
  return out;
}

export function contains(windows: readonly Interval[], x: bigint): boolean {
  return windows.some((w) => x >= w.from && x <= w.to);
}

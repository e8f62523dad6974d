// add_buffer() -> locate_hole() as kexec-tools runs it: free ranges are the RAM ranges minus the
// segments already added; each range is clipped to [min, max] and its start aligned up; bottom-up
// (end > 0) takes the first range that fits, top-down (end < 0) keeps overwriting its answer with
// ALIGN_DOWN(end - size + 1, align) for every range that fits, so the highest one wins. It never
// checks that the aligned-down base is still inside its range.

import type { RamRange } from "../kexec/memory-hole";
import { ALIGN, ALIGN_DOWN, U64_MASK, hex, u64 } from "../kexec/u64";

export interface Segment {
  readonly mem: bigint;
  readonly memsz: bigint;
}

export type HoleResult =
  { readonly ok: true; readonly base: bigint } | { readonly ok: false; readonly stderr: string[] };

export function locateHole(
  ram: readonly RamRange[],
  segments: readonly Segment[],
  size: bigint,
  align: bigint,
  pageSize: bigint,
  min: bigint,
  max: bigint,
  end: 1 | -1,
  memMin = 0n,
  memMax = U64_MASK,
): HoleResult {
  const holeAlign = align < pageSize ? pageSize : align;
  // add_buffer_phys_virt rounds memsz up to the page size before asking.
  const holeSize = ALIGN(size, pageSize);
  const sorted = [...segments].sort((a, b) => (a.mem < b.mem ? -1 : a.mem > b.mem ? 1 : 0));
  const free: RamRange[] = [];
  let j = 0;
  for (const r of ram) {
    let mstart = r.start;
    const mend = r.end;
    while (j < sorted.length && sorted[j]!.mem <= mend) {
      const sstart = sorted[j]!.mem;
      const send = sstart + sorted[j]!.memsz - 1n;
      if (mstart < sstart) free.push({ start: mstart, end: sstart - 1n });
      mstart = send + 1n;
      j++;
    }
    if (mstart < mend) free.push({ start: mstart, end: mend });
  }
  let base = U64_MASK;
  for (const r of free) {
    let start = r.start < memMin ? memMin : r.start;
    if (start < min) start = min;
    start = ALIGN(start, holeAlign);
    let e = r.end > memMax ? memMax : r.end;
    if (e > max) e = max;
    if (start >= e || start >= memMax || e <= memMin) continue;
    if (holeSize === 0n || e - start >= holeSize - 1n) {
      if (end > 0) {
        base = start;
        break;
      }
      base = ALIGN_DOWN(u64(e - holeSize + 1n), holeAlign);
    }
  }
  if (base === U64_MASK) {
    return {
      ok: false,
      stderr: [`Could not find a free area of memory of ${hex(holeSize)} bytes...`, "locate_hole failed"],
    };
  }
  if (holeSize !== 0n && base + holeSize - 1n > max) {
    return {
      ok: false,
      stderr: [`Could not find a free area of memory below: ${hex(max)}...`, "locate_hole failed"],
    };
  }
  return { ok: true, base };
}

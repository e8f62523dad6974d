// Where kexec_locate_mem_hole() would put the purgatory on a simple x86 PC memory map, so the default
// simulation uses addresses a real kernel picks: the top of the first System RAM range (what kernels
// before ~6.8 choose, walking RAM from the bottom) and the top of RAM (what later kernels choose).

import type { KernelModel } from "./kernel";
import { ALIGN_DOWN, u64 } from "./u64";

export interface RamRange {
  readonly start: bigint;
  /** Inclusive, like struct resource's end. */
  readonly end: bigint;
}

const GiB = 1n << 30n;

/**
 * The System RAM ranges of a typical x86 PC with `ramSize` bytes: 0x1000–0x9ffff, 1 MiB up to the PCI
 * hole at 3 GiB, and the rest remapped above 4 GiB.
 */
export function pcMemoryMap(ramSize: bigint): RamRange[] {
  const low = ramSize < 3n * GiB ? ramSize : 3n * GiB;
  const ranges: RamRange[] = [{ start: 0x1000n, end: 0x9ffffn }];
  if (low > 0x100000n) ranges.push({ start: 0x100000n, end: low - 1n });
  if (ramSize > 3n * GiB) ranges.push({ start: 4n * GiB, end: 4n * GiB + (ramSize - 3n * GiB) - 1n });
  return ranges;
}

/** top_down_fit() in one range with nothing else loaded; undefined when it does not fit. */
export function topDownFit(
  range: RamRange,
  memsz: bigint,
  bufAlign: bigint,
  bufMin: bigint,
  kernel: KernelModel,
): bigint | undefined {
  if (range.end - range.start + 1n < memsz || range.end < bufMin) return undefined;
  // Before the ~6.8 fix the start was computed one byte low (`end - memsz`), which after the
  // align-down lands one alignment unit lower whenever end + 1 is aligned.
  const start = ALIGN_DOWN(u64(range.end - memsz + (kernel.exactTopDownFit ? 1n : 0n)), bufAlign);
  if (start < range.start || start < bufMin) return undefined;
  return start;
}

export interface DefaultPlacement {
  readonly label: string;
  readonly mem: bigint;
  readonly why: string;
}

/** The two addresses simulated when the user gives none. */
export function defaultPlacements(
  ramSize: bigint,
  memsz: bigint,
  bufAlign: bigint,
  bufMin: bigint,
  kernel: KernelModel,
): DefaultPlacement[] {
  const map = pcMemoryMap(ramSize);
  const out: DefaultPlacement[] = [];
  const lowFit = map.map((r) => topDownFit(r, memsz, bufAlign, bufMin, kernel)).find((m) => m !== undefined);
  if (lowFit !== undefined) {
    out.push({
      label: "low",
      mem: lowFit,
      why: "top of the lowest System RAM range that fits (where kernels before 6.8 place it)",
    });
  }
  const highFit = [...map]
    .reverse()
    .map((r) => topDownFit(r, memsz, bufAlign, bufMin, kernel))
    .find((m) => m !== undefined);
  if (highFit !== undefined && highFit !== lowFit) {
    out.push({
      label: "high",
      mem: highFit,
      why: `top of RAM on a ${ramSize / GiB} GiB machine (where kernels since 6.8 place it)`,
    });
  }
  return out;
}

// From a simulation report to what the map draws: blocks for sections, alignment gaps and bss along
// the load buffer (proportional to size, with a minimum width so tiny sections stay clickable), the
// entry point, and one tick per relocation site. Pure functions, so they are easy to check.
import type { ReportJson } from "../../server/src/protocol";

export type LoadJson = ReportJson["results"][number];

export interface Block {
  kind: "section" | "gap" | "bss";
  key: string;
  name: string;
  /** Offset from the buffer's base (kbuf.mem, buf_addr) and size, in bytes. */
  offset: number;
  size: number;
  x: number;
  w: number;
  /** Section index (sections and bss). */
  index?: number;
  flags?: string;
  /** This executable section contains e_entry: "set", "warned", "added", "ignored", "symbol". */
  entry?: string;
}

export interface Tick {
  /** Index of the relocation in the load's list (ticks are in that order); its key is `reloc:<index>`. */
  index: number;
  x: number;
  failing: boolean;
  relocation: LoadJson["relocations"][number];
}

export interface BufferMap {
  blocks: Block[];
  ticks: Tick[];
  entryX: number | undefined;
  width: number;
  memsz: number;
}

export const MIN_BLOCK = 6;

/**
 * The name of the load buffer's base address in the loader's own code: the kernel's `kbuf.mem`, or
 * kexec-tools' `buf_addr` (the report's loader is "kernel" or "kexec-tools <version>").
 */
export function bufferBase(report: Pick<ReportJson, "loader">): string {
  return report.loader === "kernel" ? "kbuf.mem" : "buf_addr";
}

/** Where the loader's messages go: the kernel log, or kexec's stderr. */
export function logName(report: Pick<ReportJson, "loader">): string {
  return report.loader === "kernel" ? "kernel log" : "kexec stderr";
}

/**
 * Widths proportional to size, but at least MIN_BLOCK pixels, summing to `width`: blocks that would be
 * too narrow are pinned at the minimum and the rest share what is left, repeated until stable.
 */
export function allocateWidths(sizes: readonly number[], width: number, min = MIN_BLOCK): number[] {
  const n = sizes.length;
  if (n === 0) return [];
  if (min * n >= width) return sizes.map(() => width / n);
  const pinned = new Array<boolean>(n).fill(false);
  for (;;) {
    const free = width - min * pinned.filter(Boolean).length;
    const total = sizes.reduce((s, v, i) => (pinned[i] ? s : s + v), 0);
    let changed = false;
    const w = sizes.map((v, i) => (pinned[i] ? min : total > 0 ? (v / total) * free : free / n));
    w.forEach((x, i) => {
      if (!pinned[i] && x < min) {
        pinned[i] = true;
        changed = true;
      }
    });
    if (!changed) return w;
  }
}

/**
 * A report's "0x…" (or "-0x…") quantity as a double, for drawing: the JSON keeps 64-bit values exact
 * as strings, and a pixel position needs no more than a double's precision.
 */
export function num(x: string): number {
  return x.startsWith("-") ? -Number.parseInt(x.slice(1), 16) : Number.parseInt(x, 16);
}

/** The load buffer from kbuf.mem to kbuf.mem + memsz, as blocks, with relocation ticks. */
export function bufferMap(load: LoadJson, width: number): BufferMap {
  // Each section's offset and size read once as doubles, beside the section (no copy of the section).
  const sections = load.sections
    .map((s) => ({ s, offset: num(s.offset), size: num(s.size) }))
    .sort((a, b) => a.offset - b.offset || a.s.index - b.s.index);
  const memsz = num(load.memsz);
  // x and w are filled in below, once every width is known: one object per block, not a copy.
  const blocks: Block[] = [];
  let cursor = 0;
  const entry = new Map(load.entrySections.map((e) => [e.index, e.effect]));
  for (const { s, offset, size } of sections) {
    if (offset > cursor)
      blocks.push({
        kind: "gap",
        key: `gap:${cursor}`,
        name: "padding",
        offset: cursor,
        size: offset - cursor,
        x: 0,
        w: 0,
      });
    blocks.push({
      kind: s.type === "NOBITS" ? "bss" : "section",
      key: `section:${s.index}`,
      name: s.name,
      offset,
      size,
      index: s.index,
      flags: s.flags,
      entry: entry.get(s.index),
      x: 0,
      w: 0,
    });
    cursor = Math.max(cursor, offset + size);
  }
  if (memsz > cursor)
    blocks.push({
      kind: "gap",
      key: `gap:${cursor}`,
      name: "page rounding",
      offset: cursor,
      size: memsz - cursor,
      x: 0,
      w: 0,
    });
  const widths = allocateWidths(
    blocks.map((p) => p.size),
    width,
  );
  let x = 0;
  blocks.forEach((b, i) => {
    b.x = x;
    b.w = widths[i]!;
    x += b.w;
  });
  const byName = new Map(blocks.filter((b) => b.kind !== "gap").map((b) => [b.name, b]));
  const ticks: Tick[] = [];
  load.relocations.forEach((r, i) => {
    const b = byName.get(r.section);
    if (!b) return;
    // A pixel position: a double holds any offset closely enough, without a BigInt per relocation.
    const off = Number.parseInt(r.offset, 16);
    const frac = b.size > 0 ? Math.min(1, off / b.size) : 0;
    ticks.push({
      index: i,
      x: b.x + frac * b.w,
      failing: r.status !== "ok",
      relocation: r,
    });
  });
  return { blocks, ticks, entryX: entryX(blocks, load), width, memsz };
}

function entryX(blocks: readonly Block[], load: LoadJson): number | undefined {
  if (!load.imageStart) return undefined;
  const off = Number(BigInt(load.imageStart) - BigInt(load.mem));
  const b = blocks.find(
    (x) => x.kind === "section" && off >= x.offset && off < x.offset + Math.max(1, x.size),
  );
  return b ? b.x + ((off - b.offset) / Math.max(1, b.size)) * b.w : undefined;
}

export interface FileBlock {
  /** ALLOC sections are loaded; the others (symbols, relocations, notes) only fill the file. */
  kind: "section" | "nonalloc";
  key: string;
  name: string;
  x: number;
  w: number;
  offset: number;
  size: number;
  alloc: boolean;
  index: number;
}

/** The same sections laid out by their file offsets in the object (headers and non-ALLOC ones too). */
export function fileMap(report: ReportJson, width: number): FileBlock[] {
  const secs = report.fileSections
    .map((s) => ({ ...s, offset: num(s.offset), fileSize: num(s.fileSize) }))
    .filter((s) => s.index > 0 && s.fileSize > 0)
    .sort((a, b) => a.offset - b.offset);
  const widths = allocateWidths(
    secs.map((s) => s.fileSize),
    width,
  );
  let x = 0;
  return secs.map((s, i) => {
    const alloc = s.flags.includes("A");
    const b: FileBlock = {
      kind: alloc ? "section" : "nonalloc",
      key: `section:${s.index}`,
      name: s.name,
      x,
      w: widths[i]!,
      offset: s.offset,
      size: s.fileSize,
      alloc,
      index: s.index,
    };
    x += widths[i]!;
    return b;
  });
}

/** Position of an address on a log-scale band from 4 KiB to `top` (addresses below 4 KiB share x = 0). */
export function logX(addr: bigint, top: bigint, width: number): number {
  const lo = 12;
  const hi = Math.log2(Number(top));
  const a = Number(addr);
  const v = a <= 4096 ? lo : Math.log2(a);
  return Math.max(0, Math.min(width, ((v - lo) / (hi - lo)) * width));
}

/** The inverse of logX: the address at x. */
export function addrAt(x: number, top: bigint, width: number): bigint {
  const lo = 12;
  const hi = Math.log2(Number(top));
  return BigInt(Math.round(2 ** (lo + (x / width) * (hi - lo))));
}

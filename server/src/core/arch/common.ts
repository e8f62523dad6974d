// What the x86_64, s390 and riscv RELA hooks share: walking one SHT_RELA section, reading each
// entry's symbol without the bound checks the kernel also lacks, naming it the way the kernel prints
// it, recording it, and storing the field into the staging buffer. The per-type arithmetic and the
// checks each hook makes live in the architecture's own module.

import type { Interval } from "../kexec/windows";
import { ElfFormatError } from "../elf/errors";
import { readSymbol, symbolCount } from "../elf/reader";
import { relocationAt, relocationEntries, type RelocationEntries } from "../elf/relocation-entries";
import type { ElfRelocation, ElfSymbol } from "../elf/types";
import type { KernelVersion } from "../kexec/kernel";
import { kernelSymbolName, type RelaContext, type RelocStatus } from "../kexec/relocate";
import { STATUSES, u64Of, type RelocationTable } from "../kexec/relocation-table";
import { byteAt, setByteAt, type StagingBuffer } from "../kexec/staging";
import { hex, u64 } from "../kexec/u64";

/** v >= major.minor.patch, where an unspecified stable patch counts as .0. */
export function atLeast(v: KernelVersion, major: number, minor: number, patch = 0): boolean {
  return (v.major - major || v.minor - minor || (v.patch ?? 0) - patch) >= 0;
}

/** True for a stable release of series major.minor at or after .patch. */
export function stableFrom(v: KernelVersion, major: number, minor: number, patch: number): boolean {
  return v.major === major && v.minor === minor && (v.patch ?? 0) >= patch;
}

/** A field the kernel writes: `width` bytes at buffer offset `at`, in the object's byte order. */
export interface Store {
  readonly at: number;
  readonly value: bigint;
  readonly width: number;
}

export interface Computed {
  symbol: string;
  symShndx: number;
  S?: bigint;
  value?: bigint;
  stored?: bigint;
  width?: number;
  memCoefficient?: 0 | 1;
  /** For overflow-checked types: the kbuf.mem values for which this relocation fits. */
  window?: readonly Interval[];
  note?: string;
}

export interface Outcome {
  status: RelocStatus;
  computed: Computed;
  /** The kernel's pr_err line, if it prints one here. */
  message?: string;
  store?: Store;
}

/** The DataView of the last dense buffer fields were read from or stored into (a load uses one). */
let lastBuf: Uint8Array | undefined;
let lastView: DataView | undefined;
function viewOf(buf: Uint8Array): DataView {
  if (buf !== lastBuf) {
    lastBuf = buf;
    lastView = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  return lastView!;
}

export function readField(buf: StagingBuffer, at: number, width: number, littleEndian: boolean): bigint {
  if (buf instanceof Uint8Array && at >= 0 && at + width <= buf.byteLength) {
    // The common case, a dense buffer and an in-bounds field, in one DataView read.
    const dv = viewOf(buf);
    if (width === 8) return dv.getBigUint64(at, littleEndian);
    if (width === 4) return BigInt(dv.getUint32(at, littleEndian));
    if (width === 2) return BigInt(dv.getUint16(at, littleEndian));
    if (width === 1) return BigInt(buf[at]!);
  }
  let v = 0n;
  for (let i = 0; i < width; i++) {
    const b = BigInt(byteAt(buf, littleEndian ? at + width - 1 - i : at + i));
    v = (v << 8n) | b;
  }
  return v;
}

export function writeField(buf: StagingBuffer, s: Store, littleEndian: boolean): void {
  const { at, width } = s;
  if (buf instanceof Uint8Array && at >= 0 && at + width <= buf.byteLength) {
    const dv = viewOf(buf);
    if (width === 8) return dv.setBigUint64(at, BigInt.asUintN(64, s.value), littleEndian);
    if (width === 4) return dv.setUint32(at, Number(BigInt.asUintN(32, s.value)), littleEndian);
    if (width === 2) return dv.setUint16(at, Number(BigInt.asUintN(16, s.value)), littleEndian);
    if (width === 1) return dv.setUint8(at, Number(BigInt.asUintN(8, s.value)));
  }
  // A sparse buffer, a field running off the end (its bytes past the end are dropped), odd widths.
  let v = s.value;
  for (let i = 0; i < width; i++) {
    setByteAt(buf, littleEndian ? at + i : at + width - 1 - i, Number(v & 0xffn));
    v >>= 8n;
  }
}

/**
 * The field at r_offset in the target section, or why touching it is undefined behaviour: the kernel
 * checks neither that it lies inside the section nor that the section was copied into the buffer.
 */
export function fieldOffset(ctx: RelaContext, rel: ElfRelocation, width: number): number | string {
  const { target, layout } = ctx;
  const loc = u64(target.sh_offset + rel.r_offset);
  if (!target.inBuffer) {
    return `the target ${target.name} is SHT_NOBITS: its sh_offset was never rewritten, so the kernel would write at purgatory_buf + file offset ${hex(target.sh_offset)}`;
  }
  if (loc + BigInt(width) > BigInt(layout.buffer.byteLength)) {
    return `r_offset ${hex(rel.r_offset)} + ${width} is past the end of ${target.name} in the ${layout.buffer.byteLength}-byte buffer: the kernel would access memory out of bounds`;
  }
  return Number(loc);
}

/**
 * What a hook's number path reports for one relocation. The 64-bit fields are exact doubles in the
 * relocation table's encoding (a negative number x stands for 2^64 + x); one object is reused.
 */
export interface FastOutcome {
  status: "ok" | "overflow";
  P: number;
  S: number;
  value: number;
  stored: number;
  width: number;
  memCoefficient: 0 | 1;
  window: readonly Interval[] | undefined;
  /** Buffer offset of the field (meaningless when width is 0). */
  at: number;
}

/**
 * A hook's number path: the same arithmetic with doubles, for relocations whose values are all
 * exact below 2^53. It declines (false) whenever that does not hold or the outcome is one the bigint
 * path must explain (a failure the kernel reports, undefined behaviour); the bigint path then
 * computes that relocation, so results never depend on which path ran.
 */
export interface FastRela<Sym> {
  /** Per symbol, once per section and load: what the arithmetic needs, or undefined to decline. */
  symbol(ctx: RelaContext, sym: ElfSymbol): Sym | undefined;
  /**
   * Entry `i` of `entries` against `sym`, with the target section at `targetAddr` (an exact double,
   * or NaN). Reads its numbers from the columns itself: doubles passed as arguments get boxed.
   */
  one(
    ctx: RelaContext,
    sym: Sym,
    entries: RelocationEntries,
    i: number,
    targetAddr: number,
    live: boolean,
    out: FastOutcome,
  ): boolean;
}

export interface RelaHook {
  readonly littleEndian: boolean;
  typeName(type: number): string;
  /** One relocation: checks, arithmetic, and the store (read-modify-write reads the buffer as it is). */
  one(ctx: RelaContext, rel: ElfRelocation, P: bigint, sym: ElfSymbol, name: string): Outcome;
  /** Whether a non-"ok" status stops the kernel (s390 before 5.16 carries on past unknown types). */
  stops(status: RelocStatus): boolean;
  /** The pr_debug line the hook prints before walking the section (x86: "Applying relocate section"). */
  sectionDebug?(ctx: RelaContext): string;
  /** The pr_debug line the hook prints for each relocation's symbol (x86: "Symbol: … info: …"). */
  symbolDebug?(sym: ElfSymbol, name: string): string;
  /** The number path, if the hook has one. */
  readonly fast?: FastRela<unknown>;
}

/** One symbol of the section being walked, read once: the symbol or why reading it fails. */
interface SymbolSlot {
  readonly sym: ElfSymbol | ElfFormatError;
  readonly name: string;
  readonly nameId: number;
  /** The hook's number-path data, or undefined when it declines every relocation against it. */
  readonly fast: unknown;
}

/** The exact double of a u64 below 2^53, or NaN. */
export function exactNumber(x: bigint): number {
  return x <= MAX_SAFE_N ? Number(x) : NaN;
}
const MAX_SAFE_N = BigInt(Number.MAX_SAFE_INTEGER);

/** Applies one RELA section with `hook`, appending records; true when the kernel failed on it. */
export function applyRelaWith(hook: RelaHook, ctx: RelaContext, out: RelocationTable): boolean {
  const { elf, layout, log, target } = ctx;
  const relsec = elf.sections[ctx.relSection]!;
  const nsyms = symbolCount(elf, ctx.symtab);
  const entries = relocationEntries(elf, ctx.relSection);
  const n = entries.count;
  out.reserve(n);
  const group = out.addGroup(relsec, target);
  let live = ctx.live;
  let failed = false;
  const sectionDebug = hook.sectionDebug;
  if (sectionDebug && log.withDebug) log.debug(() => sectionDebug(ctx));
  const symbolDebug = hook.symbolDebug;
  const fast = hook.fast;
  const targetAddr = exactNumber(target.sh_addr);
  const fo: FastOutcome = {
    status: "ok",
    P: 0.5,
    S: 0.5,
    value: 0.5,
    stored: 0.5,
    width: 0,
    memCoefficient: 0,
    window: undefined,
    at: 0,
  };
  // Per-relocation lookups by small integers: arrays, and the last window asked for.
  const typeIds: number[] = [];
  const typeNameId = (type: number): number => {
    let id = typeIds[type];
    if (id === undefined) typeIds[type] = id = out.stringId(hook.typeName(type));
    return id;
  };
  let lastWindow: readonly Interval[] | undefined;
  let lastWindowId = -1;
  const okCode = 0;
  const overflowCode = STATUSES.indexOf("overflow");
  // Relocations name few distinct symbols: read each once.
  const symbols: SymbolSlot[] = [];
  const slotOf = (k: number): SymbolSlot => {
    let slot = symbols[k];
    if (slot === undefined) {
      let sym: ElfSymbol | ElfFormatError;
      try {
        sym = readSymbol(elf, ctx.symtab, k);
      } catch (e) {
        if (!(e instanceof ElfFormatError)) throw e;
        sym = e;
      }
      const name = sym instanceof ElfFormatError ? "?" : kernelSymbolName(elf, sym);
      slot = {
        sym,
        name,
        nameId: out.stringId(name),
        fast: fast && !(sym instanceof ElfFormatError) ? fast.symbol(ctx, sym) : undefined,
      };
      symbols[k] = slot;
    }
    return slot;
  };
  const { r_offset: offsets, r_addend: addends, sym: symIdx, type: types } = entries;
  const c = out.columns();
  for (let i = 0; i < n; i++) {
    const k = symIdx[i]!;
    const slot = k < nsyms ? slotOf(k) : undefined;
    const sym = slot?.sym;
    if (live && symbolDebug && log.withDebug && sym !== undefined && !(sym instanceof ElfFormatError)) {
      const name = slot!.name;
      log.debug(() => symbolDebug(sym, name));
    }
    if (
      slot !== undefined &&
      slot.fast !== undefined &&
      fast!.one(ctx, slot.fast, entries, i, targetAddr, live, fo)
    ) {
      // The row, written straight into the columns (reserve() above made room for the section).
      const row = out.length++;
      const type = types[i]!;
      c.group[row] = group;
      c.index[row] = i;
      c.type[row] = type;
      c.symIndex[row] = k;
      c.symShndx[row] = (sym as ElfSymbol).st_shndx;
      c.symbolId[row] = slot.nameId;
      c.typeNameId[row] = typeNameId(type);
      c.r_offset[row] = offsets[i]!;
      c.S[row] = fo.S;
      c.A[row] = addends[i]!;
      c.P[row] = fo.P;
      c.value[row] = fo.value;
      c.stored[row] = fo.width > 0 ? fo.stored : NaN;
      c.width[row] = fo.width;
      c.status[row] = fo.status === "ok" ? okCode : overflowCode;
      c.flags[row] = (live ? 1 : 0) | (fo.memCoefficient << 1);
      if (fo.window !== lastWindow) {
        lastWindow = fo.window;
        lastWindowId = out.windowIdOfShared(lastWindow);
      }
      c.windowId[row] = lastWindowId;
      if (live && fo.width > 0) {
        storeNumberField(layout.buffer, fo.at, fo.stored, fo.width, hook.littleEndian);
      }
      // Only not-reached relocations come back as overflows here: the kernel has already stopped.
      continue;
    }
    const rel = relocationAt(elf, ctx.relSection, i);
    const P = u64(target.sh_addr + rel.r_offset);
    let outcome: Outcome;
    if (slot === undefined) {
      outcome = {
        status: "undefined-behaviour",
        computed: {
          symbol: "?",
          symShndx: -1,
          note: `symbol index ${rel.sym} is past the end of the ${nsyms}-entry symbol table: the kernel would read whatever follows it`,
        },
      };
    } else if (sym instanceof ElfFormatError) {
      outcome = {
        status: "undefined-behaviour",
        computed: { symbol: "?", symShndx: -1, note: sym.message },
      };
    } else {
      outcome = hook.one(ctx, rel, P, sym!, slot.name);
    }
    out.add(group, rel, P, hook.typeName(rel.type), outcome.status, outcome.computed, live);
    if (live && outcome.store) writeField(layout.buffer, outcome.store, hook.littleEndian);
    if (outcome.status !== "ok" && hook.stops(outcome.status)) {
      if (live) {
        if (outcome.message !== undefined) log.err(outcome.message);
        failed = true;
      }
      live = false;
    }
  }
  return failed;
}

/** Writes an exact double (a negative x meaning 2^64 + x) into a 4- or 8-byte field of a staging buffer. */
export function storeNumberField(
  buf: StagingBuffer,
  at: number,
  value: number,
  width: number,
  littleEndian: boolean,
): void {
  // A sparse staging buffer (one padded to gigabytes) takes the store byte by byte.
  if (buf instanceof Uint8Array) storeNumber(buf, at, value, width, littleEndian);
  else writeField(buf, { at, value: u64Of(value), width }, littleEndian);
}

function storeNumber(buf: Uint8Array, at: number, value: number, width: number, littleEndian: boolean): void {
  // Two 32-bit words; for a negative value they are those of 2^64 + value.
  const hiWord = Math.floor(value / 0x1_0000_0000);
  const lo = (value - hiWord * 0x1_0000_0000) >>> 0;
  const hi = hiWord >>> 0;
  if (littleEndian) {
    buf[at] = lo;
    buf[at + 1] = lo >>> 8;
    buf[at + 2] = lo >>> 16;
    buf[at + 3] = lo >>> 24;
    if (width === 8) {
      buf[at + 4] = hi;
      buf[at + 5] = hi >>> 8;
      buf[at + 6] = hi >>> 16;
      buf[at + 7] = hi >>> 24;
    }
  } else {
    const end = at + width - 1;
    buf[end] = lo;
    buf[end - 1] = lo >>> 8;
    buf[end - 2] = lo >>> 16;
    buf[end - 3] = lo >>> 24;
    if (width === 8) {
      buf[at + 3] = hi;
      buf[at + 2] = hi >>> 8;
      buf[at + 1] = hi >>> 16;
      buf[at] = hi >>> 24;
    }
  }
}

// What the x86_64, s390 and riscv RELA hooks share: walking one SHT_RELA section, reading each
// entry's symbol without the bound checks the kernel also lacks, naming it the way the kernel prints
// it, recording it, and storing the field into the staging buffer. The per-type arithmetic and the
// checks each hook makes live in the architecture's own module.

import type { Interval } from "../kexec/windows";
import { SHN_ABS, SHN_COMMON, SHN_UNDEF } from "../elf/constants";
import { ElfFormatError } from "../elf/errors";
import { readSymbol, symbolCount } from "../elf/reader";
import { relocationAt, relocationEntries, type RelocationEntries } from "../elf/relocation-entries";
import type { ElfRelocation, ElfSymbol } from "../elf/types";
import type { KernelVersion } from "../kexec/kernel";
import { kernelSymbolName, type RelaContext, type RelocStatus } from "../kexec/relocate";
import { STATUSES, WIDE, type RelocationTable } from "../kexec/relocation-table";
import { RepeatedEntries } from "../kexec/repeated-entries";
import { byteAt, PAGE, setByteAt, type StagingBuffer } from "../kexec/staging";
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
    return pastEndNote(hex(rel.r_offset), width, target.name, layout.buffer.byteLength);
  }
  return Number(loc);
}

export function pastEndNote(rOffset: string, width: number, target: string, bufferLength: number): string {
  return `r_offset ${rOffset} + ${width} is past the end of ${target} in the ${bufferLength}-byte buffer: the kernel would access memory out of bounds`;
}

/**
 * What a hook's number path reports for one relocation. The 64-bit fields are exact doubles in the
 * relocation table's encoding (a negative number x stands for 2^64 + x), or 32-bit words where
 * wordCols says so (see words.ts); one object is reused.
 */
export interface FastOutcome {
  status: RelocStatus;
  /** The kernel's pr_err line for a failing status, if it prints one. */
  message: string | undefined;
  /** The row's note (one string per kind of row, not one per row), or undefined. */
  note: string | undefined;
  P: number;
  S: number;
  /** NaN when undefined, or when its bits are in the words (see wordCols). */
  value: number;
  stored: number;
  width: number;
  memCoefficient: 0 | 1;
  window: readonly Interval[] | undefined;
  /** Buffer offset of the field (meaningless when width is 0). */
  at: number;
  /**
   * Bit c (a WIDE column) set: the column's value has no exact double (NaN above, or the entry's
   * r_offset or r_addend), and its 64 bits are hi[c]·2^32 + lo[c]. The walk clears it before each call.
   */
  wordCols: number;
  readonly hi: number[];
  readonly lo: number[];
}

/**
 * A hook's number path: the same arithmetic with doubles, or 32-bit words (words.ts) where values
 * leave them, including the failures it can state exactly (its message and note are the bigint
 * path's). It declines (false) whatever it does not model; the bigint path then computes that
 * relocation, so results never depend on which path ran (test/unit/number-paths.test.ts).
 */
export interface FastRela<Sym> {
  /**
   * Per symbol (`index` in the table, `name` as the kernel prints it), once per section and load:
   * what the arithmetic needs, or undefined to decline.
   */
  symbol(ctx: RelaContext, sym: ElfSymbol, index: number, name: string): Sym | undefined;
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
  /**
   * The checks one() makes of the symbol before anything else, when the hook has them apart: rows
   * against a failing symbol are then written without one() (a hostile object's forty thousand
   * relocations against an undefined symbol, past the first that stops the kernel).
   */
  symbolFailure?(ctx: RelaContext, sym: ElfSymbol, name: string): SymbolFailure | undefined;
}

/** One symbol of the section being walked, read once: the symbol or why reading it fails. */
interface SymbolSlot {
  readonly sym: ElfSymbol | ElfFormatError;
  readonly name: string;
  readonly nameId: number;
  /** The hook's number-path data, or undefined when it declines every relocation against it. */
  readonly fast: unknown;
  /** How every relocation against the symbol fails, when it does whatever the entry says. */
  readonly failure: SymbolFailure | undefined;
}

/** A failure decided by the symbol alone, before the entry's type or offset is looked at. */
export interface SymbolFailure {
  readonly status: RelocStatus;
  /** The kernel's pr_err line, if it prints one. */
  readonly message: string | undefined;
}

/** The exact double of a u64 below 2^53, or NaN. */
export function exactNumber(x: bigint): number {
  return x <= MAX_SAFE_N ? Number(x) : NaN;
}
const MAX_SAFE_N = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const STATUS_CODES = new Map(STATUSES.map((s, i) => [s, i]));

/**
 * The hook `make` builds for `era`, made once per distinct era and kept in `cache`: optimised code
 * calling it then sees a few call targets, not one per load.
 */
export function hookForEra(cache: Map<string, RelaHook>, era: object, make: () => RelaHook): RelaHook {
  const key = JSON.stringify(era);
  let hook = cache.get(key);
  if (hook === undefined) cache.set(key, (hook = make()));
  return hook;
}

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
    message: undefined,
    note: undefined,
    P: 0.5,
    S: 0.5,
    value: 0.5,
    stored: 0.5,
    width: 0,
    memCoefficient: 0,
    window: undefined,
    at: 0,
    wordCols: 0,
    hi: [0, 0, 0, 0, 0, 0],
    lo: [0, 0, 0, 0, 0, 0],
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
        fast: fast && !(sym instanceof ElfFormatError) ? fast.symbol(ctx, sym, k, name) : undefined,
        failure:
          hook.symbolFailure && !(sym instanceof ElfFormatError)
            ? hook.symbolFailure(ctx, sym, name)
            : undefined,
      };
      symbols[k] = slot;
    }
    return slot;
  };
  const { r_offset: offsets, r_addend: addends, sym: symIdx, type: types } = entries;
  const c = out.columns();
  const repeats = new RepeatedEntries(elf, ctx.relSection);
  const entryOf = (row: number): number => out.index[row]!;
  for (let i = 0; i < n; i++) {
    const k = symIdx[i]!;
    const slot = k < nsyms ? slotOf(k) : undefined;
    const sym = slot?.sym;
    if (live && symbolDebug && log.withDebug && sym !== undefined && !(sym instanceof ElfFormatError)) {
      const name = slot!.name;
      log.debug(() => symbolDebug(sym, name));
    }
    const failure = slot?.failure;
    if (failure !== undefined) {
      const P = targetAddr + offsets[i]!;
      const A = addends[i]!;
      // NaN (an entry or address past 2^53) fails the comparison: the bigint path takes those.
      if (P <= MAX_SAFE && A === A) {
        const type = types[i]!;
        out.addNumbers(
          group,
          i,
          type,
          k,
          (sym as ElfSymbol).st_shndx,
          slot!.nameId,
          typeNameId(type),
          offsets[i]!,
          NaN,
          A,
          P,
          NaN,
          NaN,
          0,
          STATUS_CODES.get(failure.status)!,
          live,
          0,
          -1,
        );
        if (hook.stops(failure.status)) {
          if (live) {
            if (failure.message !== undefined) log.err(failure.message);
            failed = true;
          }
          live = false;
        }
        continue;
      }
    }
    fo.wordCols = 0;
    fo.message = undefined;
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
      const words = fo.wordCols;
      if (words !== 0) {
        for (let col = 0; col < 6; col++)
          if ((words >> col) & 1) out.setWords(col, row, fo.hi[col]!, fo.lo[col]!);
      }
      c.width[row] = fo.width;
      c.status[row] = STATUS_CODES.get(fo.status)!;
      if (fo.note !== undefined) out.setNote(row, fo.note);
      c.flags[row] = (live ? 1 : 0) | (fo.memCoefficient << 1);
      if (fo.window !== lastWindow) {
        lastWindow = fo.window;
        lastWindowId = out.windowIdOfShared(lastWindow);
      }
      c.windowId[row] = lastWindowId;
      const storedWords = ((words >> WIDE.stored) & 1) !== 0;
      if (live && fo.width > 0 && (fo.stored === fo.stored || storedWords)) {
        if (!storedWords) {
          storeNumberField(layout.buffer, fo.at, fo.stored, fo.width, hook.littleEndian);
        } else {
          const w = WIDE.stored;
          storeWordsField(layout.buffer, fo.at, fo.hi[w]!, fo.lo[w]!, fo.width, hook.littleEndian);
        }
      }
      if (fo.status !== "ok" && hook.stops(fo.status)) {
        if (live) {
          if (fo.message !== undefined) log.err(fo.message);
          failed = true;
        }
        live = false;
      }
      continue;
    }
    // Not reached, the walk stores nothing: an entry repeating an earlier not-reached one gets its row.
    if (!live) {
      const row = repeats.rowFor(i, entryOf);
      if (row >= 0) {
        out.copyRow(row, i);
        continue;
      }
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
    const row = out.add(group, rel, P, hook.typeName(rel.type), outcome.status, outcome.computed, live);
    if (!live) repeats.add(i, row);
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

/** Writes an exact double (a negative x meaning 2^64 + x) into a 1-, 2-, 4- or 8-byte field. */
export function storeNumberField(
  buf: StagingBuffer,
  at: number,
  value: number,
  width: number,
  littleEndian: boolean,
): void {
  // Two 32-bit words; for a negative value they are those of 2^64 + value.
  const hiWord = Math.floor(value / TWO_32_N);
  storeWordsField(buf, at, hiWord >>> 0, (value - hiWord * TWO_32_N) >>> 0, width, littleEndian);
}

/** Writes the low `width` bytes (1, 2, 4 or 8) of the 64 bits hi·2^32 + lo into a field. */
export function storeWordsField(
  buf: StagingBuffer,
  at: number,
  hi: number,
  lo: number,
  width: number,
  littleEndian: boolean,
): void {
  let bytes: Uint8Array;
  let o = at;
  if (buf instanceof Uint8Array) bytes = buf;
  else {
    // A sparse staging buffer (one padded to gigabytes): the page holding the field, or byte by
    // byte where the field straddles pages or runs off the end.
    const page = buf.writablePage(at, width);
    if (page === undefined) {
      writeField(buf, { at, value: (BigInt(hi) << 32n) | BigInt(lo), width }, littleEndian);
      return;
    }
    bytes = page;
    o = at % PAGE;
  }
  for (let k = 0; k < width; k++) {
    // Byte k counted from the least significant end.
    const byte = k < 4 ? lo >>> (8 * k) : hi >>> (8 * (k - 4));
    bytes[littleEndian ? o + k : o + width - 1 - k] = byte & 0xff;
  }
}

/** The unsigned field of `width` bytes (1, 2 or 4) at `at`, as a number. */
export function readWord(buf: StagingBuffer, at: number, width: number, littleEndian: boolean): number {
  if (buf instanceof Uint8Array) {
    let v = 0;
    for (let k = 0; k < width; k++) v = v * 256 + buf[littleEndian ? at + width - 1 - k : at + k]!;
    return v;
  }
  return Number(readField(buf, at, width, littleEndian));
}

/** x mod 2^bits (bits up to 32) of an exact double, for a negative x that of 2^64 + x. */
export function lowBits(x: number, bits: number): number {
  const m = 2 ** bits;
  return x - Math.floor(x / m) * m;
}

/**
 * The number path's view of a symbol every RELA hook resolves the same way: S = st_value plus the
 * section's address (none for SHN_ABS), and whether S moves with kbuf.mem. Undefined (decline) for
 * the symbols the kernel refuses or misreads: SHN_UNDEF, SHN_COMMON, a section index past e_shnum,
 * and an S past 2^53.
 */
export function sectionSymbol(ctx: RelaContext, sym: ElfSymbol): FastSymbol | undefined {
  if (sym.st_shndx === SHN_UNDEF || sym.st_shndx === SHN_COMMON) return undefined;
  return symbolAddress(ctx, sym);
}

/** S and whether it moves, for any section index below e_shnum (0 included) or SHN_ABS; else undefined. */
export function symbolAddress(ctx: RelaContext, sym: ElfSymbol): FastSymbol | undefined {
  let base = 0n;
  let k: 0 | 1 = 0;
  if (sym.st_shndx !== SHN_ABS) {
    if (sym.st_shndx >= ctx.elf.header.e_shnum) return undefined;
    const sec = ctx.layout.sechdrs[sym.st_shndx]!;
    base = sec.sh_addr;
    k = sec.inBuffer || sec.isBss ? 1 : 0;
  }
  const S = u64(sym.st_value + base);
  return S <= MAX_SAFE_N ? { S: Number(S), k } : undefined;
}

export interface FastSymbol {
  readonly S: number;
  /** 1 when S moves with kbuf.mem (the symbol's section is in the buffer or is .bss). */
  readonly k: 0 | 1;
}

const TWO_32_N = 0x1_0000_0000;

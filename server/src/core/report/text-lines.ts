// The text report's long listings written as bytes: the kernel log, the section table and the
// relocation rows. An object of 15,000 sections at a 6.4-era kernel logs 45,000 WARN lines a load, and
// building a string per line made the report's time mostly string work and garbage collection.

import { sectionFlagLetters } from "../elf/constants";
import type { LogLine } from "../kexec/log";
import type { LoadedSection } from "../kexec/purgatory";
import { STATUSES, WIDE, type RelocationTable } from "../kexec/relocation-table";
import { padTo, putBytes, putDec, putHex, putHexBits, putHexU64 } from "./byte-writer";

const LEVEL_TAG = { err: "<3>", warn: "<4>", debug: "<7>" } as const;

/**
 * `    <N>text` per line (no level tag for kexec-tools' stderr). A line object logged again (the
 * kernel's WARN splat per section) is encoded once.
 */
export function writeLogLines(log: readonly LogLine[], tagged: boolean, emit: (b: Uint8Array) => void): void {
  const encoded = new Map<LogLine, Uint8Array>();
  const out = new Chunks(emit);
  for (let i = 0; i < log.length; i++) {
    const l = log[i]!;
    let b = encoded.get(l);
    if (b === undefined)
      encoded.set(l, (b = Buffer.from(`    ${tagged ? LEVEL_TAG[l.level] : ""}${l.text}\n`, "utf8")));
    out.room(b.length);
    out.pos = putBytes(out.buf, out.pos, b);
  }
  out.flush();
}

/**
 * The section table's rows: `[Nr] name flags align buf-offset address size`, the columns padded as
 * the header line above them lays out.
 */
export function writeSectionLines(
  placed: readonly LoadedSection[],
  e_machine: number,
  emit: (b: Uint8Array) => void,
): void {
  const names = new Map<string, Cell>();
  const flagCells = new Map<bigint, Cell>();
  const out = new Chunks(emit);
  for (let i = 0; i < placed.length; i++) {
    const s = placed[i]!;
    let name = names.get(s.name);
    if (name === undefined) names.set(s.name, (name = cell(s.name)));
    let flags = flagCells.get(s.flags);
    if (flags === undefined) flagCells.set(s.flags, (flags = cell(sectionFlagLetters(s.flags, e_machine))));
    out.room(LINE_FIXED + name.bytes.length + flags.bytes.length);
    const buf = out.buf;
    let pos = padTo(buf, out.pos, out.pos + 13);
    buf[pos++] = 91; // [
    pos = putDecPadded(buf, pos, s.index, 2);
    buf[pos++] = 93; // ]
    buf[pos++] = 32;
    pos = putCell(buf, pos, name, 24);
    buf[pos++] = 32;
    pos = putCell(buf, pos, flags, 5);
    buf[pos++] = 32;
    pos =
      s.align <= MAX_SAFE_N
        ? putDecPadded(buf, pos, Number(s.align), 5)
        : putCell(buf, pos, cell(String(s.align)), 0);
    pos = padTo(buf, pos, pos + 3);
    const off = pos;
    pos = s.inBuffer ? putHexU64(buf, pos, s.sh_offset, false) : putBytes(buf, pos, BSS.bytes);
    pos = padTo(buf, pos, off + 10);
    pos = padTo(buf, pos, pos + 2);
    const addr = pos;
    pos = putHexU64(buf, pos, s.sh_addr, false);
    pos = padTo(buf, pos, addr + 18);
    pos = padTo(buf, pos, pos + 2);
    pos = putHexU64(buf, pos, s.size, false);
    buf[pos++] = 10;
    out.pos = pos;
  }
  out.flush();
}

const MAX_SAFE_N = BigInt(Number.MAX_SAFE_INTEGER);

/** Decimal of a non-negative integer below 2^53, spaces before it up to `width` characters. */
function putDecPadded(buf: Uint8Array, pos: number, x: number, width: number): number {
  const end = putDec(buf, pos, x);
  const n = end - pos;
  if (n >= width) return end;
  buf.copyWithin(pos + width - n, pos, end);
  buf.fill(32, pos, pos + width - n);
  return pos + width;
}

/** A chunk being filled and the position in it; chunks go to `emit` and are never written again. */
class Chunks {
  buf: Uint8Array = NO_ROOM;
  pos = 0;
  constructor(private readonly emit: (b: Uint8Array) => void) {}
  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, n));
  }
  /** Hands over what is written; the next room() starts a new chunk. */
  flush(): void {
    if (this.pos > 0) this.emit(this.buf.subarray(0, this.pos));
    this.buf = NO_ROOM;
    this.pos = 0;
  }
}

const NO_ROOM = new Uint8Array(0);

/** A column's text, as UTF-8 bytes, with its width in characters (what padEnd counts). */
interface Cell {
  readonly bytes: Uint8Array;
  readonly chars: number;
}

function cell(s: string): Cell {
  return { bytes: Buffer.from(s, "utf8"), chars: s.length };
}

/** The cell, then spaces up to `width` characters. */
function putCell(buf: Uint8Array, pos: number, c: Cell, width: number): number {
  pos = putBytes(buf, pos, c.bytes);
  for (let k = c.chars; k < width; k++) buf[pos++] = 32;
  return pos;
}

/** Room for a line's numbers, separators and status. */
const LINE_FIXED = 256;
const CHUNK = 1 << 18;

/**
 * Every row of the table as the lines the text report prints for records (see its failing-rows loop), straight from the columns
 * into byte chunks (the listing of a million relocations is what llvm-readelf -r prints too).
 */
export function writeTableLines(t: RelocationTable, emit: (b: Uint8Array) => void): void {
  const strings = t.strings.map((s) => cell(s));
  const symbols = t.strings.map((s) => cell(s.slice(0, 24)));
  const targets = t.groups.map((g) => cell(`    ${g.targetName}+`));
  const statuses = STATUSES.map((x) => cell(` ${x}`));
  const notReached = cell(" (not reached)");
  const { group, typeNameId, symbolId, status, flags } = t;
  const cols = [WIDE.r_offset, WIDE.S, WIDE.A, WIDE.P, WIDE.stored].map((c) => t.wide[c]!);
  const [rOffset, colS, colA, colP, colStored] = cols as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  let buf: Uint8Array = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  // Where the previous line starts in `buf` (-1: not in this chunk). The index is not printed, so a
  // row repeating the one before it (sameAsPrevious) prints the same line.
  let lastLine = -1;
  for (let i = 0; i < t.length; i++) {
    const target = targets[group[i]!]!;
    const typeName = strings[typeNameId[i]!]!;
    const symbol = symbols[symbolId[i]!]!;
    const need = LINE_FIXED + target.bytes.length + typeName.bytes.length + symbol.bytes.length;
    if (pos + need > buf.length) {
      if (pos > 0) emit(buf.subarray(0, pos));
      buf = Buffer.allocUnsafe(Math.max(CHUNK, need));
      pos = 0;
      lastLine = -1;
    }
    if (lastLine >= 0 && t.sameAsPrevious(i)) {
      buf.copyWithin(pos, lastLine, pos);
      const n = pos - lastLine;
      lastLine = pos;
      pos += n;
      continue;
    }
    // `${targetName}+${offset}` padded to 25 characters after the 4-space indent.
    const lineStart = pos;
    lastLine = pos;
    pos = putBytes(buf, pos, target.bytes);
    const d = rOffset[i]!;
    if (d === d) pos = putHex(buf, pos, d, false, false);
    else pos = putHexBits(buf, pos, t.bigHi[WIDE.r_offset]![i]!, t.bigLo[WIDE.r_offset]![i]!, false, false);
    const targetChars = target.chars + (pos - lineStart - target.bytes.length);
    for (let k = targetChars; k < 4 + 25; k++) buf[pos++] = 32;
    buf[pos++] = 32;
    pos = putCell(buf, pos, typeName, 16);
    buf[pos++] = 32;
    pos = putCell(buf, pos, symbol, 24);
    buf[pos++] = 32;
    pos = hexField(t, buf, pos, colS[i]!, WIDE.S, i, false, 18);
    buf[pos++] = 32;
    pos = hexField(t, buf, pos, colA[i]!, WIDE.A, i, true, 8);
    buf[pos++] = 32;
    pos = hexField(t, buf, pos, colP[i]!, WIDE.P, i, false, 18);
    buf[pos++] = 32;
    pos = hexField(t, buf, pos, colStored[i]!, WIDE.stored, i, false, 11);
    pos = putBytes(buf, pos, statuses[status[i]!]!.bytes);
    if ((flags[i]! & 1) === 0) pos = putBytes(buf, pos, notReached.bytes);
    buf[pos++] = 10;
  }
  if (pos > 0) emit(buf.subarray(0, pos));
}

/**
 * A hex field padded to `width` characters (a bigint's from the table when no double holds it). One
 * function for every call: a closure made per report changes the call target the row loop was
 * optimised for.
 */
function hexField(
  t: RelocationTable,
  buf: Uint8Array,
  pos: number,
  d: number,
  c: number,
  i: number,
  signed: boolean,
  width: number,
): number {
  const start = pos;
  if (d === d) pos = putHex(buf, pos, d, signed, false);
  else if (t.hasBig(c, i)) pos = putHexBits(buf, pos, t.bigHi[c]![i]!, t.bigLo[c]![i]!, signed, false);
  else pos = putBytes(buf, pos, DASH.bytes);
  return padTo(buf, pos, start + width);
}

const DASH = cell("-");

const BSS = cell("(bss)");

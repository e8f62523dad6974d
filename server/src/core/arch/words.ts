// The number paths' 64-bit arithmetic on pairs of 32-bit words, for the relocations whose values
// leave the doubles (offsets and addends past 2^53, values that wrap): a hostile object's entries,
// which the bigint path computed at a few microseconds each. Everything here writes into reused
// objects; nothing is allocated per relocation but the notes.

import { rawEntryWords, type RelocationEntries } from "../elf/relocation-entries";
import type { ElfRelocation } from "../elf/types";
import type { RelaContext } from "../kexec/relocate";
import { WIDE, wordsValue } from "../kexec/relocation-table";
import { fieldOffset, pastEndNote, type FastOutcome } from "./common";

const TWO_32_N = 0x1_0000_0000;

/** Marks column c of the outcome as the words hi·2^32 + lo. */
export function setWords(out: FastOutcome, c: number, hi: number, lo: number): void {
  out.wordCols |= 1 << c;
  out.hi[c] = hi;
  out.lo[c] = lo;
}

/** The entry's r_offset and r_addend, and P, as words; see entryWords(); v and d: see symbolWords(). */
export interface EntryWords {
  offHi: number;
  offLo: number;
  aHi: number;
  aLo: number;
  pHi: number;
  pLo: number;
  vHi: number;
  vLo: number;
  dHi: number;
  dLo: number;
}

const ENTRY_WORDS: EntryWords = {
  offHi: 0,
  offLo: 0,
  aHi: 0,
  aLo: 0,
  pHi: 0,
  pLo: 0,
  vHi: 0,
  vLo: 0,
  dHi: 0,
  dLo: 0,
};

/** Sets w's v to S + A and d to S + A - P, mod 2^64 (S an exact double from a FastSymbol). */
export function symbolWords(w: EntryWords, S: number): void {
  const lo = loOf(S) + w.aLo;
  w.vLo = lo >>> 0;
  w.vHi = (hiOf(S) + w.aHi + (lo >= TWO_32_N ? 1 : 0)) >>> 0;
  const d = w.vLo - w.pLo;
  w.dLo = d >>> 0;
  w.dHi = (w.vHi - w.pHi - (d < 0 ? 1 : 0)) >>> 0;
}

let wordsTarget: RelaContext["target"] | undefined;
let targetHi = 0;
let targetLo = 0;

/**
 * Entry i's r_offset and r_addend as 32-bit words (the addend's two's complement), and P = the
 * target's sh_addr + r_offset mod 2^64, for a number path whose values leave the doubles: sets
 * out.P, and marks the columns with no exact double in `out`. The object returned is reused.
 */
export function entryWords(
  ctx: RelaContext,
  entries: RelocationEntries,
  i: number,
  out: FastOutcome,
): EntryWords {
  const w = ENTRY_WORDS;
  const off = entries.r_offset[i]!;
  const A = entries.r_addend[i]!;
  if (off !== off || A !== A) {
    const raw = rawEntryWords(ctx.elf, ctx.relSection, i);
    if (off !== off) setWords(out, WIDE.r_offset, raw[0]!, raw[1]!);
    if (A !== A) setWords(out, WIDE.A, raw[2]!, raw[3]!);
    w.offHi = raw[0]!;
    w.offLo = raw[1]!;
    w.aHi = raw[2]!;
    w.aLo = raw[3]!;
  }
  if (off === off) {
    w.offHi = hiOf(off);
    w.offLo = loOf(off);
  }
  if (A === A) {
    w.aHi = hiOf(A);
    w.aLo = loOf(A);
  }
  if (ctx.target !== wordsTarget) {
    wordsTarget = ctx.target;
    const t = BigInt.asUintN(64, ctx.target.sh_addr);
    targetHi = Number(t >> 32n);
    targetLo = Number(t & 0xffff_ffffn);
  }
  const lo = targetLo + w.offLo;
  w.pLo = lo >>> 0;
  w.pHi = (targetHi + w.offHi + (lo >= TWO_32_N ? 1 : 0)) >>> 0;
  out.P = wordsValue(w.pHi, w.pLo);
  if (out.P !== out.P) setWords(out, WIDE.P, w.pHi, w.pLo);
  return w;
}

/**
 * What the words paths share once the value is known: sets out.value to hi·2^32 + lo, out.width
 * and out.status "ok", then places the field. True when there is a field at out.at to store; false
 * when the row is complete: width 0, or a field outside the buffer ("undefined-behaviour", noted).
 */
export function placeWordsField(
  ctx: RelaContext,
  w: EntryWords,
  out: FastOutcome,
  hi: number,
  lo: number,
  width: number,
): boolean {
  out.value = wordsValue(hi, lo);
  if (out.value !== out.value) setWords(out, WIDE.value, hi, lo);
  out.width = width;
  out.status = "ok";
  if (width === 0) return false;
  const at = fieldOffsetWords(ctx, w.offHi, w.offLo, width);
  if (typeof at === "string") {
    out.status = "undefined-behaviour";
    out.note = at;
    return false;
  }
  out.at = at;
  return true;
}

/** The high word of an exact double (two's complement for a negative one). */
export function hiOf(x: number): number {
  return Math.floor(x / TWO_32_N) >>> 0;
}

/** The low word of an exact double. */
export function loOf(x: number): number {
  return (x - Math.floor(x / TWO_32_N) * TWO_32_N) >>> 0;
}

/**
 * Why the field at r_offset (words) is undefined behaviour, as fieldOffset() says it, or its buffer
 * offset: sh_offset + r_offset wraps mod 2^64 in the kernel's arithmetic.
 */
export function fieldOffsetWords(
  ctx: RelaContext,
  offHi: number,
  offLo: number,
  width: number,
): number | string {
  const { target, layout } = ctx;
  if (!target.inBuffer)
    return fieldOffset(ctx, { r_offset: (BigInt(offHi) << 32n) | BigInt(offLo) } as ElfRelocation, width);
  const o = BigInt.asUintN(64, target.sh_offset);
  const lo = Number(o & 0xffff_ffffn) + offLo;
  const hi = (Number(o >> 32n) + offHi + (lo >= TWO_32_N ? 1 : 0)) >>> 0;
  // A sparse buffer can pass 4 GiB; no buffer passes 2^53, where the high word reaches 2^21.
  const at = hi < 0x20_0000 ? hi * TWO_32_N + (lo >>> 0) : Infinity;
  const length = layout.buffer.byteLength;
  if (at + width > length) {
    // The same entry repeated (a corrupt object's copies) gets the same string, made once.
    const n = lastNote;
    if (
      n.offHi !== offHi ||
      n.offLo !== offLo ||
      n.width !== width ||
      n.target !== target ||
      n.length !== length
    ) {
      n.offHi = offHi;
      n.offLo = offLo;
      n.width = width;
      n.target = target;
      n.length = length;
      n.text = pastEndNote(hexWords(offHi, offLo), width, target.name, length);
    }
    return n.text;
  }
  return at;
}

const lastNote = {
  offHi: -1,
  offLo: -1,
  width: -1,
  target: undefined as RelaContext["target"] | undefined,
  length: -1,
  text: "",
};

/** "0x…" of the u64 hi·2^32 + lo, as hex() writes it. */
export function hexWords(hi: number, lo: number): string {
  return hi === 0 ? "0x" + lo.toString(16) : "0x" + hi.toString(16) + lo.toString(16).padStart(8, "0");
}

// The relocation records of one load, stored as columns. A purgatory has a few hundred relocations;
// a generated object or a CI corpus can have a million, and one object with six bigints per record
// and per load cost gigabytes. Here a record is a row of typed arrays, and `views()` hands the
// consumers RelocationRecord objects that read their row on demand.
//
// 64-bit columns hold a double when the value has an exact one: a u64 value v is stored as v when
// v < 2^53, and as v - 2^64 (a negative number) when v > 2^64 - 2^53, which is how the relocation
// arithmetic produces it (S + A - P below zero wraps). Other values are NaN with their 64 bits (two's
// complement for the addend) in a pair of 32-bit word columns made on first use, and a bit in
// `bigMask` saying they are there; NaN without the bit is `undefined`. Words, not bigints: the
// reporters write their hex digit by digit, and nothing is allocated per value. (A side map of
// bigints cost a hash entry per value: with a hostile object's 40,000 relocations at offsets past
// 2^53 it was a third of the simulation.)

import type { SectionHeader } from "../elf/types";
import type { RecordFacts, RelocationList, RelocationRecord, RelocStatus } from "./relocation-record";
import type { Interval } from "./windows";

const TWO_64 = 1n << 64n;
const TWO_32 = 0x1_0000_0000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_N = BigInt(MAX_SAFE);
const MIN_WRAPPED_N = TWO_64 - MAX_SAFE_N;

export const STATUSES: readonly RelocStatus[] = [
  "ok",
  "overflow",
  "unknown-type",
  "undefined-symbol",
  "common-symbol",
  "invalid-section",
  "undefined-behaviour",
  "ignored",
];
const STATUS_CODE = new Map(STATUSES.map((s, i) => [s, i]));

/** The columns holding 64-bit values, and which of them are signed (the addend). */
const enum Col {
  r_offset,
  S,
  A,
  P,
  value,
  stored,
}

/** A u64 (or, for the addend, a signed) bigint as a double, or NaN when none is exact. */
function encode(x: bigint, signed: boolean): number {
  if (signed) return x >= -MAX_SAFE_N && x <= MAX_SAFE_N ? Number(x) : NaN;
  if (x <= MAX_SAFE_N) return Number(x);
  if (x >= MIN_WRAPPED_N) return Number(x - TWO_64);
  return NaN;
}

/** encode() of the u64 hi·2^32 + lo (two unsigned 32-bit words): its exact double, or NaN. */
export function wordsValue(hi: number, lo: number): number {
  if (hi < 0x20_0000) return hi * TWO_32 + lo;
  // 2^64 - 2^53 < hi·2^32 + lo: the wrapped value minus 2^64, above -2^53.
  const x = (hi - TWO_32) * TWO_32 + lo;
  return x >= -MAX_SAFE ? x : NaN;
}

/** The u64 a stored double stands for. */
export function u64Of(x: number): bigint {
  return x < 0 ? BigInt(x) + TWO_64 : BigInt(x);
}

/** "0x…" for the u64 a stored double stands for, without going through a bigint. */
export function hexU64(x: number): string {
  if (x >= 0) return "0x" + x.toString(16);
  const hi = Math.floor(x / TWO_32);
  const lo = x - hi * TWO_32;
  return "0x" + (hi + TWO_32).toString(16) + lo.toString(16).padStart(8, "0");
}

/** Which relocation section and target a run of rows came from. */
export interface RowGroup {
  readonly relSection: number;
  readonly relSectionName: string;
  readonly target: number;
  readonly targetName: string;
}

/** The windows seen so far, by their bounds in order (from, to, from, to, …). */
interface WindowNode {
  readonly next: Map<bigint, WindowNode>;
  id?: number;
}

/** Per table, outside it: a worker's structured clone of the table does not carry it. */
const sharedWindowIds = new WeakMap<RelocationTable, Map<readonly Interval[], number>>();

export class RelocationTable {
  length = 0;
  private cap = 0;
  group = new Uint32Array(0);
  index = new Uint32Array(0);
  type = new Uint32Array(0);
  symIndex = new Uint32Array(0);
  symShndx = new Int32Array(0);
  symbolId = new Uint32Array(0);
  typeNameId = new Uint32Array(0);
  width = new Uint8Array(0);
  status = new Uint8Array(0);
  /** Bit 0: reached; bit 1: memCoefficient. */
  flags = new Uint8Array(0);
  windowId = new Int32Array(0);
  /** The 64-bit columns, indexed by Col. */
  readonly wide: Float64Array[] = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(0));
  /** The high and low 32-bit words of the values the doubles cannot hold, per 64-bit column, by row. */
  readonly bigHi: (Uint32Array | undefined)[] = [];
  readonly bigLo: (Uint32Array | undefined)[] = [];
  /** Bit c of a row: column c's value is in bigHi[c] and bigLo[c]. */
  private bigMask: Uint8Array | undefined;
  /** Per row, 1 + the index of its note in `noteTexts`, or 0 for none. */
  noteId = new Uint32Array(0);
  /** The distinct notes (a note is written once per kind of problem, not per row). */
  readonly noteTexts: string[] = [];
  private readonly noteIds = new Map<string, number>();
  private lastNote: string | undefined;
  private lastNoteId = 0;
  readonly groups: RowGroup[] = [];
  /** Interned strings (symbol and type names). */
  readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  /** Interned windows: records share the array, so consumers can intersect each distinct one once. */
  readonly windows: (readonly Interval[])[] = [];
  private readonly windowTree: WindowNode = { next: new Map() };

  /** Makes room for `more` rows (a section's entry count is known before its walk). */
  reserve(more: number): void {
    const need = this.length + more;
    if (need <= this.cap) return;
    const cap = Math.max(need, this.cap * 2, 16);
    const grow = <T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(
      a: T,
      make: (n: number) => T,
    ): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.group = grow(this.group, (n) => new Uint32Array(n));
    this.index = grow(this.index, (n) => new Uint32Array(n));
    this.type = grow(this.type, (n) => new Uint32Array(n));
    this.symIndex = grow(this.symIndex, (n) => new Uint32Array(n));
    this.symShndx = grow(this.symShndx, (n) => new Int32Array(n));
    this.symbolId = grow(this.symbolId, (n) => new Uint32Array(n));
    this.typeNameId = grow(this.typeNameId, (n) => new Uint32Array(n));
    this.width = grow(this.width, (n) => new Uint8Array(n));
    this.status = grow(this.status, (n) => new Uint8Array(n));
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
    this.windowId = grow(this.windowId, (n) => new Int32Array(n));
    this.noteId = grow(this.noteId, (n) => new Uint32Array(n));
    for (let c = 0; c < this.wide.length; c++) this.wide[c] = grow(this.wide[c]!, (n) => new Float64Array(n));
    if (this.bigMask) this.bigMask = grow(this.bigMask, (n) => new Uint8Array(n));
    for (let c = 0; c < this.bigHi.length; c++) {
      if (this.bigHi[c] !== undefined) this.bigHi[c] = grow(this.bigHi[c]!, (n) => new Uint32Array(n));
      if (this.bigLo[c] !== undefined) this.bigLo[c] = grow(this.bigLo[c]!, (n) => new Uint32Array(n));
    }
    this.cap = cap;
  }

  addGroup(relsec: SectionHeader, target: { readonly index: number; readonly name: string }): number {
    this.groups.push({
      relSection: relsec.index,
      relSectionName: relsec.name,
      target: target.index,
      targetName: target.name,
    });
    return this.groups.length - 1;
  }

  /** The last string and id recentId() saw per slot (0: symbol names, 1: type names). */
  private readonly recent: [string, number][] = [
    ["", -1],
    ["", -1],
  ];

  /**
   * stringId() for the bigint path's rows, which repeat the previous row's names: the walks pass the
   * same string object again, and comparing it with the last one is cheaper than hashing it.
   */
  private recentId(slot: 0 | 1, s: string): number {
    const r = this.recent[slot]!;
    if (r[0] === s && r[1] >= 0) return r[1];
    r[0] = s;
    return (r[1] = this.stringId(s));
  }

  stringId(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  windowIdOf(w: readonly Interval[] | undefined): number {
    if (w === undefined) return -1;
    // A loader that builds a fresh array per relocation still gets one entry per distinct window,
    // found by its bounds in a tree of maps (bigints are map keys by value), with no string made of
    // them and nothing kept per array.
    let node = this.windowTree;
    for (const x of w) {
      let child = node.next.get(x.from);
      if (child === undefined) node.next.set(x.from, (child = { next: new Map() }));
      node = child;
      child = node.next.get(x.to);
      if (child === undefined) node.next.set(x.to, (child = { next: new Map() }));
      node = child;
    }
    if (node.id === undefined) {
      node.id = this.windows.length;
      this.windows.push(w);
    }
    return node.id;
  }

  /**
   * The id of a window array the caller made once for its bounds and hands in again by identity
   * (the number paths' per-constraint caches): interned by identity alone, skipping the walk over
   * its bounds. An equal window interned another way gets its own id; consumers intersecting each
   * id once then intersect it twice, with the same result.
   */
  windowIdOfShared(w: readonly Interval[] | undefined): number {
    if (w === undefined) return -1;
    let ids = sharedWindowIds.get(this);
    if (ids === undefined) sharedWindowIds.set(this, (ids = new Map()));
    let id = ids.get(w);
    if (id === undefined) {
      id = this.windows.length;
      this.windows.push(w);
      ids.set(w, id);
    }
    return id;
  }

  /**
   * Appends a row from numbers. The 64-bit arguments must be exact doubles in the encoding above
   * (NaN for undefined); returns the row.
   */
  addNumbers(
    group: number,
    index: number,
    type: number,
    symIndex: number,
    symShndx: number,
    symbolId: number,
    typeNameId: number,
    r_offset: number,
    S: number,
    A: number,
    P: number,
    value: number,
    stored: number,
    width: number,
    status: number,
    reached: boolean,
    memCoefficient: 0 | 1,
    windowId: number,
  ): number {
    if (this.length === this.cap) this.reserve(1);
    const i = this.length++;
    this.group[i] = group;
    this.index[i] = index;
    this.type[i] = type;
    this.symIndex[i] = symIndex;
    this.symShndx[i] = symShndx;
    this.symbolId[i] = symbolId;
    this.typeNameId[i] = typeNameId;
    const w = this.wide;
    w[Col.r_offset]![i] = r_offset;
    w[Col.S]![i] = S;
    w[Col.A]![i] = A;
    w[Col.P]![i] = P;
    w[Col.value]![i] = value;
    w[Col.stored]![i] = stored;
    this.width[i] = width;
    this.status[i] = status;
    this.flags[i] = (reached ? 1 : 0) | (memCoefficient << 1);
    this.windowId[i] = windowId;
    return i;
  }

  /**
   * The columns, for a writer that fills rows itself: it bumps the table's `length` per row and must stay within
   * what reserve() made room for (the arrays are replaced when the table grows).
   */
  columns() {
    const w = this.wide;
    return {
      group: this.group,
      index: this.index,
      type: this.type,
      symIndex: this.symIndex,
      symShndx: this.symShndx,
      symbolId: this.symbolId,
      typeNameId: this.typeNameId,
      width: this.width,
      status: this.status,
      flags: this.flags,
      windowId: this.windowId,
      r_offset: w[Col.r_offset]!,
      S: w[Col.S]!,
      A: w[Col.A]!,
      P: w[Col.P]!,
      value: w[Col.value]!,
      stored: w[Col.stored]!,
    };
  }

  /** Appends a row from exact values (the bigint path every loader can take). */
  add(
    group: number,
    rel: {
      readonly index: number;
      readonly r_offset: bigint;
      readonly type: number;
      readonly sym: number;
      readonly r_addend: bigint;
    },
    P: bigint,
    typeName: string,
    status: RelocStatus,
    f: RecordFacts,
    reached: boolean,
  ): number {
    const i = this.addNumbers(
      group,
      rel.index,
      rel.type,
      rel.sym,
      f.symShndx,
      this.recentId(0, f.symbol),
      this.recentId(1, typeName),
      NaN,
      NaN,
      NaN,
      NaN,
      NaN,
      NaN,
      f.width ?? 0,
      STATUS_CODE.get(status)!,
      reached,
      f.memCoefficient ?? 0,
      this.windowIdOf(f.window),
    );
    this.setWide(Col.r_offset, i, rel.r_offset, false);
    this.setWide(Col.S, i, f.S, false);
    this.setWide(Col.A, i, rel.r_addend, true);
    this.setWide(Col.P, i, P, false);
    this.setWide(Col.value, i, f.value, false);
    this.setWide(Col.stored, i, f.stored, false);
    if (f.note !== undefined) this.setNote(i, f.note);
    return i;
  }

  private setWide(c: Col, i: number, x: bigint | undefined, signed: boolean): void {
    if (x === undefined) return;
    const d = encode(x, signed);
    this.wide[c]![i] = d;
    if (d === d) return;
    const bits = BigInt.asUintN(64, x);
    this.setWords(c, i, Number(bits >> 32n), Number(bits & 0xffff_ffffn));
  }

  /** Appends a copy of row `from` as entry `index`'s row (an entry repeating an earlier one); returns it. */
  copyRow(from: number, index: number): number {
    if (this.length === this.cap) this.reserve(1);
    const i = this.length++;
    this.group[i] = this.group[from]!;
    this.index[i] = index;
    this.type[i] = this.type[from]!;
    this.symIndex[i] = this.symIndex[from]!;
    this.symShndx[i] = this.symShndx[from]!;
    this.symbolId[i] = this.symbolId[from]!;
    this.typeNameId[i] = this.typeNameId[from]!;
    this.width[i] = this.width[from]!;
    this.status[i] = this.status[from]!;
    this.flags[i] = this.flags[from]!;
    this.windowId[i] = this.windowId[from]!;
    this.noteId[i] = this.noteId[from]!;
    for (let c = 0; c < this.wide.length; c++) {
      const col = this.wide[c]!;
      col[i] = col[from]!;
      if (this.hasBig(c, from)) this.setWords(c, i, this.bigHi[c]![from]!, this.bigLo[c]![from]!);
    }
    return i;
  }

  /** Gives row i its note. Rows repeating the previous note's string skip hashing it again. */
  setNote(i: number, note: string): void {
    if (note !== this.lastNote) {
      let id = this.noteIds.get(note);
      if (id === undefined) {
        this.noteTexts.push(note);
        this.noteIds.set(note, (id = this.noteTexts.length));
      }
      this.lastNote = note;
      this.lastNoteId = id;
    }
    this.noteId[i] = this.lastNoteId;
  }

  noteAt(i: number): string | undefined {
    const id = this.noteId[i]!;
    return id === 0 ? undefined : this.noteTexts[id - 1];
  }

  /** Sets column c of row i to the 64 bits hi·2^32 + lo, which have no exact double. */
  setWords(c: Col, i: number, hi: number, lo: number): void {
    this.wide[c]![i] = NaN;
    const mask = (this.bigMask ??= new Uint8Array(this.cap));
    mask[i]! |= 1 << c;
    (this.bigHi[c] ??= new Uint32Array(this.cap))[i] = hi;
    (this.bigLo[c] ??= new Uint32Array(this.cap))[i] = lo;
  }

  /** Whether column c of row i is a value past the doubles, in bigHi[c][i] and bigLo[c][i]. */
  /**
   * Whether row i repeats row i - 1 in every column but `index`. The reporters then copy the text
   * of the previous row after its index: a hostile object repeats one entry tens of thousands of
   * times.
   */
  sameAsPrevious(i: number): boolean {
    const j = i - 1;
    if (
      j < 0 ||
      this.group[i] !== this.group[j] ||
      this.type[i] !== this.type[j] ||
      this.symIndex[i] !== this.symIndex[j] ||
      this.symShndx[i] !== this.symShndx[j] ||
      this.symbolId[i] !== this.symbolId[j] ||
      this.typeNameId[i] !== this.typeNameId[j] ||
      this.width[i] !== this.width[j] ||
      this.status[i] !== this.status[j] ||
      this.flags[i] !== this.flags[j] ||
      this.windowId[i] !== this.windowId[j] ||
      this.noteId[i] !== this.noteId[j]
    )
      return false;
    for (let c = 0; c < this.wide.length; c++) {
      const a = this.wide[c]![i]!;
      const b = this.wide[c]![j]!;
      if (a === b) continue;
      // Both NaN: the same when both are undefined, or both words and the words are equal.
      if (a === a || b === b || this.hasBig(c, i) !== this.hasBig(c, j)) return false;
      if (
        this.hasBig(c, i) &&
        (this.bigHi[c]![i] !== this.bigHi[c]![j] || this.bigLo[c]![i] !== this.bigLo[c]![j])
      )
        return false;
    }
    return true;
  }

  hasBig(c: Col, i: number): boolean {
    const mask = this.bigMask;
    return mask !== undefined && (mask[i]! & (1 << c)) !== 0;
  }

  /** The exact value of a 64-bit column. */
  wideAt(c: Col, i: number): bigint | undefined {
    const d = this.wide[c]![i]!;
    if (d === d) return c === Col.A ? BigInt(d) : u64Of(d);
    return this.bigAt(c, i);
  }

  private bigAt(c: Col, i: number): bigint | undefined {
    if (!this.hasBig(c, i)) return undefined;
    const bits = (BigInt(this.bigHi[c]![i]!) << 32n) | BigInt(this.bigLo[c]![i]!);
    return c === Col.A ? BigInt.asIntN(64, bits) : bits;
  }

  /** "0x…" of a 64-bit column (the addend as -0x… when negative), or null when undefined. */
  hexAt(c: Col, i: number): string | null {
    const d = this.wide[c]![i]!;
    if (d === d) {
      if (c === Col.A && d < 0) return "-0x" + (-d).toString(16);
      return hexU64(d);
    }
    const x = this.bigAt(c, i);
    if (x === undefined) return null;
    return x < 0n ? "-0x" + (-x).toString(16) : "0x" + x.toString(16);
  }

  statusAt(i: number): RelocStatus {
    return STATUSES[this.status[i]!]!;
  }

  /** The rows as a RelocationList: each record is made when asked for and reads its row. */
  records(): RelocationList {
    return new TableRecords(this);
  }
}

/** The rows as records made on demand: short-lived objects instead of a million long-lived ones. */
class TableRecords implements RelocationList {
  readonly length: number;
  constructor(readonly table: RelocationTable) {
    this.length = table.length;
  }
  at(i: number): RelocationRecord | undefined {
    const k = i < 0 ? this.length + i : i;
    return k >= 0 && k < this.length ? new RelocationRow(this.table, k) : undefined;
  }
  [Symbol.iterator](): Iterator<RelocationRecord> {
    const { table, length } = this;
    let i = 0;
    return {
      next: (): IteratorResult<RelocationRecord> =>
        i < length ? { done: false, value: new RelocationRow(table, i++) } : { done: true, value: undefined },
    };
  }
  // The predicates get one record that moves from row to row (a predicate must not keep it, as the
  // interface says); only the records they select are made.
  filter(pred: (r: RelocationRecord, i: number) => unknown): RelocationRecord[] {
    const out: RelocationRecord[] = [];
    const cursor = new RelocationRow(this.table, 0);
    for (let i = 0; i < this.length; i++) {
      cursor.moveTo(i);
      if (pred(cursor, i)) out.push(new RelocationRow(this.table, i));
    }
    return out;
  }
  some(pred: (r: RelocationRecord, i: number) => unknown): boolean {
    const cursor = new RelocationRow(this.table, 0);
    for (let i = 0; i < this.length; i++) {
      cursor.moveTo(i);
      if (pred(cursor, i)) return true;
    }
    return false;
  }
  every(pred: (r: RelocationRecord, i: number) => unknown): boolean {
    const cursor = new RelocationRow(this.table, 0);
    for (let i = 0; i < this.length; i++) {
      cursor.moveTo(i);
      if (!pred(cursor, i)) return false;
    }
    return true;
  }
  find(pred: (r: RelocationRecord, i: number) => unknown): RelocationRecord | undefined {
    const cursor = new RelocationRow(this.table, 0);
    for (let i = 0; i < this.length; i++) {
      cursor.moveTo(i);
      if (pred(cursor, i)) return new RelocationRow(this.table, i);
    }
    return undefined;
  }
  map<U>(fn: (r: RelocationRecord, i: number) => U): U[] {
    const out = new Array<U>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = fn(new RelocationRow(this.table, i), i);
    return out;
  }
  forEach(fn: (r: RelocationRecord, i: number) => void): void {
    for (let i = 0; i < this.length; i++) fn(new RelocationRow(this.table, i), i);
  }
}

/** Column numbers for callers outside this file (the JSON writer). */
export const WIDE = {
  r_offset: Col.r_offset,
  S: Col.S,
  A: Col.A,
  P: Col.P,
  value: Col.value,
  stored: Col.stored,
} as const;

/** One row as a RelocationRecord. */
class RelocationRow implements RelocationRecord {
  constructor(
    private readonly t: RelocationTable,
    private i: number,
  ) {}
  /** Points this record at another row (the predicates' cursor only). */
  moveTo(i: number): void {
    this.i = i;
  }
  get relSection(): number {
    return this.t.groups[this.t.group[this.i]!]!.relSection;
  }
  get relSectionName(): string {
    return this.t.groups[this.t.group[this.i]!]!.relSectionName;
  }
  get target(): number {
    return this.t.groups[this.t.group[this.i]!]!.target;
  }
  get targetName(): string {
    return this.t.groups[this.t.group[this.i]!]!.targetName;
  }
  get index(): number {
    return this.t.index[this.i]!;
  }
  get r_offset(): bigint {
    return this.t.wideAt(Col.r_offset, this.i)!;
  }
  get type(): number {
    return this.t.type[this.i]!;
  }
  get typeName(): string {
    return this.t.strings[this.t.typeNameId[this.i]!]!;
  }
  get symIndex(): number {
    return this.t.symIndex[this.i]!;
  }
  get symbol(): string {
    return this.t.strings[this.t.symbolId[this.i]!]!;
  }
  get symShndx(): number {
    return this.t.symShndx[this.i]!;
  }
  get S(): bigint | undefined {
    return this.t.wideAt(Col.S, this.i);
  }
  get A(): bigint {
    return this.t.wideAt(Col.A, this.i)!;
  }
  get P(): bigint {
    return this.t.wideAt(Col.P, this.i)!;
  }
  get value(): bigint | undefined {
    return this.t.wideAt(Col.value, this.i);
  }
  get stored(): bigint | undefined {
    return this.t.wideAt(Col.stored, this.i);
  }
  get width(): number {
    return this.t.width[this.i]!;
  }
  get status(): RelocStatus {
    return this.t.statusAt(this.i);
  }
  get reached(): boolean {
    return (this.t.flags[this.i]! & 1) !== 0;
  }
  get memCoefficient(): 0 | 1 {
    return ((this.t.flags[this.i]! >> 1) & 1) as 0 | 1;
  }
  get window(): readonly Interval[] | undefined {
    const id = this.t.windowId[this.i]!;
    return id < 0 ? undefined : this.t.windows[id];
  }
  get note(): string | undefined {
    return this.t.noteAt(this.i);
  }
  /** The row as a plain record (what JSON.stringify and structured clones see). */
  toJSON(): RelocationRecord {
    const r: Record<string, unknown> = {};
    for (const k of RECORD_KEYS) r[k] = this[k];
    return r as unknown as RelocationRecord;
  }
}

const RECORD_KEYS = [
  "relSection",
  "relSectionName",
  "target",
  "targetName",
  "index",
  "r_offset",
  "type",
  "typeName",
  "symIndex",
  "symbol",
  "symShndx",
  "S",
  "A",
  "P",
  "value",
  "stored",
  "width",
  "status",
  "reached",
  "memCoefficient",
  "window",
  "note",
] as const satisfies readonly (keyof RelocationRecord)[];

/** Exact doubles only: the number path falls back to bigints outside this range. */
export function isExact(x: number): boolean {
  return x <= MAX_SAFE && x >= -MAX_SAFE;
}

/** Visits every record with the list's cursor: `fn` must not keep the record it is given. */
export function scanRelocations(list: RelocationList, fn: (r: RelocationRecord, i: number) => void): void {
  list.some((r, i) => {
    fn(r, i);
    return false;
  });
}

/**
 * The distinct window arrays of the records `pred` selects (of every record without one), each once:
 * what intersecting the windows needs, without a record made per row.
 */
export function distinctWindows(
  list: RelocationList,
  pred?: (r: RelocationRecord, i: number) => boolean,
): (readonly Interval[])[] {
  const t = tableOf(list);
  if (t !== undefined) {
    if (pred === undefined) return t.windows.slice();
    const seen = new Uint8Array(t.windows.length);
    const out: (readonly Interval[])[] = [];
    scanRelocations(list, (r, i) => {
      const id = t.windowId[i]!;
      if (id >= 0 && seen[id] === 0 && pred(r, i)) {
        seen[id] = 1;
        out.push(t.windows[id]!);
      }
    });
    return out;
  }
  const seen = new Set<readonly Interval[]>();
  scanRelocations(list, (r, i) => {
    if (r.window !== undefined && (pred === undefined || pred(r, i))) seen.add(r.window);
  });
  return [...seen];
}

/** The table behind a relocation list, when it has one (so writers can read the columns). */
export function tableOf(records: RelocationList): RelocationTable | undefined {
  return records instanceof TableRecords ? records.table : undefined;
}

/**
 * A relocation list that went through a structured clone (a worker's postMessage keeps the data but
 * not the classes), working again; other lists come back as they are.
 */
export function reviveRelocationList(list: RelocationList): RelocationList {
  if (Array.isArray(list) || list instanceof TableRecords) return list;
  const cloned = list as unknown as { table: RelocationTable };
  Object.setPrototypeOf(cloned.table, RelocationTable.prototype);
  return Object.setPrototypeOf(cloned, TableRecords.prototype) as RelocationList;
}

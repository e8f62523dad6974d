// The CLI's --json, written as it is produced. Everything but the relocations is the same document
// json.ts builds; each load's relocations are rows (the fields of relocationObjects(), by position,
// named once in `relocationFields`), written in chunks so that a million relocations never become
// one string or a million objects.

import { randomUUID } from "node:crypto";
import type { LoadAttempt } from "../kexec/attempt";
import type { LogLine } from "../kexec/log";
import { STATUSES, tableOf, WIDE, type RelocationTable } from "../kexec/relocation-table";
import { hex, signedHex } from "../kexec/u64";
import type { Interval } from "../kexec/windows";
import type { SimulatedLoad, SimulationReport } from "../simulation";
import {
  JSON_BYTES_PER_UNIT,
  putBytes,
  putDec,
  putHex,
  putHexBits,
  putHexU64,
  putJsonString,
  putSignedHex64,
} from "./byte-writer";
import {
  listedSections,
  listedSymbols,
  loadJson,
  logEntryLine,
  reportJson,
  stringify,
  symbolSection,
  type ListParts,
  type ReportContext,
} from "./json";
import { bindName, SHT_NOBITS, sectionFlagLetters, sectionTypeName, symbolTypeName } from "../elf/constants";
import type { ReportedSymbol } from "../elf/reader";

type LoadedSection = LoadAttempt["sechdrs"][number];
type EntryMatch = LoadAttempt["entryMatches"][number];
type ElfSection = SimulationReport["elf"]["sections"][number];

/** The columns of a relocation row, in order. */
export const RELOCATION_FIELDS = [
  "relSection",
  "section",
  "index",
  "offset",
  "type",
  "typeName",
  "symbol",
  "S",
  "A",
  "P",
  "value",
  "stored",
  "width",
  "status",
  "reached",
  "window",
] as const;

/** Flush the pending text once it reaches this many UTF-16 units. */
const CHUNK = 1 << 18;

/**
 * Writes the report as JSON through `write`: one result object when `single` is given (one --load),
 * otherwise the summary with every result. Ends with a newline.
 */
export function writeReportJson(
  object: string,
  report: SimulationReport,
  write: (s: string) => void,
  single?: SimulatedLoad,
  /** Where UTF-8 bytes can go directly (stdout); each chunk is handed over, never reused. */
  writeBytes?: (b: Uint8Array) => void,
  context: ReportContext = {},
): void {
  // The parts that grow with the object stand as unique placeholder strings in the ordinary
  // document: each load's relocations (written as rows) and its log, and the lists of sections and
  // symbols (one compact element per line). Pretty-printing a 15,000-section object's lists whole
  // made the text several times larger and cost more than the simulation.
  const nonce = randomUUID();
  const holes: Hole[] = [];
  const hole = (fill: (indent: string) => void): string => {
    const m = `@@part-${nonce}-${holes.length}@@`;
    holes.push({ marker: `"${m}"`, fill });
    return m;
  };
  // The lists that grow with the section count, written as bytes (see ByteLine).
  const byteLines = <T>(list: readonly T[], line: ByteLine<T>) =>
    hole((indent) => writeByteLines(list, line, indent, emit, emitBytes));
  const machine = report.elf.header.e_machine;
  const texts = new TextCache();
  const parts: ListParts = {
    relocations: (load) => hole((indent) => writeRows(load.attempt, indent, emit, emitBytes)),
    sections: ({ attempt: a }) => byteLines(listedSections(a), sectionBytes(a, machine, texts)),
    entrySections: ({ attempt: a }) => byteLines(a.entryMatches, entrySectionBytes()),
    log: ({ attempt: a }) => byteLines(a.log, logBytes(texts)),
    fileSections: () => byteLines(report.elf.sections, fileSectionBytes(machine, texts)),
    symbols: () => byteLines(listedSymbols(report), symbolBytes(report)),
  };
  const base = single
    ? loadJson(object, report, single, context, parts, 0)
    : reportJson(object, report, context, parts);
  const doc = { ...base, relocationFields: RELOCATION_FIELDS };
  const text = stringify(doc);
  let pending = "";
  const emit = (s: string) => {
    pending += s;
    if (pending.length >= CHUNK) {
      write(pending);
      pending = "";
    }
  };
  const emitBytes = (b: Uint8Array) => {
    if (writeBytes) {
      if (pending) write(pending);
      pending = "";
      writeBytes(b);
    } else emit(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8"));
  };
  // Each placeholder is found once; the text around them is small, so searching it whole is cheap.
  const found = holes
    .map((h) => ({ h, at: text.indexOf(h.marker) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at);
  let from = 0;
  for (const { h, at } of found) {
    emit(text.slice(from, at));
    h.fill(indentAt(text, at));
    from = at + h.marker.length;
  }
  emit(text.slice(from) + "\n");
  if (pending) write(pending);
}

interface Hole {
  /** The placeholder as it stands in the text, quotes included. */
  readonly marker: string;
  /** Writes what stands there, its first line indented by the caller's text. */
  readonly fill: (indent: string) => void;
}

/**
 * One list element written as bytes at `pos` (returning the new position), with `room` its most
 * bytes. The lines are those the string forms in json.ts give (sectionLine, fileSectionLine,
 * entrySectionLine, logEntryLine, symbolLine; a test compares them): their text pieces are encoded once per
 * distinct value, their numbers digit by digit. A 15,000-section object has some 200,000 such lines
 * (sections twice, the file's sections, entry sections, and three log lines per entry section), and
 * building them as strings was most of its report.
 */
interface ByteLine<T> {
  room(e: T): number;
  put(buf: Uint8Array, pos: number, e: T): number;
}

/** The UTF-8 of text pieces, made once per distinct piece. */
class TextCache {
  private readonly pieces = new Map<string, Uint8Array>();
  bytes(s: string): Uint8Array {
    let b = this.pieces.get(s);
    if (b === undefined) this.pieces.set(s, (b = Buffer.from(s, "utf8")));
    return b;
  }
}

const MAX_SAFE_N = BigInt(Number.MAX_SAFE_INTEGER);

/** Room for a line's numbers: a handful of quoted 64-bit hex fields and a decimal index. */
const LINE_NUMBERS = 160;
const FLAGS_CACHE = new Map<number, Map<bigint, string>>();

function flagLetters(flags: bigint, machine: number): string {
  let byFlags = FLAGS_CACHE.get(machine);
  if (byFlags === undefined) FLAGS_CACHE.set(machine, (byFlags = new Map()));
  let letters = byFlags.get(flags);
  if (letters === undefined) {
    if (byFlags.size > 4096) byFlags.clear();
    byFlags.set(flags, (letters = sectionFlagLetters(flags, machine)));
  }
  return letters;
}

/**
 * `,"name":…,"type":…,"flags":…,"<next>":` for a section, encoded once per distinct (name, type,
 * flags); the last one is kept apart, since copies of one section come in runs.
 */
class NamePieces {
  private readonly byName = new Map<string, Map<string, Uint8Array>>();
  private lastName: string | undefined;
  private lastType = -1;
  private lastFlags: bigint | undefined;
  private last: Uint8Array | undefined;
  constructor(
    private readonly machine: number,
    private readonly next: string,
  ) {}
  get(name: string, type: number, flags: bigint): Uint8Array {
    if (name === this.lastName && type === this.lastType && flags === this.lastFlags) return this.last!;
    const letters = flagLetters(flags, this.machine);
    let byKey = this.byName.get(name);
    if (byKey === undefined) this.byName.set(name, (byKey = new Map()));
    const key = `${type} ${letters}`;
    let b = byKey.get(key);
    if (b === undefined) {
      const text = `,"name":${JSON.stringify(name)},"type":${JSON.stringify(sectionTypeName(type))},"flags":${JSON.stringify(letters)},"${this.next}":`;
      byKey.set(key, (b = Buffer.from(text, "utf8")));
    }
    this.lastName = name;
    this.lastType = type;
    this.lastFlags = flags;
    return (this.last = b);
  }
}

const OPEN_INDEX = Buffer.from('{"index":');

function sectionBytes(a: LoadAttempt, machine: number, texts: TextCache): ByteLine<LoadedSection> {
  const addr = texts.bytes(',"addr":');
  const offset = texts.bytes(',"offset":');
  const fileOffset = texts.bytes(',"fileOffset":');
  const size = texts.bytes(',"size":');
  const names = new NamePieces(machine, "align");
  const piece = (s: LoadedSection) => names.get(s.name, s.type, s.flags);
  const mem = a.mem;
  const memNumber = Number(mem);
  return {
    room: (s) => LINE_NUMBERS + piece(s).length,
    put(buf, pos, s) {
      pos = putBytes(buf, pos, OPEN_INDEX);
      pos = putDec(buf, pos, s.index);
      pos = putBytes(buf, pos, piece(s));
      pos = putHexU64(buf, pos, s.align, true);
      pos = putBytes(buf, pos, addr);
      pos = putHexU64(buf, pos, s.sh_addr, true);
      pos = putBytes(buf, pos, offset);
      // sh_addr - mem as a signed 64-bit value; exact on doubles while both are below 2^53.
      pos =
        s.sh_addr <= MAX_SAFE_N && mem <= MAX_SAFE_N
          ? putHex(buf, pos, Number(s.sh_addr) - memNumber, true, true)
          : putSignedHex64(buf, pos, BigInt.asIntN(64, s.sh_addr - mem), true);
      pos = putBytes(buf, pos, fileOffset);
      pos = putHexU64(buf, pos, s.fileOffset, true);
      pos = putBytes(buf, pos, size);
      pos = putHexU64(buf, pos, s.size, true);
      buf[pos++] = 125;
      return pos;
    },
  };
}

function fileSectionBytes(machine: number, texts: TextCache): ByteLine<ElfSection> {
  const size = texts.bytes(',"size":');
  const fileSize = texts.bytes(',"fileSize":');
  const names = new NamePieces(machine, "offset");
  const piece = (s: ElfSection) => names.get(s.name, s.sh_type, s.sh_flags);
  return {
    room: (s) => LINE_NUMBERS + piece(s).length,
    put(buf, pos, s) {
      pos = putBytes(buf, pos, OPEN_INDEX);
      pos = putDec(buf, pos, s.index);
      pos = putBytes(buf, pos, piece(s));
      pos = putHexU64(buf, pos, s.sh_offset, true);
      pos = putBytes(buf, pos, size);
      pos = putHexU64(buf, pos, s.sh_size, true);
      pos = putBytes(buf, pos, fileSize);
      pos = putHexU64(buf, pos, s.sh_type === SHT_NOBITS ? 0n : s.sh_size, true);
      buf[pos++] = 125;
      return pos;
    },
  };
}

function entrySectionBytes(): ByteLine<EntryMatch> {
  const byName = new Map<string, Map<string, Uint8Array>>();
  let last: EntryMatch | undefined;
  let lastPiece: Uint8Array | undefined;
  const piece = (m: EntryMatch): Uint8Array => {
    if (last !== undefined && m.name === last.name && m.effect === last.effect) return lastPiece!;
    let byEffect = byName.get(m.name);
    if (byEffect === undefined) byName.set(m.name, (byEffect = new Map()));
    let b = byEffect.get(m.effect);
    if (b === undefined) {
      const text = `,"name":${JSON.stringify(m.name)},"effect":${JSON.stringify(m.effect)}}`;
      byEffect.set(m.effect, (b = Buffer.from(text, "utf8")));
    }
    last = m;
    return (lastPiece = b);
  };
  return {
    room: (m) => 32 + piece(m).length,
    put(buf, pos, m) {
      pos = putBytes(buf, pos, OPEN_INDEX);
      pos = putDec(buf, pos, m.index);
      return putBytes(buf, pos, piece(m));
    },
  };
}

/**
 * symbolLine as bytes: a hostile object has tens of thousands of symbols, with names of any length.
 * The name is escaped straight into the chunk; the section piece is encoded once per section index,
 * the bind and type piece once per pair.
 */
function symbolBytes(report: SimulationReport): ByteLine<ReportedSymbol> {
  const sections = new Map<number, Uint8Array>();
  const section = (shndx: number): Uint8Array => {
    let b = sections.get(shndx);
    if (b === undefined) {
      const text = `,"section":${JSON.stringify(symbolSection(report, shndx))},"shndx":${shndx},"value":`;
      sections.set(shndx, (b = Buffer.from(text, "utf8")));
    }
    return b;
  };
  const kinds = new Map<number, Uint8Array>();
  const kind = (bind: number, type: number): Uint8Array => {
    const key = bind * 65536 + type;
    let b = kinds.get(key);
    if (b === undefined) {
      const text = `,"bind":${JSON.stringify(bindName(bind))},"type":${JSON.stringify(symbolTypeName(type))}`;
      kinds.set(key, (b = Buffer.from(text, "utf8")));
    }
    return b;
  };
  const open = Buffer.from('{"name":');
  const size = Buffer.from(',"size":');
  const problem = Buffer.from(',"problem":');
  return {
    room: (sym) =>
      LINE_NUMBERS +
      JSON_BYTES_PER_UNIT * (sym.name.length + (sym.problem?.length ?? 0)) +
      section(sym.shndx).length +
      kind(sym.bind, sym.type).length,
    put(buf, pos, sym) {
      pos = putBytes(buf, pos, open);
      pos = putJsonString(buf, pos, sym.name);
      pos = putBytes(buf, pos, section(sym.shndx));
      pos = putHexU64(buf, pos, sym.st_value, true);
      pos = putBytes(buf, pos, size);
      pos = putHexU64(buf, pos, sym.st_size, true);
      pos = putBytes(buf, pos, kind(sym.bind, sym.type));
      if (sym.problem !== undefined) {
        pos = putBytes(buf, pos, problem);
        pos = putJsonString(buf, pos, sym.problem);
      }
      buf[pos++] = 125;
      return pos;
    },
  };
}

/** A log repeats its lines (a 6.4-era load WARNs once per entry-holding section): each is encoded once. */
function logBytes(texts: TextCache): ByteLine<LogLine> {
  const byLevel = new Map<string, Map<string, Uint8Array>>();
  let last: LogLine | undefined;
  let lastLine: Uint8Array | undefined;
  const line = (l: LogLine): Uint8Array => {
    if (l === last) return lastLine!;
    last = l;
    let byText = byLevel.get(l.level);
    if (byText === undefined) byLevel.set(l.level, (byText = new Map()));
    let b = byText.get(l.text);
    if (b === undefined) byText.set(l.text, (b = texts.bytes(logEntryLine(l))));
    return (lastLine = b);
  };
  return { room: (l) => line(l).length, put: (buf, pos, l) => putBytes(buf, pos, line(l)) };
}

/**
 * `[` elements `]`, each on its own line (compact), one level below `indent`, written as bytes into
 * chunks handed to `emitBytes`.
 */
function writeByteLines<T>(
  list: readonly T[],
  line: ByteLine<T>,
  indent: string,
  emit: (s: string) => void,
  emitBytes: (b: Uint8Array) => void,
): void {
  if (list.length === 0) {
    emit("[]");
    return;
  }
  const lead = Buffer.from(",\n" + indent + "  ");
  emit("[" + lead.toString("latin1").slice(1));
  let buf: Uint8Array = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    const need = line.room(e) + lead.length;
    if (pos + need > buf.length) {
      if (pos > 0) emitBytes(buf.subarray(0, pos));
      buf = Buffer.allocUnsafe(Math.max(CHUNK, need));
      pos = 0;
    }
    if (i > 0) pos = putBytes(buf, pos, lead);
    pos = line.put(buf, pos, e);
  }
  if (pos > 0) emitBytes(buf.subarray(0, pos));
  emit("\n" + indent + "]");
}

/** The indentation of the line that holds offset `at` of a pretty-printed JSON text. */
export function indentAt(text: string, at: number): string {
  const lineStart = text.lastIndexOf("\n", at) + 1;
  // The text at `at` (a placeholder string) is not white space, so a match is always found.
  return " ".repeat(text.slice(lineStart, at + 1).search(/\S/));
}

/** `[` rows `]`, one row per line, indented one level below `indent`. */
function writeRows(
  a: LoadAttempt,
  indent: string,
  emit: (s: string) => void,
  emitBytes: (b: Uint8Array) => void,
): void {
  const n = a.relocations.length;
  if (n === 0) {
    emit("[]");
    return;
  }
  const lead = "\n" + indent + "  ";
  const table = tableOf(a.relocations);
  if (table) {
    writeTableRows(table, lead, emitBytes);
  } else {
    const row = recordRow(a);
    emit("[");
    for (let i = 0; i < n; i++) emit((i === 0 ? lead : "," + lead) + row(i));
  }
  emit("\n" + indent + "]");
}

function windowRow(w: readonly Interval[] | undefined): string {
  if (w === undefined) return "null";
  return "[" + w.map((x) => `["${hex(x.from)}","${hex(x.to)}"]`).join(",") + "]";
}

/** Room for a row's fixed-width parts: sixteen fields of at most 22 bytes, separators, indentation. */
const ROW_FIXED = 512;

/**
 * Rows straight from the table's columns into byte chunks: names and windows are encoded once each,
 * numbers digit by digit. Formatting a million rows through strings (Number#toString(16) on doubles
 * above 2^31, template literals, concatenation) took several times the simulation itself.
 */
function writeTableRows(t: RelocationTable, lead: string, emit: (b: Uint8Array) => void): void {
  // Names are latin1 strings (one char per ELF byte); the output is their UTF-8, as JSON.stringify's.
  const utf8 = (s: string) => Buffer.from(s, "utf8");
  const strings = t.strings.map((s) => utf8(JSON.stringify(s)));
  const groups = t.groups.map((g) =>
    utf8(`${JSON.stringify(g.relSectionName)},${JSON.stringify(g.targetName)},`),
  );
  const windows = t.windows.map((w) => utf8(windowRow(w)));
  const statuses = STATUSES.map((x) => utf8(`"${x}"`));
  const firstLead = utf8("[" + lead);
  const nextLead = utf8("," + lead);
  const NULL = utf8("null");
  const TRUE = utf8("true,");
  const FALSE = utf8("false,");

  const { group, index, type, typeNameId, symbolId, width, status, flags, windowId } = t;
  const rOffset = t.wide[WIDE.r_offset]!;
  const colS = t.wide[WIDE.S]!;
  const colA = t.wide[WIDE.A]!;
  const colP = t.wide[WIDE.P]!;
  const colValue = t.wide[WIDE.value]!;
  const colStored = t.wide[WIDE.stored]!;
  let buf: Uint8Array = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  // Where the previous row's text after its index lies in `buf` (tailFrom < 0: not in this chunk).
  let tailFrom = -1;
  let tailTo = -1;
  for (let i = 0; i < t.length; i++) {
    const g = groups[group[i]!]!;
    const typeName = strings[typeNameId[i]!]!;
    const symbol = strings[symbolId[i]!]!;
    const w = windowId[i]!;
    const win = w < 0 ? NULL : windows[w]!;
    const need = ROW_FIXED + g.length + typeName.length + symbol.length + win.length;
    if (pos + need > buf.length) {
      if (pos > 0) emit(buf.subarray(0, pos));
      buf = Buffer.allocUnsafe(Math.max(CHUNK, need));
      pos = 0;
      tailFrom = -1;
    }
    pos = putBytes(buf, pos, i === 0 ? firstLead : nextLead);
    buf[pos++] = 91;
    pos = putBytes(buf, pos, g);
    pos = putDec(buf, pos, index[i]!);
    if (tailFrom >= 0 && t.sameAsPrevious(i)) {
      buf.copyWithin(pos, tailFrom, tailTo);
      tailTo = pos + (tailTo - tailFrom);
      tailFrom = pos;
      pos = tailTo;
      continue;
    }
    tailFrom = pos;
    buf[pos++] = 44;
    let d = rOffset[i]!;
    pos = d === d ? putHex(buf, pos, d, false, true) : bigField(t, buf, pos, WIDE.r_offset, i, false);
    buf[pos++] = 44;
    pos = putDec(buf, pos, type[i]!);
    buf[pos++] = 44;
    pos = putBytes(buf, pos, typeName);
    buf[pos++] = 44;
    pos = putBytes(buf, pos, symbol);
    buf[pos++] = 44;
    d = colS[i]!;
    pos = d === d ? putHex(buf, pos, d, false, true) : bigField(t, buf, pos, WIDE.S, i, false);
    buf[pos++] = 44;
    d = colA[i]!;
    pos = d === d ? putHex(buf, pos, d, true, true) : bigField(t, buf, pos, WIDE.A, i, true);
    buf[pos++] = 44;
    d = colP[i]!;
    pos = d === d ? putHex(buf, pos, d, false, true) : bigField(t, buf, pos, WIDE.P, i, false);
    buf[pos++] = 44;
    d = colValue[i]!;
    pos = d === d ? putHex(buf, pos, d, false, true) : bigField(t, buf, pos, WIDE.value, i, false);
    buf[pos++] = 44;
    d = colStored[i]!;
    pos = d === d ? putHex(buf, pos, d, false, true) : bigField(t, buf, pos, WIDE.stored, i, false);
    buf[pos++] = 44;
    pos = putDec(buf, pos, width[i]!);
    buf[pos++] = 44;
    pos = putBytes(buf, pos, statuses[status[i]!]!);
    buf[pos++] = 44;
    pos = putBytes(buf, pos, (flags[i]! & 1) !== 0 ? TRUE : FALSE);
    pos = putBytes(buf, pos, win);
    buf[pos++] = 93;
    tailTo = pos;
  }
  if (pos > 0) emit(buf.subarray(0, pos));
}

/** A value past the doubles from the table's words, quoted, or null when there is none. */
function bigField(
  t: RelocationTable,
  buf: Uint8Array,
  pos: number,
  c: number,
  i: number,
  signed: boolean,
): number {
  if (!t.hasBig(c, i)) {
    buf[pos] = 110;
    buf[pos + 1] = 117;
    buf[pos + 2] = 108;
    buf[pos + 3] = 108;
    return pos + 4;
  }
  return putHexBits(buf, pos, t.bigHi[c]![i]!, t.bigLo[c]![i]!, signed, true);
}

/** Rows from plain records (kexec-tools' loader keeps an ordinary array). */
function recordRow(a: LoadAttempt): (i: number) => string {
  return (i) => {
    const r = a.relocations.at(i)!;
    return JSON.stringify([
      r.relSectionName,
      r.targetName,
      r.index,
      hex(r.r_offset),
      r.type,
      r.typeName,
      r.symbol,
      r.S === undefined ? null : hex(r.S),
      signedHex(r.A),
      hex(r.P),
      r.value === undefined ? null : hex(r.value),
      r.stored === undefined ? null : hex(r.stored),
      r.width,
      r.status,
      r.reached,
      r.window ? r.window.map((x) => [hex(x.from), hex(x.to)]) : null,
    ]);
  };
}

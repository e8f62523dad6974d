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
import { putBytes, putDec, putHex, putHexBits } from "./byte-writer";
import {
  entrySectionLine,
  fileSectionLine,
  listedSections,
  listedSymbols,
  loadJson,
  logEntryLine,
  reportJson,
  sectionLine,
  stringify,
  symbolLine,
  type ListParts,
  type ReportContext,
} from "./json";

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
  const lines = <T>(list: readonly T[], line: (e: T) => string) =>
    hole((indent) => writeLines(list, line, indent, emit));
  const machine = report.elf.header.e_machine;
  // A log repeats its lines (a 6.4-era load WARNs once per entry-holding section): each distinct
  // entry is written once and reused.
  const logTexts = new Map<string, Map<string, string>>();
  const repeatedLogLine = (l: LogLine): string => {
    let byText = logTexts.get(l.level);
    if (byText === undefined) logTexts.set(l.level, (byText = new Map()));
    let line = byText.get(l.text);
    if (line === undefined) byText.set(l.text, (line = logEntryLine(l)));
    return line;
  };
  const parts: ListParts = {
    relocations: (load) => hole((indent) => writeRows(load.attempt, indent, emit, emitBytes)),
    sections: ({ attempt: a }) => lines(listedSections(a), (s) => sectionLine(s, a, machine)),
    entrySections: ({ attempt: a }) => lines(a.entryMatches, entrySectionLine),
    log: ({ attempt: a }) => lines(a.log, repeatedLogLine),
    fileSections: () => lines(report.elf.sections, (s) => fileSectionLine(s, machine)),
    symbols: () => lines(listedSymbols(report), (sym) => symbolLine(sym, report)),
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
 * `[` elements `]`, each on its own line (compact), one level below `indent`. Lines are joined per
 * chunk: a joined string is flat, where `+=` would hand the caller a tree of a hundred thousand
 * small strings for the garbage collector to copy while the caller keeps them.
 */
function writeLines<T>(
  list: readonly T[],
  line: (e: T) => string,
  indent: string,
  emit: (s: string) => void,
): void {
  if (list.length === 0) {
    emit("[]");
    return;
  }
  const lead = ",\n" + indent + "  ";
  let chunk: string[] = [];
  let size = 0;
  emit("[" + lead.slice(1));
  for (let i = 0; i < list.length; i++) {
    const text = line(list[i]!);
    chunk.push(text);
    size += text.length + lead.length;
    if (size >= CHUNK) {
      emit(chunk.join(lead) + (i + 1 < list.length ? lead : ""));
      chunk = [];
      size = 0;
    }
  }
  emit(chunk.join(lead) + "\n" + indent + "]");
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
    }
    pos = putBytes(buf, pos, i === 0 ? firstLead : nextLead);
    buf[pos++] = 91;
    pos = putBytes(buf, pos, g);
    pos = putDec(buf, pos, index[i]!);
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

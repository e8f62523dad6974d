// The CLI's --json, written as it is produced. Everything but the relocations is the same document
// json.ts builds; each load's relocations are rows (the fields of relocationObjects(), by position,
// named once in `relocationFields`), written in chunks so that a million relocations never become
// one string or a million objects.

import { randomUUID } from "node:crypto";
import type { LoadAttempt } from "../kexec/attempt";
import { STATUSES, tableOf, WIDE, type RelocationTable } from "../kexec/relocation-table";
import { hex, signedHex } from "../kexec/u64";
import type { Interval } from "../kexec/windows";
import type { SimulatedLoad, SimulationReport } from "../simulation";
import { loadJson, reportJson, stringify } from "./json";

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
const CHUNK = 1 << 16;

/**
 * Writes the report as JSON through `write`: one result object when `single` is given (one --load),
 * otherwise the summary with every result. Ends with a newline.
 */
export function writeReportJson(
  object: string,
  report: SimulationReport,
  write: (s: string) => void,
  single?: SimulatedLoad,
): void {
  // Each load's relocations first stand as a unique placeholder string; the text around them is the
  // ordinary document, and the rows are streamed where the placeholder was.
  const nonce = randomUUID();
  const marker = (i: number) => `@@relocations-${nonce}-${i}@@`;
  const loads = single ? [single] : report.loads;
  const placeholder = (_load: SimulatedLoad, i: number) => marker(i);
  const doc = single
    ? loadJson(object, report, single, placeholder, 0)
    : reportJson(object, report, placeholder);
  const text = stringify({ ...doc, relocationFields: RELOCATION_FIELDS });
  let rest = text;
  let pending = "";
  const emit = (s: string) => {
    pending += s;
    if (pending.length >= CHUNK) {
      write(pending);
      pending = "";
    }
  };
  for (let i = 0; i < loads.length; i++) {
    const m = `"${marker(i)}"`;
    const at = rest.indexOf(m);
    if (at < 0) continue;
    const lineStart = rest.lastIndexOf("\n", at) + 1;
    const indent = " ".repeat(rest.slice(lineStart).search(/\S/));
    emit(rest.slice(0, at));
    writeRows(loads[i]!.attempt, indent, emit);
    rest = rest.slice(at + m.length);
  }
  emit(rest + "\n");
  if (pending) write(pending);
}

/** `[` rows `]`, one row per line, indented one level below `indent`. */
function writeRows(a: LoadAttempt, indent: string, emit: (s: string) => void): void {
  const n = a.relocations.length;
  if (n === 0) {
    emit("[]");
    return;
  }
  const lead = "\n" + indent + "  ";
  const table = tableOf(a.relocations);
  if (table) {
    writeTableRows(table, lead, emit);
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

const HEX_DIGITS = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const TWO_32 = 0x1_0000_0000;

/**
 * Rows straight from the table's columns into a byte buffer: names and windows are formatted once
 * each, numbers digit by digit. Formatting a million rows through strings (Number#toString(16) on
 * doubles above 2^31, template literals, concatenation) took several times the simulation itself.
 */
function writeTableRows(t: RelocationTable, lead: string, emit: (s: string) => void): void {
  const latin1 = (s: string) => Buffer.from(s, "latin1");
  const strings = t.strings.map((s) => latin1(JSON.stringify(s)));
  const groups = t.groups.map((g) => latin1(`${JSON.stringify(g.relSectionName)},${JSON.stringify(g.targetName)},`));
  const windows = t.windows.map((w) => latin1(windowRow(w)));
  const statuses = STATUSES.map((x) => latin1(`"${x}"`));
  const firstLead = latin1("[" + lead);
  const nextLead = latin1("," + lead);
  const NULL = latin1("null");
  const TRUE = latin1("true");
  const FALSE = latin1("false");
  const buf = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  const flush = () => {
    emit(buf.toString("latin1", 0, pos));
    pos = 0;
  };
  const bytes = (b: Uint8Array) => {
    if (pos + b.length > buf.length) {
      flush();
      if (b.length > buf.length) {
        emit(Buffer.from(b).toString("latin1"));
        return;
      }
    }
    buf.set(b, pos);
    pos += b.length;
  };
  const ch = (c: number) => {
    buf[pos++] = c;
  };
  const reverseFrom = (start: number) => {
    for (let x = start, y = pos - 1; x < y; x++, y--) {
      const c = buf[x]!;
      buf[x] = buf[y]!;
      buf[y] = c;
    }
  };
  /** Decimal of a non-negative integer below 2^53. */
  const dec = (x: number) => {
    const start = pos;
    do {
      const q = Math.floor(x / 10);
      buf[pos++] = 48 + (x - q * 10);
      x = q;
    } while (x > 0);
    reverseFrom(start);
  };
  /** Hex digits of hi·2^32 + lo (two unsigned 32-bit words). */
  const hexWords = (hi: number, lo: number) => {
    const start = pos;
    if (hi === 0) {
      do {
        buf[pos++] = HEX_DIGITS[lo & 15]!;
        lo >>>= 4;
      } while (lo !== 0);
    } else {
      for (let k = 0; k < 8; k++) {
        buf[pos++] = HEX_DIGITS[lo & 15]!;
        lo >>>= 4;
      }
      do {
        buf[pos++] = HEX_DIGITS[hi & 15]!;
        hi >>>= 4;
      } while (hi !== 0);
    }
    reverseFrom(start);
  };
  /** `"0x…"` of an exact double in the table's encoding (negative x stands for 2^64 + x). */
  const hexQuoted = (d: number, negative: "signed" | "u64") => {
    ch(34);
    if (d < 0 && negative === "signed") {
      ch(45);
      d = -d;
    }
    ch(48);
    ch(120);
    const hiWord = Math.floor(d / TWO_32);
    hexWords(hiWord >>> 0, (d - hiWord * TWO_32) >>> 0);
    ch(34);
  };
  const wide = (c: number, i: number, signed: boolean) => {
    const d = t.wide[c]![i]!;
    if (d === d) hexQuoted(d, signed ? "signed" : "u64");
    else {
      const h = t.hexAt(c, i);
      bytes(h === null ? NULL : latin1(`"${h}"`));
    }
  };
  for (let i = 0; i < t.length; i++) {
    if (pos > buf.length - 4096) flush();
    bytes(i === 0 ? firstLead : nextLead);
    ch(91);
    bytes(groups[t.group[i]!]!);
    dec(t.index[i]!);
    ch(44);
    wide(WIDE.r_offset, i, false);
    ch(44);
    dec(t.type[i]!);
    ch(44);
    bytes(strings[t.typeNameId[i]!]!);
    ch(44);
    bytes(strings[t.symbolId[i]!]!);
    ch(44);
    wide(WIDE.S, i, false);
    ch(44);
    wide(WIDE.A, i, true);
    ch(44);
    wide(WIDE.P, i, false);
    ch(44);
    wide(WIDE.value, i, false);
    ch(44);
    wide(WIDE.stored, i, false);
    ch(44);
    dec(t.width[i]!);
    ch(44);
    bytes(statuses[t.status[i]!]!);
    ch(44);
    bytes((t.flags[i]! & 1) !== 0 ? TRUE : FALSE);
    ch(44);
    const w = t.windowId[i]!;
    if (w < 0) bytes(NULL);
    else {
      const wb = windows[w]!;
      if (pos + wb.length > buf.length) flush();
      bytes(wb);
    }
    ch(93);
  }
  flush();
}

/** Rows from plain records (kexec-tools' loader keeps an ordinary array). */
function recordRow(a: LoadAttempt): (i: number) => string {
  return (i) => {
    const r = a.relocations[i]!;
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

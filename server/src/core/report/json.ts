// The JSON form of a simulation (the CLI's --json, the language server's custom requests, the
// webview). Every 64-bit quantity of the object or the loader (addresses, sizes, alignments, offsets)
// is a "0x…" string, because a JSON number is a double and loses bits above 2^53; small counts and
// indexes are numbers.

import {
  SHN_ABS,
  SHN_COMMON,
  SHN_UNDEF,
  SHT_NOBITS,
  STT_FILE,
  STT_SECTION,
  bindName,
  sectionFlagLetters,
  sectionTypeName,
  symbolTypeName,
} from "../elf/constants";
import { reportedSymbols } from "../elf/reader";
import { entryOk, type SimulatedLoad, type SimulationReport } from "../simulate";
import type { Finding } from "../rules/types";
import { hex, signedHex } from "../kexec/u64";
import type { Interval } from "../kexec/windows";
import type { LoadAttempt } from "../kexec/attempt";
import type { LogLine } from "../kexec/log";

export interface JsonWindow {
  from: string;
  to: string;
}

export function windowsJson(ws: readonly Interval[]): JsonWindow[] {
  return ws.map((w) => ({ from: hex(w.from), to: hex(w.to) }));
}

export interface LoadJson {
  object: string;
  machine: string;
  /** "kernel" or "kexec-tools <version>". */
  loader: string;
  kernel: string;
  /** Where the kernel release came from (see ReportContext). */
  kernelSource?: string;
  era: string;
  label: string;
  mem: string;
  ok: boolean;
  failedAt: string | null;
  log: { level: string; text: string }[];
  bufsz: string;
  memsz: string;
  bufAlign: string;
  bssSize: string;
  bssAlign: string;
  imageStart: string | null;
  /** image->start equals purgatory_start's final address (null when unknown or not loaded). */
  entryOk: boolean | null;
  entrySections: { index: number; name: string; effect: string }[];
  sections: {
    index: number;
    name: string;
    type: string;
    flags: string;
    align: string;
    addr: string;
    /** From kbuf.mem; signed (an ALIGN(x, 0) layout can put a section below it). */
    offset: string;
    fileOffset: string;
    size: string;
  }[];
  relocations: {
    relSection: string;
    section: string;
    index: number;
    offset: string;
    type: number;
    typeName: string;
    symbol: string;
    S: string | null;
    A: string;
    P: string;
    value: string | null;
    stored: string | null;
    width: number;
    status: string;
    reached: boolean;
    window: JsonWindow[] | null;
  }[];
  symbols: { name: string; op: string; size: number | null; ok: boolean; detail: string | null }[];
  loadWindows: JsonWindow[];
  bufferSha256: string | null;
  undefinedBehaviour: string[];
  findings: Finding[];
}

/** What the report itself does not know: where the modelled kernel release came from. */
export interface ReportContext {
  /** "Makefile", "include/config/kernel.release", "utsrelease.h", "setting", "--kernel", "default". */
  readonly kernelSource?: string;
}

/**
 * What stands for the lists that grow with the object, when the streaming writer (json-stream.ts)
 * writes them itself: by default they are built as arrays of objects.
 */
export interface ListParts {
  relocations(load: SimulatedLoad, position: number): unknown;
  sections(load: SimulatedLoad): unknown;
  log(load: SimulatedLoad): unknown;
  entrySections(load: SimulatedLoad): unknown;
  fileSections(): unknown;
  symbols(): unknown;
}

type LoadedSection = LoadAttempt["sechdrs"][number];
type EntryMatch = LoadAttempt["entryMatches"][number];

/** The sections a load placed in its buffer (or as bss), as listed in `sections`. */
export function listedSections(a: LoadAttempt): LoadedSection[] {
  return a.sechdrs.filter((s) => s.inBuffer || s.isBss);
}

// Each list element has an object form and a one-line text form side by side; the text form is
// JSON.stringify of the object form exactly (tested), written directly because a 15,000-section
// object's lists were most of the JSON writer's time.

export function sectionJson(s: LoadedSection, a: LoadAttempt, machine: number): LoadJson["sections"][number] {
  return {
    index: s.index,
    name: s.name,
    type: sectionTypeName(s.type),
    flags: sectionFlagLetters(s.flags, machine),
    align: hex(s.align),
    addr: hex(s.sh_addr),
    offset: signedHex(BigInt.asIntN(64, s.sh_addr - a.mem)),
    fileOffset: hex(s.fileOffset),
    size: hex(s.size),
  };
}

export function sectionLine(s: LoadedSection, a: LoadAttempt, machine: number): string {
  return (
    `{"index":${s.index},"name":${JSON.stringify(s.name)},"type":${JSON.stringify(sectionTypeName(s.type))},` +
    `"flags":${JSON.stringify(sectionFlagLetters(s.flags, machine))},"align":"${hex(s.align)}",` +
    `"addr":"${hex(s.sh_addr)}","offset":"${signedHex(BigInt.asIntN(64, s.sh_addr - a.mem))}",` +
    `"fileOffset":"${hex(s.fileOffset)}","size":"${hex(s.size)}"}`
  );
}

export function logEntryJson(l: LogLine): LoadJson["log"][number] {
  return { level: l.level, text: l.text };
}

export function logEntryLine(l: LogLine): string {
  return `{"level":${JSON.stringify(l.level)},"text":${JSON.stringify(l.text)}}`;
}

export function entrySectionJson(m: EntryMatch): LoadJson["entrySections"][number] {
  return { index: m.index, name: m.name, effect: m.effect };
}

export function entrySectionLine(m: EntryMatch): string {
  return `{"index":${m.index},"name":${JSON.stringify(m.name)},"effect":${JSON.stringify(m.effect)}}`;
}

type ElfSection = SimulationReport["elf"]["sections"][number];

export function fileSectionJson(s: ElfSection, machine: number) {
  return {
    index: s.index,
    name: s.name,
    type: sectionTypeName(s.sh_type),
    flags: sectionFlagLetters(s.sh_flags, machine),
    offset: hex(s.sh_offset),
    size: hex(s.sh_size),
    fileSize: hex(s.sh_type === SHT_NOBITS ? 0n : s.sh_size),
  };
}

export function fileSectionLine(s: ElfSection, machine: number): string {
  return (
    `{"index":${s.index},"name":${JSON.stringify(s.name)},"type":${JSON.stringify(sectionTypeName(s.sh_type))},` +
    `"flags":${JSON.stringify(sectionFlagLetters(s.sh_flags, machine))},"offset":"${hex(s.sh_offset)}",` +
    `"size":"${hex(s.sh_size)}","fileSize":"${hex(s.sh_type === SHT_NOBITS ? 0n : s.sh_size)}"}`
  );
}

export function loadJson(
  object: string,
  report: SimulationReport,
  load: SimulatedLoad,
  context: ReportContext = {},
  parts?: ListParts,
  position = 0,
): LoadJson {
  const a = load.attempt;
  const p = report.plan;
  const machine = report.elf.header.e_machine;
  return {
    object,
    machine: report.machine,
    loader: loaderJson(report),
    kernel: report.kernel.label,
    ...(context.kernelSource !== undefined ? { kernelSource: context.kernelSource } : {}),
    era: report.kernel.era,
    label: load.label,
    mem: hex(a.mem),
    ok: a.ok,
    failedAt: a.failedAt ?? null,
    log: parts ? (parts.log(load) as LoadJson["log"]) : a.log.map(logEntryJson),
    bufsz: hex(p.bufsz),
    memsz: hex(p.memsz),
    bufAlign: hex(p.buf_align),
    bssSize: hex(p.bss_sz),
    bssAlign: hex(p.bss_align),
    imageStart: a.imageStart === undefined ? null : hex(a.imageStart),
    entryOk: entryOk(a) ?? null,
    entrySections: parts
      ? (parts.entrySections(load) as LoadJson["entrySections"])
      : a.entryMatches.map(entrySectionJson),
    sections: parts
      ? (parts.sections(load) as LoadJson["sections"])
      : listedSections(a).map((s) => sectionJson(s, a, machine)),
    relocations: parts
      ? (parts.relocations(load, position) as LoadJson["relocations"])
      : relocationObjects(a),
    symbols: a.symbolSteps.map((s) => ({
      name: s.name,
      op: s.op,
      size: s.size ?? null,
      ok: s.result.ok,
      detail: s.result.ok ? null : s.result.detail,
    })),
    loadWindows: windowsJson(report.loadWindows),
    bufferSha256: a.bufferSha256 ?? null,
    undefinedBehaviour: [...a.undefinedBehaviour],
    findings: [...report.findings],
  };
}

/** Every relocation of an attempt as a `{ relSection, section, … }` object. */
export function relocationObjects(a: LoadAttempt): LoadJson["relocations"] {
  return a.relocations.map((r) => ({
    relSection: r.relSectionName,
    section: r.targetName,
    index: r.index,
    offset: hex(r.r_offset),
    type: r.type,
    typeName: r.typeName,
    symbol: r.symbol,
    S: r.S === undefined ? null : hex(r.S),
    A: signedHex(r.A),
    P: hex(r.P),
    value: r.value === undefined ? null : hex(r.value),
    stored: r.stored === undefined ? null : hex(r.stored),
    width: r.width,
    status: r.status,
    reached: r.reached,
    window: r.window ? windowsJson(r.window) : null,
  }));
}

export interface SymbolJson {
  name: string;
  /** Section name, or UND / ABS / COM. */
  section: string;
  shndx: number;
  value: string;
  size: string;
  /** Why the name or section index is a stand-in, when the object's symbol entry is malformed. */
  problem?: string;
  bind: string;
  type: string;
}

type ReportedSymbol = ReturnType<typeof reportedSymbols>[number];

/** The object's named symbols (no FILE or SECTION symbols): the entries of `symbols`. */
export function listedSymbols(report: SimulationReport): ReportedSymbol[] {
  return reportedSymbols(report.elf).filter(
    (sym) => sym.name && sym.type !== STT_FILE && sym.type !== STT_SECTION,
  );
}

export function symbolSection(report: SimulationReport, shndx: number): string {
  return shndx === SHN_UNDEF
    ? "UND"
    : shndx === SHN_ABS
      ? "ABS"
      : shndx === SHN_COMMON
        ? "COM"
        : (report.elf.sections[shndx]?.name ?? String(shndx));
}

export function symbolJson(sym: ReportedSymbol, report: SimulationReport): SymbolJson {
  return {
    name: sym.name,
    section: symbolSection(report, sym.shndx),
    shndx: sym.shndx,
    value: hex(sym.st_value),
    size: hex(sym.st_size),
    bind: bindName(sym.bind),
    type: symbolTypeName(sym.type),
    ...(sym.problem === undefined ? {} : { problem: sym.problem }),
  };
}

export function symbolLine(sym: ReportedSymbol, report: SimulationReport): string {
  return (
    `{"name":${JSON.stringify(sym.name)},"section":${JSON.stringify(symbolSection(report, sym.shndx))},` +
    `"shndx":${sym.shndx},"value":"${hex(sym.st_value)}","size":"${hex(sym.st_size)}",` +
    `"bind":${JSON.stringify(bindName(sym.bind))},"type":${JSON.stringify(symbolTypeName(sym.type))}` +
    (sym.problem === undefined ? "}" : `,"problem":${JSON.stringify(sym.problem)}}`)
  );
}

/** The object's named symbols, for tables and hovers. */
export function symbolsJson(report: SimulationReport): SymbolJson[] {
  return listedSymbols(report).map((sym) => symbolJson(sym, report));
}

/** "kernel" or "kexec-tools 2.0.32". */
function loaderJson(report: SimulationReport): string {
  return report.loader.kind === "kernel" ? "kernel" : `kexec-tools ${report.loader.version}`;
}

/** The whole report: the summary plus one LoadJson per simulated address. */
export function reportJson(
  object: string,
  report: SimulationReport,
  context: ReportContext = {},
  parts?: ListParts,
) {
  const h = report.elf.header;
  return {
    object,
    machine: report.machine,
    loader: loaderJson(report),
    kernel: report.kernel.label,
    /** Where the kernel release came from (see ReportContext); absent when the caller did not say. */
    kernelSource: context.kernelSource as string | undefined,
    era: report.kernel.era,
    ok: report.ok,
    entryOk: report.entryOk,
    bufMin: hex(report.bufMin),
    eEntry: hex(h.e_entry),
    loadWindows: windowsJson(report.loadWindows),
    findings: [...report.findings],
    /** Every section of the object by file offset, for the map's second view. */
    fileSections: parts
      ? (parts.fileSections() as ReturnType<typeof fileSectionJson>[])
      : report.elf.sections.map((s) => fileSectionJson(s, h.e_machine)),
    fileSize: report.elf.bytes.byteLength,
    symbols: parts ? (parts.symbols() as SymbolJson[]) : symbolsJson(report),
    results: report.loads.map((l, i) => loadJson(object, report, l, context, parts, i)),
  };
}

export type ReportJson = ReturnType<typeof reportJson>;

/**
 * JSON.stringify that turns bigints (inside findings' evidence, if any) into "0x…" strings. The
 * documents hold none as built, so the plain call goes first: a replacer function costs a call per
 * value and makes a 15,000-section report several times slower. Only a document that does hold a
 * bigint (JSON.stringify throws a TypeError on it) is written again through the replacer.
 */
export function stringify(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? hex(v) : v), 2);
  }
}

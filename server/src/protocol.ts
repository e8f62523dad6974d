// The one protocol between the extension client, the language server and the webview: method names
// and plain-JSON payload types. Type-only imports, so all three bundles can include it.
import type { LoadJson, ReportJson } from "./core/report/json";

/** Settings under `purgatoryLens.*`, as the server reads them (per workspace folder). */
export interface PurgatoryLensSettings {
  /** Kernel release to model, e.g. "6.8"; "" means the newest modelled. */
  kernelVersion: string;
  /** kbuf.mem values to simulate ("0x…"); empty means the low and high placements. */
  loadAddresses: string[];
  /** RAM size for the default placements, e.g. "64G". */
  ramSize: string;
  /** Extra globs (relative to the workspace folder) of purgatory objects to simulate. */
  extraObjectGlobs: string[];
  /** "" = the architecture `e_machine` names; otherwise run that architecture's loader. */
  arch: string;
  loader: LoaderSetting;
  /** kexec-tools release for loader "kexec-tools"; "" = the newest modelled. */
  kexecToolsVersion: string;
}

export type LoaderSetting = "kernel" | "kexec-tools";

export const DEFAULT_SETTINGS: PurgatoryLensSettings = {
  kernelVersion: "",
  loadAddresses: [],
  ramSize: "64G",
  extraObjectGlobs: [],
  arch: "",
  loader: "kernel",
  kexecToolsVersion: "",
};

/** One purgatory the server knows about and the outcome of its last simulation. */
export interface PurgatoryStatus {
  /** file:// URI of purgatory.ro. */
  object: string;
  makefile?: string;
  linkerScript?: string;
  /** "ok": loads everywhere with the right entry; "failed": it does not; "missing": not built yet;
   *  "invalid": not a readable ELF object (half-written, truncated, wrong machine), or too large to
   *  simulate in the editor; "error": the simulation itself failed (logged with its stack). */
  state: "ok" | "failed" | "missing" | "invalid" | "error";
  errors: number;
  warnings: number;
  /** One line for status bars and CodeLenses. */
  summary: string;
  kernel: string;
  /** Where the kernel release came from: "Makefile", "include/config/kernel.release", "utsrelease.h",
   *  "setting" or "default" (no kernel tree found). Absent for kexec-tools purgatories. */
  kernelSource?: string;
  /** What loaded it, for display: "kernel 6.8.6 (from Makefile)" or "kexec-tools 2.0.32". */
  loader: string;
  /** Milliseconds the last simulation took, and when it ended (ISO time). */
  durationMs: number;
  at: string;
}

/** server -> client: after every (re)simulation. */
export const ResultNotification = "purgatory/result";
export interface ResultParams {
  purgatories: PurgatoryStatus[];
}

/** client -> server: simulate everything again now (the Re-simulate command, a finished build task). */
export const ResimulateRequest = "purgatory/resimulate";
export interface ResimulateParams {
  reason: string;
}

/**
 * client -> server: the full JSON report of one purgatory, as the text the CLI's `--json` writes
 * (relocations as rows named once by `relocationFields`), with every character past ASCII written as
 * a \u escape. The answer is `{ json: text }`, `{ error }` when the object cannot be simulated, or
 * null when the server knows no purgatory. The text is made where the simulation runs, off the
 * server's request loop, and passed on as it is: nobody between the simulation and the section map
 * parses it or writes it again.
 */
export const ReportRequest = "purgatory/report";
export interface ReportParams {
  /** file:// URI of the object; default: the first purgatory. */
  object?: string;
  /** Overrides for this request only (the section map's controls). */
  kernel?: string;
  loads?: string[];
  ramSize?: string;
}

/** client -> server: the objects the server knows. */
export const ListRequest = "purgatory/list";

/** client -> server: where in the sources a section, symbol or relocation comes from. */
export const LocateRequest = "purgatory/locate";
export interface LocateParams {
  /** The purgatory object: a file: URI or a file path. */
  object: string;
  target: RevealTarget;
}
export interface LocateResult {
  uri: string;
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
}

export type ReportAnswer = { json: string } | { error: string } | null;

export type { LoadJson, ReportJson };

/**
 * The report request's text once parsed: the document json.ts builds, but each load's relocations
 * are rows, their columns named once, in order, by `relocationFields` (see README, "JSON output").
 */
export type ReportDocument = Omit<ReportJson, "results"> & {
  relocationFields: string[];
  results: (Omit<LoadJson, "relocations"> & { relocations: unknown[][] })[];
};

/** What the section map's controls set; empty strings mean "the settings' value". */
export interface MapControls {
  kernel: string;
  load: string;
  ram: string;
}

export type RevealTarget =
  | { kind: "section"; name: string }
  | { kind: "symbol"; name: string }
  | { kind: "relocation"; symbol: string; section: string; offset: string };

/** extension -> webview */
export type ToWebview =
  | {
      type: "state";
      objects: { uri: string; label: string }[];
      object: string;
      controls: MapControls;
      /**
       * The report request's text (ASCII only), or why there is none. Text, because one string
       * crosses into the webview in a copy while a report of 50,000 relocations as objects takes a
       * structured clone of each.
       */
      report: string | { error: string };
    }
  | { type: "compare"; left: string | { error: string }; right: string | { error: string } };

/** webview -> extension */
export type FromWebview =
  | { type: "ready" }
  | { type: "simulate"; object: string; controls: MapControls }
  | { type: "reveal"; object: string; target: RevealTarget }
  | { type: "compare"; left: string; right: string };

export const COMMANDS = {
  resimulate: "purgatoryLens.resimulate",
  showOutput: "purgatoryLens.showOutput",
  showSectionMap: "purgatoryLens.showSectionMap",
} as const;

/** The webview panel type, for the serializer that restores it after a reload. */
export const SECTION_MAP_VIEW = "purgatoryLens.sectionMap";

const NON_ASCII = /[\u0080-\uffff]/;
const EVERY_NON_ASCII = /[\u0080-\uffff]/g;

/**
 * JSON text with every character past ASCII written as a \u escape (the same value once parsed).
 * An all-ASCII string is one byte per character in the JavaScript engine, so the 16 MB text of a
 * large report crosses into the webview and parses faster. Text that is ASCII already is returned as
 * it is, after one scan.
 */
export function asciiJson(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  return text.replace(EVERY_NON_ASCII, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

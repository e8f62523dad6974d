// Positions as the client counts them. The server and the core count columns in UTF-16 code units
// (JavaScript string indices), LSP's default; a client that offers UTF-8 (LSP 3.17's
// general.positionEncodings, or clangd's older offsetEncoding extension that Neovim 0.7 and some other
// clients send) gets byte columns instead. Only columns change: a line is a line in every encoding.
import type { ClientCapabilities, Position, Range } from "vscode-languageserver/node";

export type PositionEncoding = "utf-16" | "utf-8";

export interface Negotiated {
  readonly encoding: PositionEncoding;
  /** Which capability the client asked through, so the answer goes back the same way. */
  readonly via?: "positionEncoding" | "offsetEncoding";
}

/** The client's first choice among the encodings we serve; UTF-16 when it names none we serve. */
export function negotiateEncoding(capabilities: ClientCapabilities): Negotiated {
  const standard = capabilities.general?.positionEncodings;
  if (Array.isArray(standard)) {
    const pick = standard.find((e) => e === "utf-8" || e === "utf-16");
    return { encoding: pick === "utf-8" ? "utf-8" : "utf-16", via: "positionEncoding" };
  }
  const clangd = (capabilities as { offsetEncoding?: unknown }).offsetEncoding;
  if (Array.isArray(clangd)) {
    const pick = clangd.find((e) => e === "utf-8" || e === "utf-16");
    return { encoding: pick === "utf-8" ? "utf-8" : "utf-16", via: "offsetEncoding" };
  }
  return { encoding: "utf-16" };
}

/** UTF-16 column -> UTF-8 byte column on this line. */
export function utf8Column(line: string, utf16: number): number {
  return (
    Buffer.byteLength(line.slice(0, Math.min(utf16, line.length)), "utf8") + Math.max(0, utf16 - line.length)
  );
}

/** UTF-8 byte column -> UTF-16 column on this line (a column inside a character: that character). */
export function utf16Column(line: string, utf8: number): number {
  let bytes = 0;
  let i = 0;
  for (const ch of line) {
    if (bytes >= utf8) return i;
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += ch.length;
  }
  return i + Math.max(0, utf8 - bytes);
}

/** Lines of a file by URI, for the conversion (the open buffer, else the disk); undefined if unknown. */
export type LineSource = (uri: string, line: number) => string | undefined;

/** Converts ranges and positions between our UTF-16 columns and the client's encoding. */
export class PositionCodec {
  constructor(
    readonly encoding: PositionEncoding,
    private readonly lineOf: LineSource,
  ) {}

  get identity(): boolean {
    return this.encoding === "utf-16";
  }

  /** Our position -> the client's. */
  out(uri: string, p: Position): Position {
    if (this.identity) return p;
    const text = this.lineOf(uri, p.line);
    return text === undefined ? p : { line: p.line, character: utf8Column(text, p.character) };
  }

  outRange(uri: string, r: Range): Range {
    return this.identity ? r : { start: this.out(uri, r.start), end: this.out(uri, r.end) };
  }

  /** The client's position -> ours. */
  in(uri: string, p: Position): Position {
    if (this.identity) return p;
    const text = this.lineOf(uri, p.line);
    return text === undefined ? p : { line: p.line, character: utf16Column(text, p.character) };
  }
}

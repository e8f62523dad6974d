// Linker-script tokens. The language has two lexical states, as in GNU ld's ldlex.l and lld's
// ScriptLexer: where a file or section name is expected (`*(.text.*)`, `/DISCARD/`,
// `.kexec-purgatory`), a name may hold `*?[]-/.` and more; inside an expression the same characters
// are operators (`.-4`, `a/2`). So the parser asks for each token in the state it expects, and the
// lexer tokenises lazily from a position in that state.
//
// Trivia skipped in both states: blanks, C comments, `//` comments (lld accepts them), cpp line
// markers (`# 12 "f.lds.S" 1`, recorded to map positions back) and, in tolerant mode, the other
// preprocessor directive lines (`#include`, `#define` with its `\` continuations, `#if`...).
import type { LineMarker, Range } from "./ast";
import { lastAtOrBefore, lineStartsOf } from "../lines";

export type LexMode = "name" | "expr";

export type TokenKind = "name" | "number" | "string" | "punct" | "eof" | "bad";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Characters a file/section name may hold: GNU ld's WILDCHAR and FILENAMECHAR (ldlex.ts), with `:`
 * (`.kernel:dtb`, `*libgcc.a:foo.o`) but without `,` and `=`, which this parser reads as punctuation
 * where GNU ld's verdict (ldgram.ts) has already accepted the script.
 */
const NAME_CHARS = "_.$/\\~-+*?[]^!:";
/** A name in the expression state: a C-like identifier that may hold `.` and `$`. */
const EXPR_CHARS = "_.$";

// Character classes as lookup tables: the lexer's inner loops run once per character.
const IS_NAME = new Uint8Array(128);
const IS_EXPR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const alnum = /[A-Za-z0-9]/.test(ch);
  IS_NAME[c] = alnum || NAME_CHARS.includes(ch) ? 1 : 0;
  IS_EXPR[c] = alnum || EXPR_CHARS.includes(ch) ? 1 : 0;
}
const isName = (c: number): boolean => c < 128 && IS_NAME[c] === 1;
const isExpr = (c: number): boolean => c < 128 && IS_EXPR[c] === 1;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

const PUNCT3 = new Set(["<<=", ">>="]);
const PUNCT2 = new Set(["<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=", "/=", "&=", "|="]);
const PUNCT1 = "(){};:,=+-*/%<>!~&|^?";
/**
 * Punctuation by character codes: the text of each one-, two- and three-character token, looked up
 * rather than sliced and searched for (the lexer runs once per token). PUNCT_TEXT[c] is the token
 * of one character c; PUNCT_TEXT[c * 128 + d] of two, where one exists; three-character tokens are
 * two-character ones followed by `=` (PUNCT3).
 */
// Filled with undefined first: an array written only at scattered indices up to 16,384 becomes a
// dictionary, and its look-ups were most of the lexer's time on long expressions.
const PUNCT_TEXT: (string | undefined)[] = new Array<string | undefined>(128 * 128).fill(undefined);
for (const p of PUNCT1) PUNCT_TEXT[p.charCodeAt(0)] = p;
for (const p of PUNCT2) PUNCT_TEXT[p.charCodeAt(0) * 128 + p.charCodeAt(1)] = p;

const LINE_MARKER = /^#\s*(?:line\s+)?(\d+)\s+"((?:[^"\\]|\\.)*)"((?:\s+\d+)*)\s*$/;
const CONDITIONAL_OPEN = /^#\s*if(?:def|ndef)?\b/;
const CONDITIONAL_CLOSE = /^#\s*endif\b/;
const CONDITIONAL_ELSE = /^#\s*(?:else|elif)\b/;

/** Where a TextRange keeps its text's line starts: a symbol, so JSON and key listings skip it. */
const LINES = Symbol("line starts");

/**
 * A range of a script's text whose line and column are found from the line starts when read. A
 * megabyte script has millions of ranges and the editor shows a few; each made eagerly cost a line
 * search and three more fields. It reads (and serialises) like the plain Range it implements.
 */
class TextRange implements Range {
  // Declared, not defined: a class field's initializer made each range several times slower to make.
  declare readonly start: number;
  declare readonly end: number;
  declare readonly [LINES]: readonly number[];
  constructor(start: number, end: number, lines: readonly number[]) {
    (this as { start: number }).start = start;
    (this as { end: number }).end = end;
    (this as { [LINES]: readonly number[] })[LINES] = lines;
  }
  get line(): number {
    return lastAtOrBefore(this[LINES], this.start);
  }
  get col(): number {
    return this.start - this[LINES][this.line]!;
  }
  get endLine(): number {
    return lastAtOrBefore(this[LINES], this.end);
  }
  get endCol(): number {
    return this.end - this[LINES][this.endLine]!;
  }
  toJSON(): Range {
    const { start, end, line, col, endLine, endCol } = this;
    return { start, end, line, col, endLine, endCol };
  }
}

export interface Trivia {
  readonly lineMarkers: LineMarker[];
  readonly directives: { text: string; range: Range }[];
  readonly conditionals: Range[];
  readonly errors: { message: string; range: Range }[];
}

export class Lexer {
  readonly text: string;
  /** Offset of the start of each line. */
  readonly lineStarts: number[];
  readonly trivia: Trivia = { lineMarkers: [], directives: [], conditionals: [], errors: [] };
  /** For each offset that trivia ends on, where the next token starts (computed once). */
  private readonly skipCache = new Map<number, number>();
  private readonly openConditionals: number[] = [];
  /**
   * Tolerant mode (a `.lds.S` without cpp): of each `#if`/`#elif`/`#else` group only the first arm is
   * read, as cpp would read one configuration; the other arms are skipped like directives. (Both arms
   * of a `#if` often open the same brace or add the same argument: reading both is never valid.)
   */
  private readonly firstArmOnly: boolean;
  /** Per open `#if`: whether a later arm (being skipped) has started. */
  private readonly armSkipping: boolean[] = [];

  constructor(text: string, options: { tolerant?: boolean } = {}) {
    this.text = text;
    this.firstArmOnly = options.tolerant === true;
    this.lineStarts = lineStartsOf(text);
    this.scanDirectives();
  }

  /** Line markers, directives and conditionals are line-based: find them once, up front. */
  private scanDirectives(): void {
    const t = this.text;
    let inComment = false;
    for (let ln = 0; ln < this.lineStarts.length; ln++) {
      const s = this.lineStarts[ln]!;
      const e = ln + 1 < this.lineStarts.length ? this.lineStarts[ln + 1]! - 1 : t.length;
      const line = t.slice(s, e).replace(/\r$/, "");
      if (!inComment) {
        const trimmed = line.trimStart();
        if (trimmed.startsWith("#")) {
          const ws = line.length - trimmed.length;
          const m = LINE_MARKER.exec(trimmed);
          if (m) {
            this.trivia.lineMarkers.push({
              line: ln,
              sourceLine: Number(m[1]),
              file: m[2]!.replace(/\\(.)/g, "$1"),
              flags: m[3]!.trim() ? m[3]!.trim().split(/\s+/).map(Number) : [],
            });
            this.skipCache.set(s + ws, e);
            continue;
          }
          // A directive, with its backslash continuations.
          let endLn = ln;
          while (endLn + 1 < this.lineStarts.length && /\\\r?$/.test(this.lineText(endLn))) endLn++;
          const end = endLn + 1 < this.lineStarts.length ? this.lineStarts[endLn + 1]! - 1 : t.length;
          const range = this.range(s + ws, end);
          this.trivia.directives.push({ text: t.slice(s + ws, end), range });
          if (CONDITIONAL_OPEN.test(trimmed)) {
            this.openConditionals.push(s + ws);
            this.armSkipping.push(false);
          } else if (CONDITIONAL_CLOSE.test(trimmed)) {
            const open = this.openConditionals.pop();
            this.armSkipping.pop();
            if (open !== undefined) this.trivia.conditionals.push(this.range(open, end));
          } else if (CONDITIONAL_ELSE.test(trimmed) && this.armSkipping.length > 0)
            this.armSkipping[this.armSkipping.length - 1] = true;
          this.skipCache.set(s + ws, end);
          ln = endLn;
          continue;
        }
      }
      if (this.firstArmOnly && this.armSkipping.includes(true)) {
        // A later arm of a conditional: not read (only its directives, for nesting, above).
        if (e > s) this.skipCache.set(s, e);
        continue;
      }
      // Track whether the line ends inside a block comment, so `#` inside comments is not a directive.
      // The next `/*` is searched for again only once `i` has passed it: searching on every string
      // was quadratic in a line of many strings and no comment.
      let i = 0;
      let open = -2;
      while (i < line.length) {
        if (inComment) {
          const c = line.indexOf("*/", i);
          if (c < 0) break;
          inComment = false;
          i = c + 2;
        } else {
          if (open !== -1 && open < i) open = line.indexOf("/*", i);
          const c = open;
          const q = line.indexOf('"', i);
          if (q >= 0 && (c < 0 || q < c)) {
            const close = line.indexOf('"', q + 1);
            if (close < 0) break;
            i = close + 1;
            continue;
          }
          if (c < 0) break;
          inComment = true;
          i = c + 2;
        }
      }
    }
  }

  private lineText(ln: number): string {
    const s = this.lineStarts[ln]!;
    const e = ln + 1 < this.lineStarts.length ? this.lineStarts[ln + 1]! - 1 : this.text.length;
    return this.text.slice(s, e);
  }

  /** The line of the last position asked for: ranges are mostly asked for in text order. */
  private lineHint = 0;

  /** 0-based line of an offset: the hint's line or the next one, else a binary search. */
  private lineOf(offset: number): number {
    const starts = this.lineStarts;
    const k = this.lineHint;
    if (starts[k]! <= offset) {
      if (k + 1 === starts.length || starts[k + 1]! > offset) return k;
      if (k + 2 === starts.length || starts[k + 2]! > offset) return (this.lineHint = k + 1);
    }
    return (this.lineHint = lastAtOrBefore(starts, offset));
  }

  /** 0-based line and column of an offset. */
  position(offset: number): { line: number; col: number } {
    const line = this.lineOf(offset);
    return { line, col: offset - this.lineStarts[line]! };
  }

  /** A range of the text: its lines and columns are worked out when asked for (see TextRange). */
  range(start: number, end: number): Range {
    return new TextRange(start, end, this.lineStarts);
  }

  private reported = new Set<number>();
  private error(message: string, start: number, end: number): void {
    if (this.reported.has(start) || this.trivia.errors.length >= 100) return;
    this.reported.add(start);
    this.trivia.errors.push({ message, range: this.range(start, end) });
  }

  /** The offset of the next token at or after `pos`. */
  skipTrivia(pos: number): number {
    const t = this.text;
    const cachedAny = this.skipCache.size > 0;
    for (;;) {
      const c = t.charCodeAt(pos);
      // The cache's offsets are a directive's `#` or the start of a line in a skipped arm.
      if (cachedAny && (c === 35 || pos === 0 || t.charCodeAt(pos - 1) === 10)) {
        const cached = this.skipCache.get(pos);
        if (cached !== undefined) {
          pos = cached;
          continue;
        }
      }
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) {
        pos++;
        continue;
      }
      // A backslash-newline: cpp joins the lines (a `.lds.S` read without cpp continues expressions so).
      if (
        c === 92 &&
        (t.charCodeAt(pos + 1) === 10 || (t.charCodeAt(pos + 1) === 13 && t.charCodeAt(pos + 2) === 10))
      ) {
        pos += t.charCodeAt(pos + 1) === 10 ? 2 : 3;
        continue;
      }
      if (c === 47 /* / */ && t.charCodeAt(pos + 1) === 42 /* * */) {
        const close = t.indexOf("*/", pos + 2);
        if (close < 0) {
          this.error("unterminated comment", pos, t.length);
          return t.length;
        }
        pos = close + 2;
        continue;
      }
      if (c === 47 && t.charCodeAt(pos + 1) === 47) {
        const nl = t.indexOf("\n", pos);
        pos = nl < 0 ? t.length : nl;
        continue;
      }
      // `#` to the end of the line is a comment to GNU ld in every state but INPUTLIST (directive
      // lines at the start of a line were taken above).
      if (c === 35) {
        const nl = t.indexOf("\n", pos);
        pos = nl < 0 ? t.length : nl;
        continue;
      }
      return pos;
    }
  }

  // The parser peeks the same few positions again and again: a small direct-mapped cache holds them.
  private readonly cacheKeys = new Float64Array(256).fill(-1);
  private readonly cacheTokens: Token[] = new Array<Token>(256);

  /** The token at `pos` (after trivia) in the given state. */
  tokenAt(pos: number, mode: LexMode): Token {
    const key = mode === "name" ? pos * 2 : pos * 2 + 1;
    const slot = key & 255;
    if (this.cacheKeys[slot] === key) return this.cacheTokens[slot]!;
    const t = this.lexAt(pos, mode);
    this.cacheKeys[slot] = key;
    this.cacheTokens[slot] = t;
    // A token whose first character starts no name in either state (`{`, `(`, `;`, a string, the
    // end) is the same token in both: the parser often asks for it in the other state next.
    const c = this.text.charCodeAt(t.start);
    if (t.kind !== "name" && t.kind !== "number" && !(c < 128 && (IS_NAME[c] === 1 || IS_EXPR[c] === 1))) {
      const other = mode === "name" ? key + 1 : key - 1;
      this.cacheKeys[other & 255] = other;
      this.cacheTokens[other & 255] = t;
    }
    return t;
  }

  private lexAt(pos: number, mode: LexMode): Token {
    const t = this.text;
    const start = this.skipTrivia(pos);
    if (start >= t.length) return { kind: "eof", text: "", start: t.length, end: t.length };
    const ch = t[start]!;
    if (ch === '"') {
      // A string may span lines (GNU ld's rule is `"[^"]*"`).
      const close = t.indexOf('"', start + 1);
      if (close < 0) {
        const nl = t.indexOf("\n", start + 1);
        const end = nl < 0 ? t.length : nl;
        this.error("unterminated string", start, end);
        return { kind: "string", text: t.slice(start + 1, end), start, end };
      }
      return { kind: "string", text: t.slice(start + 1, close), start, end: close + 1 };
    }
    if (mode === "expr") {
      const c0 = t.charCodeAt(start);
      if (isDigit(c0) || (ch === "$" && /[0-9a-fA-F]/.test(t[start + 1] ?? ""))) {
        let end = start + 1;
        while (end < t.length && isExpr(t.charCodeAt(end)) && t[end] !== ".") end++;
        return { kind: "number", text: t.slice(start, end), start, end };
      }
      if (isExpr(c0)) {
        let end = start + 1;
        while (end < t.length && isExpr(t.charCodeAt(end))) end++;
        return { kind: "name", text: t.slice(start, end), start, end };
      }
    } else if (isName(t.charCodeAt(start)) && !(ch === "/" && t[start + 1] === "*")) {
      let end = start + 1;
      // A `/*` inside a name stays in it (`*extmod/*(.text*)`); only at a token's start is it a comment.
      while (end < t.length && isName(t.charCodeAt(end))) end++;
      return { kind: "name", text: t.slice(start, end), start, end };
    }
    const c0 = t.charCodeAt(start);
    const one = c0 < 128 ? PUNCT_TEXT[c0] : undefined;
    if (one !== undefined) {
      const c1 = t.charCodeAt(start + 1);
      const two = c1 < 128 ? PUNCT_TEXT[c0 * 128 + c1] : undefined;
      if (two !== undefined) {
        if (t.charCodeAt(start + 2) === 61 /* = */ && PUNCT3.has(two + "="))
          return { kind: "punct", text: two + "=", start, end: start + 3 };
        return { kind: "punct", text: two, start, end: start + 2 };
      }
      return { kind: "punct", text: one, start, end: start + 1 };
    }
    // A run of characters no token can hold is one bad token (a hostile file can be a megabyte of them).
    let end = start + 1;
    while (end < t.length) {
      const c = t.charCodeAt(end);
      if (
        c <= 32 ||
        isName(c) ||
        isExpr(c) ||
        (c < 128 && PUNCT_TEXT[c] !== undefined) ||
        c === 34 ||
        c === 35 ||
        c === 92
      )
        break;
      end++;
    }
    return { kind: "bad", text: ch, start, end };
  }
}

/** Where an offset of the parsed text came from, following cpp's line markers. */
export interface SourceLocation {
  /** The file named by the last line marker before it; undefined when the text has no markers. */
  readonly file?: string;
  /** 0-based line and column in that file (or in the parsed text). */
  readonly line: number;
  readonly col: number;
}

/** Map a 0-based line/column of the parsed text to the original file through line markers. */
export function sourceLocation(markers: readonly LineMarker[], line: number, col: number): SourceLocation {
  let lo = 0;
  let hi = markers.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (markers[mid]!.line < line) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return { line, col };
  const m = markers[found]!;
  return { file: m.file, line: m.sourceLine - 1 + (line - m.line - 1), col };
}

// GNU ld's linker-script lexer, state by state, as binutils 2.40's ld/ldlex.l defines it (facts
// from that file; written here from scratch). What a token is depends on the lexer state the grammar
// has put the lexer in:
// - SCRIPT (commands, output-section names): a name is FILENAMECHAR1 FILENAMECHAR*, which takes
//   `:`, `,`, `=`, `[`, `]`, `-`, `+` and `~`, so `.kernel:dtb`, `i386:x86-64` and even `.text:` are
//   one name; `*` and `?` are not name characters here.
// - EXPRESSION: a name is SYMBOLNAMECHAR1 SYMBOLNAMECHAR* (`a/2` is one name), numbers take the
//   `$hex`, `…h`/`…o`/`…b`/`…d`/`…x` and K/M suffix forms, and the C operators are tokens.
// - WILD (output-section bodies): a name is WILDCHAR*, with `*?[]!^:,=` too, so `*libgcc.a:foo.o`,
//   `*extmod/*(...)` (a `/*` inside a name stays in it) and a lone `,` are names.
// - INPUTLIST (INPUT, GROUP): file names, `-lname`, AS_NEEDED.
// - VERS_START, VERS_SCRIPT, VERS_NODE (VERSION { ... }): version tags and symbol patterns.
// Common to most states: C comments, `#` to the end of the line (a comment anywhere, not only at the
// start of a line), quoted strings (which may span lines; ld's line counter does not count the
// newlines inside them), and keywords, each recognised only in the states ldlex.l lists.
// flex takes the longest match and, between equal lengths, the earlier rule: keywords and numbers
// come before names, so `KEEP` is a keyword and, in an expression, `bad` (hex digits + `d` suffix)
// is a number. A character no rule takes is reported ("ignoring invalid character") and skipped.

export type LexState =
  "SCRIPT" | "EXPRESSION" | "WILD" | "INPUTLIST" | "VERS_START" | "VERS_SCRIPT" | "VERS_NODE";

export interface LdToken {
  /** A keyword (its canonical name: `SORT` gives SORT_BY_NAME, `org` gives ORIGIN), an operator, NAME, LNAME, INT, VERS_TAG, VERS_IDENTIFIER, or END. */
  readonly type: string;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** ld's line number (1-based) when it read this token; 0 at the end of the file, as ld reports it. */
  readonly line: number;
  readonly quoted?: boolean;
}

export interface LexWarning {
  readonly message: string;
  readonly start: number;
  readonly line: number;
}

const S = 1; // SCRIPT
const E = 2; // EXPRESSION
const W = 4; // WILD
const I = 8; // INPUTLIST
const VS = 16; // VERS_START
const VC = 32; // VERS_SCRIPT
const VN = 64; // VERS_NODE
const STATE_BIT: Record<LexState, number> = {
  SCRIPT: S, EXPRESSION: E, WILD: W, INPUTLIST: I, VERS_START: VS, VERS_SCRIPT: VC, VERS_NODE: VN,
}; // prettier-ignore

/** Operators in ldlex.l's rule order, with the states each is a token in. */
const OPERATORS: readonly (readonly [string, number])[] = [
  ["]", W], ["[", W], ["<<=", S | E | W], [">>=", S | E | W], ["||", E], ["==", E], ["!=", E], [">=", E],
  ["<=", E], ["<<", E], [">>", E], ["+=", S | E | W], ["-=", S | E | W], ["*=", S | E | W], ["/=", S | E | W],
  ["&=", S | E | W], ["|=", S | E | W], ["&&", E], [">", S | E], [",", S | E | I], ["&", E | W], ["|", E],
  ["~", S | E], ["!", S | E], ["?", E], ["*", E], ["+", S | E], ["-", S | E], ["/", E], ["%", E], ["<", E],
  ["=", S | E | W], ["}", S | E | W], ["{", S | E | W], [")", S | E | W | I], ["(", S | E | W | I], [":", S | E],
  [";", S | E | W],
]; // prettier-ignore

/** The operators by the code of their first character, in rule order. */
const OPERATORS_BY_CODE: ((readonly [string, number])[] | undefined)[] = [];
for (const o of OPERATORS) (OPERATORS_BY_CODE[o[0].charCodeAt(0)] ??= []).push(o);

const DOLLAR = 36;
const ZERO = 48;
const X_LOWER = 120;
const EQUALS = 61;
const SLASH = 47;

const SE = S | E;
/** Keywords in ldlex.l's rule order: text, states, token (when it differs from the text). */
const KEYWORDS: readonly (readonly [string, number, string?])[] = [
  ["MEMORY", S], ["REGION_ALIAS", S], ["LD_FEATURE", S], ["ORIGIN", SE], ["VERSION", S, "VERSIONK"],
  ["BLOCK", SE], ["BIND", SE], ["LENGTH", SE], ["ALIGN", SE, "ALIGN_K"], ["DATA_SEGMENT_ALIGN", SE],
  ["DATA_SEGMENT_RELRO_END", SE], ["DATA_SEGMENT_END", SE], ["ADDR", SE], ["LOADADDR", SE], ["ALIGNOF", SE],
  ["ABSOLUTE", SE], ["MAX", SE, "MAX_K"], ["MIN", SE, "MIN_K"], ["LOG2CEIL", SE], ["ASSERT", SE | W, "ASSERT_K"],
  ["ENTRY", S], ["EXTERN", S], ["NEXT", SE], ["SIZEOF_HEADERS", SE], ["SEGMENT_START", SE], ["MAP", S],
  ["SIZEOF", SE], ["TARGET", S, "TARGET_K"], ["SEARCH_DIR", S], ["OUTPUT", S], ["INPUT", S], ["GROUP", S],
  ["AS_NEEDED", I], ["DEFINED", SE], ["CREATE_OBJECT_SYMBOLS", W], ["CONSTRUCTORS", W],
  ["FORCE_COMMON_ALLOCATION", S], ["FORCE_GROUP_ALLOCATION", S], ["INHIBIT_COMMON_ALLOCATION", S],
  ["SECTIONS", S], ["INSERT", S, "INSERT_K"], ["AFTER", S], ["BEFORE", S], ["FILL", W], ["STARTUP", S],
  ["OUTPUT_FORMAT", S], ["OUTPUT_ARCH", S], ["HLL", S], ["SYSLIB", S], ["FLOAT", S], ["QUAD", W], ["SQUAD", W],
  ["LONG", W], ["SHORT", W], ["BYTE", W], ["NOFLOAT", S], ["NOCROSSREFS", SE], ["NOCROSSREFS_TO", SE],
  ["OVERLAY", SE], ["SORT_BY_NAME", W], ["SORT_BY_ALIGNMENT", W], ["SORT", W, "SORT_BY_NAME"],
  ["SORT_BY_INIT_PRIORITY", W], ["SORT_NONE", W], ["NOLOAD", E], ["READONLY", E], ["DSECT", E], ["COPY", E],
  ["INFO", E], ["TYPE", E], ["ONLY_IF_RO", SE], ["ONLY_IF_RW", SE], ["SPECIAL", SE], ["o", S, "ORIGIN"],
  ["org", S, "ORIGIN"], ["l", S, "LENGTH"], ["len", S, "LENGTH"], ["INPUT_SECTION_FLAGS", W],
  ["INCLUDE", SE | W], ["PHDRS", S], ["AT", SE | W], ["ALIGN_WITH_INPUT", SE], ["SUBALIGN", SE],
  ["HIDDEN", SE | W], ["PROVIDE", SE | W], ["PROVIDE_HIDDEN", SE | W], ["KEEP", W], ["EXCLUDE_FILE", W],
  ["CONSTANT", SE],
]; // prettier-ignore
const KEYWORD_BY_TEXT = new Map(KEYWORDS.map(([t, st, tok]) => [t, { states: st, token: tok ?? t }]));

function charClass(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const ch of chars) t[ch.charCodeAt(0)] = 1;
  return t;
}
const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const WILDCHAR = charClass(ALNUM + "_/.\\$~-+:[],=?*^!");
const FILENAMECHAR = charClass(ALNUM + "_/.\\$~-+:[],=");
const SYMBOLNAMECHAR = charClass(ALNUM + "_/.\\$~");
const FILENAMECHAR1 = charClass(ALNUM.slice(0, 52) + "_/.\\$~");
const SYMBOLNAMECHAR1 = charClass(ALNUM.slice(0, 52) + "_.\\$");
const V_TAG1 = charClass(ALNUM.slice(0, 52) + ".$_");
const V_TAG = charClass(ALNUM + "._");
const V_ID1 = charClass(ALNUM.slice(0, 52) + "*?.$_[]-!^\\");
const V_ID = charClass(ALNUM + "*?.$_[]-!^\\");
const ID_CHARS = charClass(ALNUM + "_");
const HEX = charClass("0123456789abcdefABCDEF");
const DIGIT = charClass("0123456789");
const HEX_SUFFIX = charClass("HhXxBbOoDd");
const KM_SUFFIX = charClass("MKmk");

const inClass = (t: Uint8Array, c: number): boolean => c < 128 && t[c] === 1;

const MAX_WARNINGS = 100;

/** Length of the run of `cls` characters from `pos`. */
function run(text: string, pos: number, cls: Uint8Array): number {
  let i = pos;
  while (i < text.length && inClass(cls, text.charCodeAt(i))) i++;
  return i - pos;
}

/** Per state, the ASCII characters no rule can start a token with (computed from the rules below). */
const NO_TOKEN: Record<number, Uint8Array> = {};

export class LdLexer {
  readonly warnings: LexWarning[] = [];
  /** Where the next token is read from, and ld's line counter there. */
  pos = 0;
  line = 1;
  /** Unterminated comment: ld stops with "EOF in comment". */
  eofInComment: { start: number; line: number } | undefined;
  private warned = new Set<number>();
  /** Invalid characters past the first MAX_WARNINGS. */
  moreWarnings = 0;

  constructor(readonly text: string) {}

  /** Read the next token in `state`, advancing `pos` and `line`. */
  next(state: LexState): LdToken {
    const t = this.text;
    const bit = STATE_BIT[state];
    const vers = bit === VS || bit === VC || bit === VN;
    for (;;) {
      const p = this.pos;
      if (p >= t.length) return { type: "END", text: "", start: t.length, end: t.length, line: 0 };
      const c = t.charCodeAt(p);
      if (c === 10) {
        this.line++;
        this.pos++;
        continue;
      }
      if (c === 32 || c === 9 || c === 13) {
        this.pos++;
        continue;
      }
      // `/*` opens a comment in every state but WILD, where the name rule may match longer (below).
      if (c === 47 && t.charCodeAt(p + 1) === 42 && bit !== W) {
        this.comment(p + 2);
        continue;
      }
      if (c === 35 && bit !== I) {
        const nl = t.indexOf("\n", p);
        this.pos = nl < 0 ? t.length : nl;
        continue;
      }
      if (c === 34 && bit !== VS && bit !== VC) {
        const close = t.indexOf('"', p + 1);
        if (close >= 0) {
          this.pos = close + 1;
          return {
            type: "NAME",
            text: t.slice(p + 1, close),
            start: p,
            end: close + 1,
            line: this.line,
            quoted: true,
          };
        }
      }
      if (!vers && c < 128 && NO_TOKEN[bit]![c] === 1) {
        if (bit !== I) this.invalid(p, bit === E ? " in expression" : " in script");
        this.pos = p + 1;
        continue;
      }
      const tok = vers ? this.versionToken(p, bit) : this.scriptToken(p, bit);
      if (tok) {
        if (bit === W && tok.type === "NAME" && tok.text.startsWith("/*")) {
          // ldlex.l puts back all but the `/*` and reads a comment.
          this.comment(p + 2);
          continue;
        }
        this.pos = tok.end;
        return tok;
      }
      // In INPUTLIST no rule takes it (flex echoes it): skipped without a word.
      if (bit !== I) this.invalid(p, bit === E ? " in expression" : " in script");
      this.pos = p + (c >= 0xd800 && c <= 0xdbff ? 2 : 1);
    }
  }

  private comment(from: number): void {
    const t = this.text;
    const close = t.indexOf("*/", from);
    const end = close < 0 ? t.length : close + 2;
    for (let i = from; i < end; i++) if (t.charCodeAt(i) === 10) this.line++;
    if (close < 0) this.eofInComment ??= { start: from - 2, line: this.line };
    this.pos = end;
  }

  private invalid(p: number, where: string): void {
    // ld warns for each; past a hundred, the rest are counted but not kept.
    if (this.warnings.length >= MAX_WARNINGS) {
      this.moreWarnings++;
      return;
    }
    if (this.warned.has(p)) return;
    this.warned.add(p);
    const ch = String.fromCodePoint(this.text.codePointAt(p)!);
    this.warnings.push({ message: `ignoring invalid character \`${ch}'${where}`, start: p, line: this.line });
  }

  /**
   * Longest match among the rules active in SCRIPT, EXPRESSION, WILD or INPUTLIST; ties go to the
   * earlier rule. (The best match so far is kept in two variables, not an object per offer: this
   * runs once per token.)
   */
  private scriptToken(p: number, bit: number): LdToken | undefined {
    const t = this.text;
    const line = this.line;
    const c0 = t.charCodeAt(p);
    if (bit === E && c0 < 128) {
      const fast = this.expressionToken(p, c0, line);
      if (fast) return fast;
    }
    let bestType: string | undefined;
    let bestLen = 0;
    if (bit === E) {
      if (c0 === DOLLAR) {
        const h = run(t, p + 1, HEX);
        if (h > 0) {
          bestType = "INT";
          bestLen = 1 + h;
        }
      }
      // [0-9A-Fa-f]+ followed by a radix letter: the longest such prefix.
      const h = run(t, p, HEX);
      for (let n = h; n >= 1; n--) {
        if (inClass(HEX_SUFFIX, t.charCodeAt(p + n))) {
          if (n + 1 > bestLen) {
            bestType = "INT";
            bestLen = n + 1;
          }
          break;
        }
      }
    }
    if (bit & (S | E)) {
      let n: number;
      const hex = c0 === DOLLAR ? 1 : c0 === ZERO && (t.charCodeAt(p + 1) | 0x20) === X_LOWER ? 2 : 0;
      if (hex > 0 && inClass(HEX, t.charCodeAt(p + hex))) n = hex + run(t, p + hex, HEX);
      else n = run(t, p, DIGIT);
      if (n > 0 && inClass(KM_SUFFIX, t.charCodeAt(p + n))) n++;
      if (n > bestLen) {
        bestType = "INT";
        bestLen = n;
      }
    }
    const ops = c0 < 128 ? OPERATORS_BY_CODE[c0] : undefined;
    if (ops)
      for (const [op, states] of ops)
        if (states & bit && op.length > bestLen && t.startsWith(op, p)) {
          bestType = op;
          bestLen = op.length;
        }
    // Keywords are made of [A-Za-z0-9_]; a shorter one than that run always loses to a name rule.
    const id = run(t, p, ID_CHARS);
    if (id > bestLen && id <= 24) {
      const kw = KEYWORD_BY_TEXT.get(t.slice(p, p + id));
      if (kw && kw.states & bit) {
        bestType = kw.token;
        bestLen = id;
      }
    }
    let nameLen = 0;
    let nameType = "NAME";
    if (bit & (S | I) && inClass(FILENAMECHAR1, c0)) nameLen = 1 + run(t, p + 1, FILENAMECHAR);
    if (bit === I) {
      if (c0 === EQUALS && inClass(FILENAMECHAR1, t.charCodeAt(p + 1)))
        nameLen = Math.max(nameLen, 2 + run(t, p + 2, FILENAMECHAR));
      if (t.startsWith("-l", p)) {
        const n = run(t, p + 2, FILENAMECHAR);
        if (n > 0 && 2 + n > nameLen) {
          nameLen = 2 + n;
          nameType = "LNAME";
        }
      }
    }
    if (bit === E) {
      if (inClass(SYMBOLNAMECHAR1, c0)) nameLen = 1 + run(t, p + 1, SYMBOLNAMECHAR);
      if (c0 === SLASH && t.startsWith("/DISCARD/", p)) nameLen = Math.max(nameLen, 9);
    }
    if (bit === W) nameLen = run(t, p, WILDCHAR);
    if (nameLen > bestLen) {
      const text = t.slice(p, p + nameLen);
      return {
        type: nameType,
        text: nameType === "LNAME" ? text.slice(2) : text,
        start: p,
        end: p + nameLen,
        line,
      };
    }
    if (bestType === undefined) return undefined;
    return { type: bestType, text: t.slice(p, p + bestLen), start: p, end: p + bestLen, line };
  }

  /**
   * The two commonest EXPRESSION tokens, for which the rules above have one answer: an operator
   * character that starts no number or name (only operators can match, the longest wins), and a
   * name starting with a character that starts no number or operator (a keyword when an upper-case
   * one matches the whole name, else the name). Undefined for anything else. Long expressions are a
   * token per character or two: this runs for most of them.
   */
  private expressionToken(p: number, c0: number, line: number): LdToken | undefined {
    const t = this.text;
    const ops = OPERATORS_E_LONGEST_FIRST[c0];
    if (ops !== undefined) {
      for (const op of ops)
        if (t.startsWith(op, p)) return { type: op, text: op, start: p, end: p + op.length, line };
      return undefined;
    }
    if (NAME_ONLY_E[c0] !== 1) return undefined;
    const n = 1 + run(t, p + 1, SYMBOLNAMECHAR);
    const text = t.slice(p, p + n);
    if (c0 >= 65 && c0 <= 90 && n <= 24 && run(t, p, ID_CHARS) === n) {
      const kw = KEYWORD_BY_TEXT.get(text);
      if (kw && kw.states & E) return { type: kw.token, text, start: p, end: p + n, line };
    }
    return { type: "NAME", text, start: p, end: p + n, line };
  }

  /** VERSION { ... }: tags in VERS_SCRIPT, symbol patterns and global/local/extern in VERS_NODE. */
  private versionToken(p: number, bit: number): LdToken | undefined {
    const t = this.text;
    const ch = t[p]!;
    const line = this.line;
    const one = (type: string): LdToken => ({ type, text: ch, start: p, end: p + 1, line });
    if (ch === "{" || (ch === "}" && bit !== VS)) return one(ch);
    if (bit === VS) return undefined;
    if (ch === ":" || ch === "," || ch === ";") return one(ch);
    if (bit === VC) {
      if (!inClass(V_TAG1, t.charCodeAt(p))) return undefined;
      const n = 1 + run(t, p + 1, V_TAG);
      return { type: "VERS_TAG", text: t.slice(p, p + n), start: p, end: p + n, line };
    }
    // VERS_NODE: V_IDENTIFIER, where `::` may join parts (C++ names).
    if (!inClass(V_ID1, t.charCodeAt(p))) return undefined;
    let e = p + 1;
    for (;;) {
      if (inClass(V_ID, t.charCodeAt(e))) e++;
      else if (t.startsWith("::", e)) e += 2;
      else break;
    }
    const text = t.slice(p, e);
    const kw =
      text === "global" ? "GLOBAL" : text === "local" ? "LOCAL" : text === "extern" ? "EXTERN" : undefined;
    // The keyword rules match exactly those words; a longer identifier wins by length.
    return { type: kw ?? "VERS_IDENTIFIER", text, start: p, end: e, line };
  }
}

/**
 * EXPRESSION-state start characters with one kind of token: operators only (no number, name or
 * `/DISCARD/` starts with them; their operators longest first, as the longest match wins), or names
 * only (no hex digit, digit, `$` or operator).
 */
const OPERATORS_E_LONGEST_FIRST: (string[] | undefined)[] = [];
const NAME_ONLY_E = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ops = (OPERATORS_BY_CODE[c] ?? []).filter(([, states]) => states & E).map(([op]) => op);
  const startsNumber = DIGIT[c] === 1 || HEX[c] === 1 || c === DOLLAR;
  if (ops.length > 0 && !startsNumber && SYMBOLNAMECHAR1[c] !== 1 && c !== SLASH)
    OPERATORS_E_LONGEST_FIRST[c] = ops.sort((a, b) => b.length - a.length);
  if (SYMBOLNAMECHAR1[c] === 1 && ops.length === 0 && !startsNumber) NAME_ONLY_E[c] = 1;
}

for (const bit of [S, E, W, I]) {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    if (' \t\r\n"#'.includes(ch)) continue;
    // Multi-character operators (`<<=` in WILD) start with characters that are no token alone.
    if (OPERATORS.some(([op, states]) => states & bit && op[0] === ch)) continue;
    const probe = new LdLexer(ch + " ");
    table[c] = (probe as unknown as { scriptToken(p: number, b: number): LdToken | undefined }).scriptToken(
      0,
      bit,
    )
      ? 0
      : 1;
  }
  NO_TOKEN[bit] = table;
}

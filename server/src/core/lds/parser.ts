// Recursive-descent parser for GNU linker scripts (the grammar of the GNU ld manual, "Linker
// Scripts", cross-checked against lld's ScriptParser; written from the documentation).
//
// Error recovery: each statement is parsed on its own; a syntax error records a diagnostic and
// throws `Fail`, which the enclosing statement loop catches, then skips to a point where parsing can
// resume: after a `;`, before a `}` that closes the current block, or before a statement keyword.
// Every loop consumes at least one token per iteration, so the parser always terminates.
import { isWideSpace } from "../chars";
import type * as A from "./ast";
import { OperandKind, RunBuilder } from "./chain";
import { ldVerdict, MAX_NESTING } from "./ldgram";
import { Lexer, type LexMode, type Token } from "./lexer";
import { parseNumber } from "./number";

export { parseNumber } from "./number";

export interface ParseOptions {
  /**
   * Tolerant mode, for a `.lds.S` read without running cpp: an unknown macro invocation such as
   * `TEXT_TEXT` or `BSS_SECTION(0, 0, 0)` is kept as opaque content rather than being an error.
   */
  readonly tolerant?: boolean;
  /** Read the text as the inside of SECTIONS (a fragment included there). */
  readonly fragment?: boolean;
}

class Fail extends Error {}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** What follows an output section's or an overlay's body: `>region AT>lma :phdr =fill`. */
interface SectionTail {
  readonly region: A.Name | undefined;
  readonly lmaRegion: A.Name | undefined;
  readonly phdrs: readonly A.Name[];
  readonly fill: A.Expr | undefined;
}

function addTail(node: { region?: A.Name; lmaRegion?: A.Name; fill?: A.Expr }, tail: SectionTail): void {
  if (tail.region) node.region = tail.region;
  if (tail.lmaRegion) node.lmaRegion = tail.lmaRegion;
  if (tail.fill) node.fill = tail.fill;
}

// Shared empty lists: most patterns have no sort and no EXCLUDE_FILE, most sections no :phdr.
const NO_NAMES: readonly A.Name[] = Object.freeze([]);
const NO_SORT: readonly string[] = Object.freeze([]);

const UNARY_OPS = new Set(["-", "+", "!", "~"]);

/** The fragment reading of a tolerant parse already has as many errors as the first: it cannot win. */
class GiveUp extends Error {}

const ASSIGN_OPS = new Set(["=", "+=", "-=", "*=", "/=", "<<=", ">>=", "&=", "|="]);

/** Commands whose arguments are names (files, symbols, formats), not expressions. */
const NAME_COMMANDS = new Set([
  "OUTPUT_FORMAT", "OUTPUT_ARCH", "ENTRY", "SEARCH_DIR", "INPUT", "GROUP", "OUTPUT", "TARGET", "STARTUP",
  "NOCROSSREFS", "NOCROSSREFS_TO", "EXTERN", "REGION_ALIAS", "LD_FEATURE", "AS_NEEDED", "MAP", "HLL", "SYSLIB",
]); // prettier-ignore

/** Commands without arguments. */
const BARE_COMMANDS = new Set([
  "FORCE_COMMON_ALLOCATION", "INHIBIT_COMMON_ALLOCATION", "FORCE_GROUP_ALLOCATION", "CONSTRUCTORS",
  "CREATE_OBJECT_SYMBOLS", "FLOAT", "NOFLOAT",
]); // prettier-ignore

export const SECTION_TYPES = new Set(["NOLOAD", "DSECT", "COPY", "INFO", "OVERLAY", "READONLY"]);
export const SORT_KEYWORDS = new Set([
  "SORT", "SORT_BY_NAME", "SORT_BY_ALIGNMENT", "SORT_BY_INIT_PRIORITY", "SORT_NONE",
]); // prettier-ignore
export const DATA_KEYWORDS = new Set(["BYTE", "SHORT", "LONG", "QUAD", "SQUAD", "FILL"]);

/** Builtins whose arguments are names rather than expressions. */
const NAME_ARG_BUILTINS = new Set([
  "ADDR",
  "LOADADDR",
  "SIZEOF",
  "ALIGNOF",
  "DEFINED",
  "ORIGIN",
  "LENGTH",
  "CONSTANT",
]);

/** Every keyword a statement may start with: where error recovery resynchronises. */
const STATEMENT_KEYWORDS = new Set([
  "SECTIONS", "MEMORY", "PHDRS", "VERSION", "INCLUDE", "ASSERT", "PROVIDE", "PROVIDE_HIDDEN", "HIDDEN", "OVERLAY", "KEEP",
  "INSERT", ...NAME_COMMANDS, ...BARE_COMMANDS, ...DATA_KEYWORDS,
]); // prettier-ignore

/** At most this many errors are recorded per script. */
const MAX_ERRORS = 100;

/** Binary operators and their precedence (GNU ld's ldgram.y, loosest first). */
const PRECEDENCE = new Map<string, number>([
  ["||", 1], ["&&", 2], ["|", 3], ["^", 4], ["&", 5], ["==", 6], ["!=", 6], ["<", 7], ["<=", 7], [">", 7], [">=", 7],
  ["<<", 8], [">>", 8], ["+", 9], ["-", 9], ["*", 10], ["/", 10], ["%", 10],
]); // prettier-ignore

/** Names cpp macros in the kernel's headers look like: HEAD_TEXT, BSS_SECTION, RO_DATA. */
const MACRO_LIKE = /^[A-Z_][A-Z0-9_]*$/;

/**
 * Parse a linker script into a tree. For a plain script, the syntax errors are GNU ld's (ldgram.ts):
 * the tree comes from the error-recovering parser below, so the outline and hovers still work on a
 * broken script, but only what ld itself would say is reported. In tolerant mode (a `.lds.S` read
 * without cpp), ld's verdict does not apply (macros are not expanded) and the recovering parser's
 * errors are reported, filtered to what is certain (tolerant.ts).
 */
export function parseScript(text: string, options: ParseOptions = {}): A.Script {
  const parser = new Parser(text, options);
  const tree = parser.script();
  if (options.tolerant) {
    // A fragment meant for the inside of SECTIONS reads badly at the top level: try it as one. Not
    // when every statement is read alike at both levels: the fragment would have the same errors (and
    // a second parse of a large script costs as much as the first).
    if (
      tree.errors.length === 0 ||
      options.fragment ||
      !parser.readAsTopLevel ||
      tree.statements.some((s) => s.kind === "Sections")
    )
      return tree;
    // It is kept only with fewer errors; errors are only ever added, so it stops at as many (a long
    // script with an early error is not read twice).
    try {
      const asFragment = new Parser(text, { ...options, fragment: true }, tree.errors.length).script();
      return asFragment.errors.length < tree.errors.length ? asFragment : tree;
    } catch (e) {
      if (e instanceof GiveUp) return tree;
      throw e;
    }
  }
  const verdict = ldVerdict(text);
  const range = (start: number, end: number): A.Range => parser.rangeOf(start, end);
  const errors: A.ParseError[] = verdict.warnings.map((w) => ({
    message: w.message,
    range: range(w.start, w.start + 1),
    warning: true,
    ldLine: w.line,
  }));
  if (verdict.error)
    errors.push({
      message: verdict.error.message,
      range: range(verdict.error.start, verdict.error.end),
      ldLine: verdict.error.line,
    });
  errors.sort((a, b) => a.range.start - b.range.start);
  return { ...tree, errors, recoveredErrors: tree.errors };
}

/**
 * Whether a character ends a word in a name command's arguments: white space as a regexp's `\s`
 * reads it, `,`, `(`, `)` or `"`. (A table and a few comparisons: a regexp literal in the per-character
 * loop made an object per character.)
 */
function endsNameArg(c: number): boolean {
  return c < 128 ? ENDS_NAME_ARG[c] === 1 : isWideSpace(c);
}
const ENDS_NAME_ARG = new Uint8Array(128);
for (const ch of ' \t\n\v\f\r,()"') ENDS_NAME_ARG[ch.charCodeAt(0)] = 1;

class Parser {
  private readonly lx: Lexer;
  private pos = 0;
  private lastEnd = 0;
  private readonly errors: A.ParseError[] = [];
  /**
   * Some statement was read in a way only the top level reads it: SECTIONS, MEMORY, PHDRS or VERSION
   * (inside SECTIONS each would be an output section, and a broken block skipped whole), or a name
   * that starts no statement the top level knows (inside SECTIONS, an output section perhaps). Every
   * other statement (commands, assignments, ASSERT, with their errors and recovery) is read alike at
   * both levels.
   */
  readAsTopLevel = false;

  constructor(
    text: string,
    private readonly options: ParseOptions,
    /** Throw GiveUp once this many errors (the parser's and the lexer's) are found. */
    private readonly giveUpAt = Infinity,
  ) {
    this.lx = new Lexer(text, { tolerant: options.tolerant === true });
  }

  /** Errors so far never decrease: past the limit the outcome is known. */
  private checkGiveUp(): void {
    if (this.errors.length + this.lx.trivia.errors.length >= this.giveUpAt) throw new GiveUp();
  }

  rangeOf(start: number, end: number): A.Range {
    return this.lx.range(start, end);
  }

  // ------------------------------------------------------------------------------------ token helpers

  private peek(mode: LexMode = "name"): Token {
    return this.lx.tokenAt(this.pos, mode);
  }

  /** The token after the next one. */
  private peek2(first: LexMode, second: LexMode): Token {
    const a = this.lx.tokenAt(this.pos, first);
    return this.lx.tokenAt(a.end, second);
  }

  private next(mode: LexMode = "name"): Token {
    const t = this.peek(mode);
    if (t.kind === "bad") this.error(`invalid character \`${t.text}'`, t);
    this.pos = t.end;
    if (t.kind !== "eof") this.lastEnd = t.end;
    return t;
  }

  private is(text: string, mode: LexMode = "expr"): boolean {
    const t = this.peek(mode);
    return (t.kind === "punct" || t.kind === "name") && t.text === text;
  }

  private accept(text: string, mode: LexMode = "expr"): boolean {
    if (!this.is(text, mode)) return false;
    this.next(mode);
    return true;
  }

  private expect(text: string, mode: LexMode = "expr"): Token {
    const t = this.peek(mode);
    if ((t.kind === "punct" || t.kind === "name") && t.text === text) return this.next(mode);
    this.fail(
      t.kind === "eof"
        ? `syntax error: unexpected end of file, expected \`${text}'`
        : `syntax error: expected \`${text}'`,
      t,
    );
  }

  private readonly errorKeys = new Set<string>();

  private error(message: string, at: { start: number; end: number }): void {
    const start = at.start;
    const end = Math.max(at.end, at.start);
    // A hostile file can hold a million errors; the first ones are the useful ones.
    if (this.errors.length >= MAX_ERRORS) return;
    const key = `${start}:${message}`;
    if (this.errorKeys.has(key)) return;
    this.errorKeys.add(key);
    this.errors.push({ message, range: this.lx.range(start, end) });
    this.checkGiveUp();
  }

  private fail(message: string, at: { start: number; end: number }): never {
    this.error(message, at);
    throw new Fail(message);
  }

  private range(start: number): A.Range {
    return this.lx.range(start, Math.max(start, this.lastEnd));
  }

  private nameNode(t: Token): A.Name {
    return t.kind === "string"
      ? { kind: "Name", value: t.text, range: this.lx.range(t.start, t.end), quoted: true }
      : { kind: "Name", value: t.text, range: this.lx.range(t.start, t.end) };
  }

  private expectName(what: string, mode: LexMode = "name"): A.Name {
    const t = this.peek(mode);
    if (t.kind === "name" || t.kind === "string") return this.nameNode(this.next(mode));
    this.fail(
      t.kind === "eof"
        ? `syntax error: unexpected end of file, expected ${what}`
        : `syntax error: expected ${what}`,
      t,
    );
  }

  /**
   * Skip to where parsing can resume. Stops after `;`, before `}` (the end of the enclosing block)
   * or before a statement keyword; nested `{...}` are skipped whole. Consumes at least one token
   * unless already at such a point and `from` moved.
   */
  private recover(from: number): void {
    let depth = 0;
    let first = true;
    for (;;) {
      const t = this.peek("name");
      if (t.kind === "eof") return;
      const progressed = this.pos > from || !first;
      if (t.kind === "punct" && t.text === "}") {
        if (depth === 0) {
          if (progressed) return;
        } else if (--depth === 0) {
          // A skipped `{...}` ends the broken statement (an output section whose header was bad).
          this.pos = t.end;
          return;
        }
      } else if (t.kind === "punct" && t.text === "{") depth++;
      else if (t.kind === "punct" && t.text === ";" && depth === 0) {
        this.next("name");
        return;
      } else if (depth === 0 && progressed && t.kind === "name" && STATEMENT_KEYWORDS.has(t.text)) return;
      this.pos = t.end;
      first = false;
    }
  }

  /** Run one statement parser; on failure, resynchronise and return undefined. */
  private statement<T>(fn: () => T | undefined): T | undefined {
    const from = this.pos;
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof Fail)) throw e;
      this.recover(from);
      return undefined;
    }
  }

  // ------------------------------------------------------------------------------------ top level

  script(): A.Script {
    const statements: A.TopLevel[] = [];
    if (this.options.fragment) statements.push(this.fragment());
    for (;;) {
      const t = this.peek("name");
      if (t.kind === "eof") break;
      if (t.kind === "punct" && t.text === "}") {
        this.next();
        this.error("syntax error: unexpected `}'", t);
        continue;
      }
      if (t.kind === "punct" && t.text === ";") {
        this.next();
        continue;
      }
      const before = this.pos;
      const s = this.statement(() => this.topLevel());
      if (s) statements.push(s);
      if (this.pos === before) this.next("name");
      this.checkGiveUp();
    }
    const trivia = this.lx.trivia;
    const errors = [...trivia.errors, ...this.errors].sort((a, b) => a.range.start - b.range.start);
    return {
      kind: "Script",
      statements,
      lineMarkers: trivia.lineMarkers,
      conditionals: trivia.conditionals,
      directives: trivia.directives,
      errors,
      range: this.lx.range(0, this.lx.text.length),
    };
  }

  private topLevel(): A.TopLevel | undefined {
    const t = this.peek("name");
    if (t.kind === "name") {
      switch (t.text) {
        case "SECTIONS":
          this.readAsTopLevel = true;
          return this.sections();
        case "MEMORY":
          this.readAsTopLevel = true;
          return this.memory();
        case "PHDRS":
          this.readAsTopLevel = true;
          return this.phdrs();
        case "VERSION":
          if (this.peek2("name", "name").text === "{") {
            this.readAsTopLevel = true;
            return this.version();
          }
      }
    }
    const common = this.common();
    if (common) return common;
    if (this.isAssignmentStart()) return this.assignmentStatement();
    const opaque = this.opaque();
    if (opaque) return opaque;
    // Inside SECTIONS a name or string here would start an output section; anything else fails there
    // as it does here, at the same token.
    if (t.kind === "name" || t.kind === "string") this.readAsTopLevel = true;
    this.fail(t.kind === "bad" ? `invalid character \`${t.text}'` : "syntax error", t);
  }

  /** Statements allowed at every level: commands, INCLUDE, ASSERT, PROVIDE/HIDDEN. */
  private common(): A.Command | A.Include | A.Assert | A.Assignment | undefined {
    const t = this.peek("name");
    if (t.kind !== "name") return undefined;
    if (t.text === "INCLUDE") return this.include();
    if (t.text === "ASSERT" && this.peek2("name", "expr").text === "(") return this.assertStatement();
    if (
      (t.text === "PROVIDE" || t.text === "PROVIDE_HIDDEN" || t.text === "HIDDEN") &&
      this.peek2("name", "expr").text === "("
    )
      return this.assignmentStatement();
    if (NAME_COMMANDS.has(t.text) && this.peek2("name", "expr").text === "(") return this.nameCommand();
    if (BARE_COMMANDS.has(t.text)) {
      this.next();
      return {
        kind: "Command",
        name: t.text,
        nameRange: this.lx.range(t.start, t.end),
        args: [],
        range: this.range(t.start),
      };
    }
    if (t.text === "INSERT") {
      this.next();
      const where = this.expectName("`AFTER' or `BEFORE'");
      if (where.value !== "AFTER" && where.value !== "BEFORE")
        this.fail("syntax error: expected `AFTER' or `BEFORE'", where.range);
      const section = this.expectName("an output section name");
      return {
        kind: "Command",
        name: "INSERT",
        nameRange: this.lx.range(t.start, t.end),
        args: [where, section],
        range: this.range(t.start),
      };
    }
    return undefined;
  }

  /** `NAME(arg arg, "arg", AS_NEEDED(arg))`: arguments are raw words (i386:x86-64 is one word). */
  private nameCommand(): A.Command {
    const kw = this.next();
    this.expect("(");
    const args: A.Name[] = [];
    for (;;) {
      const start = this.lx.skipTrivia(this.pos);
      const c = this.lx.text[start];
      if (c === undefined)
        this.fail(`syntax error: missing \`)' in ${kw.text}`, { start: kw.start, end: kw.end });
      if (c === ")") {
        this.next("expr");
        break;
      }
      if (c === ",") {
        this.next("expr");
        continue;
      }
      if (c === '"') {
        args.push(this.nameNode(this.next("name")));
        continue;
      }
      const text = this.lx.text;
      let end = start;
      while (end < text.length && !endsNameArg(text.charCodeAt(end))) {
        if (text.charCodeAt(end) === 47 && text.charCodeAt(end + 1) === 42) break; // `/*`
        end++;
      }
      if (end === start) this.fail("syntax error", this.next("expr"));
      const word = this.lx.text.slice(start, end);
      this.pos = end;
      this.lastEnd = end;
      if (word === "AS_NEEDED" && this.is("(")) {
        // Flatten AS_NEEDED(a b) into the argument list; the grouping does not matter here.
        this.pos = start;
        const inner = this.nameCommand();
        args.push(...inner.args);
        continue;
      }
      args.push({ kind: "Name", value: word, range: this.lx.range(start, end) });
    }
    return {
      kind: "Command",
      name: kw.text,
      nameRange: this.lx.range(kw.start, kw.end),
      args,
      range: this.range(kw.start),
    };
  }

  private include(): A.Include {
    const kw = this.next();
    const file = this.expectName("a file name");
    this.accept(";");
    return { kind: "Include", file, range: this.range(kw.start) };
  }

  private assertStatement(): A.Assert {
    const kw = this.next();
    this.expect("(");
    const cond = this.expr();
    this.expect(",");
    const msg = this.peek("name");
    if (msg.kind !== "string" && msg.kind !== "name")
      this.fail("syntax error: expected the assertion message", msg);
    this.next("name");
    this.expect(")");
    this.accept(";");
    return { kind: "Assert", cond, message: msg.text, range: this.range(kw.start) };
  }

  /** Whether the next tokens are `symbol op` with an assignment operator (or PROVIDE etc.). */
  private isAssignmentStart(): boolean {
    const t = this.peek("expr");
    if (t.kind !== "name" && t.kind !== "string") return false;
    const op = this.lx.tokenAt(t.end, "expr");
    return op.kind === "punct" && ASSIGN_OPS.has(op.text);
  }

  /** `sym op expr ;` or `PROVIDE(sym = expr) ;`. The `;` is required, as in GNU ld. */
  private assignmentStatement(): A.Assignment {
    const a = this.assignment();
    const t = this.peek("expr");
    if (!this.accept(";") && !this.accept(",")) {
      this.error("syntax error: missing `;' after assignment", { start: this.lastEnd, end: this.lastEnd });
      // Not fatal: the assignment itself is fine, and the next token starts a new statement.
      if (t.kind !== "punct" || t.text !== "}") return a;
    }
    return a;
  }

  private assignment(): A.Assignment {
    const first = this.peek("expr");
    const wrapper =
      ["PROVIDE", "PROVIDE_HIDDEN", "HIDDEN"].includes(first.text) && this.peek2("expr", "expr").text === "(";
    if (wrapper) {
      this.next("expr");
      this.expect("(");
    }
    const target = this.expectName("a symbol name", "expr");
    const opTok = this.next("expr");
    if (opTok.kind !== "punct" || !ASSIGN_OPS.has(opTok.text))
      this.fail("syntax error: expected an assignment operator", opTok);
    const expr = this.expr();
    if (wrapper) this.expect(")");
    return {
      kind: "Assignment",
      target,
      op: opTok.text as A.AssignOp,
      expr,
      ...(wrapper ? { wrapper: first.text as "PROVIDE" } : {}),
      range: this.range(first.start),
    };
  }

  /**
   * Tolerant mode: `NAME` or `NAME(...)` that looks like a cpp macro and is not followed by `:` (an
   * output section) or an assignment operator: opaque content.
   */
  private opaque(inBody = false): A.Opaque | undefined {
    if (!this.options.tolerant) return undefined;
    const t = this.peek("name");
    if (t.kind !== "name" || !MACRO_LIKE.test(t.text) || STATEMENT_KEYWORDS.has(t.text) || t.text.length < 2)
      return undefined;
    const save = this.pos;
    const saveEnd = this.lastEnd;
    this.next("name");
    if (this.is("(")) this.skipBalanced();
    if (this.isPhdrTail()) {
      // A macro that expands to an output section, followed by its `:phdr` (`INIT_TEXT_SECTION(x) :init`).
      while (this.isPhdrTail()) {
        this.next("expr");
        this.next("expr");
      }
      this.accept(";");
      return { kind: "Opaque", text: this.lx.text.slice(t.start, this.lastEnd), range: this.range(t.start) };
    }
    const after = this.peek("expr");
    const looksLikeSection =
      after.kind === "punct" && (after.text === ":" || after.text === "{" || ASSIGN_OPS.has(after.text));
    if (looksLikeSection || (inBody && after.kind === "punct" && after.text === "(")) {
      this.pos = save;
      this.lastEnd = saveEnd;
      return undefined;
    }
    this.accept(";");
    return { kind: "Opaque", text: this.lx.text.slice(t.start, this.lastEnd), range: this.range(t.start) };
  }

  /** `:name` that is a program header after a section (not `: {` or `: AT(...)` of a section header). */
  private isPhdrTail(): boolean {
    if (!this.is(":")) return false;
    const name = this.peek2("expr", "expr");
    if (
      name.kind !== "name" ||
      /^(AT|ALIGN|SUBALIGN|ALIGN_WITH_INPUT|ONLY_IF_RO|ONLY_IF_RW|SPECIAL)$/.test(name.text)
    )
      return false;
    const after = this.lx.tokenAt(name.end, "expr");
    return !(after.kind === "punct" && (after.text === "{" || after.text === "("));
  }

  private skipBalanced(): void {
    const open = this.expect("(");
    let depth = 1;
    while (depth > 0) {
      const t = this.next("expr");
      if (t.kind === "eof") this.fail("syntax error: missing `)'", open);
      if (t.text === "(") depth++;
      else if (t.text === ")") depth--;
    }
  }

  // ------------------------------------------------------------------------------------ SECTIONS

  private sections(): A.SectionsBlock {
    const kw = this.next();
    const open = this.expect("{", "name");
    const items: A.SectionsItem[] = [];
    this.block(open, () => this.sectionsItem(), items);
    return { kind: "Sections", items, range: this.range(kw.start) };
  }

  private sectionsItem(): A.SectionsItem | undefined {
    const t = this.peek("name");
    if (t.kind === "name" && t.text === "OVERLAY" && !this.isAssignmentStart()) return this.overlay();
    const common = this.common();
    if (common) return common;
    if (this.isAssignmentStart()) return this.assignmentStatement();
    return this.opaque() ?? this.outputSection();
  }

  /** A fragment `#include`d inside SECTIONS (um's common.lds.S): its statements as one SECTIONS block. */
  private fragment(): A.SectionsBlock {
    const items: A.SectionsItem[] = [];
    for (;;) {
      const t = this.peek("name");
      if (t.kind === "eof") break;
      if (t.kind === "punct" && (t.text === ";" || t.text === "}")) {
        if (t.text === "}") this.error("syntax error: unexpected `}'", t);
        this.next();
        continue;
      }
      const before = this.pos;
      const s = this.statement(() => this.sectionsItem());
      if (s) items.push(s);
      if (this.pos === before) this.next("name");
      this.checkGiveUp();
    }
    return { kind: "Sections", items, range: this.lx.range(0, this.lx.text.length) };
  }

  /** Parse statements until the `}` matching `open`; reports a missing `}` at the end of file. */
  private block<T>(
    open: Token,
    item: (t: Token) => T | undefined,
    into: T[],
    stopAtSectionStart = false,
  ): void {
    for (;;) {
      const t = this.peek("name");
      if (t.kind === "eof") {
        this.error("syntax error: missing `}'", open);
        return;
      }
      if (t.kind === "punct" && t.text === "}") {
        this.next();
        return;
      }
      if (t.kind === "punct" && t.text === ";") {
        this.next();
        continue;
      }
      if (stopAtSectionStart && t.kind === "name" && !STATEMENT_KEYWORDS.has(t.text)) {
        // `.data : {` inside an output section body: its `}` was forgotten.
        const after = this.lx.tokenAt(t.end, "expr");
        if (after.kind === "punct" && after.text === ":") {
          this.error("syntax error: missing `}'", open);
          return;
        }
      }
      const before = this.pos;
      const s = this.statement(() => item(t));
      if (s !== undefined) into.push(s);
      if (this.pos === before) this.next("name");
    }
  }

  private outputSection(): A.OutputSection {
    const nameTok = this.peek("name");
    if (nameTok.kind !== "name" && nameTok.kind !== "string")
      this.fail(nameTok.kind === "bad" ? `invalid character \`${nameTok.text}'` : "syntax error", nameTok);
    const name = this.nameNode(this.next("name"));
    let address: A.Expr | undefined;
    let type: A.Name | undefined;
    if (this.is("{", "name"))
      this.fail(`syntax error: expected \`:' after output section \`${name.value}'`, this.peek("name"));
    if (!this.is(":")) {
      if (!this.isSectionType()) address = this.expr();
      if (this.isSectionType()) type = this.sectionType();
    }
    if (!this.is(":")) {
      const t = this.peek("expr");
      this.fail(
        `syntax error: expected \`:' after output section \`${name.value}'`,
        t.kind === "eof" ? name.range : t,
      );
    }
    this.next("expr");
    let at: A.Expr | undefined;
    let align: A.Expr | undefined;
    let alignWithInput = false;
    let subalign: A.Expr | undefined;
    let constraint: A.OutputSection["constraint"];
    const keywords: A.Name[] = [];
    for (;;) {
      const t = this.peek("expr");
      if (
        t.kind === "name" &&
        /^(AT|ALIGN|SUBALIGN|ALIGN_WITH_INPUT|ONLY_IF_RO|ONLY_IF_RW|SPECIAL)$/.test(t.text)
      )
        keywords.push(this.nameNode(t));
      if (t.text === "AT" && this.peek2("expr", "expr").text === "(") {
        this.next("expr");
        at = this.parenExpr();
      } else if (t.text === "ALIGN" && this.peek2("expr", "expr").text === "(") {
        this.next("expr");
        align = this.parenExpr();
      } else if (t.text === "SUBALIGN") {
        this.next("expr");
        subalign = this.parenExpr();
      } else if (t.text === "ALIGN_WITH_INPUT") {
        this.next("expr");
        alignWithInput = true;
      } else if (t.text === "ONLY_IF_RO" || t.text === "ONLY_IF_RW" || t.text === "SPECIAL") {
        this.next("expr");
        constraint = t.text;
      } else break;
    }
    const open = this.expect("{", "name");
    const items: A.OutputSectionItem[] = [];
    this.block(open, () => this.outputSectionItem(), items, true);
    const bodyRange = this.range(open.start);
    const tail = this.sectionTail();
    // Optional fields are added only when written (no spreads: a megabyte script has 60,000 of these),
    // and the body is kept at its exact size (a list grown by push keeps room for 17).
    const node: Writable<A.OutputSection> = {
      kind: "OutputSection",
      name,
      body: items.slice(),
      bodyRange,
      phdrs: tail.phdrs,
      range: this.range(name.range.start),
    };
    if (address) node.address = address;
    if (type) node.type = type;
    if (at) node.at = at;
    if (align) node.align = align;
    if (alignWithInput) node.alignWithInput = alignWithInput;
    if (subalign) node.subalign = subalign;
    if (constraint) node.constraint = constraint;
    if (keywords.length) node.keywords = keywords;
    addTail(node, tail);
    return node;
  }

  /** `>region AT>lma :phdr :phdr =fill ,` after an output section's body. */
  private sectionTail(): SectionTail {
    let region: A.Name | undefined;
    let lmaRegion: A.Name | undefined;
    let fill: A.Expr | undefined;
    const phdrs: A.Name[] = [];
    for (;;) {
      if (this.is(">")) {
        this.next("expr");
        region = this.expectName("a memory region name", "expr");
      } else if (this.is("AT") && this.peek2("expr", "expr").text === ">") {
        this.next("expr");
        this.next("expr");
        lmaRegion = this.expectName("a memory region name", "expr");
      } else if (this.is(":") && this.peek2("expr", "name").kind === "name") {
        // `:phdr`, as many as written (`} :text :note`): in GNU ld's grammar a `:` after an output
        // section's body always names a program header; the next section starts with its name.
        this.next("expr");
        phdrs.push(this.expectName("a program header name"));
      } else if (this.is("=")) {
        this.next("expr");
        fill = this.expr();
      } else break;
    }
    this.accept(",");
    return { region, lmaRegion, phdrs: phdrs.length > 0 ? phdrs : NO_NAMES, fill };
  }

  private isSectionType(): boolean {
    if (!this.is("(")) return false;
    const inner = this.peek2("expr", "name");
    if (inner.kind !== "name") return false;
    if (inner.text === "TYPE") return true;
    return SECTION_TYPES.has(inner.text) && this.lx.tokenAt(inner.end, "expr").text === ")";
  }

  private sectionType(): A.Name {
    this.expect("(");
    const t = this.next("name");
    let name = this.nameNode(t);
    if (t.text === "TYPE") {
      this.expect("=");
      const v = this.expr();
      name = {
        kind: "Name",
        value: `TYPE=${this.lx.text.slice(v.range.start, v.range.end)}`,
        range: this.range(t.start),
      };
    }
    this.expect(")");
    return name;
  }

  private outputSectionItem(): A.OutputSectionItem | undefined {
    const t = this.peek("name");
    if (t.kind === "name") {
      if (DATA_KEYWORDS.has(t.text) && this.peek2("name", "expr").text === "(") {
        this.next();
        const expr = this.parenExpr();
        this.accept(";");
        return { kind: "Data", size: t.text as A.DataStatement["size"], expr, range: this.range(t.start) };
      }
      if ((t.text === "SORT" || t.text === "SORT_BY_NAME") && this.peek2("name", "expr").text === "(") {
        // SORT(CONSTRUCTORS)
        const inner = this.lx.tokenAt(this.peek2("name", "expr").end, "name");
        if (inner.text === "CONSTRUCTORS") {
          this.next();
          this.next("expr");
          this.next();
          this.expect(")");
          return {
            kind: "Command",
            name: "CONSTRUCTORS",
            nameRange: this.lx.range(inner.start, inner.end),
            args: [],
            range: this.range(t.start),
          };
        }
      }
    }
    const common = this.common();
    if (common) return common;
    if (this.isAssignmentStart()) return this.assignmentStatement();
    const opaque = this.opaque(true);
    if (opaque) return opaque;
    return this.inputSection();
  }

  /** `[KEEP(] [INPUT_SECTION_FLAGS(...)] [EXCLUDE_FILE(...)] filepattern [( sections )] [)]`. */
  private inputSection(): A.InputSectionDesc {
    const start = this.peek("name");
    let keep = false;
    if (start.text === "KEEP" && this.peek2("name", "expr").text === "(") {
      this.next();
      this.next("expr");
      keep = true;
    }
    let flags: A.InputSectionDesc["flags"];
    if (this.peek("name").text === "INPUT_SECTION_FLAGS") {
      this.next();
      flags = this.sectionFlags();
    }
    const excludeFiles = this.excludeFile();
    const file = this.pattern("a file name pattern");
    let sections: A.Pattern[] | undefined;
    if (this.is("(")) {
      const open = this.next("expr");
      sections = [];
      let pending = NO_NAMES;
      for (;;) {
        const t = this.peek("name");
        if (t.kind === "punct" && t.text === ")") {
          this.next();
          break;
        }
        if (t.kind === "punct" && t.text === ",") {
          this.next();
          continue;
        }
        if (t.kind === "eof" || (t.kind === "punct" && (t.text === "}" || t.text === ";" || t.text === "{")))
          this.fail("syntax error: missing `)'", open);
        if (t.text === "EXCLUDE_FILE") {
          pending = this.excludeFile();
          continue;
        }
        const p = this.pattern("a section name pattern", pending);
        pending = NO_NAMES;
        sections.push(p);
      }
    }
    if (keep) this.expect(")");
    this.accept(";");
    const range = this.range(start.start);
    // Every field in the literal (one added later costs a property store of its own), and the
    // pattern list at its exact size (a list grown by push keeps room for 17).
    if (sections) {
      const exact = sections.slice();
      return flags
        ? { kind: "InputSection", keep, file, excludeFiles, sections: exact, flags, range }
        : { kind: "InputSection", keep, file, excludeFiles, sections: exact, range };
    }
    return flags
      ? { kind: "InputSection", keep, file, excludeFiles, flags, range }
      : { kind: "InputSection", keep, file, excludeFiles, range };
  }

  private excludeFile(): readonly A.Name[] {
    if (this.peek("name").text !== "EXCLUDE_FILE") return NO_NAMES;
    this.next();
    const open = this.expect("(");
    const names: A.Name[] = [];
    for (;;) {
      const t = this.peek("name");
      if (t.kind === "punct" && t.text === ")") {
        this.next();
        return names;
      }
      if (t.kind !== "name" && t.kind !== "string")
        this.fail("syntax error: missing `)' in EXCLUDE_FILE", open);
      names.push(this.nameNode(this.next()));
    }
  }

  private sectionFlags(): { require: string[]; forbid: string[] } {
    this.expect("(");
    const require: string[] = [];
    const forbid: string[] = [];
    for (;;) {
      const neg = this.accept("!");
      const n = this.expectName("a section flag", "expr");
      (neg ? forbid : require).push(n.value);
      if (!this.accept("&")) break;
    }
    this.expect(")");
    return { require, forbid };
  }

  /** A wildcard pattern, possibly wrapped in SORT_*( ... ), nested at most twice. */
  private pattern(what: string, excludeFiles: readonly A.Name[] = NO_NAMES): A.Pattern {
    const t = this.peek("name");
    if (t.kind === "name" && SORT_KEYWORDS.has(t.text) && this.peek2("name", "expr").text === "(") {
      this.next();
      this.next("expr");
      const inner = this.pattern(what, excludeFiles.length ? excludeFiles : this.excludeFile());
      this.expect(")");
      return { ...inner, sort: [t.text, ...inner.sort], range: this.range(t.start) };
    }
    if (t.kind !== "name" && t.kind !== "string")
      this.fail(t.kind === "bad" ? `invalid character \`${t.text}'` : `syntax error: expected ${what}`, t);
    this.next();
    return {
      kind: "Pattern",
      value: t.text,
      sort: NO_SORT,
      excludeFiles,
      range: this.lx.range(t.start, t.end),
    };
  }

  // ------------------------------------------------------------------------------------ OVERLAY

  private overlay(): A.Overlay {
    const kw = this.next();
    let start: A.Expr | undefined;
    if (!this.is(":")) start = this.expr();
    this.expect(":");
    const noCrossRefs = this.accept("NOCROSSREFS");
    let at: A.Expr | undefined;
    if (this.is("AT")) {
      this.next("expr");
      at = this.parenExpr();
    }
    const open = this.expect("{", "name");
    const sections: A.OutputSection[] = [];
    this.block(
      open,
      () => {
        const name = this.expectName("an overlay section name");
        const bodyOpen = this.expect("{", "name");
        const body: A.OutputSectionItem[] = [];
        this.block(bodyOpen, () => this.outputSectionItem(), body, true);
        const bodyRange = this.range(bodyOpen.start);
        const tail = this.sectionTail();
        const node: Writable<A.OutputSection> = {
          kind: "OutputSection",
          name,
          body,
          bodyRange,
          phdrs: tail.phdrs,
          range: this.range(name.range.start),
        };
        addTail(node, tail);
        return node;
      },
      sections,
    );
    const tail = this.sectionTail();
    const node: Writable<A.Overlay> = {
      kind: "Overlay",
      noCrossRefs,
      sections,
      phdrs: tail.phdrs,
      range: this.range(kw.start),
    };
    if (start) node.start = start;
    if (at) node.at = at;
    addTail(node, tail);
    return node;
  }

  // ------------------------------------------------------------------------------------ VERSION

  /** `VERSION { [tag] { ... } [deps] ; ... }`: the tags are kept; the symbol lists are GNU ld's business. */
  private version(): A.VersionBlock {
    const kw = this.next();
    const open = this.expect("{", "name");
    const tags: A.Name[] = [];
    let depth = 1;
    let pending: Token | undefined;
    while (depth > 0) {
      const t = this.next("name");
      if (t.kind === "eof") {
        this.error("syntax error: missing `}'", open);
        break;
      }
      if (t.kind === "punct" && t.text === "{") {
        if (depth === 1 && pending) tags.push(this.nameNode(pending));
        depth++;
      } else if (t.kind === "punct" && t.text === "}") depth--;
      pending = depth === 1 && t.kind === "name" ? t : undefined;
    }
    return { kind: "Version", tags, range: this.range(kw.start) };
  }

  // ------------------------------------------------------------------------------------ MEMORY, PHDRS

  private memory(): A.MemoryBlock {
    const kw = this.next();
    const open = this.expect("{", "name");
    const regions: (A.MemoryRegion | A.Include)[] = [];
    this.block(
      open,
      (t) => {
        if (t.text === "INCLUDE") return this.include();
        const name = this.expectName("a memory region name");
        let attributes: string | undefined;
        if (this.is("(")) {
          const o = this.next("expr");
          const close = this.lx.text.indexOf(")", o.end);
          if (close < 0) this.fail("syntax error: missing `)'", o);
          attributes = this.lx.text.slice(o.end, close).trim();
          this.pos = close + 1;
          this.lastEnd = close + 1;
        }
        this.expect(":");
        const o = this.next("expr");
        if (!["ORIGIN", "org", "o"].includes(o.text)) this.fail("syntax error: expected `ORIGIN'", o);
        this.expect("=");
        const origin = this.expr();
        this.accept(",");
        const l = this.next("expr");
        if (!["LENGTH", "len", "l"].includes(l.text)) this.fail("syntax error: expected `LENGTH'", l);
        this.expect("=");
        const length = this.expr();
        this.accept(",");
        this.accept(";");
        return {
          kind: "MemoryRegion",
          name,
          ...(attributes !== undefined ? { attributes } : {}),
          origin,
          length,
          range: this.range(name.range.start),
        } as A.MemoryRegion;
      },
      regions,
    );
    return { kind: "Memory", regions, range: this.range(kw.start) };
  }

  private phdrs(): A.PhdrsBlock {
    const kw = this.next();
    const open = this.expect("{", "name");
    const headers: A.Phdr[] = [];
    this.block(
      open,
      () => {
        const name = this.expectName("a program header name");
        const tt = this.peek("expr");
        const type: A.Expr | A.Name =
          tt.kind === "name" && tt.text.startsWith("PT_") ? this.nameNode(this.next("expr")) : this.expr();
        let fileHdr = false;
        let phdrs = false;
        let at: A.Expr | undefined;
        let flags: A.Expr | undefined;
        for (;;) {
          if (this.accept("FILEHDR")) fileHdr = true;
          else if (this.accept("PHDRS")) phdrs = true;
          else if (this.accept("AT")) at = this.parenExpr();
          else if (this.accept("FLAGS")) flags = this.parenExpr();
          else break;
        }
        this.expect(";");
        return {
          kind: "Phdr",
          name,
          type,
          fileHdr,
          phdrs,
          ...(at ? { at } : {}),
          ...(flags ? { flags } : {}),
          range: this.range(name.range.start),
        } as A.Phdr;
      },
      headers,
    );
    return { kind: "Phdrs", headers, range: this.range(kw.start) };
  }

  // ------------------------------------------------------------------------------------ expressions

  private parenExpr(): A.Expr {
    this.expect("(");
    const e = this.expr();
    this.expect(")");
    return e;
  }

  private depth = 0;

  expr(): A.Expr {
    const t = this.peek("expr");
    if (++this.depth > MAX_NESTING) {
      this.depth = 0;
      this.fail(`syntax error: nested more than ${MAX_NESTING} levels deep`, t);
    }
    try {
      const cond = this.binary(1);
      if (!this.is("?")) return cond;
      this.next("expr");
      const then = this.expr();
      this.expect(":");
      const otherwise = this.expr();
      return { kind: "Ternary", cond, then, else: otherwise, range: this.range(cond.range.start) };
    } finally {
      if (this.depth > 0) this.depth--;
    }
  }

  /**
   * Binary operators by precedence climbing (constant stack depth on long `a + b + c + ...` chains),
   * collected per run of one precedence (chain.ts). An operand that is a symbol, a number or `.`, and
   * that the operator after it does not bind tighter, is taken as a token: a long run keeps no node
   * for it.
   */
  private binary(minPrec: number): A.Expr {
    let run: RunBuilder | undefined;
    let runPrec = 0;
    let left: A.Expr | undefined;
    const first = this.peek("expr");
    const firstKind = this.tokenOperand(first, minPrec, true);
    if (firstKind === undefined) left = this.unary();
    else {
      const value = this.takeToken(first, firstKind);
      run = new RunBuilder(this.lx.text, this.rangeOfFn);
      run.addToken(undefined, firstKind, first.start, first.end, value);
    }
    for (;;) {
      const t = this.peek("expr");
      const prec = t.kind === "punct" ? PRECEDENCE.get(t.text) : undefined;
      if (prec === undefined || prec < minPrec) break;
      if (run === undefined || (run.count > 1 && prec !== runPrec)) {
        const done = run === undefined ? left! : run.finish();
        run = new RunBuilder(this.lx.text, this.rangeOfFn);
        run.addNode(undefined, done, this.lastEnd);
      }
      runPrec = prec;
      this.next("expr");
      const r = this.peek("expr");
      const kind = this.tokenOperand(r, prec, false);
      if (kind !== undefined) {
        run.addToken(t.text, kind, r.start, r.end, this.takeToken(r, kind));
      } else run.addNode(t.text, this.binary(prec + 1), this.lastEnd);
    }
    return run === undefined ? left! : run.finish();
  }

  private readonly rangeOfFn = (start: number, end: number): A.Range => this.lx.range(start, end);

  /**
   * Whether `t` can be taken as a token operand: a number, `.`, or a name that is no call, followed
   * by an operator that does not bind tighter than `prec` (for a run's first operand, by one that
   * continues the expression at all: else the operand is the whole expression, and a node).
   */
  private tokenOperand(t: Token, prec: number, first: boolean): OperandKind | undefined {
    let kind: OperandKind;
    if (t.kind === "number") kind = OperandKind.Number;
    else if (t.kind !== "name") return undefined;
    else kind = t.text === "." ? OperandKind.Dot : OperandKind.Symbol;
    const after = this.lx.tokenAt(t.end, "expr");
    if (after.kind !== "punct") return first ? undefined : kind;
    const next = PRECEDENCE.get(after.text);
    if (first) return next !== undefined && next >= prec ? kind : undefined;
    if (kind === OperandKind.Symbol && after.text === "(") return undefined;
    return next === undefined || next <= prec ? kind : undefined;
  }

  /** Read a token operand as primary() would, without its node; a number's value (0 if invalid). */
  private takeToken(t: Token, kind: OperandKind): bigint | undefined {
    this.next("expr");
    if (kind !== OperandKind.Number) return undefined;
    const value = parseNumber(t.text);
    if (value === undefined) this.error(`invalid number \`${t.text}'`, t);
    return value ?? 0n;
  }

  /** `- ! + ~` prefixes, read in a loop; a chain counts toward the nesting limit like parentheses. */
  private unary(): A.Expr {
    const first = this.peek("expr");
    if (first.kind !== "punct" || !UNARY_OPS.has(first.text)) return this.primary();
    const ops: Token[] = [];
    for (;;) {
      const t = this.peek("expr");
      if (t.kind !== "punct" || !(t.text === "-" || t.text === "+" || t.text === "!" || t.text === "~"))
        break;
      if (this.depth + ops.length >= MAX_NESTING)
        this.fail(`syntax error: nested more than ${MAX_NESTING} levels deep`, t);
      ops.push(this.next("expr"));
    }
    let e = this.primary();
    for (let i = ops.length - 1; i >= 0; i--) {
      const t = ops[i]!;
      e = { kind: "Unary", op: t.text as A.Unary["op"], operand: e, range: this.range(t.start) };
    }
    return e;
  }

  private primary(): A.Expr {
    const t = this.peek("expr");
    const r = this.lx.range(t.start, t.end);
    switch (t.kind) {
      case "number": {
        this.next("expr");
        const value = parseNumber(t.text);
        if (value === undefined) this.error(`invalid number \`${t.text}'`, t);
        return { kind: "Number", value: value ?? 0n, text: t.text, range: r };
      }
      case "string":
        this.next("expr");
        return { kind: "String", value: t.text, range: r };
      case "name": {
        this.next("expr");
        if (t.text === ".") return { kind: "Dot", range: r };
        if (!this.is("(")) return { kind: "Symbol", name: t.text, range: r };
        this.next("expr");
        const args: (A.Expr | A.Name)[] = [];
        if (!this.is(")")) {
          for (;;) {
            if (NAME_ARG_BUILTINS.has(t.text) || (t.text === "SEGMENT_START" && args.length === 0))
              args.push(this.expectName("a name"));
            else args.push(this.expr());
            if (!this.accept(",")) break;
          }
        }
        this.expect(")");
        return { kind: "Call", name: t.text, nameRange: r, args, range: this.range(t.start) };
      }
      case "punct":
        if (t.text === "(") {
          this.next("expr");
          const e = this.expr();
          this.expect(")");
          return e;
        }
        break;
      case "eof":
        this.fail("syntax error: unexpected end of file in expression", t);
    }
    this.fail(
      t.kind === "bad" ? `invalid character \`${t.text}' in expression` : "syntax error in expression",
      t,
    );
  }
}

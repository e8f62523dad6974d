// GNU ld's verdict on a linker script: the grammar of binutils 2.40's ld/ldgram.y (facts from that
// file, written here from scratch as a recursive-descent recogniser), over the state-dependent lexer
// of ldlex.ts. It answers what `ld -T script` answers: accepted, or the first syntax error, at the
// token and on the line ld names ("ld:script:LINE: syntax error"; line 0 at the end of the file, as
// ld prints it), plus ld's "ignoring invalid character" warnings. ld stops at its first error, and so
// does this: the editor's further errors come from the error-recovering parser (parser.ts).
//
// The part that needs care is *when* the lexer state changes, because a token is lexed in the state
// that is current when the parser first looks at it. bison reads a lookahead token only when its
// state needs one; where a mid-rule action (ldlex_expression, ldlex_wild, ldlex_popstate) follows a
// token whose state has a single default action, the next token is lexed after the switch, and
// otherwise before. The comments at each switch below say which, as worked out from ldgram.y:
// notably the token after an output-section name is read in SCRIPT state (the parser cannot tell a
// section from an assignment before it), and the token after an expression is read in EXPRESSION
// state (the expression's end is only known from it), which is why ld re-reads a NAME after a fill
// or a LENGTH expression in the outer state (ldlex_backup).
import { LdLexer, type LdToken, type LexState, type LexWarning } from "./ldlex";

/** Deeper nesting than this (parentheses, unary or ?: chains) is refused rather than recursed into. */
export const MAX_NESTING = 1000;

export interface LdSyntaxError {
  /** ld's words: "syntax error", "EOF in comment", or (ours) the nesting limit. */
  readonly message: string;
  readonly start: number;
  readonly end: number;
  /** The line ld prints (1-based; 0 when the error is at the end of the file). */
  readonly line: number;
  /** The nesting limit was hit: not a verdict of ld's, a limit of ours. */
  readonly tooDeep?: boolean;
}

export interface LdVerdict {
  readonly error?: LdSyntaxError;
  readonly warnings: readonly LexWarning[];
  /** Output-section names in script order (OVERLAY members included), up to the error if any. */
  readonly outputSections: readonly string[];
}

class Stop extends Error {
  constructor(readonly info: LdSyntaxError) {
    super(info.message);
  }
}

const ASSIGN_OPS = new Set(["=", "+=", "-=", "*=", "/=", "<<=", ">>=", "&=", "|="]);
const BINARY_OPS = new Set(["||", "&&", "|", "^", "&", "==", "!=", "<", ">", "<=", ">=", "<<", ">>", "+", "-", "*", "/", "%"]); // prettier-ignore
const UNARY_OPS = new Set(["-", "!", "+", "~"]);
const SECTION_TYPES = new Set(["NOLOAD", "DSECT", "COPY", "INFO", "OVERLAY"]);
const DATA = new Set(["QUAD", "SQUAD", "LONG", "SHORT", "BYTE"]);
const PAREN_SCRIPT_NAME = new Set(["ALIGNOF", "SIZEOF", "ADDR", "LOADADDR", "ORIGIN", "LENGTH"]);
const ONE_EXP = new Set(["NEXT", "ABSOLUTE", "DATA_SEGMENT_END", "BLOCK", "LOG2CEIL"]);
const TWO_EXP = new Set(["DATA_SEGMENT_ALIGN", "DATA_SEGMENT_RELRO_END", "MAX_K", "MIN_K"]);

/** GNU ld's syntax verdict on `text`, read as the script given to `-T`. */
export function ldVerdict(text: string): LdVerdict {
  return new Recogniser(text).run();
}

class Recogniser {
  private readonly lx: LdLexer;
  private la: LdToken | undefined;
  private readonly states: LexState[] = ["SCRIPT"];
  private versNesting = 0;
  private depth = 0;
  private readonly sections: string[] = [];

  constructor(text: string) {
    this.lx = new LdLexer(text);
  }

  run(): LdVerdict {
    let error: LdSyntaxError | undefined;
    try {
      while (this.peek().type !== "END") this.ifileP1();
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      error = e.info;
    }
    return { ...(error ? { error } : {}), warnings: this.lx.warnings, outputSections: this.sections };
  }

  // ------------------------------------------------------------------------------ tokens and states

  private get state(): LexState {
    return this.states[this.states.length - 1]!;
  }

  private peek(): LdToken {
    if (this.la) return this.la;
    const state = this.state;
    const t = this.lx.next(state);
    if (this.lx.eofInComment) {
      const c = this.lx.eofInComment;
      // ld names no line for it.
      throw new Stop({ message: "EOF in comment", start: c.start, end: c.start + 2, line: 0 });
    }
    // The version lexer changes its own state on braces (ldlex.l's BEGIN), as it reads them.
    if (state === "VERS_START" && t.type === "{") this.states[this.states.length - 1] = "VERS_SCRIPT";
    else if (state === "VERS_SCRIPT" && t.type === "{") {
      this.states[this.states.length - 1] = "VERS_NODE";
      this.versNesting = 0;
    } else if (state === "VERS_NODE" && t.type === "{") this.versNesting++;
    else if (state === "VERS_NODE" && t.type === "}" && --this.versNesting < 0)
      this.states[this.states.length - 1] = "VERS_SCRIPT";
    this.la = t;
    return t;
  }

  /** The token after the lookahead, in the same state (for the version grammar's `global :`). */
  private peek2(): LdToken {
    this.peek();
    const { pos, line } = this.lx;
    const t = this.lx.next(this.state);
    this.lx.pos = pos;
    this.lx.line = line;
    return t;
  }

  private is(type: string): boolean {
    return this.peek().type === type;
  }

  private take(type?: string): LdToken {
    const t = this.peek();
    if (type !== undefined && t.type !== type) this.fail(t);
    this.la = undefined;
    return t;
  }

  private accept(type: string): boolean {
    if (!this.is(type)) return false;
    this.take();
    return true;
  }

  private push(s: LexState): void {
    this.states.push(s);
  }

  private pop(): void {
    if (this.states.length > 1) this.states.pop();
  }

  /** ldlex_backup after a fill or LENGTH expression: a NAME lookahead is read again in the outer state. */
  private backupName(): void {
    const t = this.la;
    if (t && t.type === "NAME") {
      this.lx.pos = t.start;
      this.lx.line = t.line;
      this.la = undefined;
    }
  }

  private fail(t: LdToken): never {
    throw new Stop({
      // ld names the VERSION context only for --version-script files, not for VERSION in a script.
      message: "syntax error",
      start: t.start,
      end: Math.max(t.end, t.start),
      line: t.line,
    });
  }

  private enter(): void {
    if (++this.depth > MAX_NESTING) this.tooDeep();
  }

  private tooDeep(): never {
    const t = this.peek();
    throw new Stop({
      message: `syntax error: nested more than ${MAX_NESTING} levels deep`,
      start: t.start,
      end: t.end,
      line: t.line,
      tooDeep: true,
    });
  }

  // ------------------------------------------------------------------------------ top level

  private ifileP1(): void {
    const t = this.peek();
    switch (t.type) {
      case "MEMORY":
        return this.memory();
      case "SECTIONS":
        this.take();
        this.take("{");
        this.secOrGroup();
        this.take("}");
        return;
      case "PHDRS":
        return this.phdrs();
      case "VERSIONK":
        return this.version();
      case ";":
      case "FLOAT":
      case "NOFLOAT":
      case "FORCE_COMMON_ALLOCATION":
      case "FORCE_GROUP_ALLOCATION":
      case "INHIBIT_COMMON_ALLOCATION":
        this.take();
        return;
      case "STARTUP":
      case "TARGET_K":
      case "SEARCH_DIR":
      case "OUTPUT":
      case "OUTPUT_ARCH":
      case "MAP":
      case "LD_FEATURE":
        this.take();
        this.take("(");
        this.take("NAME");
        this.take(")");
        return;
      case "OUTPUT_FORMAT":
        this.take();
        this.take("(");
        this.take("NAME");
        if (this.accept(",")) {
          this.take("NAME");
          this.take(",");
          this.take("NAME");
        }
        this.take(")");
        return;
      case "HLL":
      case "SYSLIB":
        this.take();
        this.take("(");
        // HLL(a b, c) needs one name or none; SYSLIB's list may even start with a comma.
        for (let first = true; !this.is(")"); first = false) {
          if (!(t.type === "HLL" && first)) this.accept(",");
          this.take("NAME");
        }
        this.take(")");
        return;
      case "INPUT":
      case "GROUP":
        this.take();
        this.take("(");
        this.push("INPUTLIST"); // after `(`: a default reduction, the list is read in INPUTLIST
        this.inputList();
        this.pop(); // after the lookahead `)`
        this.take(")");
        return;
      case "NOCROSSREFS":
      case "NOCROSSREFS_TO":
        this.take();
        this.take("(");
        while (this.is("NAME")) {
          this.take();
          this.accept(",");
        }
        this.take(")");
        return;
      case "EXTERN":
        this.take();
        this.take("(");
        this.push("EXPRESSION");
        this.take("NAME");
        while (!this.is(")")) {
          this.accept(",");
          this.take("NAME");
        }
        this.pop();
        this.take(")");
        return;
      case "INSERT_K":
        this.take();
        if (!this.accept("AFTER")) this.take("BEFORE");
        this.take("NAME");
        return;
      case "REGION_ALIAS":
        this.take();
        this.take("(");
        this.take("NAME");
        this.take(",");
        this.take("NAME");
        this.take(")");
        return;
      case "INCLUDE":
        // The included file's own statements are checked when it is opened; here, its name.
        this.take();
        this.take("NAME");
        return;
    }
    this.statementAnywhere();
  }

  private inputList(): void {
    const item = (): void => {
      if (this.accept("AS_NEEDED")) {
        this.take("(");
        this.inputList();
        this.take(")");
      } else if (!this.accept("LNAME")) this.take("NAME");
    };
    item();
    for (;;) {
      const t = this.peek().type;
      if (t === ",") {
        this.take();
        item();
      } else if (t === "NAME" || t === "LNAME" || t === "AS_NEEDED") item();
      else return;
    }
  }

  /** ENTRY(sym), an assignment with its `;` or `,`, or ASSERT(exp, message). */
  private statementAnywhere(): void {
    const t = this.peek();
    if (t.type === "ENTRY") {
      this.take();
      this.take("(");
      this.take("NAME");
      this.take(")");
    } else if (t.type === "ASSERT_K") {
      this.assertStatement(false);
    } else {
      this.assignment();
      this.separator();
    }
  }

  private separator(): void {
    if (!this.accept(";")) this.take(",");
  }

  private assertStatement(withSeparator: boolean): void {
    this.take("ASSERT_K");
    this.push("EXPRESSION"); // a default reduction after ASSERT: `(` is read in EXPRESSION
    this.take("(");
    this.exp();
    this.take(",");
    this.take("NAME");
    this.take(")");
    if (withSeparator) this.separator();
    this.pop();
  }

  private assignment(): void {
    const t = this.peek();
    if (t.type === "HIDDEN" || t.type === "PROVIDE" || t.type === "PROVIDE_HIDDEN") {
      this.take();
      this.take("(");
      this.take("NAME");
      this.take("=");
      this.mustbeExp();
      this.take(")");
      return;
    }
    this.take("NAME");
    this.assignmentRest();
  }

  private assignmentRest(): void {
    const op = this.peek();
    if (!ASSIGN_OPS.has(op.type)) this.fail(op);
    this.take();
    this.mustbeExp();
  }

  // ------------------------------------------------------------------------------ SECTIONS

  private secOrGroup(): void {
    for (;;) {
      const t = this.peek();
      switch (t.type) {
        case "}":
        case "END":
          return;
        case "NAME": {
          this.take();
          // The next token is read in SCRIPT state: a section or an assignment?
          if (ASSIGN_OPS.has(this.peek().type)) {
            this.assignmentRest();
            this.separator();
          } else this.section(t);
          continue;
        }
        case "OVERLAY":
          this.overlay();
          continue;
        case "GROUP":
          this.take();
          this.push("EXPRESSION");
          this.optExpWithType();
          this.pop();
          this.take("{");
          this.secOrGroup();
          this.take("}");
          continue;
        case "INCLUDE":
          this.take();
          this.take("NAME");
          continue;
        case "ENTRY":
        case "ASSERT_K":
        case "HIDDEN":
        case "PROVIDE":
        case "PROVIDE_HIDDEN":
          this.statementAnywhere();
          continue;
      }
      this.fail(t);
    }
  }

  private section(name: LdToken): void {
    this.sections.push(name.text);
    this.push("EXPRESSION");
    this.optExpWithType();
    if (this.accept("AT")) this.parenExp();
    if (this.accept("ALIGN_K")) this.parenExp();
    this.accept("ALIGN_WITH_INPUT");
    if (this.accept("SUBALIGN")) this.parenExp();
    if (!this.accept("ONLY_IF_RO") && !this.accept("ONLY_IF_RW")) this.accept("SPECIAL");
    this.pop();
    this.push("WILD");
    this.take("{");
    this.statementList();
    this.take("}");
    this.pop(); // a default reduction after `}`: the tail is read in the outer (SCRIPT) state
    this.sectionTail(true);
  }

  /** `>region AT>lma :phdr... =fill ,` */
  private sectionTail(regions: boolean): void {
    if (regions && this.accept(">")) this.take("NAME");
    if (regions && this.accept("AT")) {
      this.take(">");
      this.take("NAME");
    }
    while (this.accept(":")) this.take("NAME");
    if (this.accept("=")) {
      this.mustbeExp();
      this.backupName();
    }
    this.accept(",");
  }

  private optExpWithType(): void {
    const t = this.peek();
    if (t.type === ":") {
      this.take();
      return;
    }
    if (t.type === "BIND") {
      this.take();
      this.parenExp();
      if (this.accept("BLOCK")) this.parenExp();
      this.atype();
      this.take(":");
      return;
    }
    if (t.type === "(") {
      this.take();
      const inner = this.peek().type;
      if (inner === ")" || SECTION_TYPES.has(inner) || inner === "READONLY" || inner === "TYPE") {
        this.typeInParens();
        this.take(":");
        return;
      }
      // `(exp)` as the start of the address expression.
      this.enter();
      this.exp();
      this.take(")");
      this.depth--;
      this.expRest();
    } else this.exp();
    this.atype();
    this.take(":");
  }

  private atype(): void {
    if (this.accept("(")) this.typeInParens();
  }

  /** After `(`: `)` or a type and `)`. */
  private typeInParens(): void {
    const t = this.peek();
    if (t.type === ")") {
      this.take();
      return;
    }
    if (SECTION_TYPES.has(t.type)) this.take();
    else if (t.type === "READONLY") {
      this.take();
      if (this.accept("(")) {
        this.take("TYPE");
        this.take("=");
        this.exp();
        this.take(")");
      }
    } else if (t.type === "TYPE") {
      this.take();
      this.take("=");
      this.exp();
    } else this.fail(t);
    this.take(")");
  }

  private overlay(): void {
    this.take("OVERLAY");
    this.push("EXPRESSION");
    if (!this.accept(":")) {
      this.exp();
      this.take(":");
    }
    this.accept("NOCROSSREFS");
    if (this.accept("AT")) this.parenExp();
    if (this.accept("SUBALIGN")) this.parenExp();
    this.pop();
    this.take("{");
    while (this.is("NAME")) {
      this.sections.push(this.take().text);
      this.push("WILD");
      this.take("{");
      this.statementList();
      this.take("}");
      this.pop();
      this.sectionTail(false);
    }
    this.take("}");
    this.sectionTail(true);
  }

  // ------------------------------------------------------------------------------ output-section bodies

  private statementList(): void {
    while (!this.is("}") && !this.is("END")) this.statement();
  }

  private statement(): void {
    const t = this.peek();
    switch (t.type) {
      case ";":
      case "CREATE_OBJECT_SYMBOLS":
      case "CONSTRUCTORS":
        this.take();
        return;
      case "SORT_BY_NAME":
        this.take();
        this.take("(");
        if (this.accept("CONSTRUCTORS")) {
          this.take(")");
          return;
        }
        this.wildcardMaybeExclude();
        this.take(")");
        this.sectionList("(", ")");
        return;
      case "FILL":
        this.take();
        this.take("(");
        this.mustbeExp();
        this.take(")");
        return;
      case "ASSERT_K":
        return this.assertStatement(true);
      case "INCLUDE":
        this.take();
        this.take("NAME");
        return;
      case "HIDDEN":
      case "PROVIDE":
      case "PROVIDE_HIDDEN":
        this.assignment();
        this.separator();
        return;
      case "NAME": {
        this.take();
        const next = this.peek().type;
        if (ASSIGN_OPS.has(next)) {
          this.assignmentRest();
          this.separator();
        } else if (next === "(") this.sectionList("(", ")");
        return;
      }
      case "KEEP":
        this.take();
        this.take("(");
        this.inputSpecNoKeep();
        this.take(")");
        return;
    }
    if (DATA.has(t.type)) {
      this.take();
      this.take("(");
      this.mustbeExp();
      this.take(")");
      return;
    }
    this.inputSpecNoKeep();
  }

  private inputSpecNoKeep(): void {
    if (this.is("INPUT_SECTION_FLAGS")) {
      this.take();
      this.take("(");
      this.take("NAME");
      while (this.accept("&")) this.take("NAME");
      this.take(")");
    }
    const t = this.peek();
    switch (t.type) {
      case "[":
        this.sectionList("[", "]");
        return;
      case "NAME":
        this.take();
        if (this.is("(")) this.sectionList("(", ")");
        return;
      case "EXCLUDE_FILE":
        this.wildcardMaybeExclude();
        this.sectionList("(", ")");
        return;
      case "SORT_BY_NAME":
      case "SORT_NONE":
        this.take();
        this.take("(");
        this.wildcardMaybeExclude();
        this.take(")");
        this.sectionList("(", ")");
        return;
    }
    this.fail(t);
  }

  private wildcardMaybeExclude(): void {
    if (this.accept("EXCLUDE_FILE")) {
      this.take("(");
      this.take("NAME");
      while (!this.is(")")) this.take("NAME");
      this.take(")");
    }
    this.take("NAME");
  }

  private sectionList(open: string, close: string): void {
    this.take(open);
    this.sectionNameSpec();
    while (!this.is(close)) {
      this.accept(",");
      this.sectionNameSpec();
    }
    this.take(close);
  }

  private sectionNameSpec(): void {
    const t = this.peek().type;
    if (t === "SORT_BY_NAME" || t === "SORT_BY_ALIGNMENT") {
      this.take();
      this.take("(");
      const inner = this.peek().type;
      if (inner === "SORT_BY_NAME" || inner === "SORT_BY_ALIGNMENT") {
        this.take();
        this.take("(");
        this.wildcardMaybeExclude();
        this.take(")");
      } else this.wildcardMaybeExclude();
      this.take(")");
    } else if (t === "SORT_NONE" || t === "SORT_BY_INIT_PRIORITY") {
      this.take();
      this.take("(");
      this.wildcardMaybeExclude();
      this.take(")");
    } else this.wildcardMaybeExclude();
  }

  // ------------------------------------------------------------------------------ MEMORY, PHDRS, VERSION

  private memory(): void {
    this.take("MEMORY");
    this.take("{");
    if (!this.is("}")) {
      this.memorySpec();
      while (!this.is("}")) {
        this.accept(",");
        this.memorySpec();
      }
    }
    this.take("}");
  }

  private memorySpec(): void {
    if (this.accept("INCLUDE")) {
      this.take("NAME");
      return;
    }
    this.take("NAME");
    if (this.accept("(")) {
      do {
        this.accept("!");
        this.take("NAME");
      } while (!this.is(")"));
      this.take(")");
    }
    this.take(":");
    this.take("ORIGIN");
    this.take("=");
    this.mustbeExp();
    this.accept(",");
    this.take("LENGTH");
    this.take("=");
    this.mustbeExp();
    this.backupName();
  }

  private phdrs(): void {
    this.take("PHDRS");
    this.take("{");
    while (!this.is("}")) {
      this.take("NAME");
      this.push("EXPRESSION"); // a default reduction after the name: the type is an expression
      this.exp();
      for (;;) {
        if (this.accept("NAME")) {
          if (this.is("(")) this.parenExp();
        } else if (this.accept("AT")) this.parenExp();
        else break;
      }
      this.pop();
      this.take(";");
    }
    this.take("}");
  }

  private version(): void {
    // The lookahead VERSION was read in SCRIPT state; the version lexer starts after it.
    this.peek();
    this.push("VERS_START");
    this.take("VERSIONK");
    this.take("{");
    do this.versNode();
    while (!this.is("}"));
    this.take("}");
    this.pop();
  }

  private versNode(): void {
    const tagged = this.accept("VERS_TAG");
    this.take("{");
    this.versTag();
    this.take("}");
    if (tagged) while (this.accept("VERS_TAG"));
    this.take(";");
  }

  private versTag(): void {
    if (this.is("}")) return;
    const scope = this.peek().type;
    if ((scope === "GLOBAL" || scope === "LOCAL") && this.peek2().type === ":") {
      this.take();
      this.take(":");
      this.versDefns();
      this.take(";");
      if (scope === "GLOBAL" && this.is("LOCAL") && this.peek2().type === ":") {
        this.take();
        this.take(":");
        this.versDefns();
        this.take(";");
      }
      return;
    }
    this.versDefns();
    this.take(";");
  }

  private versDefns(): void {
    this.enter();
    for (;;) {
      const t = this.peek();
      if (t.type === "EXTERN" && this.peek2().type === "NAME") {
        this.take();
        this.take("NAME");
        this.take("{");
        this.versDefns();
        this.accept(";");
        this.take("}");
      } else if (["VERS_IDENTIFIER", "NAME", "GLOBAL", "LOCAL", "EXTERN"].includes(t.type)) this.take();
      else this.fail(t);
      // `;` separates definitions, and also ends the list: it continues if a definition follows.
      if (!this.is(";")) break;
      const after = this.peek2();
      const more = ["VERS_IDENTIFIER", "NAME", "GLOBAL", "LOCAL", "EXTERN"].includes(after.type);
      if (!more || ((after.type === "LOCAL" || after.type === "GLOBAL") && this.peekThird() === ":")) break;
      this.take(";");
    }
    this.depth--;
  }

  /** The type of the token two after the lookahead (`; local :`). */
  private peekThird(): string {
    this.peek();
    const { pos, line } = this.lx;
    this.lx.next(this.state);
    const t = this.lx.next(this.state);
    this.lx.pos = pos;
    this.lx.line = line;
    return t.type;
  }

  // ------------------------------------------------------------------------------ expressions

  /** mustbe_exp: the expression is read in EXPRESSION state, and so is the token after it. */
  private mustbeExp(): void {
    this.push("EXPRESSION");
    this.exp();
    this.pop();
  }

  private parenExp(): void {
    this.take("(");
    this.exp();
    this.take(")");
  }

  /**
   * exp: operands joined by binary operators, then optionally `? exp : exp`. Precedence decides the
   * tree, not whether the text is an expression, so a recogniser can read the operators flat.
   */
  private exp(): void {
    this.enter();
    this.operand();
    this.expRest();
    this.depth--;
  }

  private expRest(): void {
    while (BINARY_OPS.has(this.peek().type)) {
      this.take();
      this.operand();
    }
    if (this.accept("?")) {
      this.exp();
      this.take(":");
      this.exp();
    }
  }

  private operand(): void {
    let unary = 0;
    while (UNARY_OPS.has(this.peek().type)) {
      this.take();
      if (++unary > MAX_NESTING) this.tooDeep();
    }
    this.primary();
  }

  private primary(): void {
    const t = this.peek();
    const type = t.type;
    if (type === "INT" || type === "NAME" || type === "SIZEOF_HEADERS") {
      this.take();
      return;
    }
    if (type === "(") return this.parenExp();
    if (ONE_EXP.has(type)) {
      this.take();
      return this.parenExp();
    }
    if (TWO_EXP.has(type)) {
      this.take();
      this.take("(");
      this.exp();
      this.take(",");
      this.exp();
      this.take(")");
      return;
    }
    if (PAREN_SCRIPT_NAME.has(type)) {
      // paren_script_name: `(name)` read in SCRIPT state (`ADDR(.data..percpu)`).
      this.take();
      this.push("SCRIPT");
      this.take("(");
      this.take("NAME");
      this.take(")");
      this.pop();
      return;
    }
    switch (type) {
      case "DEFINED":
      case "CONSTANT":
        this.take();
        this.take("(");
        this.take("NAME");
        this.take(")");
        return;
      case "ALIGN_K":
        this.take();
        this.take("(");
        this.exp();
        if (this.accept(",")) this.exp();
        this.take(")");
        return;
      case "SEGMENT_START":
        this.take();
        this.push("SCRIPT");
        this.take("(");
        this.take("NAME");
        this.pop();
        this.take(",");
        this.exp();
        this.take(")");
        return;
      case "ASSERT_K":
        this.take();
        this.take("(");
        this.exp();
        this.take(",");
        this.take("NAME");
        this.take(")");
        return;
    }
    this.fail(t);
  }
}

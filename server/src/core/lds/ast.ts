// The typed tree the linker-script parser produces. Every node carries the range of the text it was
// parsed from, so diagnostics, hovers and the outline can point at the exact characters; ranges are
// in the parsed text (which, for a cpp-preprocessed script, is cpp's output: see `LineMarker` and
// `sourceLocation` in lexer.ts for the way back to the `.lds.S` and its headers).

/** Offsets (0-based, end exclusive) and 0-based line/column of both ends, in the parsed text. */
export interface Range {
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** A name as written: a symbol, a section name, a region, a file name... */
export interface Name {
  readonly kind: "Name";
  readonly value: string;
  readonly range: Range;
  /** Written between double quotes. */
  readonly quoted?: boolean;
}

// ---------------------------------------------------------------------------------------- expressions

export type Expr = NumberLit | StringLit | SymbolRef | Dot | Unary | Binary | Chain | Ternary | Call;

export interface NumberLit {
  readonly kind: "Number";
  readonly value: bigint;
  readonly text: string;
  readonly range: Range;
}

export interface StringLit {
  readonly kind: "String";
  readonly value: string;
  readonly range: Range;
}

export interface SymbolRef {
  readonly kind: "Symbol";
  readonly name: string;
  readonly range: Range;
}

/** The location counter `.`. */
export interface Dot {
  readonly kind: "Dot";
  readonly range: Range;
}

export interface Unary {
  readonly kind: "Unary";
  readonly op: "-" | "+" | "!" | "~";
  readonly operand: Expr;
  readonly range: Range;
}

export type BinaryOp =
  | "*" | "/" | "%" | "+" | "-" | "<<" | ">>" | "<" | "<=" | ">" | ">=" | "==" | "!=" | "&" | "^" | "|"
  | "&&" | "||"; // prettier-ignore

export interface Binary {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly range: Range;
}

/**
 * A long run of operands joined by operators of one precedence, `a + b - c + ...`, read left to right
 * as the same run of Binary nodes would be: ((a + b) - c) + .... A script may hold a run of a hundred
 * thousand terms; as Binary nodes that is four objects a term. The parser keeps runs of at least
 * CHAIN_MIN operands flat (shorter ones as Binary nodes); an operand that is a symbol, a number or
 * `.` is kept as its offsets and made into a node when asked for.
 */
export interface Chain {
  readonly kind: "Chain";
  /** Number of operands (at least two). */
  readonly count: number;
  /** The i-th operand (0 ≤ i < count): a new node each call for a symbol, number or `.`. */
  operand(i: number): Expr;
  /** What the i-th operand is, read without making its node ("Node": one the parser made). */
  operandKind(i: number): "Symbol" | "Number" | "Dot" | "Node";
  /** The value of a Number operand (0 for an invalid number, as its node reads). */
  numberAt(i: number): bigint;
  /** The text of a Symbol or Number operand (a Symbol's name). */
  textAt(i: number): string;
  /** The operator between operands i - 1 and i (1 ≤ i < count). */
  op(i: number): BinaryOp;
  /** The operands whose range holds `offset` (at most two: where one ends, the next may start). */
  operandsAt(offset: number): Expr[];
  readonly range: Range;
}

export interface Ternary {
  readonly kind: "Ternary";
  readonly cond: Expr;
  readonly then: Expr;
  readonly else: Expr;
  readonly range: Range;
}

/**
 * A builtin function call. Arguments that name a section, region, symbol or constant (ADDR(.text),
 * ORIGIN(ram), DEFINED(sym), CONSTANT(MAXPAGESIZE)) are `Name`s, the others expressions.
 */
export interface Call {
  readonly kind: "Call";
  readonly name: string;
  readonly nameRange: Range;
  readonly args: readonly (Expr | Name)[];
  readonly range: Range;
}

// ---------------------------------------------------------------------------------------- statements

export type AssignOp = "=" | "+=" | "-=" | "*=" | "/=" | "<<=" | ">>=" | "&=" | "|=";

/** `sym = expr;`, `. += 4;`, `PROVIDE(sym = expr);`, `PROVIDE_HIDDEN(...)`, `HIDDEN(...)`. */
export interface Assignment {
  readonly kind: "Assignment";
  readonly target: Name;
  readonly op: AssignOp;
  readonly expr: Expr;
  readonly wrapper?: "PROVIDE" | "PROVIDE_HIDDEN" | "HIDDEN";
  readonly range: Range;
}

/** `ASSERT(expr, "message")`. */
export interface Assert {
  readonly kind: "Assert";
  readonly cond: Expr;
  readonly message: string;
  readonly range: Range;
}

/**
 * A simple command with name arguments: OUTPUT_FORMAT, OUTPUT_ARCH, ENTRY, SEARCH_DIR, INPUT, GROUP,
 * OUTPUT, TARGET, STARTUP, NOCROSSREFS, INSERT, EXTERN, FORCE_COMMON_ALLOCATION, ...
 */
export interface Command {
  readonly kind: "Command";
  readonly name: string;
  readonly nameRange: Range;
  readonly args: readonly Name[];
  readonly range: Range;
}

/** `INCLUDE file`: allowed at top level, in SECTIONS, MEMORY and output section bodies. */
export interface Include {
  readonly kind: "Include";
  readonly file: Name;
  readonly range: Range;
}

/**
 * In tolerant (no-cpp) mode, an invocation of an unknown macro such as `TEXT_TEXT` or
 * `BSS_SECTION(0, 0, 0)`: kept as opaque content so the rest of the script still parses.
 */
export interface Opaque {
  readonly kind: "Opaque";
  readonly text: string;
  readonly range: Range;
}

export interface SectionsBlock {
  readonly kind: "Sections";
  readonly items: readonly SectionsItem[];
  readonly range: Range;
}

export type SectionsItem = OutputSection | Overlay | Assignment | Assert | Include | Command | Opaque;

export interface OutputSection {
  readonly kind: "OutputSection";
  /** `.text`, or `/DISCARD/`. */
  readonly name: Name;
  readonly address?: Expr;
  /** NOLOAD, DSECT, COPY, INFO, OVERLAY, READONLY, or TYPE = value. */
  readonly type?: Name;
  readonly at?: Expr;
  readonly align?: Expr;
  readonly alignWithInput?: boolean;
  readonly subalign?: Expr;
  readonly constraint?: "ONLY_IF_RO" | "ONLY_IF_RW" | "SPECIAL";
  /** The header's keywords as written (AT, ALIGN, SUBALIGN, ALIGN_WITH_INPUT, ONLY_IF_*, SPECIAL), when any. */
  readonly keywords?: readonly Name[];
  readonly body: readonly OutputSectionItem[];
  /** The `{ ... }` of the body. */
  readonly bodyRange: Range;
  readonly region?: Name;
  readonly lmaRegion?: Name;
  readonly phdrs: readonly Name[];
  readonly fill?: Expr;
  readonly range: Range;
}

export type OutputSectionItem =
  InputSectionDesc | Assignment | Assert | DataStatement | Include | Command | Opaque;

/** A wildcard pattern (`*`, `?`, `[...]`), with the sort wrapping it, if any. */
export interface Pattern {
  readonly kind: "Pattern";
  readonly value: string;
  /** Outermost first: SORT_BY_NAME(SORT_BY_ALIGNMENT(x)) gives ["SORT_BY_NAME", "SORT_BY_ALIGNMENT"]. */
  readonly sort: readonly string[];
  /** EXCLUDE_FILE(...) patterns written before this section pattern (they apply to the file). */
  readonly excludeFiles: readonly Name[];
  readonly range: Range;
}

/** `KEEP(*crt.o(.ctors .dtors))`, `*(.text .text.*)`, `foo.o`, `*(COMMON)`. */
export interface InputSectionDesc {
  readonly kind: "InputSection";
  readonly keep: boolean;
  readonly file: Pattern;
  /** EXCLUDE_FILE written before the file pattern (applies to every section pattern). */
  readonly excludeFiles: readonly Name[];
  /** Undefined for a bare file name (all of its sections). */
  readonly sections?: readonly Pattern[];
  /** INPUT_SECTION_FLAGS(SHF_A & !SHF_B): required and forbidden flag names. */
  readonly flags?: { readonly require: readonly string[]; readonly forbid: readonly string[] };
  readonly range: Range;
}

/** BYTE/SHORT/LONG/QUAD/SQUAD(expr), or FILL(expr). */
export interface DataStatement {
  readonly kind: "Data";
  readonly size: "BYTE" | "SHORT" | "LONG" | "QUAD" | "SQUAD" | "FILL";
  readonly expr: Expr;
  readonly range: Range;
}

export interface MemoryBlock {
  readonly kind: "Memory";
  readonly regions: readonly (MemoryRegion | Include)[];
  readonly range: Range;
}

export interface MemoryRegion {
  readonly kind: "MemoryRegion";
  readonly name: Name;
  readonly attributes?: string;
  readonly origin: Expr;
  readonly length: Expr;
  readonly range: Range;
}

export interface PhdrsBlock {
  readonly kind: "Phdrs";
  readonly headers: readonly Phdr[];
  readonly range: Range;
}

export interface Phdr {
  readonly kind: "Phdr";
  readonly name: Name;
  /** PT_LOAD, PT_NOTE... or a number expression. */
  readonly type: Expr | Name;
  readonly fileHdr: boolean;
  readonly phdrs: boolean;
  readonly at?: Expr;
  readonly flags?: Expr;
  readonly range: Range;
}

export interface Overlay {
  readonly kind: "Overlay";
  readonly start?: Expr;
  readonly noCrossRefs: boolean;
  readonly at?: Expr;
  readonly sections: readonly OutputSection[];
  readonly region?: Name;
  readonly phdrs: readonly Name[];
  readonly fill?: Expr;
  readonly range: Range;
}

/** `VERSION { tag { global: sym; local: *; }; tag2 { ... } tag; }`: the version nodes by tag. */
export interface VersionBlock {
  readonly kind: "Version";
  /** Each version node's tag (an anonymous node has none). */
  readonly tags: readonly Name[];
  readonly range: Range;
}

export type TopLevel =
  Command | Include | Assignment | Assert | SectionsBlock | MemoryBlock | PhdrsBlock | VersionBlock | Opaque;

/** A line marker cpp left in its output: `# 12 "file.lds.S" 1`. */
export interface LineMarker {
  /** 0-based line in the parsed text of the marker itself; it describes the lines after it. */
  readonly line: number;
  /** 1-based line number in `file` of the line that follows the marker. */
  readonly sourceLine: number;
  readonly file: string;
  /** Flags: 1 entering an include, 2 returning, 3 system header. */
  readonly flags: readonly number[];
}

export interface ParseError {
  readonly message: string;
  readonly range: Range;
  /** GNU ld's words are a warning here ("ignoring invalid character"), not an error. */
  readonly warning?: boolean;
  /** The line GNU ld prints for it (1-based; 0 for the end of the file), when it differs from `range`. */
  readonly ldLine?: number;
}

export interface Script {
  readonly kind: "Script";
  readonly statements: readonly TopLevel[];
  readonly lineMarkers: readonly LineMarker[];
  /** Ranges of `#if`/`#ifdef`...`#endif` regions seen in tolerant mode (both arms were parsed). */
  readonly conditionals: readonly Range[];
  /** Preprocessor directive lines skipped in tolerant mode (`#include`, `#define`, ...). */
  readonly directives: readonly { readonly text: string; readonly range: Range }[];
  /**
   * Syntax errors. For a plain script these are GNU ld's: its first syntax error (ld stops there) and
   * its invalid-character warnings (ldgram.ts). In tolerant mode, the error-recovering parser's.
   */
  readonly errors: readonly ParseError[];
  /** What the error-recovering parser itself found, for a plain script (kept to test the tree's completeness). */
  readonly recoveredErrors?: readonly ParseError[];
  readonly range: Range;
}

// A tolerant reader of kbuild Makefiles. It is not make: it never expands functions or evaluates
// conditionals. It finds what a diagnostic needs to point at: variable assignments with every word's
// exact position, flag tokens (also inside $(filter-out ...) and $(call cc-option, ...)), the object
// list, and rules. Every range is physical: 0-based line, [startColumn, endColumn) in UTF-16 units,
// which is what LSP ranges use.
//
// Make rules it follows: a line ending in an odd number of backslashes continues on the next line; an
// unescaped `#` starts a comment (also inside $(...), which is why kbuild writes $(pound)); a line
// starting with a tab right after a rule is a recipe; `define ... endef` bodies are skipped.

import { lastAtOrBefore } from "../lines";

export interface MakeRange {
  readonly line: number;
  readonly startColumn: number;
  readonly endColumn: number;
}

export interface MakeWord extends MakeRange {
  readonly text: string;
}

export type AssignOp = ":=" | "::=" | ":::=" | "=" | "+=" | "?=" | "!=";

export interface MakeAssignment {
  readonly name: string;
  readonly op: AssignOp;
  /** The value text (comment removed, continuations joined by one space, leading blanks removed). */
  readonly value: string;
  /** The value's words: split on blanks, a $(...) reference or call kept whole. */
  readonly words: readonly MakeWord[];
  /** Finer tokens: also split at , ( ) { } so flags inside function calls are separate. */
  readonly tokens: readonly MakeToken[];
  readonly nameRange: MakeRange;
  /** First and last physical line of the logical line. */
  readonly line: number;
  readonly endLine: number;
  /** For `target: VAR := value` (e.g. `$(obj)/purgatory.ro: LDFLAGS := ...`), the target text. */
  readonly target?: string;
  /** export / override / private prefixes. */
  readonly modifiers: readonly string[];
}

export interface MakeToken extends MakeWord {
  /** Inside the first argument of $(filter-out ...): the token is being removed, not added. */
  readonly filteredOut: boolean;
}

export interface MakeRule {
  readonly targets: readonly MakeWord[];
  readonly prerequisites: readonly MakeWord[];
  readonly line: number;
  readonly endLine: number;
  readonly recipe: readonly { readonly line: number; readonly text: string }[];
}

export interface ParsedMakefile {
  readonly assignments: readonly MakeAssignment[];
  readonly rules: readonly MakeRule[];
}

/**
 * A logical line. `starts[i]` is where physical line `first + i` begins in `text`; a character's
 * physical position is found from it (one entry per physical line, not per character: a 30,000-line
 * continuation stays cheap).
 */
interface Logical {
  text: string;
  starts: number[];
  first: number;
  last: number;
  /** The index in `starts` of the last position asked for: words are asked for in text order. */
  hint: number;
  /** The first physical line starts with a tab (a recipe line after a rule). */
  tab: boolean;
}

/**
 * The index in `starts` of the physical line holding offset `at`. Words and tokens are asked for in
 * text order, so this is usually the hint's line or the next one; otherwise a binary search. (A
 * search per word was the biggest cost of a 30,000-line continuation.)
 */
function lineIndex(lg: Logical, at: number): number {
  const s = lg.starts;
  const k = lg.hint;
  if (s[k]! <= at && (k + 1 === s.length || s[k + 1]! > at)) return k;
  if (s[k]! <= at && (k + 2 === s.length || s[k + 2]! > at)) return (lg.hint = k + 1);
  return (lg.hint = s[k]! <= at ? lastAtOrBefore(s, at, k, s.length - 1) : lastAtOrBefore(s, at, 0, k));
}

/**
 * The logical lines of `text`: a physical line ending in an odd number of backslashes continues on
 * the next one. Read from the text by offsets; a line that does not continue (most of them) is one
 * slice, with no splitting into physical lines first.
 */
function joinContinuations(text: string): Logical[] {
  const out: Logical[] = [];
  let pos = 0;
  let line = 0;
  for (;;) {
    const lg: Logical = {
      text: "",
      starts: [0],
      first: line,
      last: line,
      hint: 0,
      tab: text.charCodeAt(pos) === TAB,
    };
    let parts: string[] | undefined;
    let length = 0;
    let more: boolean;
    for (;;) {
      const nl = text.indexOf("\n", pos);
      more = nl >= 0;
      const next = more ? nl : text.length;
      const end = next > pos && text.charCodeAt(next - 1) === CR ? next - 1 : next;
      let slashes = 0;
      while (end - 1 - slashes >= pos && text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
      const continued = slashes % 2 === 1 && more;
      const body = text.slice(pos, continued ? end - 1 : end);
      pos = next + 1;
      if (!continued && parts === undefined) {
        lg.text = body;
        break;
      }
      (parts ??= []).push(body);
      length += body.length;
      if (!continued) {
        lg.text = parts.join("");
        break;
      }
      // make turns backslash-newline (and the blanks around it) into one space.
      parts.push(" ");
      length += 1;
      lg.starts.push(length);
      lg.last = ++line;
    }
    out.push(lg);
    line++;
    if (!more) return out;
  }
}

/** Index of the first unescaped `#`, or the length. */
function commentStart(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === "#") return i;
  }
  return s.length;
}

function rangeOf(lg: Logical, start: number, end: number): MakeRange {
  const a = lineIndex(lg, start);
  const startColumn = start - lg.starts[a]!;
  // A word never spans a continuation (the joint is a blank), so start and end share a line.
  const endColumn = end - 1 > start ? end - lg.starts[lineIndex(lg, end - 1)]! : startColumn + 1;
  return { line: lg.first + a, startColumn, endColumn };
}

/** A word of `lg` from `start` to `end`, with its physical range. */
function wordOf(lg: Logical, start: number, end: number): MakeWord {
  const a = lineIndex(lg, start);
  const startColumn = start - lg.starts[a]!;
  const endColumn = end - 1 > start ? end - lg.starts[lineIndex(lg, end - 1)]! : startColumn + 1;
  return { text: lg.text.slice(start, end), line: lg.first + a, startColumn, endColumn };
}

const SPACE = 32;
const TAB = 9;
const DOLLAR = 36;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const COMMA = 44;
const CR = 13;
const BACKSLASH = 92;

/** Words split at top-level blanks; $(...) and ${...} kept whole. */
function splitWords(lg: Logical, from: number, to: number): MakeWord[] {
  const text = lg.text;
  const words: MakeWord[] = [];
  let depth = 0;
  let start = -1;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (depth === 0 && (c === SPACE || c === TAB)) {
      if (start >= 0) words.push(wordOf(lg, start, i));
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (c === DOLLAR && (text.charCodeAt(i + 1) === OPEN_PAREN || text.charCodeAt(i + 1) === OPEN_BRACE)) {
      depth++;
      i++;
    } else if ((c === CLOSE_PAREN || c === CLOSE_BRACE) && depth > 0) depth--;
  }
  if (start >= 0) words.push(wordOf(lg, start, to));
  return words;
}

/** Tokens split at blanks and , ( ) { }, noting which lie in $(filter-out FIRST-ARG,...). */
function splitTokens(lg: Logical, from: number, to: number): MakeToken[] {
  const tokens: MakeToken[] = [];
  // One frame per open $( or plain (: the function name and which argument we are in.
  const stack: Frame[] = [];
  // How many open frames are $(filter-out ...)'s first argument, kept up to date as frames open,
  // close and move to their next argument (scanning the stack per token was quadratic in nesting).
  let removingFrames = 0;
  const text = lg.text;
  // The token being read starts here (-1: between tokens). Kept in this function's own variables,
  // not in a closure's, since the loop runs once per character. (The stack's top is read only when
  // it has one: `stack[-1]` is a slow property lookup, not an array read, and it cost more than
  // the rest of the loop together.)
  let start = -1;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const isOpen = c === OPEN_PAREN || c === OPEN_BRACE;
    const isCloseOrSeparator =
      c === CLOSE_PAREN || c === CLOSE_BRACE || c === COMMA || c === SPACE || c === TAB;
    const isReference =
      c === DOLLAR && (text.charCodeAt(i + 1) === OPEN_PAREN || text.charCodeAt(i + 1) === OPEN_BRACE);
    if (!isOpen && !isCloseOrSeparator && !isReference) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) pushToken(tokens, lg, start, i, removingFrames > 0);
    start = -1;
    if (isReference) {
      // A sticky match from i + 2: slicing the rest of the line at every `$(` was quadratic.
      NAME_AT.lastIndex = i + 2;
      const m = NAME_AT.exec(text);
      const name = m && i + 2 + m[0].length <= to ? m[0] : "";
      const after = text.charCodeAt(i + 2 + name.length);
      const isCall = name !== "" && i + 2 + name.length < to && (after === SPACE || after === TAB);
      stack.push({ fn: isCall ? name : "", arg: isCall ? -1 : 0 });
      // A function's name is not a token; a variable reference's name is (e.g. CC_FLAGS_LTO).
      i += isCall ? 1 + name.length : 1;
    } else if (isOpen) stack.push({ fn: "", arg: 0 });
    else if (c === CLOSE_PAREN || c === CLOSE_BRACE) {
      if (removes(stack.pop())) removingFrames--;
    } else if (c === COMMA) {
      const top = stack.length > 0 ? stack[stack.length - 1] : undefined;
      if (removes(top)) removingFrames--;
      if (top) top.arg++;
    } else {
      // After a function name, the first blank starts argument 0.
      const top = stack.length > 0 ? stack[stack.length - 1] : undefined;
      if (top && top.arg === -1) {
        top.arg = 0;
        if (removes(top)) removingFrames++;
      }
    }
  }
  if (start >= 0) pushToken(tokens, lg, start, to, removingFrames > 0);
  return tokens;
}

interface Frame {
  fn: string;
  arg: number;
}

/** Whether a frame is $(filter-out ...)'s first argument: its tokens are being removed. */
function removes(f: Frame | undefined): boolean {
  return f !== undefined && f.fn === "filter-out" && f.arg === 0;
}

/** A token from `start` to `end`, without leading `$`s (those of `$$`), if anything is left. */
function pushToken(tokens: MakeToken[], lg: Logical, start: number, end: number, filteredOut: boolean): void {
  let s = start;
  while (s < end && lg.text.charCodeAt(s) === DOLLAR) s++;
  if (s >= end) return;
  const a = lineIndex(lg, s);
  const startColumn = s - lg.starts[a]!;
  const endColumn = end - 1 > s ? end - lg.starts[lineIndex(lg, end - 1)]! : startColumn + 1;
  tokens.push({ text: lg.text.slice(s, end), line: lg.first + a, startColumn, endColumn, filteredOut });
}

const NAME_AT = /[A-Za-z0-9_.-]+/y;

const OPS: readonly AssignOp[] = [":::=", "::=", ":=", "+=", "?=", "!=", "="];
const DIRECTIVE = /^\s*(-?include|sinclude|ifeq|ifneq|ifdef|ifndef|else|endif|vpath|unexport)\b/;

/** The first top-level assignment operator at or after `from`: [index, op], or undefined. */
function findOp(text: string, from: number, to: number): [number, AssignOp] | undefined {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = text[i]!;
    if (c === "$" && (text[i + 1] === "(" || text[i + 1] === "{")) {
      depth++;
      i++;
    } else if ((c === ")" || c === "}") && depth > 0) depth--;
    else if (depth === 0) {
      for (const op of OPS) if (text.startsWith(op, i)) return [i, op];
      if (c === ":") return undefined; // a rule separator comes first
    }
  }
  return undefined;
}

/** The first top-level `:` (rule separator) that is not part of an assignment operator. */
function findColon(text: string, to: number): number {
  let depth = 0;
  for (let i = 0; i < to; i++) {
    const c = text[i]!;
    if (c === "$" && (text[i + 1] === "(" || text[i + 1] === "{")) {
      depth++;
      i++;
    } else if ((c === ")" || c === "}") && depth > 0) depth--;
    else if (depth === 0 && c === ":") return text[i + 1] === "=" || text.startsWith(":=", i + 1) ? -1 : i;
  }
  return -1;
}

function assignmentAt(
  lg: Logical,
  nameFrom: number,
  end: number,
  target?: string,
): MakeAssignment | undefined {
  const found = findOp(lg.text, nameFrom, end);
  if (!found) return undefined;
  const [opAt, op] = found;
  let nameStart = nameFrom;
  while (nameStart < opAt && /\s/.test(lg.text[nameStart]!)) nameStart++;
  const modifiers: string[] = [];
  for (;;) {
    const m = /^(export|override|private)[ \t]+/.exec(lg.text.slice(nameStart, opAt));
    if (!m) break;
    modifiers.push(m[1]!);
    nameStart += m[0].length;
  }
  let nameEnd = opAt;
  while (nameEnd > nameStart && /\s/.test(lg.text[nameEnd - 1]!)) nameEnd--;
  const name = lg.text.slice(nameStart, nameEnd);
  if (name === "" || /\s/.test(name)) return undefined;
  let valueStart = opAt + op.length;
  while (valueStart < end && /[ \t]/.test(lg.text[valueStart]!)) valueStart++;
  let valueEnd = end;
  while (valueEnd > valueStart && /[ \t]/.test(lg.text[valueEnd - 1]!)) valueEnd--;
  return {
    name,
    op,
    value: lg.text.slice(valueStart, valueEnd),
    words: splitWords(lg, valueStart, valueEnd),
    tokens: splitTokens(lg, valueStart, valueEnd),
    nameRange: rangeOf(lg, nameStart, nameEnd),
    line: lg.first,
    endLine: lg.last,
    ...(target !== undefined ? { target } : {}),
    modifiers,
  };
}

export function parseMakefile(text: string): ParsedMakefile {
  const assignments: MakeAssignment[] = [];
  const rules: MakeRule[] = [];
  let rule: (MakeRule & { recipe: { line: number; text: string }[] }) | undefined;
  let inDefine = false;
  for (const lg of joinContinuations(text)) {
    if (rule && lg.tab) {
      rule.recipe.push({ line: lg.first, text: lg.text.slice(1) });
      continue;
    }
    const end = commentStart(lg.text);
    const code = lg.text.slice(0, end);
    if (inDefine) {
      if (/^\s*endef\b/.test(code)) inDefine = false;
      continue;
    }
    if (code.trim() === "") continue; // blank and comment lines do not end a rule's recipe
    rule = undefined;
    if (/^\s*(export\s+|override\s+)*define\b/.test(code)) {
      inDefine = true;
      continue;
    }
    if (DIRECTIVE.test(code)) continue;
    const direct = assignmentAt(lg, 0, end);
    if (direct) {
      assignments.push(direct);
      continue;
    }
    const colon = findColon(lg.text, end);
    if (colon < 0) continue;
    const doubleColon = lg.text[colon + 1] === ":";
    const after = colon + (doubleColon ? 2 : 1);
    const targetText = lg.text.slice(0, colon).trim();
    const specific = assignmentAt(lg, after, end, targetText);
    if (specific) {
      assignments.push(specific);
      continue;
    }
    // `targets: prerequisites ; recipe` — the inline recipe is not needed here.
    const semi = lg.text.indexOf(";", after);
    const prereqEnd = semi >= 0 && semi < end ? semi : end;
    rule = {
      targets: splitWords(lg, 0, colon),
      prerequisites: splitWords(lg, after, prereqEnd),
      line: lg.first,
      endLine: lg.last,
      recipe: [],
    };
    rules.push(rule);
  }
  return { assignments, rules };
}

/** Every assignment to `name` (target-specific ones included), in file order. */
export function findAssignments(mf: ParsedMakefile, name: string): MakeAssignment[] {
  return [...assignmentsTo(mf, name).all];
}

interface Assignments {
  readonly all: MakeAssignment[];
  /** Without the target-specific ones (`target: NAME := value`). */
  readonly plain: MakeAssignment[];
}

const NONE: Assignments = { all: [], plain: [] };
const indexes = new WeakMap<readonly MakeAssignment[], Map<string, Assignments>>();

/**
 * The assignments to `name`, from an index built once per parsed Makefile: expanding an object list
 * looks a variable up for every reference, and a scan of every assignment per reference was
 * quadratic on a Makefile of many assignments and references.
 */
function assignmentsTo(mf: ParsedMakefile, name: string): Assignments {
  let index = indexes.get(mf.assignments);
  if (!index) {
    index = new Map();
    for (const a of mf.assignments) {
      let entry = index.get(a.name);
      if (!entry) index.set(a.name, (entry = { all: [], plain: [] }));
      entry.all.push(a);
      if (a.target === undefined) entry.plain.push(a);
    }
    indexes.set(mf.assignments, index);
  }
  return index.get(name) ?? NONE;
}

/**
 * The line that defines `name`: its first plain assignment (:=, =, ?=, ::=), else its first `+=`.
 * Undefined if the Makefile never assigns it.
 */
export function findAssignmentLine(mf: ParsedMakefile, name: string): number | undefined {
  const all = findAssignments(mf, name);
  return (all.find((a) => a.op !== "+=") ?? all[0])?.line;
}

export interface FlagOccurrence extends MakeRange {
  /** The token as written: "-mcmodel=large". */
  readonly text: string;
  readonly assignment: MakeAssignment;
  /**
   * The flag is being taken away, not added: it sits in a variable whose name says remove
   * (CFLAGS_REMOVE_x.o, PURGATORY_CFLAGS_REMOVE, ccflags-remove-y) or in $(filter-out FLAG,...).
   */
  readonly removed: boolean;
}

/**
 * Every occurrence of a flag in assignment values. Whole-token match, except that a flag ending in
 * "=" (e.g. "-mcmodel=") matches every token starting with it.
 */
export function findFlag(mf: ParsedMakefile, flag: string): FlagOccurrence[] {
  const prefix = flag.endsWith("=");
  const out: FlagOccurrence[] = [];
  for (const a of mf.assignments) {
    const removeVar = /remove/i.test(a.name);
    for (const t of a.tokens) {
      if (prefix ? t.text.startsWith(flag) : t.text === flag) {
        out.push({
          text: t.text,
          line: t.line,
          startColumn: t.startColumn,
          endColumn: t.endColumn,
          assignment: a,
          removed: removeVar || t.filteredOut,
        });
      }
    }
  }
  return out;
}

export interface ObjectEntry {
  /** The object after substituting simple variables: "setup-x86_64.o". */
  readonly name: string;
  /** The word where it is written: "setup-x86_$(BITS).o" with its range. */
  readonly word: MakeWord;
  readonly variable: string;
}

export interface ObjectListOptions {
  /**
   * Values for variables the Makefile does not set itself. Default `{ BITS: "64" }`: kbuild's x86
   * Makefile sets BITS from CONFIG_X86_64, and purgatory only exists on 64-bit x86.
   */
  readonly vars?: Readonly<Record<string, string>>;
  /** Receives a line for each expansion stopped at EXPANSION_CAP (the list is then incomplete). */
  readonly problems?: string[];
}

/**
 * Characters one object-list expansion may produce. make would expand a variable that references the
 * previous one eight times, nine levels deep, into gigabytes; the reader stops at this cap instead
 * and says so (a real purgatory list is a few hundred bytes).
 */
export const EXPANSION_CAP = 64 * 1024;

interface Budget {
  left: number;
  hit: string | undefined;
}

/** Substitute $(NAME)/${NAME} from `vars` and the Makefile's own single-assignment variables. */
function substitute(
  mf: ParsedMakefile,
  text: string,
  vars: Readonly<Record<string, string>>,
  budget: Budget,
  depth = 0,
): string {
  if (depth > 8 || !text.includes("$")) return text;
  return text.replace(/\$[({]([A-Za-z0-9_.-]+)[)}]/g, (whole, name: string) => {
    if (budget.hit !== undefined) return whole;
    let out = whole;
    if (name in vars) out = vars[name]!;
    else {
      const defs = assignmentsTo(mf, name).plain;
      if (defs.length === 1 && defs[0]!.op !== "+=")
        out = substitute(mf, defs[0]!.value, vars, budget, depth + 1);
    }
    budget.left -= 1 + out.length;
    if (budget.left < 0) {
      budget.hit ??= `expanding $(${name}) went past the ${EXPANSION_CAP}-character cap: the object list was cut short there`;
      return whole;
    }
    return out;
  });
}

function budgetFor(): Budget {
  return { left: EXPANSION_CAP, hit: undefined };
}

/** The words of `variable` as make would accumulate them: `:=`/`=` reset, `+=` appends, `?=` sets once. */
function accumulate(mf: ParsedMakefile, variable: string): MakeWord[] {
  let words: MakeWord[] = [];
  let set = false;
  for (const a of assignmentsTo(mf, variable).plain) {
    // Appended in place: copying the list at every `+=` was quadratic in the number of them.
    if (a.op === "+=") for (const w of a.words) words.push(w);
    else if (a.op === "?=") {
      if (!set) words = [...a.words];
    } else words = [...a.words];
    set = true;
  }
  return words;
}

/**
 * The purgatory's objects in link order: `purgatory-y` (x86, s390 and riscv), else a literal
 * `PURGATORY_OBJS` list, else the objects the `purgatory.ro` rule links directly (powerpc's
 * `$(obj)/purgatory.ro: $(obj)/trampoline_$(BITS).o`; `variable` is then the rule's target).
 * `$(obj)/` prefixes are dropped.
 */
export function purgatoryObjects(mf: ParsedMakefile, options: ObjectListOptions = {}): ObjectEntry[] {
  const vars = options.vars ?? { BITS: "64" };
  const budget = budgetFor();
  const entry = (word: MakeWord, variable: string): ObjectEntry => ({
    name: substitute(mf, word.text, vars, budget).replace(/^\$[({]obj[)}]\//, ""),
    word,
    variable,
  });
  const reportCap = () => {
    if (budget.hit !== undefined) options.problems?.push(budget.hit);
  };
  const objectsOnly = (list: ObjectEntry[]) =>
    list.filter((e) => /\.o$/.test(e.name) && !e.name.includes("$"));
  for (const variable of ["purgatory-y", "PURGATORY_OBJS"]) {
    const list = objectsOnly(accumulate(mf, variable).map((word) => entry(word, variable)));
    if (list.length > 0) {
      reportCap();
      return list;
    }
  }
  for (const rule of mf.rules) {
    const target = rule.targets.find((t) => /(^|\/)purgatory\.ro$/.test(t.text));
    if (target) {
      const list = objectsOnly(rule.prerequisites.map((word) => entry(word, target.text)));
      reportCap();
      return list;
    }
  }
  reportCap();
  return [];
}

/** The `targets` list, with `$(purgatory-y)` expanded to the object entries. */
export function kbuildTargets(mf: ParsedMakefile, options: ObjectListOptions = {}): ObjectEntry[] {
  const vars = options.vars ?? { BITS: "64" };
  const budget = budgetFor();
  const out: ObjectEntry[] = [];
  // Expanded once however often it is listed, and appended in a loop (a spread of a long list as
  // call arguments overflows the stack).
  let objects: ObjectEntry[] | undefined;
  for (const word of accumulate(mf, "targets")) {
    if (/^\$[({]purgatory-y[)}]$/.test(word.text))
      for (const o of (objects ??= purgatoryObjects(mf, options))) out.push(o);
    else
      out.push({
        name: substitute(mf, word.text, vars, budget).replace(/^\$[({]obj[)}]\//, ""),
        word,
        variable: "targets",
      });
  }
  if (budget.hit !== undefined) options.problems?.push(budget.hit);
  return out;
}

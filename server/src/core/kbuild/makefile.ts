// A tolerant reader of kbuild Makefiles. It is not make: it never expands functions or evaluates
// conditionals. It finds what a diagnostic needs to point at: variable assignments with every word's
// exact position, flag tokens (also inside $(filter-out ...) and $(call cc-option, ...)), the object
// list, and rules. Every range is physical: 0-based line, [startColumn, endColumn) in UTF-16 units,
// which is what LSP ranges use.
//
// Make rules it follows: a line ending in an odd number of backslashes continues on the next line; an
// unescaped `#` starts a comment (also inside $(...), which is why kbuild writes $(pound)); a line
// starting with a tab right after a rule is a recipe; `define ... endef` bodies are skipped.

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
}

/** The physical line and column of offset `at` in a logical line. */
function positionOf(lg: Logical, at: number): { line: number; col: number } {
  let lo = 0;
  let hi = lg.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lg.starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return { line: lg.first + lo, col: at - lg.starts[lo]! };
}

function joinContinuations(physical: readonly string[]): Logical[] {
  const out: Logical[] = [];
  for (let i = 0; i < physical.length; i++) {
    const lg: Logical = { text: "", starts: [], first: i, last: i };
    const parts: string[] = [];
    let length = 0;
    for (;;) {
      const raw = physical[lg.last]!;
      let slashes = 0;
      while (slashes < raw.length && raw[raw.length - 1 - slashes] === "\\") slashes++;
      const continued = slashes % 2 === 1 && lg.last + 1 < physical.length;
      const body = continued ? raw.slice(0, -1) : raw;
      lg.starts.push(length);
      parts.push(body);
      length += body.length;
      if (!continued) break;
      // make turns backslash-newline (and the blanks around it) into one space.
      parts.push(" ");
      length += 1;
      lg.last++;
    }
    lg.text = parts.join("");
    out.push(lg);
    i = lg.last;
  }
  return out;
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
  const a = positionOf(lg, start);
  // A word never spans a continuation (the joint is a blank), so start and end share a line.
  const b = end - 1 > start ? positionOf(lg, end - 1) : a;
  return { line: a.line, startColumn: a.col, endColumn: b.col + 1 };
}

/** Words split at top-level blanks; $(...) and ${...} kept whole. */
function splitWords(lg: Logical, from: number, to: number): MakeWord[] {
  const words: MakeWord[] = [];
  let depth = 0;
  let start = -1;
  const flush = (end: number) => {
    if (start >= 0) words.push({ text: lg.text.slice(start, end), ...rangeOf(lg, start, end) });
    start = -1;
  };
  for (let i = from; i < to; i++) {
    const c = lg.text[i]!;
    if (depth === 0 && (c === " " || c === "\t")) {
      flush(i);
      continue;
    }
    if (start < 0) start = i;
    if (c === "$" && (lg.text[i + 1] === "(" || lg.text[i + 1] === "{")) {
      depth++;
      i++;
    } else if ((c === ")" || c === "}") && depth > 0) depth--;
  }
  flush(to);
  return words;
}

/** Tokens split at blanks and , ( ) { }, noting which lie in $(filter-out FIRST-ARG,...). */
function splitTokens(lg: Logical, from: number, to: number): MakeToken[] {
  const tokens: MakeToken[] = [];
  // One frame per open $( or plain (: the function name and which argument we are in.
  const stack: { fn: string; arg: number }[] = [];
  let start = -1;
  // How many open frames are $(filter-out ...)'s first argument, kept up to date as frames open,
  // close and move to their next argument (scanning the stack per token was quadratic in nesting).
  let removingFrames = 0;
  const counts = (f: { fn: string; arg: number } | undefined) => f?.fn === "filter-out" && f.arg === 0;
  const removing = () => removingFrames > 0;
  const flush = (end: number) => {
    if (start >= 0 && end > start) {
      let s = start;
      while (s < end && lg.text[s] === "$") s++;
      if (s < end)
        tokens.push({ text: lg.text.slice(s, end), ...rangeOf(lg, s, end), filteredOut: removing() });
    }
    start = -1;
  };
  for (let i = from; i < to; i++) {
    const c = lg.text[i]!;
    if (c === "$" && (lg.text[i + 1] === "(" || lg.text[i + 1] === "{")) {
      flush(i);
      // A sticky match from i + 2: slicing the rest of the line at every `$(` was quadratic.
      NAME_AT.lastIndex = i + 2;
      const m = NAME_AT.exec(lg.text);
      const name = m && i + 2 + m[0].length <= to ? m[0] : "";
      const after = lg.text[i + 2 + name.length];
      const isCall = name !== "" && i + 2 + name.length < to && (after === " " || after === "\t");
      stack.push({ fn: isCall ? name : "", arg: isCall ? -1 : 0 });
      // A function's name is not a token; a variable reference's name is (e.g. CC_FLAGS_LTO).
      i += isCall ? 1 + name.length : 1;
      continue;
    }
    if (c === "(" || c === "{") {
      flush(i);
      stack.push({ fn: "", arg: 0 });
      continue;
    }
    if (c === ")" || c === "}") {
      flush(i);
      if (counts(stack.pop())) removingFrames--;
      continue;
    }
    if (c === ",") {
      flush(i);
      const top = stack[stack.length - 1];
      if (counts(top)) removingFrames--;
      if (top) top.arg++;
      continue;
    }
    if (c === " " || c === "\t") {
      flush(i);
      // After a function name, the first blank starts argument 0.
      const top = stack[stack.length - 1];
      if (top && top.arg === -1) {
        top.arg = 0;
        if (counts(top)) removingFrames++;
      }
      continue;
    }
    if (start < 0) start = i;
  }
  flush(to);
  return tokens;
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
  const physical = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const assignments: MakeAssignment[] = [];
  const rules: MakeRule[] = [];
  let rule: (MakeRule & { recipe: { line: number; text: string }[] }) | undefined;
  let inDefine = false;
  for (const lg of joinContinuations(physical)) {
    const raw = physical[lg.first]!;
    if (rule && raw.startsWith("\t")) {
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
  return mf.assignments.filter((a) => a.name === name);
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
      const defs = findAssignments(mf, name).filter((a) => a.target === undefined);
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
  for (const a of findAssignments(mf, variable)) {
    if (a.target !== undefined) continue;
    if (a.op === "+=") words = [...words, ...a.words];
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
  for (const word of accumulate(mf, "targets")) {
    if (/^\$[({]purgatory-y[)}]$/.test(word.text)) out.push(...purgatoryObjects(mf, options));
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

// Find a symbol's definition and references in the purgatory's C and assembly sources. The kernel
// builds purgatory with -g0, so there is no DWARF to ask: this is a text search on names, with
// comments and strings blanked out (mask.ts) and each hit classified by the text around it.
//
// Assembly definitions: a label at the start of a statement (`name:`), the first operand of a symbol
// directive (.globl/.global/.weak/.type/.size/.hidden/.local/.set/.equ), a kernel linkage macro
// (SYM_FUNC_START(name, SYM_CODE_START_LOCAL(name, SYM_DATA(name, ..., SYM_*_END(name), ENTRY(name),
// GLOBAL(name), END(name), ENDPROC(name)), or `name = expr`.
//
// C definitions (heuristic): the name is at file scope (outside braces and parentheses), is not inside
// an initializer, its statement is not `extern` or `typedef`, something (a type) precedes it, and
// after it, skipping attribute-like words and calls (`__section(".x")`, `__attribute__((...))`), comes
//   - `[` (an array) or `=` (an initializer) or `;`/`,` (a tentative definition), or
//   - a parameter list followed by `{` (a function body).
// A prototype (`(...)` followed by `;`) and everything else is a reference. Macros are not expanded, so
// a definition produced by a macro (DEFINE_FOO(name)) counts as a reference.
import { maskCommentsAndStrings, sourceLanguage, type SourceLanguage } from "./mask";
import { readText, type TreeFs } from "./tree-fs";
import { lastAtOrBefore, lineStartsOf } from "../lines";

export type SymbolRole = "definition" | "reference";
/** How a definition was recognised: "directive" (.globl etc.) is a weaker definition than "label". */
export type OccurrenceKind = "label" | "directive" | "macro" | "c-definition" | "reference";

export interface SymbolOccurrence {
  readonly path: string;
  /** 0-based line; columns are 0-based UTF-16 offsets, end exclusive. */
  readonly line: number;
  readonly startColumn: number;
  readonly endColumn: number;
  readonly role: SymbolRole;
  readonly kind: OccurrenceKind;
}

const ASM_DIRECTIVE =
  /(^|[;\n])\s*\.(globl|global|weak|type|size|hidden|local|protected|internal|set|equ|equiv)\s+$/;
const ASM_MACRO = /(^|[;\n])\s*(SYM_[A-Z0-9_]+|ENTRY|GLOBAL|WEAK|END|ENDPROC)\s*\(\s*$/;
const C_STRUCTURAL = /[{}();=]/;

function classifyAsm(masked: string, at: number, end: number): OccurrenceKind {
  let s = at;
  while (s > 0 && masked[s - 1] !== "\n" && masked[s - 1] !== ";") s--;
  const before = masked.slice(s > 0 ? s - 1 : 0, at);
  const after = masked.slice(end, end + 80);
  if (masked.slice(s, at).trim() === "" && /^\s*:/.test(after) && !/^\s*::/.test(after)) return "label";
  if (masked.slice(s, at).trim() === "" && /^\s*=[^=]/.test(after)) return "label";
  if (ASM_DIRECTIVE.test(before)) return "directive";
  if (ASM_MACRO.test(before)) return "macro";
  return "reference";
}

/** Skip blanks and attribute-like words or calls; returns the offset of the next significant char. */
function skipAttributes(masked: string, from: number): number {
  let i = from;
  for (;;) {
    while (i < masked.length && /\s/.test(masked[i]!)) i++;
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(masked.slice(i, i + 64));
    if (!id) return i;
    i += id[0].length;
    while (i < masked.length && /\s/.test(masked[i]!)) i++;
    if (masked[i] === "(") i = matchParen(masked, i);
  }
}

/** Offset just past the `)` matching the `(` at `open`. */
function matchParen(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (masked[i] === "(") depth++;
    else if (masked[i] === ")" && --depth === 0) return i + 1;
  }
  return masked.length;
}

interface CState {
  braces: number;
  parens: number;
  stmtStart: number;
  initializer: boolean;
}

function classifyC(masked: string, at: number, end: number, st: CState): OccurrenceKind {
  if (st.braces > 0 || st.parens > 0 || st.initializer) return "reference";
  const prefix = masked.slice(st.stmtStart, at);
  if (/\b(extern|typedef|return|goto|sizeof)\b/.test(prefix)) return "reference";
  if (!/[A-Za-z0-9_*)]\s*$/.test(prefix)) return "reference"; // no type before the name
  if (/\b(struct|union|enum)\s+$/.test(prefix)) return "reference"; // a tag, not an object
  let i = end;
  while (i < masked.length && /\s/.test(masked[i]!)) i++;
  if (masked[i] === "(") {
    const after = skipAttributes(masked, matchParen(masked, i));
    return masked[after] === "{" ? "c-definition" : "reference";
  }
  i = skipAttributes(masked, i);
  const c = masked[i];
  if (c === "[" || c === ";" || c === ",") return "c-definition";
  if (c === "=" && masked[i + 1] !== "=") return "c-definition";
  return "reference";
}

// A finding names several symbols and every O= build folder shares the same sources: each text is
// masked once, not once per symbol and build.
const maskCache = new Map<string, string>();
const MASK_CACHE_LIMIT = 64;

function maskedText(text: string, language: SourceLanguage): string {
  const key = `${language}\0${text}`;
  let m = maskCache.get(key);
  if (m === undefined) {
    if (maskCache.size >= MASK_CACHE_LIMIT) maskCache.delete(maskCache.keys().next().value!);
    m = maskCommentsAndStrings(text, language);
    maskCache.set(key, m);
  }
  return m;
}

/** Every occurrence of `name` as a whole word in one file's text. */
export function findSymbolInText(
  text: string,
  name: string,
  path: string,
  language: SourceLanguage | undefined = sourceLanguage(path),
): SymbolOccurrence[] {
  if (name === "" || language === undefined) return [];
  const masked = maskedText(text, language);
  const starts = lineStartsOf(text);
  const word = language === "asm" ? /[A-Za-z0-9_.]/ : /[A-Za-z0-9_]/;
  const out: SymbolOccurrence[] = [];
  // C scope tracking runs forward through the text once, up to each hit.
  const st: CState = { braces: 0, parens: 0, stmtStart: 0, initializer: false };
  let scanned = 0;
  const advance = (to: number) => {
    for (; scanned < to; scanned++) {
      const c = masked[scanned]!;
      if (c === "#" && (scanned === 0 || masked[scanned - 1] === "\n" || /^\s*$/.test(lineText(scanned)))) {
        // A preprocessor line (with its continuations) takes no part in scopes or statements.
        while (scanned < masked.length && !(masked[scanned] === "\n" && masked[scanned - 1] !== "\\"))
          scanned++;
        if (st.braces === 0 && st.parens === 0 && !st.initializer) st.stmtStart = scanned + 1;
        continue;
      }
      if (!C_STRUCTURAL.test(c)) continue;
      if (c === "(") st.parens++;
      else if (c === ")") st.parens = Math.max(0, st.parens - 1);
      else if (c === "{") st.braces++;
      else if (c === "}") {
        st.braces = Math.max(0, st.braces - 1);
        if (st.braces === 0 && st.parens === 0 && !st.initializer) st.stmtStart = scanned + 1;
      } else if (c === ";" && st.braces === 0 && st.parens === 0) {
        st.initializer = false;
        st.stmtStart = scanned + 1;
      } else if (c === "=" && st.braces === 0 && st.parens === 0) {
        if (masked[scanned + 1] !== "=" && !"=!<>".includes(masked[scanned - 1] ?? "")) st.initializer = true;
      }
    }
  };
  const lineText = (offset: number) => masked.slice(starts[lastAtOrBefore(starts, offset)]!, offset);

  for (let at = masked.indexOf(name); at >= 0; at = masked.indexOf(name, at + 1)) {
    const end = at + name.length;
    if ((at > 0 && word.test(masked[at - 1]!)) || (end < masked.length && word.test(masked[end]!))) continue;
    let kind: OccurrenceKind;
    if (language === "asm") kind = classifyAsm(masked, at, end);
    else {
      advance(at);
      const inDirective = /^\s*#/.test(lineText(at));
      kind = inDirective ? "reference" : classifyC(masked, at, end, st);
    }
    const line = lastAtOrBefore(starts, at);
    out.push({
      path,
      line,
      startColumn: at - starts[line]!,
      endColumn: end - starts[line]!,
      role: kind === "reference" ? "reference" : "definition",
      kind,
    });
  }
  return out;
}

/** Search `paths` (C, headers and assembly; other files are skipped) for `name`, in the order given. */
export async function locateSymbol(
  fs: TreeFs,
  paths: readonly string[],
  name: string,
): Promise<SymbolOccurrence[]> {
  const texts = await Promise.all(paths.map((p) => (sourceLanguage(p) ? readText(fs, p) : undefined)));
  const out: SymbolOccurrence[] = [];
  paths.forEach((p, k) => {
    const t = texts[k];
    if (t !== undefined) out.push(...findSymbolInText(t, name, p));
  });
  return out;
}

const STRENGTH: Record<OccurrenceKind, number> = {
  label: 4,
  macro: 3,
  "c-definition": 3,
  directive: 1,
  reference: 0,
};

/** The definition to jump to: a label, linkage macro or C definition before a .globl/.type line. */
export function bestDefinition(occurrences: readonly SymbolOccurrence[]): SymbolOccurrence | undefined {
  let best: SymbolOccurrence | undefined;
  for (const o of occurrences)
    if (o.role === "definition" && (!best || STRENGTH[o.kind] > STRENGTH[best.kind])) best = o;
  return best;
}

// Linker-script diagnostics: the parser's syntax errors, and lint rules that need the objects (the
// entry symbol, ASSERTs, orphans) or the file system (INCLUDE). Plain data: the LSP layer maps each
// to a Diagnostic, and `sourceLocation` (lexer.ts) maps a range back through cpp's line markers.
import type * as A from "./ast";
import { evaluate } from "./evaluate";
import { lldIncompatibilities } from "./lld-compat";
import { orphanMessage, outputSections, type Placement } from "./orphans";

export type LdsSeverity = "error" | "warning" | "info";

/** Every rule id this file reports (as `lds-<id>`); each has a README anchor `rule-lds-<id>`. */
export const LDS_RULES = [
  "syntax", "entry-undefined", "location-backwards", "duplicate-output-section", "assert-fails", "include-missing",
  "orphan-section", "lld-incompatible",
] as const; // prettier-ignore

export interface LdsDiagnostic {
  /** Rule id: syntax, entry-undefined, location-backwards, duplicate-output-section, assert-fails, include-missing, orphan-section, lld-incompatible. */
  readonly code: string;
  readonly severity: LdsSeverity;
  readonly message: string;
  readonly range: A.Range;
}

export interface LintInputs {
  /** The layout of the current objects; without it the object-dependent rules are skipped. */
  readonly placement?: Placement;
  /** Whether an INCLUDEd file exists (resolved by the caller against SEARCH_DIR/-L). */
  readonly fileExists?: (name: string) => boolean;
}

export function syntaxDiagnostics(script: A.Script): LdsDiagnostic[] {
  return script.errors.map((e) => ({
    code: "syntax",
    severity: e.warning ? "warning" : "error",
    message: e.message,
    range: e.range,
  }));
}

function inConditional(script: A.Script, r: A.Range): boolean {
  for (const c of script.conditionals) if (c.start <= r.start && r.end <= c.end) return true;
  return false;
}

/** The INCLUDEs and ASSERTs of a script, in one pass over the statements. */
function includesAndAsserts(script: A.Script): { includes: A.Include[]; asserts: A.Assert[] } {
  const includes: A.Include[] = [];
  const asserts: A.Assert[] = [];
  const item = (it: A.TopLevel | A.SectionsItem | A.OutputSectionItem | A.MemoryRegion | A.Include): void => {
    if (it.kind === "Include") includes.push(it);
    else if (it.kind === "Assert") asserts.push(it);
  };
  for (const st of script.statements) {
    item(st);
    if (st.kind === "Sections") {
      for (const it of st.items) {
        item(it);
        if (it.kind === "OutputSection") for (const b of it.body) item(b);
      }
    } else if (st.kind === "Memory") for (const r of st.regions) item(r);
  }
  return { includes, asserts };
}

/**
 * At most this many diagnostics of one rule are listed; the rest are counted in one more (a
 * generated script can repeat a mistake 60,000 times, which no editor shows usefully).
 */
export const MAX_PER_RULE = 100;

/** Keeps the first MAX_PER_RULE of each rule, and adds one diagnostic that counts the rest. */
function capPerRule(all: LdsDiagnostic[]): LdsDiagnostic[] {
  const counts = new Map<string, number>();
  const out: LdsDiagnostic[] = [];
  const firstUnlisted = new Map<string, LdsDiagnostic>();
  for (const d of all) {
    const n = (counts.get(d.code) ?? 0) + 1;
    counts.set(d.code, n);
    if (n <= MAX_PER_RULE) out.push(d);
    else if (n === MAX_PER_RULE + 1) firstUnlisted.set(d.code, d);
  }
  for (const [code, d] of firstUnlisted) {
    const more = counts.get(code)! - MAX_PER_RULE;
    out.push({
      code,
      severity: d.severity,
      message: `${more} more lds-${code} diagnostics in this script are not listed (the first is here: ${d.message})`,
      range: d.range,
    });
  }
  return out;
}

export function lintDiagnostics(script: A.Script, inputs: LintInputs = {}): LdsDiagnostic[] {
  return capPerRule(allLintDiagnostics(script, inputs));
}

function allLintDiagnostics(script: A.Script, inputs: LintInputs): LdsDiagnostic[] {
  const out: LdsDiagnostic[] = [];
  const { includes, asserts } = includesAndAsserts(script);
  const p = inputs.placement;

  // An output section described twice: both linkers merge the second into the first, which is rarely
  // what was meant. Both arms of an #if in tolerant mode are not duplicates.
  const seen = new Map<string, A.OutputSection>();
  let duplicates = 0;
  for (const os of outputSections(script)) {
    const n = os.name.value;
    if (n === "/DISCARD/") continue;
    const first = seen.get(n);
    if (
      first &&
      !inConditional(script, os.range) &&
      !inConditional(script, first.range) &&
      !os.constraint &&
      !first.constraint
    ) {
      // Past the first one capPerRule does not list, only the count matters: no message is built.
      out.push({
        code: "duplicate-output-section",
        severity: "warning",
        message:
          ++duplicates > MAX_PER_RULE + 1
            ? ""
            : `output section \`${n}' is defined twice (first at line ${first.name.range.line + 1}); the linker merges the second into the first`,
        range: os.name.range,
      });
    } else if (!first) seen.set(n, os);
  }

  for (const c of lldIncompatibilities(script))
    out.push({ code: "lld-incompatible", severity: "info", message: c.message, range: c.range });

  for (const inc of includes) {
    if (inputs.fileExists && !inputs.fileExists(inc.file.value)) {
      out.push({
        code: "include-missing",
        severity: "error",
        message: `cannot open linker script file ${inc.file.value}: No such file or directory`,
        range: inc.file.range,
      });
    }
  }

  if (!p) return out;

  for (const st of script.statements) {
    if (st.kind !== "Command" || st.name !== "ENTRY") continue;
    const sym = st.args[0];
    if (sym && !p.objectSymbols.has(sym.value) && !p.symbols.has(sym.value)) {
      out.push({
        code: "entry-undefined",
        severity: "warning",
        message: `cannot find entry symbol ${sym.value}: no input object defines it`,
        range: sym.range,
      });
    }
  }

  for (const m of p.backwards) {
    out.push({
      code: "location-backwards",
      severity: "error",
      message: `cannot move location counter backwards (from ${hex(m.from)} to ${hex(m.to)})${m.section ? ` in \`${m.section}'` : ""}`,
      range: m.assignment.range,
    });
  }

  for (const a of asserts) {
    const v = evaluate(a.cond, p.context);
    if (v === 0n)
      out.push({
        code: "assert-fails",
        severity: "error",
        message: `${a.message} (ASSERT fails for the current objects)`,
        range: a.range,
      });
  }

  // Orphans: one diagnostic per orphan output section, on the SECTIONS keyword's block.
  const sections = script.statements.find((s): s is A.SectionsBlock => s.kind === "Sections");
  if (sections) {
    const byOutput = new Map<string, typeof p.orphans>();
    for (const o of p.orphans)
      if (o.alloc) byOutput.set(o.placedIn, [...(byOutput.get(o.placedIn) ?? []), o]);
    for (const [name, list] of byOutput) {
      const first = list[0]!;
      const objects = list.map((o) => o.input.object.slice(o.input.object.lastIndexOf("/") + 1)).join(", ");
      const where = first.fix ? `; add \`${first.fix.text}' to \`${first.fix.outputSection}'` : "";
      out.push({
        code: "orphan-section",
        severity: "warning",
        message: `orphan section \`${name}' (from ${objects}) is not placed by the script: ${orphanMessage(first, "bfd")}${first.afterBfd ? `, after \`${first.afterBfd}'` : ""}${where}`,
        range: lineRange(sections.range),
      });
    }
  }
  return out;
}

function lineRange(r: A.Range): A.Range {
  // The `SECTIONS` keyword itself: a diagnostic over the whole block would cover the file.
  return { start: r.start, end: r.start + 8, line: r.line, col: r.col, endLine: r.line, endCol: r.col + 8 };
}

function hex(v: bigint): string {
  return "0x" + v.toString(16);
}

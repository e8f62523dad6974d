// Diagnostics for what has no finding to hang on: an object that cannot be simulated (unreadable,
// half-written, too large for the editor, or a simulation that failed), shown on the object and on the
// Makefile line that builds it; and a linker script whose analysis threw, shown on the script.
import { basename } from "node:path";
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver/node";
import type { ParsedMakefile } from "../core/kbuild/makefile";
import { SOURCE, uriOf } from "./diagnostics";
import type { ProjectResult } from "./project";

export function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

const START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The line of the rule that makes `object` (`$(obj)/purgatory.ro: ...`), else of its object list. */
function buildingLine(mf: ParsedMakefile, object: string): { line: number; start: number; end: number } {
  const name = basename(object);
  for (const rule of mf.rules) {
    const t = rule.targets.find((w) => basename(w.text) === name || w.text.endsWith(`/${name}`));
    if (t) return { line: t.line, start: t.startColumn, end: t.endColumn };
  }
  for (const variable of ["targets", "purgatory-y", "PURGATORY_OBJS"]) {
    const a = mf.assignments.find((x) => x.name === variable);
    if (a) return { line: a.nameRange.line, start: a.nameRange.startColumn, end: a.nameRange.endColumn };
  }
  return { line: 0, start: 0, end: 0 };
}

/** By URI: one diagnostic on the object file, one on the Makefile line that builds it. */
export function problemDiagnostics(object: string, r: ProjectResult): Map<string, Diagnostic[]> {
  const what =
    r.status.state === "error"
      ? `Purgatory Lens could not simulate ${basename(object)}: ${r.problem}`
      : `${basename(object)} cannot be simulated: ${r.problem}`;
  const code = r.status.state === "error" ? "simulation-failed" : "object-unusable";
  const out = new Map<string, Diagnostic[]>();
  out.set(uriOf(object), [
    { range: START, severity: DiagnosticSeverity.Error, source: SOURCE, code, message: what },
  ]);
  const mf = r.files.makefile;
  if (mf) {
    const at = buildingLine(mf.parsed, object);
    out.set(uriOf(mf.path), [
      {
        range: { start: { line: at.line, character: at.start }, end: { line: at.line, character: at.end } },
        severity: DiagnosticSeverity.Error,
        source: SOURCE,
        code,
        message: `${what}\n(the object this Makefile builds)`,
        relatedInformation: [{ location: { uri: uriOf(object), range: START }, message: "the object" }],
      },
    ]);
  }
  return out;
}

/** The diagnostic an open linker script gets when its analysis throws. */
export function analysisFailed(e: unknown): Diagnostic {
  return {
    range: START,
    severity: DiagnosticSeverity.Error,
    source: SOURCE,
    code: "lds-analysis-failed",
    message: `Purgatory Lens could not analyse this linker script: ${errorText(e).split("\n")[0]} (details in the Purgatory Lens output)`,
  };
}

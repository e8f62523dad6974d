// Resolved findings -> LSP diagnostics: one per place, in the file where the cause is, each naming
// the other places and quoting the loader's own messages (the kernel log's, or kexec's stderr).
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  DiagnosticSeverity,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Range,
} from "vscode-languageserver/node";
import type { Place, ResolvedFinding } from "../core/rules/resolve";
import { ruleDocAnchor } from "../core/rules/types";

export const SOURCE = "purgatory";
/** The rule reference in the README that ships with the extension (dist/server.js -> ../README.md). */
export const DOCS_URL = pathToFileURL(join(__dirname, "..", "README.md")).href + "#";

export const uriOf = (path: string) => pathToFileURL(path).href;

export function rangeOf(p: Pick<Place, "line" | "startColumn" | "endLine" | "endColumn">): Range {
  return {
    start: { line: p.line, character: p.startColumn },
    end: { line: p.endLine, character: p.endColumn },
  };
}

export const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
} as const;

/** What the code actions need back from a diagnostic. */
export interface DiagnosticData {
  readonly object: string;
  readonly rule: string;
  readonly findingIndex: number;
}

/**
 * Where a finding with no place of its own is shown: the first line of the purgatory's Makefile (where
 * its CodeLens is). A symbol the loader needs and no source defines has no line to point at, and an
 * error the editor does not show at all would be worse.
 */
export function fallbackPlace(makefile: { path: string; text: string } | undefined): Place | undefined {
  if (!makefile) return undefined;
  const first = makefile.text.split("\n")[0] ?? "";
  return {
    path: makefile.path,
    line: 0,
    startColumn: 0,
    endLine: 0,
    endColumn: first.length,
    note: "no source line causes this: shown on the purgatory's Makefile",
  };
}

/**
 * Diagnostics by file URI for one purgatory's resolved findings. `said` labels the loader's messages,
 * as the CLI does: "kernel" (kexec_file_load) or "kexec" (kexec-tools' stderr). A finding without a
 * place goes to `fallback`, when given.
 */
export function diagnosticsFor(
  object: string,
  resolved: readonly ResolvedFinding[],
  said: "kernel" | "kexec" = "kernel",
  fallback?: Place,
): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  resolved.forEach((r, findingIndex) => {
    const f = r.finding;
    const message = [f.title, f.message, `Cause: ${f.cause}`, `Fix: ${f.fix}`].join("\n");
    const places = r.places.length > 0 ? r.places : fallback ? [fallback] : [];
    places.forEach((p, i) => {
      const related: DiagnosticRelatedInformation[] = places
        .filter((_, j) => j !== i)
        .map((q) => ({ location: { uri: uriOf(q.path), range: rangeOf(q) }, message: q.note }));
      for (const k of f.kernelMessages) {
        related.push({
          location: {
            uri: uriOf(object),
            range: rangeOf({ line: 0, startColumn: 0, endLine: 0, endColumn: 0 }),
          },
          message: `${said}: ${k}`,
        });
      }
      const d: Diagnostic = {
        range: rangeOf(p),
        severity: SEVERITY[f.severity],
        source: SOURCE,
        code: f.id,
        codeDescription: { href: DOCS_URL + ruleDocAnchor(f.id) },
        message: i === 0 && p !== fallback ? message : `${message}\n(${p.note})`,
        relatedInformation: related,
        data: { object, rule: f.id, findingIndex } satisfies DiagnosticData,
      };
      const list = out.get(uriOf(p.path)) ?? [];
      list.push(d);
      out.set(uriOf(p.path), list);
    });
  });
  return out;
}

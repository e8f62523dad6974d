// Resolved findings -> LSP diagnostics: one per place, in the file where the cause is, each naming
// the other places and quoting the kernel's own messages.
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

/** Diagnostics by file URI for one purgatory's resolved findings. */
export function diagnosticsFor(
  object: string,
  resolved: readonly ResolvedFinding[],
): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  resolved.forEach((r, findingIndex) => {
    const f = r.finding;
    const message = [f.title, f.message, `Cause: ${f.cause}`, `Fix: ${f.fix}`].join("\n");
    r.places.forEach((p, i) => {
      const related: DiagnosticRelatedInformation[] = r.places
        .filter((_, j) => j !== i)
        .map((q) => ({ location: { uri: uriOf(q.path), range: rangeOf(q) }, message: q.note }));
      for (const k of f.kernelMessages) {
        related.push({
          location: {
            uri: uriOf(object),
            range: rangeOf({ line: 0, startColumn: 0, endLine: 0, endColumn: 0 }),
          },
          message: `kernel: ${k}`,
        });
      }
      const d: Diagnostic = {
        range: rangeOf(p),
        severity: SEVERITY[f.severity],
        source: SOURCE,
        code: f.id,
        codeDescription: { href: DOCS_URL + ruleDocAnchor(f.id) },
        message: i === 0 ? message : `${message}\n(${p.note})`,
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

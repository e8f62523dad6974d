// Applying a code action's LSP text edits to a file's text, the way the editor would.
import type { TextEdit } from "vscode-languageserver-protocol/node";

/** Applies LSP text edits to a string (edits are non-overlapping; applied from the end). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split("\n");
  const offset = (l: number, c: number) => lines.slice(0, l).reduce((n, s) => n + s.length + 1, 0) + c;
  const sorted = [...edits].sort(
    (a, b) =>
      offset(b.range.start.line, b.range.start.character) -
      offset(a.range.start.line, a.range.start.character),
  );
  let out = text;
  for (const e of sorted) {
    out =
      out.slice(0, offset(e.range.start.line, e.range.start.character)) +
      e.newText +
      out.slice(offset(e.range.end.line, e.range.end.character));
  }
  return out;
}

/** The 0-based line of the first line containing `needle` (-1 if none). */
export const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle));

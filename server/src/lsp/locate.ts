// "Links back to the code" for the section map: where a section, symbol or relocation comes from in
// the purgatory's linker script and sources.
import { bestDefinition, findSymbolInText } from "../core/kbuild/locate";
import { findOutputSection } from "../core/lds/output-section";
import type { ProjectFiles, TextFile } from "../core/rules/resolve";
import type { LocateResult, RevealTarget } from "../protocol";
import { uriOf } from "./diagnostics";

function at(file: TextFile, offset: number, length: number): LocateResult {
  const before = file.text.slice(0, offset);
  const line = before.split("\n").length - 1;
  const character = offset - (before.lastIndexOf("\n") + 1);
  return { uri: uriOf(file.path), line, character, endLine: line, endCharacter: character + length };
}

/** A section is defined by its linker-script rule, else by the `.section`/`__section` that names it. */
function locateSection(files: ProjectFiles, name: string): LocateResult | undefined {
  const lds = files.linkerScript;
  if (lds) {
    const span =
      findOutputSection(lds.text, name) ?? findOutputSection(lds.text, name.replace(/\..*$/, "") || name);
    if (span) return at(lds, span.nameStart, span.nameEnd - span.nameStart);
  }
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`(\\.section\\s+|section\\s*\\(\\s*")${escaped}(?=[\\s,"]|$)`, "m");
  for (const src of files.sources) {
    const m = re.exec(src.text);
    if (m) return at(src, m.index + m[1]!.length, name.length);
  }
  return undefined;
}

function locateSymbol(
  files: ProjectFiles,
  name: string,
  role: "definition" | "reference",
): LocateResult | undefined {
  for (const src of files.sources) {
    const occ = findSymbolInText(src.text, name, src.path);
    const hit = role === "definition" ? bestDefinition(occ) : occ.find((o) => o.role === "reference");
    if (hit)
      return {
        uri: uriOf(src.path),
        line: hit.line,
        character: hit.startColumn,
        endLine: hit.line,
        endCharacter: hit.endColumn,
      };
  }
  return undefined;
}

export function locate(files: ProjectFiles, target: RevealTarget): LocateResult | undefined {
  switch (target.kind) {
    case "section":
      return locateSection(files, target.name);
    case "symbol":
      return locateSymbol(files, target.name, "definition") ?? locateSymbol(files, target.name, "reference");
    case "relocation":
      // The site that needs the relocation: a reference to its symbol (a section symbol: its section).
      return (
        locateSymbol(files, target.symbol, "reference") ??
        locateSymbol(files, target.symbol, "definition") ??
        locateSection(files, target.symbol)
      );
  }
}

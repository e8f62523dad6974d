// Linker scripts as a language: diagnostics (syntax, lint, orphan prediction), outline, go to
// definition, hover and completion for .lds / .ld / .lds.S documents. The analysis is the core's;
// this file maps it to LSP. Editor features use the document's own text (tolerant parse, exact
// positions); diagnostics use cpp's output when a build recorded the flags and the workspace is
// trusted, mapped back to the .lds.S or header line through cpp's line markers.
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import {
  CompletionItemKind,
  SymbolKind,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
  type Range,
} from "vscode-languageserver/node";
import { readElf } from "../core/elf/reader";
import { librarySearchDirs, parseCmdFile } from "../core/kbuild/cmdfile";
import type { DiscoveredPurgatory } from "../core/kbuild/discover";
import type { Range as LdsRange } from "../core/lds/ast";
import { lintDiagnostics, syntaxDiagnostics, type LdsDiagnostic } from "../core/lds/diagnostics";
import {
  completions,
  definitionAt,
  documentSymbols,
  hoverAt,
  includeAt,
  type OutlineItem,
} from "../core/lds/features";
import { sourceLocation } from "../core/lds/lexer";
import { resolveInclude, type IncludeSearch } from "../core/lds/include-search";
import { findOutputSection } from "../core/lds/output-section";
import { parseScript } from "../core/lds/parser";
import { placeSections, type InputObject, type Placement } from "../core/lds/orphans";
import { preprocess } from "../core/lds/preprocess";
import { insertBeforeClose, type TextEdit } from "../core/rules/resolve";
import { ruleDocAnchor } from "../core/rules/types";
import { DOCS_URL, SEVERITY, SOURCE, uriOf } from "./diagnostics";

export const isLinkerScript = (path: string) => /\.(lds|ld|lds\.S)$/.test(path);

export interface LdsFixData {
  readonly ldsFix: { title: string; edit: TextEdit };
}

interface Analysis {
  readonly text: string;
  readonly script: ReturnType<typeof parseScript>;
  readonly placement: Placement | undefined;
  /** Diagnostics by file URI (the script, or a header it includes). */
  readonly diagnostics: Map<string, Diagnostic[]>;
  readonly mode: "cpp" | "tolerant";
  readonly note?: string;
  /** Where INCLUDE looks: beside the script, the link's working directory, its -L folders. */
  readonly includeSearch: IncludeSearch;
}

/** The include search of the link that uses the script: kbuild links from the build root. */
function includeSearchFor(path: string, p: DiscoveredPurgatory | undefined): IncludeSearch {
  const argv = p?.link?.cmd.argv ?? [];
  return {
    scriptDir: dirname(path),
    ...(p?.objTree ? { linkCwd: p.objTree } : {}),
    libraryDirs: librarySearchDirs(argv),
  };
}

const toRange = (r: LdsRange): Range => ({
  start: { line: r.line, character: r.col },
  end: { line: r.endLine, character: r.endCol },
});

/** The objects the script links: the purgatory's .o files from its build (unreadable ones skipped). */
async function inputObjects(p: DiscoveredPurgatory | undefined): Promise<InputObject[]> {
  if (!p) return [];
  const out: InputObject[] = [];
  for (const path of p.objects) {
    try {
      out.push({ path: basename(path), elf: readElf(await readFile(path)) });
    } catch {
      // Missing or half-written objects: analysed again after the next build.
    }
  }
  return out;
}

/** kbuild's record of how the .lds was preprocessed: `.purgatory.lds.cmd` beside the generated script. */
async function cmdArgv(
  path: string,
  p: DiscoveredPurgatory | undefined,
): Promise<{ argv?: readonly string[]; cwd?: string }> {
  const name = `.${basename(path).replace(/\.S$/, "")}.cmd`;
  for (const dir of [p?.dir, dirname(path)]) {
    if (!dir) continue;
    try {
      const cmd = parseCmdFile(await readFile(join(dir, name), "utf8"));
      if (cmd) return { argv: cmd.argv, cwd: p?.objTree ?? dir };
    } catch {
      // no record in this folder
    }
  }
  return {};
}

export async function analyseLinkerScript(
  path: string,
  text: string,
  purgatory: DiscoveredPurgatory | undefined,
  trusted: boolean,
): Promise<Analysis> {
  const objects = await inputObjects(purgatory);
  const { argv, cwd } = await cmdArgv(path, purgatory);
  const pre = path.endsWith(".S")
    ? preprocess({ file: path, text, allowTools: trusted, cmdArgv: argv, cwd })
    : undefined;
  const script = parseScript(text, { tolerant: path.endsWith(".S") });
  const checked = pre?.mode === "cpp" ? pre.script : script;
  const placement = objects.length > 0 ? placeSections(checked, objects, { relocatable: true }) : undefined;
  const includeSearch = includeSearchFor(path, purgatory);
  const found: LdsDiagnostic[] = [
    ...syntaxDiagnostics(checked),
    ...lintDiagnostics(checked, {
      placement,
      fileExists: (f) => resolveInclude(f, includeSearch, existsSync, checked) !== undefined,
    }),
  ];
  const diagnostics = new Map<string, Diagnostic[]>();
  for (const d of found) {
    let uri = uriOf(path);
    let range = toRange(d.range);
    if (pre?.mode === "cpp") {
      // cpp's output: map through its line markers to the .lds.S or header line.
      const a = sourceLocation(checked.lineMarkers, d.range.line, d.range.col);
      const b = sourceLocation(checked.lineMarkers, d.range.endLine, d.range.endCol);
      if (a.file) uri = uriOf(resolve(pre.cwd ?? dirname(path), a.file));
      range = {
        start: { line: a.line, character: a.col },
        end: { line: b.line, character: b.line === a.line ? b.col : a.col + 1 },
      };
    }
    const diag: Diagnostic = {
      range,
      severity: SEVERITY[d.severity],
      source: SOURCE,
      code: `lds-${d.code}`,
      codeDescription: { href: DOCS_URL + ruleDocAnchor(`lds-${d.code}`) },
      message: d.message,
    };
    const fix = d.code === "orphan-section" ? orphanFix(path, text, placement, d.message) : undefined;
    if (fix) diag.data = { ldsFix: fix } satisfies LdsFixData;
    diagnostics.set(uri, [...(diagnostics.get(uri) ?? []), diag]);
  }
  return {
    text,
    script,
    placement,
    diagnostics,
    mode: pre?.mode ?? "tolerant",
    note: pre?.note,
    includeSearch,
  };
}

/** The quick fix for an orphan: add its input-section description to the output section it belongs in. */
function orphanFix(
  path: string,
  text: string,
  placement: Placement | undefined,
  message: string,
): LdsFixData["ldsFix"] | undefined {
  const orphan = placement?.orphans.find((o) => o.fix && message.includes(o.input.name));
  if (!orphan?.fix) return undefined;
  const span = findOutputSection(text, orphan.fix.outputSection);
  if (!span) return undefined;
  return {
    title: `Add ${orphan.fix.text} to ${orphan.fix.outputSection}`,
    edit: insertBeforeClose({ path, text }, span, orphan.fix.text),
  };
}

const KIND: Record<OutlineItem["kind"], SymbolKind> = {
  sections: SymbolKind.Namespace,
  "output-section": SymbolKind.Struct,
  memory: SymbolKind.Namespace,
  region: SymbolKind.Field,
  phdrs: SymbolKind.Namespace,
  phdr: SymbolKind.Field,
  assignment: SymbolKind.Variable,
  command: SymbolKind.Key,
  overlay: SymbolKind.Struct,
  version: SymbolKind.Namespace,
  "version-node": SymbolKind.Field,
};

function outline(item: OutlineItem): DocumentSymbol {
  return {
    name: item.name || "(unnamed)",
    kind: KIND[item.kind],
    range: toRange(item.range),
    selectionRange: toRange(item.selectionRange),
    children: item.children.map(outline),
  };
}

export function ldsDocumentSymbols(a: Analysis): DocumentSymbol[] {
  return documentSymbols(a.script).map(outline);
}

function offsetAt(text: string, line: number, character: number): number {
  let off = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf("\n", off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off + character;
}

export function ldsHover(a: Analysis, line: number, character: number): Hover | null {
  const h = hoverAt(a.script, offsetAt(a.text, line, character), a.placement);
  return h ? { contents: { kind: "markdown", value: h.markdown }, range: toRange(h.range) } : null;
}

export function ldsDefinition(a: Analysis, uri: string, line: number, character: number): Location[] {
  const offset = offsetAt(a.text, line, character);
  // On an INCLUDE's file name: the file the linker would open.
  const inc = includeAt(a.script, offset);
  if (inc) {
    const file = resolveInclude(inc.file.value, a.includeSearch, existsSync, a.script);
    const start = { line: 0, character: 0 };
    return file ? [{ uri: uriOf(file), range: { start, end: start } }] : [];
  }
  return definitionAt(a.script, offset).map((r) => ({ uri, range: toRange(r) }));
}

const COMPLETION_KIND = {
  keyword: CompletionItemKind.Keyword,
  function: CompletionItemKind.Function,
  section: CompletionItemKind.Module,
  symbol: CompletionItemKind.Variable,
} as const;

export function ldsCompletions(a: Analysis): CompletionItem[] {
  return completions(a.script, a.placement).map((c) => ({
    label: c.label,
    kind: COMPLETION_KIND[c.kind],
    detail: c.detail,
  }));
}

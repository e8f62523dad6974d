// Turns a finding's attachments into places in the user's files (the Makefile flag, the linker-script
// rule, the C or assembly line of a symbol, the object list) and into the text edits of its quick
// fixes. Plain data: the language server converts places to diagnostics and edits to WorkspaceEdits.

import {
  findFlag,
  findAssignments,
  purgatoryObjects,
  type MakeAssignment,
  type ParsedMakefile,
} from "../kbuild/makefile";
import { bestDefinition, findSymbolInText } from "../kbuild/locate";
import { findOutputSection, outputSectionMentions, type OutputSectionSpan } from "../lds/output-section";
import type { Attachment, Finding } from "./types";

export interface TextFile {
  readonly path: string;
  readonly text: string;
}

export interface ProjectFiles {
  readonly object: string;
  readonly makefile?: TextFile & { readonly parsed: ParsedMakefile };
  readonly linkerScript?: TextFile;
  readonly sources: readonly TextFile[];
}

export interface Place {
  readonly path: string;
  readonly line: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** What this place has to do with the finding (shown as related information elsewhere). */
  readonly note: string;
}

export interface TextEdit {
  readonly path: string;
  readonly line: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly newText: string;
}

export interface QuickFix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

export interface ResolvedFinding {
  readonly finding: Finding;
  /** Where diagnostics go; the first is the main one. Empty when no file could be tied to it. */
  readonly places: readonly Place[];
  readonly fixes: readonly QuickFix[];
}

/** The variables the purgatory's own compiler flags live in, most specific first. */
const CFLAG_VARIABLES = ["PURGATORY_CFLAGS", "KBUILD_CFLAGS", "ccflags-y", "EXTRA_CFLAGS"];
const LDFLAG_VARIABLES = ["LDFLAGS_purgatory.ro", "PURGATORY_LDFLAGS"];

const PIC_FIX = "-mcmodel=small -fpic -fvisibility=hidden";

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 0;
  let last = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i + 1;
    }
  }
  return { line, column: offset - last };
}

function assignmentPlace(path: string, a: MakeAssignment, note: string): Place {
  return {
    path,
    line: a.nameRange.line,
    startColumn: a.nameRange.startColumn,
    endLine: a.nameRange.line,
    endColumn: a.nameRange.endColumn,
    note,
  };
}

function firstAssignment(mf: ParsedMakefile, names: readonly string[]): MakeAssignment | undefined {
  for (const n of names) {
    const a = findAssignments(mf, n).find((x) => x.target === undefined);
    if (a) return a;
  }
  return undefined;
}

function placesFor(att: Attachment, files: ProjectFiles): Place[] {
  const mf = files.makefile;
  switch (att.kind) {
    case "flag": {
      if (!mf) return [];
      const hits = findFlag(mf.parsed, att.flag).filter((h) => !h.removed);
      if (hits.length > 0) {
        // A "missing" flag that the Makefile does set means the object is older than the Makefile.
        const note = att.present
          ? (h: { text: string; assignment: MakeAssignment }) =>
              `${h.text} is set here (${h.assignment.name})`
          : (h: { text: string }) => `${h.text} is set here, but the object was built without it: rebuild it`;
        return hits.map((h) => ({
          path: mf.path,
          line: h.line,
          startColumn: h.startColumn,
          endLine: h.line,
          endColumn: h.endColumn,
          note: note(h),
        }));
      }
      const a = firstAssignment(mf.parsed, CFLAG_VARIABLES);
      return a
        ? [
            assignmentPlace(
              mf.path,
              a,
              att.present
                ? `${att.flag} reaches the compiler through the inherited flags`
                : `${att.flag} is missing from ${a.name}`,
            ),
          ]
        : [];
    }
    case "linker-script": {
      const lds = files.linkerScript;
      if (lds) {
        const span = findOutputSection(lds.text, att.outputSection);
        const at = span ? span.nameStart : Math.max(0, lds.text.indexOf("SECTIONS"));
        const end = span ? span.nameEnd : at + (lds.text.indexOf("SECTIONS") >= 0 ? "SECTIONS".length : 0);
        const a = lineCol(lds.text, at);
        const b = lineCol(lds.text, end);
        return [
          {
            path: lds.path,
            line: a.line,
            startColumn: a.column,
            endLine: b.line,
            endColumn: b.column,
            note: `${att.inputSections.join(", ")} ${att.inputSections.length === 1 ? "is" : "are"} not merged into ${att.outputSection} here`,
          },
        ];
      }
      // No linker script: the link command is where one would be added.
      const a = mf && firstAssignment(mf.parsed, LDFLAG_VARIABLES);
      return a && mf
        ? [
            assignmentPlace(
              mf.path,
              a,
              `the purgatory is linked without a linker script, so ${att.inputSections.join(", ")} stay separate`,
            ),
          ]
        : [];
    }
    case "symbol": {
      const places: Place[] = [];
      for (const src of files.sources) {
        const occ = findSymbolInText(src.text, att.name, src.path);
        const wanted =
          att.role === "definition"
            ? [bestDefinition(occ)].filter((o) => o !== undefined)
            : occ.filter((o) => o.role === "reference");
        for (const o of wanted) {
          places.push({
            path: o.path,
            line: o.line,
            startColumn: o.startColumn,
            endLine: o.line,
            endColumn: o.endColumn,
            note: `${att.name} is ${att.role === "definition" ? "defined" : "referenced"} here`,
          });
        }
      }
      return places.slice(0, 10);
    }
    case "object-list": {
      if (!mf) return [];
      const objs = purgatoryObjects(mf.parsed);
      const a = objs[0]
        ? findAssignments(mf.parsed, objs[0].variable)[0]
        : firstAssignment(mf.parsed, ["purgatory-y", "PURGATORY_OBJS"]);
      return a ? [assignmentPlace(mf.path, a, `${att.missing} is not in the purgatory's object list`)] : [];
    }
    case "object": {
      if (!mf) return [];
      const a = firstAssignment(mf.parsed, ["purgatory-y", "PURGATORY_OBJS", ...LDFLAG_VARIABLES]);
      return a ? [assignmentPlace(mf.path, a, "the purgatory object is built from here")] : [];
    }
  }
}

function fixesFor(f: Finding, files: ProjectFiles): QuickFix[] {
  const fixes: QuickFix[] = [];
  const mf = files.makefile;
  if (mf && (f.id === "reloc-overflow" || f.id === "entry-multiple-sections")) {
    for (const h of findFlag(mf.parsed, "-mcmodel=large").filter((x) => !x.removed)) {
      fixes.push({
        title: `Switch ${h.assignment.name} to ${PIC_FIX}`,
        edits: [
          {
            path: mf.path,
            line: h.line,
            startColumn: h.startColumn,
            endLine: h.line,
            endColumn: h.endColumn,
            newText: PIC_FIX,
          },
        ],
      });
    }
  }
  const wantsNoSsp = f.attach.some((a) => a.kind === "flag" && a.flag === "-fno-stack-protector");
  // Offered only when the Makefile really lacks it (otherwise the object is just stale).
  if (
    mf &&
    f.id === "undefined-symbol" &&
    wantsNoSsp &&
    findFlag(mf.parsed, "-fno-stack-protector").every((h) => h.removed)
  ) {
    const a = firstAssignment(mf.parsed, CFLAG_VARIABLES);
    const all = a ? findAssignments(mf.parsed, a.name).filter((x) => x.target === undefined) : [];
    const last = all[all.length - 1];
    if (a && last) {
      const endLine = last.endLine;
      const endColumn = mf.text.split("\n")[endLine]!.length;
      fixes.push({
        title: `Add -fno-stack-protector to ${a.name}`,
        edits: [
          {
            path: mf.path,
            line: endLine,
            startColumn: endColumn,
            endLine,
            endColumn,
            newText: `\n${a.name} += -fno-stack-protector`,
          },
        ],
      });
    }
  }
  const lds = files.linkerScript;
  const att = f.attach.find((a) => a.kind === "linker-script");
  if (lds && f.id === "entry-multiple-sections" && att?.kind === "linker-script") {
    const span = findOutputSection(lds.text, att.outputSection);
    const inputs = [
      {
        pattern: ".ltext",
        rule: "*(.ltext .ltext.*)",
        needed: att.inputSections.some((x) => x.startsWith(".ltext")),
      },
      {
        pattern: ".text.*",
        rule: "*(.text.*)",
        needed: att.inputSections.some((x) => x.startsWith(".text.")),
      },
    ];
    const missing = span
      ? inputs.filter((i) => i.needed && !outputSectionMentions(lds.text, span, i.pattern))
      : [];
    if (span && missing.length > 0) {
      const rules = missing.map((m) => m.rule).join(" ");
      fixes.push({
        title: `Merge ${rules} into ${att.outputSection} in ${lds.path.split("/").pop()}`,
        edits: [insertBeforeClose(lds, span, rules)],
      });
    }
  }
  return fixes;
}

/**
 * An edit adding `rules` as the last input-section description of an output section: on a line of
 * its own, indented like the body, when the closing brace has its own line; inline otherwise.
 */
export function insertBeforeClose(lds: TextFile, span: OutputSectionSpan, rules: string): TextEdit {
  const lineStart = lds.text.lastIndexOf("\n", span.close - 1) + 1;
  const at = lineCol(lds.text, span.close);
  if (lds.text.slice(lineStart, span.close).trim() === "") {
    const body = lds.text
      .slice(span.open + 1, lineStart)
      .split("\n")
      .filter((l) => l.trim() !== "");
    const indent = /^\s*/.exec(body[body.length - 1] ?? "")?.[0] ?? "\t";
    return {
      path: lds.path,
      line: at.line,
      startColumn: 0,
      endLine: at.line,
      endColumn: 0,
      newText: `${indent}${rules}\n`,
    };
  }
  return {
    path: lds.path,
    line: at.line,
    startColumn: at.column,
    endLine: at.line,
    endColumn: at.column,
    newText: ` ${rules} `,
  };
}

export function resolveFinding(f: Finding, files: ProjectFiles): ResolvedFinding {
  const places: Place[] = [];
  const seen = new Set<string>();
  for (const att of f.attach) {
    for (const p of placesFor(att, files)) {
      const key = `${p.path}:${p.line}:${p.startColumn}`;
      if (seen.has(key)) continue;
      seen.add(key);
      places.push(p);
    }
  }
  return { finding: f, places, fixes: fixesFor(f, files) };
}

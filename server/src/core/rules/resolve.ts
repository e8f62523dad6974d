// Turns a finding's attachments into places in the user's files (the Makefile flag, the linker-script
// rule, the C or assembly line of a symbol, the object list) and into the text edits of its quick
// fixes. Plain data: the language server converts places to diagnostics and edits to WorkspaceEdits.

import {
  findFlag,
  findAssignments,
  purgatoryObjects,
  type FlagOccurrence,
  type MakeAssignment,
  type ParsedMakefile,
} from "../kbuild/makefile";
import { isInactive, type CompiledLines } from "../kbuild/conditional";
import type { RelocationLine } from "../kbuild/line-map";
import { bestDefinition, findSymbolInText } from "../kbuild/locate";
import { listed, unique } from "./finding";
import { findOutputSection, outputSectionMentions, type OutputSectionSpan } from "../lds/output-section";
import type { Attachment, Finding } from "./types";

export interface TextFile {
  readonly path: string;
  readonly text: string;
  /** Which lines the build compiled (sources only); undefined: not known, every line counts. */
  readonly compiled?: CompiledLines;
}

/** One object linked into the purgatory, when the build left it behind: what it is built from and carries. */
export interface InputObject {
  /** As the object list names it: "entry.o". */
  readonly name: string;
  /** Its C or assembly source, when the build recorded one. */
  readonly source?: string;
  /** Its relocation sites, as the rules name them (`relocationSite`: "TYPE symbol"). */
  readonly relocations: readonly string[];
}

export interface ProjectFiles {
  readonly object: string;
  readonly makefile?: TextFile & { readonly parsed: ParsedMakefile };
  /** More Makefiles the purgatory's flags come from (kexec-tools: purgatory/arch/<ARCH>/Makefile). */
  readonly extraMakefiles?: readonly (TextFile & { readonly parsed: ParsedMakefile })[];
  readonly linkerScript?: TextFile;
  readonly sources: readonly TextFile[];
  /** The input objects, when they exist: lets a relocation be traced to the object that brings it in. */
  readonly inputs?: readonly InputObject[];
  /** Relocation sites mapped to source lines by the object's DWARF line tables, when it has them. */
  readonly lineMap?: readonly RelocationLine[];
}

export interface Place {
  readonly path: string;
  readonly line: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** What this place has to do with the finding (shown as related information elsewhere). */
  readonly note: string;
  /** Found by name in a file whose conditionals could not be decided: it may not be compiled code. */
  readonly approximate?: boolean;
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
/** kexec-tools' per-architecture purgatory flags (x86_64_PURGATORY_EXTRA_CFLAGS), set in arch Makefiles. */
const KEXEC_TOOLS_CFLAGS = /^([A-Za-z0-9_]+_)?PURGATORY_EXTRA_CFLAGS$/;
const LDFLAG_VARIABLES = ["LDFLAGS_purgatory.ro", "PURGATORY_LDFLAGS"];

const PIC_FIX = "-mcmodel=small -fpic -fvisibility=hidden";
/** riscv's purgatory code model: PC-relative addressing anywhere in the address space. */
const RISCV_CODE_MODEL = "-mcmodel=medany";

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

type Makefile = NonNullable<ProjectFiles["makefile"]>;

/** The purgatory's own Makefile first, then the others its flags come from. */
function flagMakefiles(files: ProjectFiles): Makefile[] {
  return [...(files.makefile ? [files.makefile] : []), ...(files.extraMakefiles ?? [])];
}

/** Where a flag is written, in any of the purgatory's Makefiles. */
function flagHits(files: ProjectFiles, flag: string) {
  return flagMakefiles(files).flatMap((mf) =>
    findFlag(mf.parsed, flag)
      .filter((h) => !h.removed)
      .map((h) => ({ ...h, mf })),
  );
}

/** The variable the purgatory's compiler flags belong in, and its Makefile. */
function flagVariable(files: ProjectFiles): { mf: Makefile; a: MakeAssignment } | undefined {
  for (const mf of flagMakefiles(files)) {
    const a =
      firstAssignment(mf.parsed, CFLAG_VARIABLES) ??
      mf.parsed.assignments.find((x) => x.target === undefined && KEXEC_TOOLS_CFLAGS.test(x.name));
    if (a) return { mf, a };
  }
  return undefined;
}

function placesFor(att: Attachment, files: ProjectFiles): Place[] {
  const mf = files.makefile;
  switch (att.kind) {
    case "flag": {
      const hits = flagHits(files, att.flag);
      if (hits.length > 0) {
        // A "missing" flag that the Makefile does set means the object is older than the Makefile.
        const note = att.present
          ? (h: { text: string; assignment: MakeAssignment }) =>
              `${h.text} is set here (${h.assignment.name})`
          : (h: { text: string }) => `${h.text} is set here, but the object was built without it: rebuild it`;
        return hits.map((h) => ({
          path: h.mf.path,
          line: h.line,
          startColumn: h.startColumn,
          endLine: h.line,
          endColumn: h.endColumn,
          note: note(h),
        }));
      }
      const v = flagVariable(files);
      return v
        ? [
            assignmentPlace(
              v.mf.path,
              v.a,
              att.present
                ? `${att.flag} reaches the compiler through the inherited flags`
                : `${att.flag} is missing from ${v.a.name}`,
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
            note: `${listed(att.inputSections)} ${att.inputSections.length === 1 ? "is" : "are"} not merged into ${att.outputSection} here`,
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
              `the purgatory is linked without a linker script, so ${listed(att.inputSections)} stay separate`,
            ),
          ]
        : [];
    }
    case "symbol": {
      const places: Place[] = [];
      for (const src of files.sources) {
        const occ = findSymbolInText(src.text, att.name, src.path);
        // Lines in a preprocessor arm the build skipped are not in the object.
        const compiled = occ.filter((o) => !isInactive(src.compiled, o.line));
        const wanted =
          att.role === "definition"
            ? [bestDefinition(compiled)].filter((o) => o !== undefined)
            : compiled.filter((o) => o.role === "reference");
        const approximate = src.compiled?.how === "textual";
        for (const o of wanted) {
          places.push({
            path: o.path,
            line: o.line,
            startColumn: o.startColumn,
            endLine: o.line,
            endColumn: o.endColumn,
            note:
              `${att.name} is ${att.role === "definition" ? "defined" : "referenced"} here` +
              (approximate
                ? ` (approximate: matched by name, ${src.compiled?.note ?? "cpp was not run"})`
                : ""),
            ...(approximate ? { approximate } : {}),
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
      const a = firstAssignment(mf.parsed, ["purgatory-y", "PURGATORY_OBJS"]);
      if (a) return [assignmentPlace(mf.path, a, "the purgatory object is built from here")];
      // powerpc: no object list, the purgatory.ro rule names its objects directly.
      const linked = purgatoryObjects(mf.parsed);
      if (linked.length > 0) {
        return linked.map((o) => ({
          path: mf.path,
          line: o.word.line,
          startColumn: o.word.startColumn,
          endLine: o.word.line,
          endColumn: o.word.endColumn,
          note: `${o.name}: the purgatory object is built from here`,
        }));
      }
      const ld = firstAssignment(mf.parsed, LDFLAG_VARIABLES);
      return ld ? [assignmentPlace(mf.path, ld, "the purgatory object is built from here")] : [];
    }
  }
}

function fixesFor(f: Finding, files: ProjectFiles): QuickFix[] {
  const fixes: QuickFix[] = [];
  const mf = files.makefile;
  // kexec-tools' x86_64 loader wants -mcmodel=large (it attaches the flag as missing): no switch away.
  const wantsLarge = f.attach.some((a) => a.kind === "flag" && a.flag === "-mcmodel=large" && !a.present);
  if (wantsLarge && f.id === "reloc-overflow") {
    const add = appendFlag(files, "-mcmodel=large");
    if (add) fixes.push(add);
  }
  if (mf && !wantsLarge && (f.id === "reloc-overflow" || f.id === "entry-multiple-sections")) {
    for (const h of findFlag(mf.parsed, "-mcmodel=large").filter((x) => !x.removed)) {
      fixes.push(switchFlag(mf, h, PIC_FIX));
    }
  }
  const wantsNoSsp = f.attach.some((a) => a.kind === "flag" && a.flag === "-fno-stack-protector");
  // Offered only when the Makefile really lacks it (otherwise the object is simply stale).
  if (mf && f.id === "undefined-symbol" && wantsNoSsp) {
    const add = appendFlag(files, "-fno-stack-protector");
    if (add) fixes.push(add);
  }
  const wantsMedany = f.attach.some((a) => a.kind === "flag" && a.flag === RISCV_CODE_MODEL && !a.present);
  if (mf && f.id === "reloc-unknown-type" && wantsMedany) fixes.push(...riscvCodeModelFixes(mf));
  if (f.id === "s390-unrelocated-branch") fixes.push(...s390PltCallFixes(f, files));
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

/** `VAR += flag` after the last plain assignment of the purgatory's flags variable, if the flag is absent. */
function appendFlag(files: ProjectFiles, flag: string): QuickFix | undefined {
  if (flagHits(files, flag).length > 0) return undefined;
  const v = flagVariable(files);
  if (!v) return undefined;
  const { mf, a } = v;
  const all = findAssignments(mf.parsed, a.name).filter((x) => x.target === undefined);
  const last = all[all.length - 1];
  if (!last) return undefined;
  const endLine = last.endLine;
  const endColumn = mf.text.split("\n")[endLine]!.length;
  return {
    title: `Add ${flag} to ${a.name}`,
    edits: [
      {
        path: mf.path,
        line: endLine,
        startColumn: endColumn,
        endLine,
        endColumn,
        newText: `\n${a.name} += ${flag}`,
      },
    ],
  };
}

/** Replaces one occurrence of a flag in the Makefile with `replacement`. */
function switchFlag(mf: Makefile, h: FlagOccurrence, replacement: string): QuickFix {
  return {
    title: `Switch ${h.assignment.name} to ${replacement}`,
    edits: [
      {
        path: mf.path,
        line: h.line,
        startColumn: h.startColumn,
        endLine: h.line,
        endColumn: h.endColumn,
        newText: replacement,
      },
    ],
  };
}

/** riscv medlow: switch each -mcmodel=medlow to medany, or add medany where the purgatory's flags are. */
function riscvCodeModelFixes(mf: Makefile): QuickFix[] {
  const medlow = findFlag(mf.parsed, "-mcmodel=medlow").filter((h) => !h.removed);
  if (medlow.length > 0) return medlow.map((h) => switchFlag(mf, h, RISCV_CODE_MODEL));
  const add = appendFlag({ object: "", makefile: mf, sources: [] }, RISCV_CODE_MODEL);
  return add ? [add] : [];
}

/**
 * s390 before 5.16 skips R_390_PLT32DBL. Assembly that writes `call sym@PLT` gets R_390_PC32DBL
 * without the suffix, which every s390 kernel applies; C calls have no such switch (no fix offered).
 */
function s390PltCallFixes(f: Finding, files: ProjectFiles): QuickFix[] {
  const symbols = new Set(
    siteList(f)
      .filter((s) => s.startsWith("R_390_PLT32DBL "))
      .map((s) => s.slice("R_390_PLT32DBL ".length)),
  );
  const fixes: QuickFix[] = [];
  for (const src of files.sources.filter((x) => /\.(S|s|sx)$/.test(x.path))) {
    const edits: TextEdit[] = [];
    const names = new Set<string>();
    for (const o of [...symbols].flatMap((name) => findSymbolInText(src.text, name, src.path))) {
      if (o.role !== "reference") continue;
      const line = src.text.split("\n")[o.line]!;
      if (!/^@PLT\b/.test(line.slice(o.endColumn))) continue;
      names.add(line.slice(o.startColumn, o.endColumn));
      edits.push({
        path: src.path,
        line: o.line,
        startColumn: o.endColumn,
        endLine: o.line,
        endColumn: o.endColumn + "@PLT".length,
        newText: "",
      });
    }
    if (edits.length > 0)
      fixes.push({
        title: `Call ${[...names].join(", ")} without @PLT in ${src.path.split("/").pop()} (R_390_PC32DBL, applied by every s390 kernel)`,
        edits,
      });
  }
  return fixes;
}

/** The relocation sites a finding names in its evidence ("TYPE symbol"). */
function siteList(f: Finding): string[] {
  const v = f.evidence["relocations"];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
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

/** A flag attachment that resolves to a real token (not to the variable a missing flag belongs in). */
function flagIsWritten(att: Attachment, files: ProjectFiles): boolean {
  return att.kind === "flag" && flagHits(files, att.flag).length > 0;
}

/** The input objects that carry one of the finding's relocation sites. */
function carriers(f: Finding, files: ProjectFiles): InputObject[] {
  const wanted = new Set(siteList(f));
  if (wanted.size === 0 || !files.inputs) return [];
  return files.inputs.filter((o) => o.relocations.some((r) => wanted.has(r)));
}

/** The object list's words for objects that bring in the finding's relocations. */
function carrierPlaces(f: Finding, files: ProjectFiles, objs: readonly InputObject[]): Place[] {
  const mf = files.makefile;
  if (!mf || objs.length === 0) return [];
  const wanted = new Set(siteList(f));
  const entries = purgatoryObjects(mf.parsed);
  return objs.flatMap((o) => {
    const e = entries.find((x) => x.name === o.name);
    if (!e) return [];
    const what = unique(o.relocations.filter((r) => wanted.has(r))).join(", ");
    return [
      {
        path: mf.path,
        line: e.word.line,
        startColumn: e.word.startColumn,
        endLine: e.word.line,
        endColumn: e.word.endColumn,
        note: `${o.name} brings in ${what}`,
      },
    ];
  });
}

/**
 * `a - b` between two labels needs no relocation when both are in one section, so such a mention is
 * not where a relocation comes from, unless the sites are riscv ADD/SUB pairs, which are exactly that.
 */
function isLabelDifference(f: Finding, files: ProjectFiles, p: Place): boolean {
  if (siteList(f).some((s) => /^R_RISCV_(ADD|SUB)/.test(s)) || !/\.(S|s|sx)$/.test(p.path)) return false;
  const line = files.sources.find((s) => s.path === p.path)?.text.split("\n")[p.line] ?? "";
  return /-\s*$/.test(line.slice(0, p.startColumn)) || /^\s*-\s*[A-Za-z0-9_.]/.test(line.slice(p.endColumn));
}

/**
 * The lines the object's DWARF line tables give for the finding's relocations against `name`: the
 * finding's own sites when it lists them, else its relocation type, else every relocation against it.
 */
function dwarfPlaces(f: Finding, name: string, files: ProjectFiles): (Place & { nameOnLine: boolean })[] {
  if (!files.lineMap || files.lineMap.length === 0) return [];
  const sites = new Set(siteList(f));
  const type = typeof f.evidence["type"] === "string" ? f.evidence["type"] : undefined;
  const hits = files.lineMap.filter(
    (l) =>
      l.symbol === name &&
      (sites.size > 0 ? sites.has(`${l.typeName} ${l.symbol}`) : type === undefined || l.typeName === type),
  );
  const places: (Place & { nameOnLine: boolean })[] = [];
  for (const h of hits) {
    const text = files.sources.find((s) => s.path === h.path)?.text.split("\n")[h.line];
    if (text === undefined) continue;
    // The name on that line, nearest the recorded column; else the line's text.
    const at = [
      ...text.matchAll(
        new RegExp(`(?<![A-Za-z0-9_.$])${name.replace(/[.$]/g, "\\$&")}(?![A-Za-z0-9_$])`, "g"),
      ),
    ]
      .map((m) => m.index ?? 0)
      .sort((a, b) => Math.abs(a - (h.column ?? 0)) - Math.abs(b - (h.column ?? 0)))[0];
    const start = at ?? text.length - text.trimStart().length;
    const end = at !== undefined ? at + name.length : text.trimEnd().length;
    places.push({
      path: h.path,
      line: h.line,
      startColumn: start,
      endLine: h.line,
      endColumn: Math.max(start, end),
      note: `${h.typeName} against ${name} is emitted for this line (DWARF line table)`,
      nameOnLine: at !== undefined,
    });
  }
  return places.slice(0, 10);
}

export function resolveFinding(f: Finding, files: ProjectFiles): ResolvedFinding {
  const places: Place[] = [];
  const seen = new Set<string>();
  // A missing flag goes to the variable it belongs in only when no other flag of the finding is written.
  const written = f.attach.some((a) => a.kind === "flag" && a.present && flagIsWritten(a, files));
  const missing = f.attach.some((a) => a.kind === "flag" && !a.present);
  const objs = carriers(f, files);
  const carrierSources = new Set(objs.map((o) => o.source).filter((x) => x !== undefined));
  let leading = 0;
  for (const att of f.attach) {
    if (att.kind === "flag" && !att.present && written && !flagIsWritten(att, files)) continue;
    // Neither written: the missing flag's place ("missing from VAR") says it better.
    if (att.kind === "flag" && att.present && !written && missing) continue;
    const exact = att.kind === "symbol" && att.role === "reference" ? dwarfPlaces(f, att.name, files) : [];
    let found = placesFor(att, files);
    if (att.kind === "symbol" && att.role === "reference") {
      found = found.filter((p) => !isLabelDifference(f, files, p));
      // Only the sources of the objects that carry the relocation, when that is known.
      const inCarriers = found.filter((p) => carrierSources.has(p.path));
      if (inCarriers.length > 0) found = inCarriers;
      // The line tables are exact; where they point at a line without the name (inlined code, a macro),
      // the lines that write the name follow them.
      if (exact.length > 0) found = exact.some((p) => !p.nameOnLine) ? [...exact, ...found] : exact;
    }
    if (att.kind === "object" && objs.length > 0) found = carrierPlaces(f, files, objs);
    // A flag written in a Makefile is the most direct cause: it leads.
    const leads = att.kind === "flag" && att.present && flagIsWritten(att, files);
    for (const p of found) {
      const key = `${p.path}:${p.line}:${p.startColumn}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // The DWARF places' nameOnLine was for the choice above, not for the place.
      const place: Place & { nameOnLine?: boolean } = { ...p };
      delete place.nameOnLine;
      if (leads) places.splice(leading++, 0, place);
      else places.push(place);
    }
  }
  return { finding: f, places, fixes: fixesFor(f, files) };
}

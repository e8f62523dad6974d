// Where every input section goes: the linker's mapping of input sections to output sections, the
// orphans (input sections no rule matches), and a simulated layout for ADDR/SIZEOF/ASSERT.
//
// The rules modelled, from the GNU ld manual ("Input Section Basics", "Orphan Sections") and
// checked against GNU ld 2.40 and ld.lld 19 in test/golden/lds-linkers.test.ts:
// - First match: an input section goes to the first input-section description, in script order,
//   whose file pattern and one of whose section patterns match it (EXCLUDE_FILE removes files).
//   `/DISCARD/` is an output section like any other for matching; its sections are dropped.
// - Within an output section, contents follow the descriptions' order, and inside one description
//   the input files' command-line order (SORT_* reorders).
// - Relocation, symbol and string tables are never matched: the linker builds its own.
// - An orphan goes to an output section of its own name (or one the script already defines with
//   that name). GNU ld inserts a new one after the last output section with similar flags (code
//   after code, read-only data after read-only data, ...); ld.lld -r appends them in the order
//   they first appear in the inputs.
import { readSymbols } from "../elf/reader";
import type { ElfFile } from "../elf/types";
import type * as A from "./ast";
import { fnmatch, isWildcard, PatternCache } from "../fnmatch";
import { evaluate, type EvalContext } from "./evaluate";
import { PrefixIndex } from "./prefix-index";

export const SHF_WRITE = 0x1n;
export const SHF_ALLOC = 0x2n;
export const SHF_EXECINSTR = 0x4n;
export const SHF_MERGE = 0x10n;
export const SHF_TLS = 0x400n;
const SHT_NOBITS = 8;
/** Section types the linker generates itself rather than taking from inputs. */
const NOT_INPUT_TYPES = new Set([
  0, 2 /* SYMTAB */, 3 /* STRTAB */, 4 /* RELA */, 9 /* REL */, 17 /* GROUP */, 18 /* SYMTAB_SHNDX */,
  11 /* DYNSYM */,
]);

export type Linker = "bfd" | "lld";

export interface InputObject {
  /** The path as the linker is given it (file patterns match it, or its base name). */
  readonly path: string;
  readonly elf: ElfFile;
}

export interface InputSection {
  readonly object: string;
  readonly objectIndex: number;
  readonly name: string;
  /** Section header index in its object. */
  readonly index: number;
  readonly type: number;
  readonly flags: bigint;
  readonly size: bigint;
  readonly align: bigint;
}

export interface Rule {
  readonly outputSection: A.OutputSection;
  readonly desc: A.InputSectionDesc;
  /** The section pattern that matched (undefined for a bare file name description). */
  readonly pattern?: A.Pattern;
}

export interface Assignment {
  readonly input: InputSection;
  /** The output section's name; "/DISCARD/" when discarded. */
  readonly output: string;
  readonly rule?: Rule;
  readonly orphan: boolean;
}

export type SectionClass = "text" | "rodata" | "data" | "bss" | "nonalloc";

export interface Orphan {
  readonly input: InputSection;
  /** The output section it lands in: its own name, like both linkers. */
  readonly placedIn: string;
  /** GNU ld: the output section it is inserted after; undefined if it joins an existing one or goes first. */
  readonly afterBfd?: string;
  /** ld.lld -r: the output section it follows (orphans are appended in input order). */
  readonly afterLld?: string;
  readonly alloc: boolean;
  readonly class: SectionClass;
  /** Which linkers warn about it with --orphan-handling=warn (lld drops input .note.GNU-stack). */
  readonly reportedBy: readonly Linker[];
  readonly fix?: OrphanFix;
}

export interface OrphanFix {
  /** The output section it belongs in. */
  readonly outputSection: string;
  /** The input section description to add, e.g. `*(.ltext .ltext.*)`. */
  readonly text: string;
  /** Offset (in the parsed text) of the closing `}` of that output section's body: insert before it. */
  readonly insertBefore: number;
  readonly node: A.OutputSection;
}

export interface OutputLayout {
  readonly name: string;
  readonly node?: A.OutputSection;
  readonly orphan: boolean;
  address: bigint;
  size: bigint;
  align: bigint;
  flags: bigint;
  type: number;
  readonly inputs: { input: InputSection; offset: bigint }[];
}

export interface LocationMove {
  readonly assignment: A.Assignment;
  readonly from: bigint;
  readonly to: bigint;
  readonly section?: string;
}

export interface Placement {
  readonly inputs: readonly InputSection[];
  readonly assignments: readonly Assignment[];
  readonly orphans: readonly Orphan[];
  /** Output sections in GNU ld's order (script order with orphans inserted), discarded ones excluded. */
  readonly outputs: readonly OutputLayout[];
  /** Symbols the script assigns, with their values where known. */
  readonly symbols: ReadonlyMap<string, bigint | undefined>;
  /** Global symbols the objects define. */
  readonly objectSymbols: ReadonlySet<string>;
  /** Assignments to `.` that moved it backwards inside an output section. */
  readonly backwards: readonly LocationMove[];
  /** The evaluation context after layout (for ASSERTs and hovers). */
  readonly context: EvalContext;
}

export interface PlacementOptions {
  /** `ld -r` (the purgatory's link); the default. Only affects messages today. */
  readonly relocatable?: boolean;
  /**
   * Whose matching rules to follow (default "bfd"). ld.lld 19 reads `EXCLUDE_FILE(a.o) *(.x)` (the
   * form before the file pattern) as a description of a file named EXCLUDE_FILE, so the exclusion
   * does nothing there; checked against both linkers in lds-linkers.test.ts.
   */
  readonly linker?: Linker;
}

// ---------------------------------------------------------------------------------------- matching

/** Length of the literal part of a pattern before its first `?`, `*` or `[`. */
function literalPrefix(pattern: string): number {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "?" || c === "*" || c === "[") return i;
  }
  return pattern.length;
}

/**
 * A section pattern against a section name, as GNU ld 2.40 matches them (ldlang.c, spec_match): the
 * literal prefix before the first `?*[` and the literal suffix after the last `?*]` are compared
 * as plain text (a backslash there is an ordinary character), a lone `*` between them matches
 * anything, and the rest goes to fnmatch(3) with flags 0 (`*` and `?` match `/` too).
 */
export function wildcardMatch(pattern: string, name: string): boolean {
  const spec = sectionSpec(pattern);
  if (spec.literal) return pattern === name;
  if (!name.startsWith(spec.prefix)) return false;
  if (spec.suffix && !name.endsWith(spec.suffix)) return false;
  if (spec.starOnly) return true;
  return fnmatch(spec.rest, name.slice(spec.prefix.length));
}

interface SectionSpec {
  readonly literal: boolean;
  readonly prefix: string;
  readonly suffix: string;
  /** Only a `*` between the prefix and the suffix. */
  readonly starOnly: boolean;
  /** The pattern after the prefix, for fnmatch. */
  readonly rest: string;
}

const specs = new PatternCache<SectionSpec>();

/** A section pattern split once as spec_match does (patterns repeat across every input section). */
function sectionSpec(pattern: string): SectionSpec {
  let spec = specs.get(pattern);
  if (spec) return spec;
  const pl = literalPrefix(pattern);
  let sl = 0;
  for (let i = pattern.length - 1; i >= pl; i--) {
    const c = pattern[i];
    if (c === "?" || c === "*" || c === "]") break;
    sl++;
  }
  spec = {
    literal: pl === pattern.length,
    prefix: pattern.slice(0, pl),
    suffix: sl > 0 ? pattern.slice(pattern.length - sl) : "",
    starOnly: pattern.length === pl + sl + 1 && pattern[pl] === "*",
    rest: pattern.slice(pl),
  };
  specs.set(pattern, spec);
  return spec;
}

interface FileSpec {
  readonly wildcard: boolean;
  readonly colon: number;
  readonly slash: boolean;
  /** `abcd*` (a literal prefix of at least four characters, then one `*`): matched by prefix. */
  readonly byPrefix: string | undefined;
}

const fileSpecs = new PatternCache<FileSpec>();

/** What a file pattern is made of, read once per pattern (each is matched against every object). */
function fileSpec(pattern: string): FileSpec {
  let spec = fileSpecs.get(pattern);
  if (spec) return spec;
  const len = literalPrefix(pattern);
  spec = {
    wildcard: isWildcard(pattern),
    colon: pattern.indexOf(":"),
    slash: pattern.includes("/"),
    byPrefix:
      len >= 4 && pattern[len] === "*" && len + 1 === pattern.length ? pattern.slice(0, len) : undefined,
  };
  fileSpecs.set(pattern, spec);
  return spec;
}

/** A file pattern against a file name, as GNU ld's name_match: `abcd*` by prefix, wildcards by fnmatch, the rest exactly. */
export function nameMatch(pattern: string, name: string): boolean {
  const spec = fileSpec(pattern);
  if (spec.byPrefix !== undefined) return name.startsWith(spec.byPrefix);
  return spec.wildcard ? fnmatch(pattern, name) : pattern === name;
}

/** File patterns match the path as given, or its base name (`purgatory.o` matches `dir/purgatory.o`). */
export function fileMatches(pattern: string, path: string): boolean {
  if (pattern === "*") return true;
  const spec = fileSpec(pattern);
  if (!spec.wildcard && spec.colon < 0) {
    if (pattern === path) return true;
    return (
      !spec.slash &&
      path.endsWith(pattern) &&
      (path.length === pattern.length || path[path.length - pattern.length - 1] === "/")
    );
  }
  // `archive:member`: an archive part matches only members of archives, and our inputs are plain
  // objects; `:file` is a file outside any archive (GNU ld's archive_path).
  if (spec.colon >= 0) {
    if (spec.colon > 0) return false;
    const member = pattern.slice(1);
    return member !== "" && fileMatches(member, path);
  }
  if (nameMatch(pattern, path)) return true;
  const base = path.slice(path.lastIndexOf("/") + 1);
  return !spec.slash && nameMatch(pattern, base);
}

function excluded(list: readonly A.Name[], path: string): boolean {
  return list.some((n) => fileMatches(n.value, path));
}

const FLAG_NAMES: Record<string, bigint> = {
  SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS: 0x20n, SHF_INFO_LINK: 0x40n,
  SHF_LINK_ORDER: 0x80n, SHF_OS_NONCONFORMING: 0x100n, SHF_GROUP: 0x200n, SHF_TLS, SHF_EXCLUDE: 0x80000000n,
}; // prettier-ignore

/**
 * What decides whether a description takes an input section (not its sorting or KEEP), as one string:
 * each part is prefixed with its length, so different descriptions never give the same string.
 */
function descSignature(d: A.InputSectionDesc): string {
  // Built by concatenation (a rope V8 flattens once, when the set hashes it): one per description.
  const part = (tag: string, v: string) => tag + v.length + ":" + v;
  let sig = part("f", d.file.value);
  for (const n of d.excludeFiles) sig += part("x", n.value);
  if (d.sections)
    for (const p of d.sections) {
      sig += part("s", p.value);
      for (const n of p.excludeFiles) sig += part("X", n.value);
    }
  else sig += "n";
  if (d.flags) {
    for (const f of d.flags.require) sig += part("r", f);
    for (const f of d.flags.forbid) sig += part("!", f);
  }
  return sig;
}

/** The section pattern of `desc` matching `s`, or null when the description does not take it. */
export function matchDesc(
  desc: A.InputSectionDesc,
  s: InputSection,
  linker: Linker = "bfd",
): A.Pattern | undefined | null {
  if (!fileMatches(desc.file.value, s.object)) return null;
  if (linker === "bfd" && excluded(desc.excludeFiles, s.object)) return null;
  return matchSections(desc, s);
}

/** matchDesc for a description whose file part already takes the input's object. */
function matchSections(desc: A.InputSectionDesc, s: InputSection): A.Pattern | undefined | null {
  if (desc.flags) {
    for (const f of desc.flags.require) if (((FLAG_NAMES[f] ?? 0n) & s.flags) === 0n) return null;
    for (const f of desc.flags.forbid) if (((FLAG_NAMES[f] ?? 0n) & s.flags) !== 0n) return null;
  }
  if (!desc.sections) return undefined;
  for (const p of distinctPatterns(desc)) {
    if (excluded(p.excludeFiles, s.object)) continue;
    if (wildcardMatch(p.value, s.name)) return p;
  }
  return null;
}

/**
 * The literal text every section name a description takes starts with, one per pattern (a bare file
 * name takes every section: ""). A description whose patterns are all COMMON takes none.
 */
function sectionPrefixes(desc: A.InputSectionDesc): string[] {
  if (!desc.sections) return [""];
  return distinctPatterns(desc).map((p) => sectionSpec(p.value).prefix);
}

const distinct = new WeakMap<A.InputSectionDesc, readonly A.Pattern[]>();

/**
 * A description's section patterns without repeats (the same pattern and exclusions again can never
 * be the first to match) and without COMMON (it names common symbols, not a section). Every input
 * section is tried against them: a list of 40,000 copies of `?` was 40,000 tries per section.
 */
function distinctPatterns(desc: A.InputSectionDesc): readonly A.Pattern[] {
  let list = distinct.get(desc);
  if (list) return list;
  const seen = new Set<string>();
  const out: A.Pattern[] = [];
  for (const p of desc.sections ?? []) {
    if (p.value === "COMMON") continue;
    const key = p.excludeFiles.length
      ? "x" + [p.value, ...p.excludeFiles.map((n) => n.value)].map((v) => `${v.length}:${v}`).join("")
      : "p" + p.value;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  list = out;
  distinct.set(desc, list);
  return list;
}

export function collectInputs(objects: readonly InputObject[]): InputSection[] {
  const out: InputSection[] = [];
  objects.forEach((o, objectIndex) => {
    for (const sh of o.elf.sections) {
      if (sh.index === 0 || NOT_INPUT_TYPES.has(sh.sh_type)) continue;
      out.push({
        object: o.path,
        objectIndex,
        name: sh.name,
        index: sh.index,
        type: sh.sh_type,
        flags: sh.sh_flags,
        size: sh.sh_size,
        align: sh.sh_addralign === 0n ? 1n : sh.sh_addralign,
      });
    }
  });
  return out;
}

export function objectGlobals(objects: readonly InputObject[]): Set<string> {
  const names = new Set<string>();
  for (const o of objects) {
    for (const sh of o.elf.sections) {
      if (sh.sh_type !== 2) continue;
      try {
        for (const sym of readSymbols(o.elf, sh.index))
          if (sym.shndx !== 0 && sym.bind !== 0 && sym.name) names.add(sym.name);
      } catch {
        // A broken symbol table is the simulator's business, not the script's.
      }
    }
  }
  return names;
}

export function classify(flags: bigint, type: number): SectionClass {
  if ((flags & SHF_ALLOC) === 0n) return "nonalloc";
  if ((flags & SHF_EXECINSTR) !== 0n) return "text";
  if (type === SHT_NOBITS) return "bss";
  if ((flags & SHF_WRITE) !== 0n) return "data";
  return "rodata";
}

/** Output sections of the script in order, including those inside OVERLAY. */
export function outputSections(script: A.Script): A.OutputSection[] {
  const out: A.OutputSection[] = [];
  for (const st of script.statements) {
    if (st.kind !== "Sections") continue;
    for (const it of st.items) {
      if (it.kind === "OutputSection") out.push(it);
      else if (it.kind === "Overlay") out.push(...it.sections);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------- placement

export function placeSections(
  script: A.Script,
  objects: readonly InputObject[],
  options: PlacementOptions = {},
): Placement {
  const linker = options.linker ?? "bfd";
  const inputs = collectInputs(objects);
  const osecs = outputSections(script);
  const descs: Rule[] = [];
  for (const os of osecs)
    for (const it of os.body) if (it.kind === "InputSection") descs.push({ outputSection: os, desc: it });

  // 1. First match.
  const assignments: Assignment[] = [];
  const byDesc = new Map<A.InputSectionDesc, InputSection[]>();
  const orphanInputs: InputSection[] = [];
  // Of descriptions that match alike (same file, exclusions, section patterns and flags), only the
  // first can ever take an input: the later ones are never asked (a script can repeat one 60,000 times).
  const firstDescs: Rule[] = [];
  const signatures = new Set<string>();
  for (const d of descs) {
    const sig = descSignature(d.desc);
    if (signatures.has(sig)) continue;
    signatures.add(sig);
    firstDescs.push(d);
  }
  // The descriptions whose file part (pattern and EXCLUDE_FILE) takes each object, decided once per
  // object, not once per input section (a script of 20,000 descriptions for files that are not there,
  // or one file pattern of 500 KB, made that the whole cost); indexed by the literal prefixes of their
  // section patterns, so a section is tried only against the ones that can take its name.
  const prefixes = firstDescs.map((d) => sectionPrefixes(d.desc));
  const forObject = objects.map((o) => {
    const index = new PrefixIndex();
    firstDescs.forEach((d, order) => {
      if (!fileMatches(d.desc.file.value, o.path)) return;
      if (linker === "bfd" && excluded(d.desc.excludeFiles, o.path)) return;
      for (const prefix of prefixes[order]!) index.add(prefix, order);
    });
    return index;
  });
  for (const s of inputs) {
    let rule: Rule | undefined;
    for (const order of forObject[s.objectIndex]!.candidates(s.name)) {
      const d = firstDescs[order]!;
      const m = matchSections(d.desc, s);
      if (m === null) continue;
      rule = m ? { ...d, pattern: m } : d;
      break;
    }
    if (rule) {
      assignments.push({ input: s, output: rule.outputSection.name.value, rule, orphan: false });
      const list = byDesc.get(rule.desc) ?? [];
      list.push(s);
      byDesc.set(rule.desc, list);
    } else {
      assignments.push({ input: s, output: s.name, orphan: true });
      orphanInputs.push(s);
    }
  }

  // 2. Output sections: the script's (first definition of a name wins, as both linkers merge
  // duplicates into it), with flags from their inputs.
  const outputs: OutputLayout[] = [];
  const byName = new Map<string, OutputLayout>();
  for (const os of osecs) {
    if (os.name.value === "/DISCARD/" || byName.has(os.name.value)) continue;
    const o: OutputLayout = {
      name: os.name.value,
      node: os,
      orphan: false,
      address: 0n,
      size: 0n,
      align: 1n,
      flags: 0n,
      type: 1,
      inputs: [],
    };
    outputs.push(o);
    byName.set(o.name, o);
  }
  for (const os of osecs) {
    const o = byName.get(os.name.value);
    if (!o) continue;
    for (const it of os.body) {
      if (it.kind !== "InputSection") continue;
      let list = [...(byDesc.get(it) ?? [])];
      const sort = it.sections?.find((p) => p.sort.length)?.sort[0];
      if (sort === "SORT" || sort === "SORT_BY_NAME")
        list = list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      else if (sort === "SORT_BY_ALIGNMENT")
        list = list.sort((a, b) => (b.align > a.align ? 1 : b.align < a.align ? -1 : 0));
      for (const s of list) {
        o.flags |= s.flags;
        if (s.type === SHT_NOBITS && o.inputs.length === 0) o.type = SHT_NOBITS;
        else if (s.type !== SHT_NOBITS) o.type = s.type;
        o.inputs.push({ input: s, offset: 0n });
      }
    }
  }

  // 3. Orphans, in input order. The class of each output is kept beside it (recomputed when an
  // orphan joins it), and lld's order is a set too: per orphan, one scan of the outputs at most,
  // with no regexp or list search per output.
  const orphans: Orphan[] = [];
  const lldOrder: string[] = outputs.map((o) => o.name);
  const inLldOrder = new Set(lldOrder);
  const classOf = (o: OutputLayout): SectionClass | undefined =>
    o.inputs.length ? classify(o.flags, o.type) : nameClass(o.name);
  const classes = new Map(outputs.map((o) => [o, classOf(o)]));
  const fixes = new FixFinder(osecs, outputs);
  for (const s of orphanInputs) {
    const cls = classify(s.flags, s.type);
    const lldDrops = s.name === ".note.GNU-stack";
    const reportedBy: Linker[] = lldDrops ? ["bfd"] : ["bfd", "lld"];
    let target = byName.get(s.name);
    let afterBfd: string | undefined;
    if (!target) {
      const at = orphanPlace(outputs, classes, cls);
      afterBfd = at >= 0 ? outputs[at]!.name : undefined;
      target = {
        name: s.name,
        orphan: true,
        address: 0n,
        size: 0n,
        align: 1n,
        flags: 0n,
        type: s.type,
        inputs: [],
      };
      outputs.splice(at + 1, 0, target);
      byName.set(s.name, target);
    }
    const afterLld = lldDrops
      ? undefined
      : inLldOrder.has(s.name)
        ? undefined
        : lldOrder[lldOrder.length - 1];
    if (!lldDrops && !inLldOrder.has(s.name)) {
      lldOrder.push(s.name);
      inLldOrder.add(s.name);
    }
    target.flags |= s.flags;
    target.inputs.push({ input: s, offset: 0n });
    classes.set(target, classOf(target));
    if (!target.orphan) fixes.changed();
    const fix = fixes.find(s, cls);
    orphans.push({
      input: s,
      placedIn: target.name,
      ...(afterBfd !== undefined ? { afterBfd } : {}),
      ...(afterLld !== undefined ? { afterLld } : {}),
      alloc: cls !== "nonalloc",
      class: cls,
      reportedBy,
      ...(fix ? { fix } : {}),
    });
  }

  // 4. Layout, twice, so forward references (ADDR of a later section) resolve on the second pass.
  const objectSymbols = objectGlobals(objects);
  // Which description took each input, as the first-match pass decided.
  const owners = new Map<InputSection, A.InputSectionDesc>();
  for (const a of assignments) if (a.rule) owners.set(a.input, a.rule.desc);
  let result = layout(script, outputs, byName, objectSymbols, undefined, owners);
  result = layout(script, outputs, byName, objectSymbols, result.symbols, owners);
  return {
    inputs,
    assignments,
    orphans,
    outputs,
    symbols: result.symbols,
    objectSymbols,
    backwards: result.backwards,
    context: result.context,
  };
}

function nameClass(name: string): SectionClass | undefined {
  if (/^\.(text|init|fini)\b/.test(name)) return "text";
  if (/^\.rodata\b/.test(name)) return "rodata";
  if (/^\.data\b/.test(name)) return "data";
  if (/^\.bss\b/.test(name)) return "bss";
  return undefined;
}

/** The family pattern for an orphan: `.ltext` → `.ltext .ltext.*`, `.text.hot` → `.text.*`. */
export function orphanPattern(name: string): string {
  const family = /^(\.(?:l?text|l?rodata|l?data|l?bss))\.[^.]/.exec(name);
  if (family) return `${family[1]}.*`;
  return /^\.[A-Za-z0-9_]+$/.test(name) ? `${name} ${name}.*` : name;
}

/** Where GNU ld inserts a new orphan output section of class `cls`: the index it goes after (-1: first). */
function orphanPlace(
  outputs: readonly OutputLayout[],
  classes: ReadonlyMap<OutputLayout, SectionClass | undefined>,
  cls: SectionClass,
): number {
  // After the last output section of the same class, else of the class before it, else after the
  // last allocated one (the end for a non-allocated orphan). One scan from the end finds them all.
  const chain: Record<SectionClass, readonly SectionClass[]> = {
    text: ["text"],
    rodata: ["rodata", "text"],
    data: ["data", "rodata", "text"],
    bss: ["bss", "data", "rodata", "text"],
    nonalloc: [],
  };
  if (cls === "nonalloc") return outputs.length - 1;
  const wanted = chain[cls];
  const last = new Map<SectionClass, number>();
  let lastAlloc = -1;
  for (let i = outputs.length - 1; i >= 0; i--) {
    const c = classes.get(outputs[i]!);
    if (c === undefined || c === "nonalloc") continue;
    if (lastAlloc < 0) lastAlloc = i;
    if (!last.has(c)) last.set(c, i);
    // The first class of the chain wins wherever the others are: nothing earlier can change the answer.
    if (c === wanted[0]) return i;
  }
  for (const c of wanted) {
    const at = last.get(c);
    if (at !== undefined) return at;
  }
  return lastAlloc;
}

/**
 * The quick fix for an orphan: add it to the script's output section of its class (`.text`, ...,
 * `/DISCARD/` for a non-allocated one), else to the first script output section holding inputs of
 * that class. Names are looked up in a map; the second answer is kept per class until an orphan
 * joins one of the script's output sections (which changes its class).
 */
class FixFinder {
  private readonly byName = new Map<string, A.OutputSection>();
  private readonly byClass = new Map<SectionClass, A.OutputSection | undefined>();

  constructor(
    osecs: readonly A.OutputSection[],
    private readonly outputs: readonly OutputLayout[],
  ) {
    for (const o of osecs) if (!this.byName.has(o.name.value)) this.byName.set(o.name.value, o);
  }

  changed(): void {
    this.byClass.clear();
  }

  find(s: InputSection, cls: SectionClass): OrphanFix | undefined {
    const preferred: Record<SectionClass, string> = {
      text: ".text",
      rodata: ".rodata",
      data: ".data",
      bss: ".bss",
      nonalloc: "/DISCARD/",
    };
    let node = this.byName.get(preferred[cls]);
    if (!node && cls !== "nonalloc") {
      if (!this.byClass.has(cls))
        this.byClass.set(
          cls,
          this.outputs.find(
            (o) => !o.orphan && o.node && o.inputs.length && classify(o.flags, o.type) === cls,
          )?.node,
        );
      node = this.byClass.get(cls);
    }
    if (!node) return undefined;
    return {
      outputSection: node.name.value,
      text: `*(${orphanPattern(s.name)})`,
      insertBefore: node.bodyRange.end - 1,
      node,
    };
  }
}

// ---------------------------------------------------------------------------------------- layout

const alignUp = (v: bigint, a: bigint): bigint => (a <= 1n ? v : (v + a - 1n) & ~(a - 1n));
const DATA_SIZE: Record<string, bigint> = { BYTE: 1n, SHORT: 2n, LONG: 4n, QUAD: 8n, SQUAD: 8n, FILL: 0n };

interface LayoutResult {
  symbols: Map<string, bigint | undefined>;
  backwards: LocationMove[];
  context: EvalContext;
}

/**
 * GNU ld's sequential layout: `.` starts at 0 and runs through SECTIONS; an output section starts at
 * its address expression or at `.` aligned to its alignment (the largest of its inputs' and ALIGN()).
 * Inside a section, `. = constant` is an offset from the section start, as the manual says.
 */
function layout(
  script: A.Script,
  outputs: OutputLayout[],
  byName: Map<string, OutputLayout>,
  objectSymbols: ReadonlySet<string>,
  previous: Map<string, bigint | undefined> | undefined,
  owners: ReadonlyMap<InputSection, A.InputSectionDesc>,
): LayoutResult {
  // Every definition with a name contributes (both linkers merge them): grouped once.
  const parts = new Map<string, A.OutputSection[]>();
  for (const os of outputSections(script)) {
    const list = parts.get(os.name.value);
    if (list) list.push(os);
    else parts.set(os.name.value, [os]);
  }
  const symbols = new Map<string, bigint | undefined>();
  const regions = new Map<string, { origin: bigint; length: bigint }>();
  const backwards: LocationMove[] = [];
  let dot = 0n;
  // One context, its location counter set per evaluation (no object per expression).
  const context: { dot: bigint | undefined } & EvalContext = {
    dot: undefined,
    symbol: (n) => (symbols.has(n) ? symbols.get(n) : previous?.get(n)),
    defined: (n) => symbols.has(n) || objectSymbols.has(n),
    section: (n) => {
      const o = byName.get(n);
      return o ? { address: o.address, size: o.size, align: o.align } : undefined;
    },
    region: (n) => regions.get(n),
  };
  const ctx = (d: bigint | undefined): EvalContext => {
    context.dot = d;
    return context;
  };
  const assign = (a: A.Assignment, d: bigint | undefined): bigint | undefined => {
    if (a.wrapper && a.wrapper !== "HIDDEN" && objectSymbols.has(a.target.value)) return undefined; // PROVIDE yields
    const cur = a.op === "=" ? 0n : ctx(d).symbol(a.target.value);
    const v = evaluate(a.expr, ctx(d));
    const val = combine(a.op, cur, v);
    symbols.set(a.target.value, val);
    return val;
  };
  const placed = new Set<OutputLayout>();
  // The outputs do not move during layout: their indexes and the orphans' are found once.
  const indexOf = new Map(outputs.map((o, i) => [o, i]));
  const orphanIndexes = outputs.flatMap((o, i) => (o.orphan ? [i] : []));
  let nextOrphan = 0;
  const layoutOne = (o: OutputLayout): void => {
    if (placed.has(o)) return;
    placed.add(o);
    const node = o.node;
    let align = 1n;
    for (const { input } of o.inputs) if (input.align > align) align = input.align;
    if (node?.align) align = maxBig(align, evaluate(node.align, ctx(dot)) ?? 1n);
    const start = node?.address
      ? (evaluate(node.address, ctx(dot)) ?? alignUp(dot, align))
      : alignUp(dot, align);
    o.address = start;
    o.align = align;
    let off = 0n;
    if (!node) {
      for (const e of o.inputs) {
        off = alignUp(off, e.input.align);
        e.offset = off;
        off += e.input.size;
      }
    } else {
      const sub = node.subalign ? evaluate(node.subalign, ctx(dot)) : undefined;
      // The inputs each description took, in input order: grouped once, not searched per description.
      const taken = new Map<A.InputSectionDesc, OutputLayout["inputs"]>();
      for (const e of o.inputs) {
        const owner = e.input ? owners.get(e.input) : undefined;
        if (!owner) continue;
        const list = taken.get(owner);
        if (list) list.push(e);
        else taken.set(owner, [e]);
      }
      // Every definition with this name contributes (both linkers merge them).
      for (const part of parts.get(o.name) ?? []) {
        for (const it of part.body) {
          if (it.kind === "InputSection") {
            for (const e of taken.get(it) ?? []) {
              off = alignUp(off, sub ?? e.input.align);
              e.offset = off;
              off += e.input.size;
            }
          } else if (it.kind === "Data") {
            off += DATA_SIZE[it.size] ?? 0n;
          } else if (it.kind === "Assignment") {
            if (it.target.value === ".") {
              const v =
                it.op === "=" && it.expr.kind === "Number"
                  ? it.expr.value
                  : evaluate(it.expr, ctx(start + off));
              let next: bigint | undefined;
              if (v !== undefined) {
                // A compound assignment can be unknowable (`. /= .` with `.` at 0): then `.` stays.
                const combined = it.op === "=" ? v : combine(it.op, start + off, v);
                next =
                  it.op === "=" && it.expr.kind === "Number"
                    ? v
                    : combined === undefined
                      ? undefined
                      : combined - start;
              }
              if (next !== undefined) {
                if (next < off) backwards.push({ assignment: it, from: off, to: next, section: o.name });
                off = next < 0n ? 0n : next;
              }
            } else assign(it, start + off);
          }
        }
      }
    }
    o.size = off;
    dot = start + off;
  };
  for (const st of script.statements) {
    if (st.kind === "Memory") {
      for (const r of st.regions) {
        if (r.kind !== "MemoryRegion") continue;
        const origin = evaluate(r.origin, ctx(undefined));
        const length = evaluate(r.length, ctx(undefined));
        if (origin !== undefined && length !== undefined) regions.set(r.name.value, { origin, length });
      }
    }
  }
  for (const st of script.statements) {
    if (st.kind === "Assignment") {
      if (st.target.value === ".") dot = combine(st.op, dot, evaluate(st.expr, ctx(dot))) ?? dot;
      else assign(st, dot);
    }
    if (st.kind !== "Sections") continue;
    for (const it of st.items) {
      if (it.kind === "Assignment") {
        if (it.target.value === ".") {
          const v = combine(it.op, dot, evaluate(it.expr, ctx(dot)));
          if (v !== undefined) dot = v;
        } else assign(it, dot);
      } else if (it.kind === "OutputSection" || it.kind === "Overlay") {
        const nodes = it.kind === "OutputSection" ? [it] : it.sections;
        for (const n of nodes) {
          const o = byName.get(n.name.value);
          if (!o || o.node !== n) continue;
          // Orphans GNU ld inserted before this section come first. (Those before an earlier section
          // were placed with it: the scan resumes where the last one stopped.)
          const idx = indexOf.get(o)!;
          for (; nextOrphan < orphanIndexes.length && orphanIndexes[nextOrphan]! < idx; nextOrphan++)
            layoutOne(outputs[orphanIndexes[nextOrphan]!]!);
          layoutOne(o);
          for (let i = idx + 1; i < outputs.length && outputs[i]!.orphan; i++) layoutOne(outputs[i]!);
        }
      }
    }
  }
  for (const o of outputs) layoutOne(o);
  return { symbols, backwards, context: ctx(dot) };
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function combine(op: A.AssignOp, cur: bigint | undefined, v: bigint | undefined): bigint | undefined {
  if (v === undefined) return undefined;
  if (op === "=") return v;
  if (cur === undefined) return undefined;
  const M = (1n << 64n) - 1n;
  switch (op) {
    case "+=": return (cur + v) & M;
    case "-=": return (cur - v) & M;
    case "*=": return (cur * v) & M;
    case "/=": return v === 0n ? undefined : cur / v;
    case "<<=": return (cur << (v & 63n)) & M;
    case ">>=": return cur >> (v & 63n);
    case "&=": return cur & v;
    case "|=": return cur | v;
  } // prettier-ignore
}

// ---------------------------------------------------------------------------------------- messages

/** What `ld --orphan-handling=warn` prints for an orphan (without the `ld: warning: ` prefix). */
export function orphanMessage(o: Orphan, linker: Linker): string {
  return linker === "bfd"
    ? `orphan section \`${o.input.name}' from \`${o.input.object}' being placed in section \`${o.placedIn}'`
    : `${o.input.object}:(${o.input.name}) is being placed in '${o.placedIn}'`;
}

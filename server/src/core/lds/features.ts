// Editor features over the parsed script and the placement, as plain data (no LSP types): the
// outline, go-to-definition, hovers and completion. Offsets are in the parsed text.
import type * as A from "./ast";
import { outputSections, type InputSection, type Placement } from "./orphans";

export interface OutlineItem {
  readonly name: string;
  readonly kind:
    | "sections"
    | "output-section"
    | "memory"
    | "region"
    | "phdrs"
    | "phdr"
    | "assignment"
    | "command"
    | "overlay"
    | "version"
    | "version-node";
  readonly range: A.Range;
  readonly selectionRange: A.Range;
  readonly children: readonly OutlineItem[];
}

function assignmentItem(a: A.Assignment): OutlineItem {
  const name = a.wrapper ? `${a.wrapper}(${a.target.value})` : a.target.value;
  return { name, kind: "assignment", range: a.range, selectionRange: a.target.range, children: [] };
}

function sectionItem(os: A.OutputSection): OutlineItem {
  const children = os.body
    .filter((b): b is A.Assignment => b.kind === "Assignment" && b.target.value !== ".")
    .map(assignmentItem);
  return {
    name: os.name.value,
    kind: "output-section",
    range: os.range,
    selectionRange: os.name.range,
    children,
  };
}

export function documentSymbols(script: A.Script): OutlineItem[] {
  const out: OutlineItem[] = [];
  for (const st of script.statements) {
    switch (st.kind) {
      case "Sections": {
        const children: OutlineItem[] = [];
        for (const it of st.items) {
          if (it.kind === "OutputSection") children.push(sectionItem(it));
          else if (it.kind === "Overlay")
            children.push({
              name: "OVERLAY",
              kind: "overlay",
              range: it.range,
              selectionRange: it.range,
              children: it.sections.map(sectionItem),
            });
          else if (it.kind === "Assignment" && it.target.value !== ".") children.push(assignmentItem(it));
        }
        out.push({ name: "SECTIONS", kind: "sections", range: st.range, selectionRange: st.range, children });
        break;
      }
      case "Memory":
        out.push({
          name: "MEMORY",
          kind: "memory",
          range: st.range,
          selectionRange: st.range,
          children: st.regions
            .filter((r): r is A.MemoryRegion => r.kind === "MemoryRegion")
            .map((r) => ({
              name: r.name.value,
              kind: "region" as const,
              range: r.range,
              selectionRange: r.name.range,
              children: [],
            })),
        });
        break;
      case "Phdrs":
        out.push({
          name: "PHDRS",
          kind: "phdrs",
          range: st.range,
          selectionRange: st.range,
          children: st.headers.map((h) => ({
            name: h.name.value,
            kind: "phdr" as const,
            range: h.range,
            selectionRange: h.name.range,
            children: [],
          })),
        });
        break;
      case "Version":
        out.push({
          name: "VERSION",
          kind: "version",
          range: st.range,
          selectionRange: st.range,
          children: st.tags.map((t) => ({
            name: t.value,
            kind: "version-node" as const,
            range: t.range,
            selectionRange: t.range,
            children: [],
          })),
        });
        break;
      case "Assignment":
        if (st.target.value !== ".") out.push(assignmentItem(st));
        break;
      case "Command":
        out.push({
          name: `${st.name}(${st.args.map((a) => a.value).join(", ")})`,
          kind: "command",
          range: st.range,
          selectionRange: st.nameRange,
          children: [],
        });
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------- walking

type AnyNode =
  A.TopLevel | A.SectionsItem | A.OutputSectionItem | A.Expr | A.Name | A.Pattern | A.MemoryRegion | A.Phdr;

/** A node's children in source order (a Chain's are taken one at a time by visitNodes() and nodeAt()). */
function children(n: AnyNode): (AnyNode | undefined)[] {
  switch (n.kind) {
    case "Unary":
      return [n.operand];
    case "Binary":
      return [n.left, n.right];
    case "Ternary":
      return [n.cond, n.then, n.else];
    case "Call":
      return [...n.args];
    case "Assignment":
      return [n.target, n.expr];
    case "Assert":
      return [n.cond];
    case "Data":
      return [n.expr];
    case "InputSection":
      return [n.file, ...(n.sections ?? [])];
    case "OutputSection":
      return [
        n.name,
        n.address,
        n.at,
        n.align,
        n.subalign,
        ...n.body,
        n.region,
        n.lmaRegion,
        ...n.phdrs,
        n.fill,
      ];
    case "Overlay":
      return [n.start, n.at, ...n.sections, n.region, ...n.phdrs, n.fill];
    case "Sections":
      return [...n.items];
    case "Memory":
      return [...n.regions];
    case "MemoryRegion":
      return [n.name, n.origin, n.length];
    case "Phdrs":
      return [...n.headers];
    case "Phdr":
      return [n.name, n.type, n.at, n.flags];
    case "Command":
      return [...n.args];
    case "Include":
      return [n.file];
    case "Version":
      return [...n.tags];
  }
  return [];
}

/** Where a walk is in a Chain: its operands are made one at a time, as the walk reaches them. */
interface ChainCursor {
  readonly chain: A.Chain;
  next: number;
}

/**
 * Visits every node of the tree, parents before children, until `visit` returns true. Iterative,
 * with its own stack: a long `a + (b + (c + ...))` is as deep as it is long, and a Chain's operands
 * are not all made at once; with `chainTokens` false, a Chain's symbol, number and `.` operands are
 * not visited at all. A callback rather than a generator: a megabyte script has millions of nodes,
 * and each step of a generator is an object.
 */
export function visitNodes(
  script: A.Script,
  chainTokens: boolean,
  visit: (n: AnyNode) => boolean | void,
): void {
  const stack: (AnyNode | ChainCursor)[] = [];
  for (let i = script.statements.length - 1; i >= 0; i--) stack.push(script.statements[i]!);
  while (stack.length > 0) {
    const top = stack.pop()!;
    if ("chain" in top) {
      // Without chainTokens, only the operands the parser made nodes for (the caller reads the
      // symbols and numbers of a Chain itself, without a node each).
      while (!chainTokens && top.next < top.chain.count && top.chain.operandKind(top.next) !== "Node")
        top.next++;
      if (top.next < top.chain.count) {
        stack.push(top);
        stack.push(top.chain.operand(top.next++));
      }
      continue;
    }
    if (visit(top) === true) return;
    if (top.kind === "Chain") {
      stack.push({ chain: top, next: 0 });
      continue;
    }
    pushChildren(stack, top);
  }
}

type WalkStack = (AnyNode | ChainCursor)[];

/** children(n), pushed last first onto a walk's stack (no list per node: a big script has millions). */
function pushChildren(stack: WalkStack, n: AnyNode): void {
  switch (n.kind) {
    case "OutputSection":
      pushOne(stack, n.fill);
      pushAll(stack, n.phdrs);
      pushOne(stack, n.lmaRegion);
      pushOne(stack, n.region);
      pushAll(stack, n.body);
      pushOne(stack, n.subalign);
      pushOne(stack, n.align);
      pushOne(stack, n.at);
      pushOne(stack, n.address);
      pushOne(stack, n.name);
      return;
    case "InputSection":
      if (n.sections) pushAll(stack, n.sections);
      pushOne(stack, n.file);
      return;
    case "Sections":
      pushAll(stack, n.items);
      return;
    case "Name":
    case "Pattern":
    case "Symbol":
    case "Number":
    case "Dot":
      return;
    default: {
      const kids = children(n);
      for (let i = kids.length - 1; i >= 0; i--) pushOne(stack, kids[i]);
    }
  }
}

function pushOne(stack: WalkStack, n: AnyNode | undefined): void {
  if (n) stack.push(n);
}

function pushAll(stack: WalkStack, list: readonly AnyNode[]): void {
  for (let i = list.length - 1; i >= 0; i--) stack.push(list[i]!);
}

/**
 * The items of a list in text order whose range may contain `offset`.
 */
function itemsAround<T extends AnyNode>(items: readonly T[], offset: number): T[] {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.range.start <= offset) lo = mid + 1;
    else hi = mid;
  }
  // items[0..lo) start at or before offset. Statements follow each other, so only the last few can
  // still reach it (two that touch at `offset`, an empty one there): back while they do.
  let from = lo;
  while (from > 0 && items[from - 1]!.range.end >= offset) from--;
  return items.slice(from, lo);
}

/** The innermost node whose range contains `offset`: only the subtrees around it are visited. */
export function nodeAt(script: A.Script, offset: number): AnyNode | undefined {
  const contains = (n: AnyNode): boolean => n.range.start <= offset && offset <= n.range.end;
  let best: AnyNode | undefined;
  // Pre-order, as the tree reads: of two nodes of the same size, the later one wins.
  const stack: AnyNode[] = script.statements.filter(contains).reverse();
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (!best || n.range.end - n.range.start <= best.range.end - best.range.start) best = n;
    // A long chain finds its operand by offset rather than making every operand to test it, and a
    // long list of statements by a binary search of their ranges.
    const kids =
      n.kind === "Chain"
        ? n.operandsAt(offset)
        : n.kind === "Sections"
          ? itemsAround(n.items, offset)
          : n.kind === "OutputSection" && n.body.length > 8
            ? [
                n.name,
                n.address,
                n.at,
                n.align,
                n.subalign,
                ...itemsAround(n.body, offset),
                n.region,
                n.lmaRegion,
                ...n.phdrs,
                n.fill,
              ]
            : children(n);
    for (let i = kids.length - 1; i >= 0; i--) if (kids[i] && contains(kids[i]!)) stack.push(kids[i]!);
  }
  return best;
}

// ---------------------------------------------------------------------------------------- definition

/** Every assignment statement (not descending into expressions, which hold none), in text order.
 * Loops rather than generators: one generator per output section made a hover on a big script
 * cost 25 ms. */
function forEachAssignment(script: A.Script, visit: (a: A.Assignment) => void): void {
  const body = (items: readonly (A.SectionsItem | A.OutputSectionItem)[]): void => {
    for (const it of items) {
      if (it.kind === "Assignment") visit(it);
      else if (it.kind === "OutputSection") body(it.body);
      else if (it.kind === "Overlay") for (const o of it.sections) body(o.body);
    }
  };
  for (const st of script.statements) {
    if (st.kind === "Assignment") visit(st);
    else if (st.kind === "Sections") body(st.items);
  }
}

/** Where a symbol is defined in the script: every assignment and PROVIDE of it. */
export function findDefinitions(script: A.Script, name: string): A.Range[] {
  const out: A.Range[] = [];
  forEachAssignment(script, (a) => {
    if (a.target.value === name) out.push(a.target.range);
  });
  return out;
}

/** The INCLUDE statement whose file name is at `offset`. */
export function includeAt(script: A.Script, offset: number): A.Include | undefined {
  let found: A.Include | undefined;
  visitNodes(script, true, (n) => {
    if (n.kind === "Include" && n.file.range.start <= offset && offset <= n.file.range.end) found = n;
    return found !== undefined;
  });
  return found;
}

/** Go to definition at an offset: the symbol (or output section, or memory region) under it. */
export function definitionAt(script: A.Script, offset: number): A.Range[] {
  const n = nodeAt(script, offset);
  if (!n) return [];
  let name: string | undefined;
  if (n.kind === "Symbol") name = n.name;
  else if (n.kind === "Name") name = n.value;
  if (name === undefined) return [];
  const defs = findDefinitions(script, name);
  if (defs.length) return defs;
  const os = outputSections(script).find((o) => o.name.value === name);
  if (os && os.name.range.start !== n.range.start) return [os.name.range];
  for (const st of script.statements) {
    if (st.kind === "Memory")
      for (const r of st.regions)
        if (r.kind === "MemoryRegion" && r.name.value === name) return [r.name.range];
  }
  return [];
}

// ---------------------------------------------------------------------------------------- hover

export interface HoverInfo {
  readonly range: A.Range;
  /** Markdown. */
  readonly markdown: string;
  /** For a pattern: what it matches. */
  readonly matches?: readonly InputSection[];
}

const hex = (v: bigint): string => "0x" + v.toString(16);
const base = (p: string): string => p.slice(p.lastIndexOf("/") + 1);

export function hoverAt(script: A.Script, offset: number, placement?: Placement): HoverInfo | undefined {
  const n = nodeAt(script, offset);
  if (!n || !placement) return undefined;
  if (n.kind === "Pattern") {
    const matches = placement.assignments
      .filter((a) => a.rule?.pattern === n || (a.rule?.desc.file === n && !a.rule.pattern))
      .map((a) => a.input);
    // A file pattern: what the whole description took.
    const fileMatches = placement.assignments.filter((a) => a.rule?.desc.file === n).map((a) => a.input);
    const list = matches.length ? matches : fileMatches;
    const rows = list.map((s) => `| ${base(s.object)} | \`${s.name}\` | ${hex(s.size)} |`);
    const markdown = list.length
      ? `**\`${n.value}\`** takes ${list.length} input section${list.length === 1 ? "" : "s"}\n\n| object | section | size |\n|---|---|---|\n${rows.join("\n")}`
      : `**\`${n.value}\`** takes no input section (an earlier rule took them, or no object has one)`;
    return { range: n.range, markdown, matches: list };
  }
  if (n.kind === "Name") {
    const out = placement.outputs.find((o) => o.node?.name === n);
    if (out) {
      const orphans = placement.orphans.filter((o) => o.afterBfd === out.name).map((o) => o.placedIn);
      const lines = [
        `**${out.name}**: address ${hex(out.address)}, size ${hex(out.size)} (${out.size} bytes), align ${hex(out.align)}`,
        `${out.inputs.length} input section${out.inputs.length === 1 ? "" : "s"} (\`ld -r\` layout starting at 0)`,
      ];
      if (orphans.length)
        lines.push(
          `GNU ld puts the orphan${orphans.length > 1 ? "s" : ""} ${[...new Set(orphans)].map((o) => `\`${o}\``).join(", ")} after it`,
        );
      return { range: n.range, markdown: lines.join("\n\n") };
    }
    if (n.value === "/DISCARD/") {
      const dropped = placement.assignments.filter((a) => a.output === "/DISCARD/");
      return {
        range: n.range,
        markdown: `**/DISCARD/** drops ${dropped.length} input section${dropped.length === 1 ? "" : "s"}`,
      };
    }
  }
  if (n.kind === "Symbol" || (n.kind === "Name" && placement.symbols.has(n.value))) {
    const name = n.kind === "Symbol" ? n.name : n.value;
    const v = placement.symbols.get(name);
    if (placement.symbols.has(name))
      return {
        range: n.range,
        markdown: `**${name}** = ${v === undefined ? "(not known)" : hex(v)} (simulated)`,
      };
    if (placement.objectSymbols.has(name))
      return { range: n.range, markdown: `**${name}**: defined by an input object` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------- completion

export interface CompletionEntry {
  readonly label: string;
  readonly kind: "keyword" | "function" | "section" | "symbol";
  readonly detail?: string;
}

export const LDS_KEYWORDS = [
  "SECTIONS", "MEMORY", "PHDRS", "ENTRY", "OUTPUT_FORMAT", "OUTPUT_ARCH", "INCLUDE", "SEARCH_DIR", "INPUT", "GROUP",
  "AS_NEEDED", "OUTPUT", "TARGET", "STARTUP", "NOCROSSREFS", "EXTERN", "INSERT", "AFTER", "BEFORE", "REGION_ALIAS",
  "FORCE_COMMON_ALLOCATION", "PROVIDE", "PROVIDE_HIDDEN", "HIDDEN", "ASSERT", "KEEP", "EXCLUDE_FILE", "SORT",
  "SORT_BY_NAME", "SORT_BY_ALIGNMENT", "SORT_BY_INIT_PRIORITY", "SORT_NONE", "COMMON", "INPUT_SECTION_FLAGS",
  "BYTE", "SHORT", "LONG", "QUAD", "SQUAD", "FILL", "AT", "SUBALIGN", "ONLY_IF_RO", "ONLY_IF_RW", "NOLOAD", "COPY",
  "INFO", "OVERLAY", "NOCROSSREFS", "FILEHDR", "FLAGS", "CONSTRUCTORS", "/DISCARD/",
]; // prettier-ignore

export const LDS_BUILTINS = [
  "ADDR", "LOADADDR", "SIZEOF", "ALIGN", "ALIGNOF", "DEFINED", "MAX", "MIN", "ABSOLUTE", "CONSTANT", "SIZEOF_HEADERS",
  "ORIGIN", "LENGTH", "NEXT", "LOG2CEIL", "SEGMENT_START", "DATA_SEGMENT_ALIGN", "DATA_SEGMENT_END",
  "DATA_SEGMENT_RELRO_END", "BLOCK",
]; // prettier-ignore

/** Completion candidates: section names present in the objects, script symbols, keywords, builtins. */
export function completions(script: A.Script, placement?: Placement): CompletionEntry[] {
  const out: CompletionEntry[] = [];
  const seen = new Set<string>();
  if (placement) {
    for (const s of placement.inputs) {
      if (seen.has(s.name)) continue;
      seen.add(s.name);
      const objs = placement.inputs.filter((x) => x.name === s.name).length;
      out.push({
        label: s.name,
        kind: "section",
        detail: `input section in ${objs} object${objs === 1 ? "" : "s"}`,
      });
    }
  }
  forEachAssignment(script, (a) => {
    if (a.target.value !== "." && !seen.has(a.target.value)) {
      seen.add(a.target.value);
      out.push({ label: a.target.value, kind: "symbol", detail: "defined in this script" });
    }
  });
  for (const k of LDS_KEYWORDS) if (!seen.has(k)) out.push({ label: k, kind: "keyword" });
  for (const b of LDS_BUILTINS) out.push({ label: b, kind: "function", detail: "linker script builtin" });
  return out;
}

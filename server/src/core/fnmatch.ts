// Wildcard matching with fnmatch(3)'s meaning and no regular expressions: `*` any run, `?` any one
// character, `[...]` a set (`!` or `^` negates, `a-z` ranges, `[:alpha:]` classes, a `]` first is a
// member, a reversed range such as `z-a` matches nothing), `\` escapes the next character, and a
// `[` without its `]` is an ordinary character. GNU ld calls fnmatch with no flags, so `*` and `?`
// also match `/` and a leading `.`; callers that want path semantics split on `/` themselves.
//
// Cost: the pattern is compiled once into literal segments between stars. The first segment is
// anchored at the start, the last at the end, and each one between is found at its leftmost place
// after the previous one; leftmost is always right for `*`, so there is no backtracking and no
// exponential case. A segment of plain characters is found with indexOf; one with `?` or a set is
// tried at each start, so the worst case is O(name × segment), never worse.

type Atom =
  | { readonly kind: "char"; readonly ch: string }
  | { readonly kind: "any" }
  | { readonly kind: "set"; readonly test: (ch: string) => boolean };

interface Compiled {
  /** Segments between stars, each a list of one-character atoms. */
  readonly segments: readonly (readonly Atom[])[];
  /** Plain text of each segment, when it has only literal characters (for indexOf). */
  readonly literal: readonly (string | undefined)[];
  readonly leadingStar: boolean;
  readonly trailingStar: boolean;
}

const CLASSES: Record<string, (c: string) => boolean> = {
  alpha: (c) => /^[A-Za-z]$/.test(c),
  digit: (c) => c >= "0" && c <= "9",
  alnum: (c) => /^[A-Za-z0-9]$/.test(c),
  upper: (c) => c >= "A" && c <= "Z",
  lower: (c) => c >= "a" && c <= "z",
  space: (c) => /^[ \t\n\r\f\v]$/.test(c),
  blank: (c) => c === " " || c === "\t",
  xdigit: (c) => /^[0-9A-Fa-f]$/.test(c),
  punct: (c) => /^[!-/:-@[-`{-~]$/.test(c),
  print: (c) => c >= " " && c <= "~",
  graph: (c) => c > " " && c <= "~",
  cntrl: (c) => c < " " || c === "\x7f",
};

/** Parse a `[...]` set starting at `open`; undefined when it has no closing `]` (then `[` is literal). */
function parseSet(p: string, open: number): { test: (ch: string) => boolean; end: number } | undefined {
  let i = open + 1;
  let negate = false;
  if (p[i] === "!" || p[i] === "^") {
    negate = true;
    i++;
  }
  const singles = new Set<string>();
  const ranges: [string, string][] = [];
  const classes: ((c: string) => boolean)[] = [];
  let first = true;
  for (;;) {
    if (i >= p.length) return undefined;
    let c = p[i]!;
    if (c === "]" && !first) break;
    first = false;
    if (c === "[" && p[i + 1] === ":") {
      const close = p.indexOf(":]", i + 2);
      const fn = close >= 0 ? CLASSES[p.slice(i + 2, close)] : undefined;
      if (fn) {
        classes.push(fn);
        i = close + 2;
        continue;
      }
    }
    if (c === "\\" && i + 1 < p.length) c = p[++i]!;
    if (p[i + 1] === "-" && i + 2 < p.length && p[i + 2] !== "]") {
      let hi = p[i + 2]!;
      let skip = 3;
      if (hi === "\\" && i + 3 < p.length) {
        hi = p[i + 3]!;
        skip = 4;
      }
      ranges.push([c, hi]);
      i += skip;
      continue;
    }
    singles.add(c);
    i++;
  }
  const test = (ch: string): boolean => {
    const hit =
      singles.has(ch) || ranges.some(([lo, hi]) => lo <= ch && ch <= hi) || classes.some((f) => f(ch));
    return hit !== negate;
  };
  return { test, end: i };
}

function compile(pattern: string): Compiled {
  const segments: Atom[][] = [[]];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const seg = segments[segments.length - 1]!;
    if (c === "*") {
      if (seg.length > 0 || segments.length === 1) segments.push([]);
      continue;
    }
    if (c === "?") seg.push({ kind: "any" });
    else if (c === "[") {
      const set = parseSet(pattern, i);
      if (set) {
        seg.push({ kind: "set", test: set.test });
        i = set.end;
      } else seg.push({ kind: "char", ch: "[" });
    } else if (c === "\\" && i + 1 < pattern.length) seg.push({ kind: "char", ch: pattern[++i]! });
    else seg.push({ kind: "char", ch: c });
  }
  const leadingStar = pattern.startsWith("*");
  const trailingStar = segments.length > 1 && segments[segments.length - 1]!.length === 0;
  if (trailingStar) segments.pop();
  if (leadingStar) segments.shift();
  const literal = segments.map((s) =>
    s.every((a) => a.kind === "char") ? s.map((a) => (a.kind === "char" ? a.ch : "")).join("") : undefined,
  );
  return { segments, literal, leadingStar, trailingStar };
}

function matchAt(seg: readonly Atom[], name: string, at: number): boolean {
  if (at + seg.length > name.length) return false;
  for (let k = 0; k < seg.length; k++) {
    const a = seg[k]!;
    const ch = name[at + k]!;
    if (a.kind === "char" ? a.ch !== ch : a.kind === "set" && !a.test(ch)) return false;
  }
  return true;
}

function find(c: Compiled, i: number, name: string, from: number): number {
  const lit = c.literal[i];
  if (lit !== undefined) return name.indexOf(lit, from);
  const seg = c.segments[i]!;
  for (let at = from; at + seg.length <= name.length; at++) if (matchAt(seg, name, at)) return at;
  return -1;
}

/**
 * A cache keyed by pattern text, bounded in entries and in the characters of its keys: a pattern can
 * be hundreds of kilobytes (and what is cached for it as large), and the language server runs for
 * hours, so a bound on entries alone would not bound memory. Full, it starts again empty.
 */
export class PatternCache<V> {
  private readonly map = new Map<string, V>();
  private chars = 0;

  constructor(
    private readonly maxEntries = 1 << 16,
    private readonly maxChars = 1 << 20,
  ) {}

  get(pattern: string): V | undefined {
    return this.map.get(pattern);
  }

  set(pattern: string, value: V): void {
    if (this.map.size >= this.maxEntries || this.chars + pattern.length > this.maxChars) {
      this.map.clear();
      this.chars = 0;
    }
    this.map.set(pattern, value);
    this.chars += pattern.length;
  }
}

const cache = new PatternCache<Compiled>();

function compiled(pattern: string): Compiled {
  let c = cache.get(pattern);
  if (!c) {
    c = compile(pattern);
    cache.set(pattern, c);
  }
  return c;
}

/** Whether `name` matches the fnmatch pattern (flags 0: `*` and `?` match `/` too). */
export function fnmatch(pattern: string, name: string): boolean {
  const c = compiled(pattern);
  const segs = c.segments;
  if (!c.leadingStar && !c.trailingStar && segs.length === 1)
    return segs[0]!.length === name.length && matchAt(segs[0]!, name, 0);
  if (segs.length === 0) return c.leadingStar || name.length === 0;
  let pos = 0;
  let first = 0;
  let last = segs.length;
  if (!c.leadingStar) {
    if (!matchAt(segs[0]!, name, 0)) return false;
    pos = segs[0]!.length;
    first = 1;
  }
  let end = name.length;
  if (!c.trailingStar) {
    const tail = segs[segs.length - 1]!;
    if (last - 1 < first) return pos === name.length;
    if (name.length - tail.length < pos || !matchAt(tail, name, name.length - tail.length)) return false;
    end = name.length - tail.length;
    last--;
  }
  for (let i = first; i < last; i++) {
    const at = find(c, i, name, pos);
    if (at < 0 || at + segs[i]!.length > end) return false;
    pos = at + segs[i]!.length;
  }
  return true;
}

/** Whether a pattern has wildcard characters at all (GNU ld compares the others with strcmp). */
export function isWildcard(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 42 || c === 63 || c === 91) return true;
  }
  return false;
}

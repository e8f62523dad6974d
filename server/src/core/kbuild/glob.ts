// Glob matching for user-configured extra purgatory paths ("build/**/purgatory.ro",
// "out/*/kexec-purgatory.ro"): `**` (any number of folders), `*`, `?` and `[...]` within one path
// segment (fnmatch, no regular expressions), `{a,b}` alternatives. Patterns and paths are
// "/"-separated and relative to a search root.
import { fnmatch } from "../fnmatch";

/** At most this many alternatives from `{a,b}` groups (a pattern is a setting, not an attack, but still). */
const MAX_ALTERNATIVES = 256;

function expandBraces(glob: string): string[] {
  const open = glob.indexOf("{");
  const close = open < 0 ? -1 : glob.indexOf("}", open);
  if (close < 0) return [glob];
  const head = glob.slice(0, open);
  const tail = expandBraces(glob.slice(close + 1));
  const out: string[] = [];
  for (const alt of glob.slice(open + 1, close).split(","))
    for (const t of tail) {
      if (out.length >= MAX_ALTERNATIVES) return out;
      out.push(head + alt + t);
    }
  return out;
}

/** Segments against segments; `**` takes any number of them. Dynamic programming, no backtracking. */
function matchSegments(pattern: readonly string[], path: readonly string[]): boolean {
  // can[j]: the pattern so far matches path[0..j).
  let can = new Array<boolean>(path.length + 1).fill(false);
  can[0] = true;
  for (const p of pattern) {
    const next = new Array<boolean>(path.length + 1).fill(false);
    if (p === "**") {
      let any = false;
      for (let j = 0; j <= path.length; j++) {
        any = any || can[j]!;
        next[j] = any;
      }
    } else for (let j = 0; j < path.length; j++) if (can[j] && fnmatch(p, path[j]!)) next[j + 1] = true;
    can = next;
  }
  return can[path.length]!;
}

/** Compile a glob into a matcher on relative paths. A leading "./" or "/" is ignored. */
export function globMatcher(glob: string): (relativePath: string) => boolean {
  const patterns = expandBraces(glob.replace(/^\.?\//, "")).map((g) => g.split("/"));
  return (p) => {
    const segments = p.split("/");
    return patterns.some((pat) => matchSegments(pat, segments));
  };
}

// No import cycles in the server's sources, type-only imports included. ESLint's import-x/no-cycle
// (eslint.config.mjs) fails `npm test` on value cycles but skips `import type`; this walks every
// import and export-from, types too, so a cycle of types fails as well.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "../helpers";

const SERVER = join(repoRoot, "server", "src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** The relative modules a file imports or re-exports from, resolved to files. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"/gms)) {
    const base = resolve(dirname(file), m[1]!);
    const hit = [`${base}.ts`, join(base, "index.ts")].find((p) => existsSync(p));
    if (hit) out.push(hit);
  }
  return out;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("import cycles", () => {
  it("the server's sources (core, LSP glue, CLI) have none, type-only imports included", () => {
    const files = sources(SERVER);
    assert.ok(files.length > 50, `only ${files.length} sources found under ${SERVER}`);
    const graph = new Map(files.map((f) => [f, importsOf(f, readFileSync(f, "utf8"))]));
    const named = cycles(graph).map((c) => c.map((f) => relative(SERVER, f)).join(" ⇄ "));
    assert.deepEqual(named, []);
  });

  it("finds a cycle when there is one, through type-only imports too", () => {
    const a = join(SERVER, "core", "a.ts");
    const b = join(SERVER, "core", "b.ts");
    const c = join(SERVER, "core", "c.ts");
    const graph = new Map([
      [a, [b]],
      [b, [c]],
      [c, [a]],
    ]);
    assert.deepEqual(cycles(graph), [[a, b, c]]);
    assert.deepEqual(
      cycles(
        new Map([
          [a, [b]],
          [b, []],
        ]),
      ),
      [],
    );
  });

  it("reads import type, export-from and multi-line imports", () => {
    const file = join(SERVER, "core", "simulate.ts");
    const text = [
      'import type { KbufPlan } from "./kexec/purgatory";',
      "import {",
      "  hex,",
      '} from "./kexec/u64";',
      'export * from "./simulation";',
      'import { readFileSync } from "node:fs";',
    ].join("\n");
    assert.deepEqual(
      importsOf(file, text).map((f) => relative(SERVER, f)),
      ["core/kexec/purgatory.ts", "core/kexec/u64.ts", "core/simulation.ts"],
    );
  });
});

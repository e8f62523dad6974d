// Helpers for the linker-script tests: a compact tree dump for goldens, the example tree's objects,
// and a generator of large scripts for the parser benchmark.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Range, Script } from "../server/src/core/lds/ast";
import { readElf } from "../server/src/core/elf/reader";
import type { InputObject } from "../server/src/core/lds/orphans";
import { repoRoot } from "./helpers";

/** `line:col-line:col`, 1-based lines and columns, as an editor shows them. */
export function fmtRange(r: Range): string {
  return `${r.line + 1}:${r.col + 1}-${r.endLine + 1}:${r.endCol + 1}`;
}

/** The tree as JSON with ranges shortened to `fmtRange` and bigints as hex strings. */
export function dumpTree(script: Script): unknown {
  const conv = (v: unknown): unknown => {
    if (typeof v === "bigint") return "0x" + v.toString(16);
    if (Array.isArray(v)) return v.map(conv);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if ("start" in o && "endCol" in o) return fmtRange(o as unknown as Range);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) out[k] = conv(x);
      return out;
    }
    return v;
  };
  return conv({
    statements: script.statements,
    lineMarkers: script.lineMarkers,
    directives: script.directives,
    conditionals: script.conditionals,
  });
}

export const EXAMPLE_PURGATORY = join(repoRoot, "examples", "linux", "arch", "x86", "purgatory");
/** The example tree's objects in kbuild's link order (clang-19 -mcmodel=large: .ltext, .lrodata). */
export const EXAMPLE_OBJECTS = [
  "purgatory.o",
  "stack.o",
  "setup-x86_64.o",
  "sha256.o",
  "entry64.o",
  "string.o",
];

export function loadObjects(paths: readonly string[]): InputObject[] {
  return paths.map((path) => ({ path, elf: readElf(readFileSync(path)) }));
}

/**
 * A valid script of about `lines` lines (for the parse benchmark: `generateLargeScript(5000)`):
 * MEMORY, many output sections with input descriptions, assignments, ASSERTs and comments.
 */
export function generateLargeScript(lines: number): string {
  const out: string[] = [
    "/* generated */",
    'OUTPUT_FORMAT("elf64-x86-64")',
    "ENTRY(_start)",
    "MEMORY { ram (rwx) : ORIGIN = 0x100000, LENGTH = 64M }",
    "SECTIONS",
    "{",
  ];
  let i = 0;
  while (out.length + 8 < lines) {
    out.push(
      `\t.sec${i} ALIGN(0x10) : AT(ADDR(.sec${i}) - 0x100000) {`,
      `\t\t__sec${i}_start = .; /* start ${i} */`,
      `\t\tKEEP(*(.sec${i}.head)) *(SORT_BY_NAME(.sec${i}.*)) EXCLUDE_FILE(*crt.o) *(.sec${i})`,
      `\t\tLONG(${i} * 4 + (1 << 3)) . = ALIGN(8);`,
      `\t\t__sec${i}_end = .;`,
      `\t} >ram`,
      `\tASSERT(SIZEOF(.sec${i}) < 16M, "section ${i} too big")`,
    );
    i++;
  }
  while (out.length < lines - 1) out.push(`\t/* padding ${out.length} */`);
  out.push("}");
  return out.join("\n") + "\n";
}

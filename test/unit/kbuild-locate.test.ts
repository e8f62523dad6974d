import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { bestDefinition, findSymbolInText, locateSymbol } from "../../server/src/core/kbuild/locate";
import { maskCommentsAndStrings } from "../../server/src/core/kbuild/mask";
import { memoryTreeFs } from "../../server/src/core/kbuild/memory-fs";
import { nodeTreeFs } from "../../server/src/core/kbuild/node-fs";
import { repoRoot } from "../helpers";

const dir = join(repoRoot, "examples/linux/arch/x86/purgatory");
const SOURCES = [
  "purgatory.c",
  "purgatory.h",
  "sha256.c",
  "sha256.h",
  "string.c",
  "stack.S",
  "setup-x86_64.S",
  "entry64.S",
].map((f) => join(dir, f));
const where = (o: { path: string; line: number; kind: string }) =>
  `${o.path.slice(dir.length + 1)}:${o.line + 1}:${o.kind}`;

describe("symbol locator", () => {
  it("finds purgatory_start's label, directives and the reference-free C side in the example", async () => {
    const occ = await locateSymbol(nodeTreeFs, SOURCES, "purgatory_start");
    assert.deepEqual(occ.map(where), [
      "setup-x86_64.S:15:directive", // .globl
      "setup-x86_64.S:16:directive", // .type
      "setup-x86_64.S:17:label",
      "setup-x86_64.S:38:directive", // .size purgatory_start, ...
      "setup-x86_64.S:38:reference", // ... . - purgatory_start
    ]);
    assert.equal(where(bestDefinition(occ)!), "setup-x86_64.S:17:label");
    const label = occ[2]!;
    assert.deepEqual([label.startColumn, label.endColumn], [0, "purgatory_start".length]);
  });

  it("finds C definitions and references, including inside asm() strings, not in comments", async () => {
    const occ = await locateSymbol(nodeTreeFs, SOURCES, "purgatory_sha_regions");
    assert.deepEqual(occ.map(where), [
      "purgatory.c:48:c-definition", // struct kexec_sha_region purgatory_sha_regions[SHA_REGIONS] __section(...)
      "purgatory.c:56:reference", // asm("movl $purgatory_sha_regions, %k0" ...)
      "purgatory.c:59:reference", // return purgatory_sha_regions;
    ]);
    const digest = await locateSymbol(nodeTreeFs, SOURCES, "purgatory_sha256_digest");
    assert.deepEqual(digest.filter((o) => o.role === "definition").map(where), [
      "purgatory.c:37:c-definition",
      "purgatory.c:39:c-definition",
      "purgatory.c:41:c-definition",
    ]);
    const fn = await locateSymbol(nodeTreeFs, SOURCES, "verify_sha256_digest");
    assert.deepEqual(fn.map(where), ["purgatory.c:63:c-definition", "purgatory.c:84:reference"]);
  });

  it("tells a prototype in a header from the definition in a .c file", async () => {
    const occ = await locateSymbol(nodeTreeFs, SOURCES, "memcpy");
    const defs = occ.filter((o) => o.role === "definition").map(where);
    assert.deepEqual(defs, ["string.c:9:c-definition"]);
    assert.ok(occ.some((o) => where(o) === "purgatory.h:25:reference"));
    assert.ok(occ.some((o) => where(o) === "purgatory.c:71:reference"));
  });

  it("classifies assembly: data labels, references with $ and (%rip), # comments, cpp lines", async () => {
    const regs = await locateSymbol(nodeTreeFs, SOURCES, "entry64_regs");
    assert.equal(
      regs
        .filter((o) => o.kind === "label")
        .map(where)
        .join(),
      "entry64.S:63:label",
    );
    assert.equal(regs.filter((o) => o.role === "reference").length, 18); // 17 loads + .size's second
    const stackEnd = await locateSymbol(nodeTreeFs, SOURCES, "stack_end");
    assert.deepEqual(stackEnd.map(where), [
      "stack.S:17:directive",
      "stack.S:19:directive",
      "stack.S:20:label",
      "stack.S:21:directive",
    ]);
    // "stack" as a word: not inside stack_end, lstack or the comment's "stack".
    const stack = await locateSymbol(nodeTreeFs, SOURCES, "stack");
    assert.deepEqual(stack.map(where), [
      "stack.S:10:directive",
      "stack.S:11:directive",
      "stack.S:12:label",
      "stack.S:14:directive",
      "stack.S:14:reference",
    ]);
  });

  it("recognises kernel linkage macros and ; separators; ignores strings and comments", () => {
    const text = [
      "SYM_CODE_START(purgatory_start)",
      "\tleaq foo(%rip), %rax ; foo: nop # foo in a comment",
      '\t.asciz "foo"',
      "/* foo */ SYM_CODE_END(purgatory_start)",
      "#define ALIAS foo",
      "ENTRY(foo)",
      "foo = 1",
      ".Lfoo: call foo.bar",
    ].join("\n");
    const occ = findSymbolInText(text, "foo", "x.S");
    assert.deepEqual(
      occ.map((o) => `${o.line}:${o.startColumn}:${o.kind}`),
      ["1:6:reference", "1:24:label", "4:14:reference", "5:6:macro", "6:0:label"],
    );
    const ps = findSymbolInText(text, "purgatory_start", "x.S");
    assert.deepEqual(
      ps.map((o) => o.kind),
      ["macro", "macro"],
    );
  });

  it("applies the C heuristics: extern, prototypes, initializers, struct tags, locals, preprocessor", () => {
    const text = [
      "extern int n;",
      "int n = 3;",
      "static int m = n + 1;",
      "struct n { int n; };",
      "int f(int n) { int x = n; return x; }",
      "#define N n",
      "int g(void);",
      'const char *s = "n";',
      "int arr[] = { n, n };",
      "int k __attribute__((aligned(8))) = 0, n2;",
      "int g(void)",
      "{",
      "\treturn n; // n",
      "}",
      "char c = 'n';",
    ].join("\n");
    const kinds = (name: string) => findSymbolInText(text, name, "a.c").map((o) => `${o.line}:${o.kind}`);
    assert.deepEqual(kinds("n"), [
      "0:reference", // extern declaration
      "1:c-definition",
      "2:reference", // in m's initializer
      "3:reference", // struct tag
      "3:reference", // member
      "4:reference", // parameter
      "4:reference",
      "5:reference", // preprocessor line
      "8:reference",
      "8:reference",
      "12:reference",
    ]);
    assert.deepEqual(kinds("g"), ["6:reference", "10:c-definition"]);
    assert.deepEqual(kinds("k"), ["9:c-definition"]);
    assert.deepEqual(kinds("arr"), ["8:c-definition"]);
    assert.deepEqual(kinds("m"), ["2:c-definition"]);
  });

  it("masks without moving offsets, and works on an in-memory tree", async () => {
    const src = 'a /* b\nc */ "d\\"e" // f\ng';
    const m = maskCommentsAndStrings(src, "c");
    assert.equal(m.length, src.length);
    assert.deepEqual(
      m.split("\n").map((l) => l.trim()),
      ["a", "", "g"],
    );
    const fs = memoryTreeFs({ "/p/a.c": "int sym = 1;\n", "/p/b.S": "\tcall sym\n", "/p/Makefile": "sym\n" });
    const occ = await locateSymbol(fs, ["/p/a.c", "/p/b.S", "/p/Makefile", "/p/missing.c"], "sym");
    assert.deepEqual(
      occ.map((o) => `${o.path}:${o.role}`),
      ["/p/a.c:definition", "/p/b.S:reference"],
    );
    assert.deepEqual(findSymbolInText("x", "", "a.c"), []);
  });
});

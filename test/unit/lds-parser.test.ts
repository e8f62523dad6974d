// Linker-script lexer, parser, evaluator and editor features: unit checks, a seeded fuzz over
// mutations of the corpus, and the large-script parse the benchmark times.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Assignment, Expr, SectionsBlock } from "../../server/src/core/lds/ast";
import { evaluate } from "../../server/src/core/lds/evaluate";
import { completions, definitionAt, documentSymbols, hoverAt } from "../../server/src/core/lds/features";
import { findOutputSection, outputSectionMentions } from "../../server/src/core/lds/output-section";
import { parseNumber, parseScript } from "../../server/src/core/lds/parser";
import { orphanPattern, placeSections, wildcardMatch } from "../../server/src/core/lds/orphans";
import { cppArgsFromCmd } from "../../server/src/core/lds/preprocess";
import { fixturePath } from "../helpers";
import { EXAMPLE_OBJECTS, EXAMPLE_PURGATORY, generateLargeScript, loadObjects } from "../lds-helpers";

const objects = loadObjects(EXAMPLE_OBJECTS.map((f) => join(EXAMPLE_PURGATORY, f)));
const noCtx = { symbol: () => undefined, defined: () => false, section: () => undefined };

function exprOf(text: string): Expr {
  const s = parseScript(`x = ${text};`);
  assert.deepEqual(s.errors, []);
  return (s.statements[0] as Assignment).expr;
}

describe("linker-script numbers and expressions", () => {
  it("reads GNU ld's number forms", () => {
    assert.equal(parseNumber("0x10"), 16n);
    assert.equal(parseNumber("4K"), 4096n);
    assert.equal(parseNumber("2M"), 2n << 20n);
    assert.equal(parseNumber("010"), 8n);
    assert.equal(parseNumber("1000h"), 0x1000n);
    assert.equal(parseNumber("$ff"), 255n);
    assert.equal(parseNumber("0x1K"), 1024n);
    assert.equal(parseNumber("12z"), undefined);
  });

  it("honours C precedence and GNU ld builtins", () => {
    assert.equal(evaluate(exprOf("1 + 2 * 3 << 1"), noCtx), 14n);
    assert.equal(evaluate(exprOf("1 ? 2 : 3 || 0"), noCtx), 2n);
    assert.equal(evaluate(exprOf("ALIGN(0x1001, 0x1000)"), noCtx), 0x2000n);
    assert.equal(evaluate(exprOf("MAX(3, 9) - MIN(3, 9)"), noCtx), 6n);
    assert.equal(evaluate(exprOf("LOG2CEIL(100)"), noCtx), 7n);
    assert.equal(evaluate(exprOf("CONSTANT(MAXPAGESIZE)"), noCtx), 0x1000n);
    assert.equal(evaluate(exprOf("-1"), noCtx), (1n << 64n) - 1n);
    assert.equal(evaluate(exprOf("DEFINED(nope) && nope"), noCtx), 0n);
  });

  it("wildcards: *, ?, [...] and [!...]", () => {
    assert.ok(wildcardMatch(".text.*", ".text.hot"));
    assert.ok(!wildcardMatch(".text.*", ".text"));
    assert.ok(wildcardMatch(".data.[a-c]?", ".data.bx"));
    assert.ok(wildcardMatch(".x[!0-9]", ".xa") && !wildcardMatch(".x[!0-9]", ".x1"));
    assert.equal(orphanPattern(".ltext"), ".ltext .ltext.*");
    assert.equal(orphanPattern(".text.hot"), ".text.*");
  });
});

describe("linker-script parser", () => {
  it("puts a range on every node and keeps ld's section-name characters together", () => {
    const text = "SECTIONS { .kexec-purgatory : { *(.kexec-purgatory) } /DISCARD/ : { *(.comment) } }";
    const s = parseScript(text);
    assert.deepEqual(s.errors, []);
    const items = (s.statements[0] as SectionsBlock).items;
    const names = items.map((i) =>
      i.kind === "OutputSection" ? text.slice(i.name.range.start, i.name.range.end) : "",
    );
    assert.deepEqual(names, [".kexec-purgatory", "/DISCARD/"]);
  });

  it("tolerant mode keeps unknown macros opaque and skips directives", () => {
    const s = parseScript(readFileSync(fixturePath("lds", "corpus", "tolerant.lds.S"), "utf8"), {
      tolerant: true,
    });
    assert.deepEqual(s.errors, []);
    assert.equal(s.conditionals.length, 1);
    const strict = parseScript(readFileSync(fixturePath("lds", "corpus", "tolerant.lds.S"), "utf8"));
    assert.ok(strict.errors.length > 0, "without tolerance, BSS_SECTION(0, 0, 0) is a syntax error");
  });

  it("fuzz: several thousand seeded mutations never throw and always terminate", () => {
    const corpus = readdirSync(fixturePath("lds", "corpus")).map((f) =>
      readFileSync(fixturePath("lds", "corpus", f), "utf8"),
    );
    corpus.push(readFileSync(fixturePath("lds", "purgatory.lds.S"), "utf8"));
    let seed = 0x2545f491;
    const rand = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pieces = [
      "{",
      "}",
      "(",
      ")",
      ";",
      ":",
      "=",
      "*",
      "/*",
      "*/",
      '"',
      "#",
      "\n",
      "SECTIONS",
      "KEEP(",
      "EXCLUDE_FILE",
      ".",
      ">",
      "AT",
      ",",
      "\\",
      "@",
      "0x",
      "?",
      "[",
      "]",
    ];
    for (let i = 0; i < 4000; i++) {
      let t = corpus[rand(corpus.length)]!;
      const edits = 1 + rand(4);
      for (let e = 0; e < edits; e++) {
        const at = rand(t.length + 1);
        const op = rand(3);
        if (op === 0) t = t.slice(0, at) + t.slice(at + 1 + rand(8));
        else if (op === 1) t = t.slice(0, at) + pieces[rand(pieces.length)]! + t.slice(at);
        else t = t.slice(0, at) + t.slice(rand(t.length));
      }
      const s = parseScript(t, { tolerant: rand(2) === 0 });
      for (const err of s.errors) assert.ok(err.range.start <= err.range.end && err.range.end <= t.length);
      placeSections(s, objects);
    }
  });

  // Its speed is measured by `npm run bench`, not asserted here.
  it("parses a generated 5,000-line script without errors", () => {
    const text = generateLargeScript(5000);
    assert.equal(text.split("\n").length - 1, 5000);
    assert.deepEqual(parseScript(text).errors, []);
  });
});

describe("linker-script features", () => {
  const text = readFileSync(fixturePath("lds", "purgatory.lds.S"), "utf8");
  const script = parseScript(text, { tolerant: true });
  const placement = placeSections(script, objects);

  it("outline: SECTIONS with its output sections", () => {
    const outline = documentSymbols(script);
    const secs = outline.find((o) => o.kind === "sections")!;
    assert.deepEqual(
      secs.children.map((c) => c.name),
      [".text", ".rodata", ".kexec-purgatory", ".data", ".bss", "/DISCARD/"],
    );
  });

  it("hover on a pattern lists the input sections it takes; on an output section its address and size", () => {
    const at = text.indexOf("*(.text)") + 3;
    const h = hoverAt(script, at, placement)!;
    assert.equal(h.matches!.length, 6);
    assert.match(h.markdown, /setup-x86_64\.o \| `\.text` \| 0x33/);
    const os = hoverAt(script, text.indexOf(".text :") + 1, placement)!;
    assert.match(os.markdown, /\*\*\.text\*\*: address 0x0, size 0xdc/);
    assert.match(os.markdown, /orphan `\.ltext` after it/);
  });

  it("go to definition of a script symbol, and completion of object section names", () => {
    const src = "SECTIONS { .bss : { __bss_start = .; *(.bss) } }\nfoo = __bss_start;\n";
    const s = parseScript(src);
    const defs = definitionAt(s, src.lastIndexOf("__bss_start") + 2);
    assert.deepEqual(
      defs.map((d) => src.slice(d.start, d.end)),
      ["__bss_start"],
    );
    assert.equal(defs[0]!.start, src.indexOf("__bss_start"));
    const labels = completions(script, placement).map((c) => c.label);
    for (const l of [".ltext", ".lrodata", "KEEP", "SIZEOF"]) assert.ok(labels.includes(l), l);
  });

  it("the quick-fix helper still finds .text", () => {
    const span = findOutputSection(text, ".text")!;
    assert.equal(text.slice(span.nameStart, span.nameEnd), ".text");
    assert.ok(outputSectionMentions(text, span, ".text"));
  });

  it("cpp flags from a kbuild .lds.cmd: -P, -o and dependency flags dropped", () => {
    const args = cppArgsFromCmd(
      [
        "gcc",
        "-E",
        "-Wp,-MMD,a/.x.d",
        "-nostdinc",
        "-I./include",
        "-include",
        "k.h",
        "-D__KERNEL__",
        "-m64",
        "-P",
        "-Ux86",
        "-o",
        "a/x.lds",
        "a/x.lds.S",
      ],
      "/src/a/x.lds.S",
    );
    assert.deepEqual(args, [
      "-x",
      "assembler-with-cpp",
      "-nostdinc",
      "-I./include",
      "-include",
      "k.h",
      "-D__KERNEL__",
      "-Ux86",
      "/src/a/x.lds.S",
    ]);
  });
});

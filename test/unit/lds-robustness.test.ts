// Hostile linker scripts: nesting past any sane depth, long operator chains, glob patterns that
// would backtrack, `. /= .` with `.` at 0. Every entry point (parse, placement, lint, outline,
// hover, definition, completion) must answer, never throw; the nesting limit is a syntax error in
// GNU ld's style. (Their cost is measured by `npm run bench`, not timed here.)
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fnmatch } from "../../server/src/core/fnmatch";
import { globMatcher } from "../../server/src/core/kbuild/glob";
import { lintDiagnostics, MAX_PER_RULE, syntaxDiagnostics } from "../../server/src/core/lds/diagnostics";
import {
  completions,
  definitionAt,
  documentSymbols,
  hoverAt,
  nodeAt,
} from "../../server/src/core/lds/features";
import { MAX_NESTING } from "../../server/src/core/lds/ldgram";
import { placeSections, wildcardMatch } from "../../server/src/core/lds/orphans";
import { parseScript } from "../../server/src/core/lds/parser";
import { EXAMPLE_OBJECTS, EXAMPLE_PURGATORY, loadObjects } from "../lds-helpers";

const objects = loadObjects(EXAMPLE_OBJECTS.map((f) => join(EXAMPLE_PURGATORY, f)));

/** Run every entry point on `text`; returns the script. */
function everything(text: string, tolerant = false): ReturnType<typeof parseScript> {
  const script = parseScript(text, { tolerant });
  const placement = placeSections(script, objects);
  syntaxDiagnostics(script);
  lintDiagnostics(script, { placement, fileExists: () => true });
  documentSymbols(script);
  for (const off of [0, text.length >> 2, text.length >> 1, text.length - 1]) {
    hoverAt(script, off, placement);
    definitionAt(script, off);
  }
  completions(script, placement);
  return script;
}

const tooDeep = `syntax error: nested more than ${MAX_NESTING} levels deep`;

describe("linker scripts: nesting and long chains", () => {
  it("590 nested parentheses (GNU ld accepts them): parsed and evaluated", () => {
    const s = everything(`SECTIONS { .text : { *(.text) } x = ${"(".repeat(590)}7${")".repeat(590)}; }`);
    assert.deepEqual(s.errors, []);
    assert.equal(placeSections(s, objects).symbols.get("x"), 7n);
  });

  it("100,000 nested parentheses: one syntax error about the depth, and nothing throws", () => {
    for (const tolerant of [false, true]) {
      const s = everything(
        `SECTIONS { x = ${"(".repeat(100000)}1${")".repeat(100000)}; .text : { *(.text) } }`,
        tolerant,
      );
      assert.ok(
        s.errors.some((e) => e.message === tooDeep),
        JSON.stringify(s.errors.slice(0, 2)),
      );
    }
  });

  it("unary and ?: chains past the limit are the same error; within it they evaluate", () => {
    for (const text of [`x = ${"-".repeat(50000)}1;`, `x = ${"1 ? ".repeat(5000)}2${" : 3".repeat(5000)};`]) {
      const s = everything(`SECTIONS { ${text} }`);
      assert.ok(s.errors.some((e) => e.message === tooDeep));
    }
    const s = everything(`SECTIONS { x = ${"- ".repeat(900)}5; y = ${"~".repeat(3)}0; }`);
    assert.deepEqual(s.errors, []);
    const p = placeSections(s, objects);
    assert.equal(p.symbols.get("x"), 5n);
    assert.equal(p.symbols.get("y"), (1n << 64n) - 1n);
  });

  it("a 200,000-term sum (left-deep, no limit in GNU ld) is parsed, evaluated and walked", () => {
    const s = everything(`SECTIONS { .text : { *(.text) } x = 1${" + 1".repeat(200000)}; }`);
    assert.deepEqual(s.errors, []);
    assert.equal(placeSections(s, objects).symbols.get("x"), 200001n);
  });

  it("hover, definition and completion at depth 3,000 find the inner symbol", () => {
    const text = `SECTIONS { .text : { *(.text) } y = 2; x = ${"(".repeat(900)}y${")".repeat(900)}; }`;
    const s = everything(text);
    const at = text.indexOf("y)");
    const n = nodeAt(s, at);
    assert.equal(n?.kind, "Symbol");
    assert.equal(definitionAt(s, at).length, 1);
    assert.ok(completions(s).some((c) => c.label === "x"));
    const deep = `SECTIONS { x = ${"(".repeat(3000)}y${")".repeat(3000)}; }`;
    everything(deep, true);
  });

  it("`. /= .` with `.` at 0 leaves `.` where it was instead of throwing", () => {
    const s = everything("SECTIONS { . = 0; . /= .; .text : { . /= .; *(.text) } x = . % 0; }");
    assert.deepEqual(s.errors, []);
    const p = placeSections(s, objects);
    assert.equal(p.symbols.get("x"), undefined);
    assert.equal(p.outputs.find((o) => o.name === ".text")?.address, 0n);
  });

  it("a megabyte of invalid characters: ld's warnings, at most a hundred, and one verdict", () => {
    const s = everything("@".repeat(1 << 20));
    const warnings = s.errors.filter((e) => e.warning);
    assert.equal(warnings.length, 100);
    assert.equal(warnings[0]!.message, "ignoring invalid character `@' in script");
  });
});

describe("fnmatch without regular expressions", () => {
  it("fnmatch(3) semantics with flags 0, as GNU ld calls it", () => {
    const cases: [string, string, boolean][] = [
      ["*", "", true],
      ["*", "a/b", true],
      [".text.*", ".text.hot", true],
      [".text.*", ".text", false],
      ["?", "/", true],
      ["*.o", "dir/x.o", true],
      ["[abc]", "b", true],
      ["[!abc]", "b", false],
      ["[^abc]", "d", true],
      ["[]]", "]", true],
      ["[]a]", "a", true],
      ["[a-]", "-", true],
      ["[a-c]x", "bx", true],
      ["[z-a]", "m", false],
      ["[z-a]", "z", false],
      [".text[z-a]", ".text[z-a]", false],
      ["[[:digit:]]*", "7up", true],
      ["[[:alpha:]]", "7", false],
      ["\\*", "*", true],
      ["\\*", "a", false],
      ["[", "[", true],
      ["a[", "a[", true],
      ["a*b*c", "aXbYc", true],
      ["a*b*c", "aXbY", false],
      ["*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa", false],
      ["*.lds", ".lds", true],
      ["**", "x", true],
      ["a*", "a", true],
      ["*a", "a", true],
      ["a*a", "a", false],
    ];
    for (const [p, n, want] of cases)
      assert.equal(fnmatch(p, n), want, `fnmatch(${JSON.stringify(p)}, ${JSON.stringify(n)})`);
  });

  it("runs of stars, huge names and patterns: answered without backtracking blow-up", () => {
    assert.equal(fnmatch("*".repeat(20) + "a", "b".repeat(100)), false);
    assert.equal(fnmatch("*a".repeat(5000) + "b", "a".repeat(20000)), false);
    const huge = "x".repeat(1 << 20);
    assert.equal(fnmatch("*x", huge), true);
    assert.equal(fnmatch(huge, huge), true);
    assert.equal(fnmatch("[z-a]*", huge), false);
    // A section pattern GNU ld would compare with strcmp (no wildcard character): backslashes stay.
    assert.equal(wildcardMatch(".a\\b", ".a\\b"), true);
  });

  it("extra-purgatory globs use it per path segment: `**` spans folders, `*` does not", () => {
    const m = globMatcher("build/**/{purgatory,kexec-purgatory}.ro");
    assert.ok(m("build/purgatory.ro"));
    assert.ok(m("build/a/b/kexec-purgatory.ro"));
    assert.ok(!m("other/purgatory.ro"));
    assert.ok(!globMatcher("out/*/x.ro")("out/a/b/x.ro"));
    assert.ok(globMatcher("./out/*/x.ro")("out/a/x.ro"));
    assert.ok(globMatcher("**")("a/b/c"));
    assert.ok(!globMatcher(`${"*".repeat(30)}z`)("a".repeat(64)));
  });

  it("placement with a reversed range, twenty stars and a huge output-section name", () => {
    const big = "." + "n".repeat(300000);
    const s = everything(
      `SECTIONS { .text : { *(.text[z-a]) *(${"*".repeat(20)}text*) } ${big} : { *(.data) } }`,
    );
    assert.deepEqual(s.errors, []);
    const p = placeSections(s, objects);
    assert.ok(p.outputs.some((o) => o.name === big));
  });
});

describe("linker-script lint: a mistake repeated thousands of times", () => {
  it("lists the first MAX_PER_RULE of a rule and counts the rest in one more diagnostic", () => {
    const text = `SECTIONS {\n${" .t : { *(.t) }\n".repeat(3000)}}\n`;
    const script = parseScript(text);
    const found = lintDiagnostics(script, { placement: placeSections(script, objects) });
    const dupes = found.filter((d) => d.code === "duplicate-output-section");
    assert.equal(dupes.length, MAX_PER_RULE + 1);
    // The listed ones are the first, in order: lines 3 to 102 (the first definition is on line 2).
    assert.deepEqual(
      dupes.slice(0, MAX_PER_RULE).map((d) => d.range.line + 1),
      Array.from({ length: MAX_PER_RULE }, (_, i) => i + 3),
    );
    for (const d of dupes.slice(0, MAX_PER_RULE))
      assert.match(d.message, /^output section `\.t' is defined twice/);
    const summary = dupes[MAX_PER_RULE]!;
    assert.equal(summary.range.line + 1, MAX_PER_RULE + 3);
    assert.match(
      summary.message,
      /^2899 more lds-duplicate-output-section diagnostics in this script are not listed \(the first is here: output section `\.t' is defined twice \(first at line 2\)/,
    );
  });

  it("a rule under the limit is listed whole, with no count", () => {
    const script = parseScript(`SECTIONS {\n${" .t : { *(.t) }\n".repeat(MAX_PER_RULE + 1)}}\n`);
    const dupes = lintDiagnostics(script).filter((d) => d.code === "duplicate-output-section");
    assert.equal(dupes.length, MAX_PER_RULE);
    assert.ok(dupes.every((d) => d.message.startsWith("output section")));
  });
});

// The cost of the text readers grows with their input as it should: each case doubles an input and
// checks the work (blocks run, counted by V8's precise coverage, see test/work.ts; or the size of what
// goes to a builtin whose cost is not counted there) at most doubles, where it used to quadruple or to
// multiply by another part of the input. Nothing is timed.
// test/work first: it starts the block counting before the code under test is compiled.
import { growth, workOf } from "../work";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ElfFile } from "../../server/src/core/elf/types";
import { parseCmdFile } from "../../server/src/core/kbuild/cmdfile";
import { kbuildTargets, parseMakefile, purgatoryObjects } from "../../server/src/core/kbuild/makefile";
import { placeSections, type InputObject } from "../../server/src/core/lds/orphans";
import { Lexer } from "../../server/src/core/lds/lexer";
import { parseNumber, parseScript } from "../../server/src/core/lds/parser";

const MAKEFILE = ["kbuild/makefile"];
const PLACEMENT = ["lds/orphans", "core/fnmatch"];
const LDS = ["core/lds/"];

/** An object with `count` code sections `.text.f<i>` (only what placement reads of an ELF file). */
function objectWith(count: number, path = "big.o"): InputObject {
  const sections = [{ index: 0, sh_type: 0, name: "", sh_flags: 0n, sh_size: 0n, sh_addralign: 0n }];
  for (let i = 1; i <= count; i++)
    sections.push({
      index: i,
      sh_type: 1,
      name: `.text.f${i}`,
      sh_flags: 6n,
      sh_size: 16n,
      sh_addralign: 16n,
    });
  return { path, elf: { sections } as unknown as ElfFile };
}

describe("Makefile reader: cost linear in the Makefile", () => {
  it("an object list of n `+=` lines, each referencing a variable: twice the lines, twice the work", () => {
    const g = growth(
      (n) => parseMakefile(`${"purgatory-y += $(X)\n".repeat(n)}X = a.o\n`),
      (mf) => assert.equal(purgatoryObjects(mf).length > 0, true),
      1000,
      MAKEFILE,
    );
    assert.ok(g.small > 1000 && g.ratio < 2.5, `work ${g.small} -> ${g.large} (×${g.ratio.toFixed(2)})`);
  });

  it("`targets` listing $(purgatory-y) n times: the object list is expanded once", () => {
    const g = growth(
      (n) => parseMakefile(`purgatory-y := a.o b.o\n${"targets += $(purgatory-y)\n".repeat(n)}`),
      (mf) => kbuildTargets(mf),
      1000,
      MAKEFILE,
    );
    assert.ok(g.small > 1000 && g.ratio < 2.5, `work ${g.small} -> ${g.large} (×${g.ratio.toFixed(2)})`);
  });

  it("a 40,000-line continuation maps every word to its physical line", () => {
    const mf = parseMakefile(`X := ${"w \\\n".repeat(40000)}end\n`);
    const words = mf.assignments[0]!.words;
    assert.equal(words.length, 40001);
    assert.deepEqual(
      [words[39999]!.line, words[39999]!.startColumn, words[40000]!.line, words[40000]!.startColumn],
      [39999, 0, 40000, 0],
    );
  });
});

describe(".cmd reader", () => {
  it("a $(wildcard ...) of 300,000 paths is read (it used to overflow the stack)", () => {
    const cmd = parseCmdFile(`savedcmd_x.o := gcc -c x.c\ndeps_x.o := $(wildcard ${"a ".repeat(300000)})\n`);
    assert.equal(cmd?.wildcardDeps.length, 300000);
  });

  it("a deps_ list of n lines: twice the lines, twice the work", () => {
    const g = growth(
      (n) => `savedcmd_x.o := gcc -c x.c\ndeps_x.o := \\\n${"  include/linux/x.h \\\n".repeat(n)}\n`,
      (text) => parseCmdFile(text),
      5000,
      ["kbuild/cmdfile"],
    );
    assert.ok(g.small > 1000 && g.ratio < 2.5, `work ${g.small} -> ${g.large} (×${g.ratio.toFixed(2)})`);
  });
});

/**
 * The work one more input section adds to placement with `script`: from 200 to 400 sections, per
 * section, after a first run (what is done once per pattern is not part of it).
 */
function workPerInput(script: ReturnType<typeof parseScript>): number {
  placeSections(script, [objectWith(10)]);
  const a = workOf(() => placeSections(script, [objectWith(200)]), PLACEMENT);
  const b = workOf(() => placeSections(script, [objectWith(400)]), PLACEMENT);
  return (b - a) / 200;
}

describe("placement: cost additive in descriptions and input sections", () => {
  it("descriptions for files that are not linked cost nothing per input section", () => {
    const withDescs = (n: number) =>
      parseScript(
        `SECTIONS { .text : { ${Array.from({ length: n }, (_, i) => `f${i}.o(.text)`).join(" ")} } }`,
      );
    const few = workPerInput(withDescs(1000));
    const many = workPerInput(withDescs(2000));
    assert.ok(few > 0 && many < 1.25 * few, `work per input section: ${few} -> ${many}`);
  });

  it("a long file pattern costs nothing per input section", () => {
    const withPattern = (n: number) => parseScript(`SECTIONS { .text : { ${".text".repeat(n)}(.text) } }`);
    const short = workPerInput(withPattern(5000));
    const long = workPerInput(withPattern(10000));
    assert.ok(short > 0 && long < 1.25 * short, `work per input section: ${short} -> ${long}`);
  });

  it("repeated section patterns in one description cost nothing per input section", () => {
    const withCopies = (n: number) =>
      parseScript(`SECTIONS { .rodata : { *(.rodata ${"? 1 ".repeat(n)}) } }`);
    const few = workPerInput(withCopies(5000));
    const many = workPerInput(withCopies(10000));
    assert.ok(few > 0 && many < 1.25 * few, `work per input section: ${few} -> ${many}`);
  });

  it("n output sections: twice the sections, twice the layout work", () => {
    const g = growth(
      (n) =>
        parseScript(
          `SECTIONS { ${Array.from({ length: n }, (_, i) => `.s${i} : { f${i}.o(.text) }`).join(" ")} }`,
        ),
      (script) => placeSections(script, [objectWith(3)]),
      1000,
      PLACEMENT,
    );
    assert.ok(g.small > 1000 && g.ratio < 2.5, `work ${g.small} -> ${g.large} (×${g.ratio.toFixed(2)})`);
  });
});

describe("linker-script numbers", () => {
  it("a 100,000-digit number is converted from its significant digits only", () => {
    const real = globalThis.BigInt;
    let longest = 0;
    globalThis.BigInt = new Proxy(real, {
      apply(target, self, args: [unknown]) {
        if (typeof args[0] === "string") longest = Math.max(longest, args[0].length);
        return Reflect.apply(target, self, args) as bigint;
      },
    });
    try {
      assert.equal(parseNumber("9".repeat(100000)), (1n << 64n) - 1n);
      assert.equal(parseNumber(`0x${"0".repeat(100000)}ff`), 0xffn);
      parseScript(`a = ${"7".repeat(100000)};`);
    } finally {
      globalThis.BigInt = real;
    }
    assert.ok(longest <= 24, `BigInt() was given ${longest} characters`);
  });

  it("a .lds.S whose statements all read alike at the top level and in SECTIONS is parsed once", () => {
    // An error inside an assignment used to make the tolerant reader parse the whole text again as
    // the inside of SECTIONS.
    const chain = `big = ${"x*".repeat(20000)}1;\n`;
    const clean = workOf(() => parseScript(`a = 1;\n${chain}`, { tolerant: true }), LDS);
    const broken = workOf(() => parseScript(`a = 1 +;\n${chain}`, { tolerant: true }), LDS);
    assert.ok(broken < 1.3 * clean, `work ${clean} -> ${broken}`);
  });

  it("a .lds.S read as the inside of SECTIONS stops once it has as many errors as the first reading", () => {
    // `SEARC 3 | 4;` is read as the top level only reads it, so the fragment reading is tried; it
    // has that error too at once and cannot have fewer, so the chain after it is not read twice.
    const chain = `big = ${"x*".repeat(20000)}1;\n`;
    const text = `SEARC 3 | 4;\n${chain}`;
    const once = workOf(() => parseScript(text, { tolerant: true, fragment: true }), LDS);
    const tolerant = workOf(() => parseScript(text, { tolerant: true }), LDS);
    assert.ok(tolerant < 1.3 * once, `work ${once} -> ${tolerant}`);
    // The fragment reading still wins where it has fewer errors: output sections without SECTIONS.
    const fragment = parseScript(`.text : { *(.text) }\n.data : { *(.data) }\n${chain}`, { tolerant: true });
    assert.equal(fragment.errors.length, 0);
    assert.equal(fragment.statements[0]?.kind, "Sections");
  });

  it("INPUT() of 50,000 names runs no regexp per character", () => {
    const text = `INPUT(${"lib.a ".repeat(50000)})\n`;
    const real = RegExp.prototype.test;
    let calls = 0;
    RegExp.prototype.test = function (this: RegExp, s: string): boolean {
      calls++;
      return real.call(this, s);
    };
    try {
      const script = parseScript(text);
      assert.equal(script.errors.length, 0);
    } finally {
      RegExp.prototype.test = real;
    }
    assert.ok(calls < text.length / 20, `${calls} regexp tests for ${text.length} characters`);
  });
});

describe("linker-script lexer", () => {
  it("a line of n strings and no comment: twice the strings, twice the text searched", () => {
    // String searches run in the engine, not in counted blocks: count the characters they pass over.
    const real = String.prototype.indexOf;
    let scanned = 0;
    String.prototype.indexOf = function (this: string, needle: string, from = 0): number {
      const at = real.call(this, needle, from);
      scanned += (at < 0 ? this.length : at + needle.length) - Math.max(0, from);
      return at;
    };
    const searched = (n: number) => {
      const text = `INPUT(${'"a" '.repeat(n)})\n`;
      scanned = 0;
      new Lexer(text);
      return scanned;
    };
    let small: number, large: number;
    try {
      small = searched(5000);
      large = searched(10000);
    } finally {
      String.prototype.indexOf = real;
    }
    assert.ok(large / small < 2.5, `characters searched ${small} -> ${large}`);
  });
});

describe("work counting itself", () => {
  it("sees quadratic work as quadratic", () => {
    const quadratic = (n: number) => {
      let k = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) k += i ^ j;
      return k;
    };
    const a = workOf(() => quadratic(100), ["test/unit/reader-complexity"]);
    const b = workOf(() => quadratic(200), ["test/unit/reader-complexity"]);
    assert.ok(b / a > 3.5, `${a} -> ${b}`);
  });
});

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseCmdFile, unescapeMakeCmd } from "../../server/src/core/kbuild/cmdfile";
import { parseCommand } from "../../server/src/core/kbuild/compile";
import { splitShellWords } from "../../server/src/core/kbuild/shell";
import { repoRoot } from "../helpers";

const example = (name: string) =>
  readFileSync(join(repoRoot, "examples", "linux", "arch", "x86", "purgatory", name), "utf8");

describe("kbuild shell word splitter", () => {
  it("splits on blanks and keeps each word's range", () => {
    const line = "gcc  -mcmodel=large\t-c x.c";
    const w = splitShellWords(line);
    assert.deepEqual(
      w.map((x) => x.value),
      ["gcc", "-mcmodel=large", "-c", "x.c"],
    );
    assert.equal(line.slice(w[1]!.start, w[1]!.end), "-mcmodel=large");
  });

  it("honours single quotes, double quotes and backslash escapes; the range covers the raw text", () => {
    const line = `cc -DA='x y' -DB="a \\"q\\" \\n" -DC=a\\ b -D'E'"F"G`;
    const w = splitShellWords(line, 10);
    assert.deepEqual(
      w.map((x) => x.value),
      ["cc", "-DA=x y", 'a "q" \\n'.replace(/^/, "-DB="), "-DC=a b", "-DEFG"],
    );
    assert.equal(line.slice(w[1]!.start - 10, w[1]!.end - 10), "-DA='x y'");
  });

  it("marks control operators and stops at a comment", () => {
    const w = splitShellWords("a b; c && d || e | f # not a word");
    assert.deepEqual(
      w.map((x) => [x.value, x.operator === true]),
      [
        ["a", false], ["b", false], [";", true], ["c", false], ["&&", true], ["d", false],
        ["||", true], ["e", false], ["|", true], ["f", false],
      ], // prettier-ignore
    );
  });

  it("tolerates an unterminated quote", () => {
    assert.deepEqual(
      splitShellWords("a 'b c").map((x) => x.value),
      ["a", "b c"],
    );
  });
});

describe("kbuild .cmd files", () => {
  it("reads the example's savedcmd_ link record", () => {
    const c = parseCmdFile(example(".purgatory.ro.cmd"))!;
    assert.equal(c.target, "arch/x86/purgatory/purgatory.ro");
    assert.equal(c.legacy, false);
    assert.equal(c.line, 0);
    assert.equal(c.argv[0], "ld.lld-19");
    assert.deepEqual(c.argv.slice(1, 6), ["-r", "-e", "purgatory_start", "-z", "nodefaultlib"]);
    const link = parseCommand(c.argv);
    assert.equal(link.kind, "link");
    assert.equal(link.relocatable, true);
    assert.equal(link.entry, "purgatory_start");
    assert.equal(link.output, "arch/x86/purgatory/purgatory.ro");
    assert.equal(link.inputs.length, 6);
    assert.equal(link.inputs[0], "arch/x86/purgatory/purgatory.o");
  });

  it("points at a flag's columns in the .cmd line", () => {
    const text = example(".purgatory.o.cmd");
    const c = parseCmdFile(text)!;
    const w = c.words.find((x) => x.value === "-mcmodel=large")!;
    assert.equal(text.split("\n")[c.line]!.slice(w.start, w.end), "-mcmodel=large");
    assert.equal(text.slice(c.column, c.column + 8), "clang-19");
  });

  it("reads the older cmd_ form with source_ and deps_ (continuations and $(wildcard ...))", () => {
    const text = [
      "cmd_arch/x86/purgatory/purgatory.o := gcc -Wp,-MD,arch/x86/purgatory/.purgatory.o.d  -nostdinc -DKBUILD_STR(s)=\\#s -mcmodel=large -c -o arch/x86/purgatory/purgatory.o arch/x86/purgatory/purgatory.c",
      "",
      "source_arch/x86/purgatory/purgatory.o := arch/x86/purgatory/purgatory.c",
      "",
      "deps_arch/x86/purgatory/purgatory.o := \\",
      "  include/linux/kconfig.h \\",
      "    $(wildcard include/config/cpu/big/endian.h) \\",
      "  arch/x86/purgatory/sha256.h \\",
      "",
      "arch/x86/purgatory/purgatory.o: $(deps_arch/x86/purgatory/purgatory.o)",
      "",
      "$(deps_arch/x86/purgatory/purgatory.o):",
    ].join("\n");
    const c = parseCmdFile(text)!;
    assert.equal(c.legacy, true);
    assert.equal(c.target, "arch/x86/purgatory/purgatory.o");
    assert.equal(c.source, "arch/x86/purgatory/purgatory.c");
    assert.deepEqual(c.deps, ["include/linux/kconfig.h", "arch/x86/purgatory/sha256.h"]);
    assert.deepEqual(c.wildcardDeps, ["include/config/cpu/big/endian.h"]);
    assert.ok(c.argv.includes("-DKBUILD_STR(s)=#s"));
    assert.equal(parseCommand(c.argv).codeModel, "large");
  });

  it("splits a deps_ body as the regexp /\\$\\(wildcard\\s+([^)]*)\\)|(\\S+)/g would, words and wildcards", () => {
    // The reader scans by hand (the regexp backtracks quadratically on an unclosed `$(wildcard`);
    // the regexp stays the definition it is compared with.
    const byRegexp = (body: string) => {
      const deps: string[] = [];
      const wildcardDeps: string[] = [];
      for (const m of body.matchAll(/\$\(wildcard\s+([^)]*)\)|(\S+)/g)) {
        if (m[1] !== undefined) wildcardDeps.push(...m[1].trim().split(/\s+/).filter(Boolean));
        else deps.push(m[2]!);
      }
      return { deps, wildcardDeps };
    };
    const atoms = ["$(wildcard", " ", "  ", "\t", ")", "a.h", "b", "\u00a0", "\u2028", "$(", "x)", "\ufeff"];
    let seed = 7;
    const pick = () => atoms[(seed = (seed * 1103515245 + 12345) >>> 0) % atoms.length]!;
    for (let i = 0; i < 20000; i++) {
      let body = "";
      for (let j = 0; j < 1 + (i % 11); j++) body += pick();
      const c = parseCmdFile(`savedcmd_x := ld\ndeps_x := ${body}\n`)!;
      assert.deepEqual({ deps: c.deps, wildcardDeps: c.wildcardDeps }, byRegexp(body), JSON.stringify(body));
    }
  });

  it("an unclosed $(wildcard before 100,000 blank continuation lines is one word", () => {
    const c = parseCmdFile(
      `savedcmd_x := ld\ndeps_x := \\\n  a.h $(wildcard \\\n${"\\\n".repeat(100000)}  b.h\n`,
    )!;
    assert.deepEqual(c.deps, ["a.h", "$(wildcard", "b.h"]);
    assert.deepEqual(c.wildcardDeps, []);
  });

  it("undoes make-cmd's escaping and splits a compound command", () => {
    assert.equal(unescapeMakeCmd("-DX=$$HOME$(pound)"), "-DX=$HOME#");
    const c = parseCmdFile(
      "savedcmd_a.o := gcc -c -o a.o a.c; ./tools/objtool/objtool --hacks=jump_label a.o\n",
    )!;
    assert.deepEqual(c.argv, ["gcc", "-c", "-o", "a.o", "a.c"]);
    assert.equal(c.commands.length, 2);
    assert.equal(c.commands[1]![0], "./tools/objtool/objtool");
  });

  it("returns undefined without a command line", () => {
    assert.equal(parseCmdFile("deps_x := \\\n  a.h\n"), undefined);
    assert.equal(parseCmdFile(""), undefined);
  });
});

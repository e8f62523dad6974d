import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseCmdFile } from "../../server/src/core/kbuild/cmdfile";
import { parseCommand, sourceInputs } from "../../server/src/core/kbuild/compile";
import { repoRoot } from "../helpers";

const exampleArgv = (name: string) =>
  parseCmdFile(readFileSync(join(repoRoot, "examples/linux/arch/x86/purgatory", name), "utf8"))!.argv;

describe("compile and link command lines", () => {
  it("reads the example's C compile", () => {
    const c = parseCommand(exampleArgv(".purgatory.o.cmd"));
    assert.equal(c.kind, "compile");
    assert.equal(c.compiler, "clang-19");
    assert.equal(c.output, "arch/x86/purgatory/purgatory.o");
    assert.deepEqual(c.inputs, ["arch/x86/purgatory/purgatory.c"]);
    assert.deepEqual(sourceInputs(c), ["arch/x86/purgatory/purgatory.c"]);
    assert.equal(c.codeModel, "large");
    assert.equal(c.codeModelFlag?.text, "-mcmodel=large");
    assert.equal(c.pic, "none");
    assert.equal(c.picFlag?.text, "-fno-PIE");
    assert.equal(c.stackProtector, "none");
    assert.deepEqual(c.defines, [{ name: "LLVM18_ABS32_REF" }]);
    assert.deepEqual(c.includeDirs, ["arch/x86/purgatory"]);
    assert.ok(c.flags.some((f) => f.text === "-I arch/x86/purgatory" && f.words.length === 2));
    assert.equal(c.functionSections, false);
    assert.equal(c.lto, false);
    assert.deepEqual(c.profileFlags, []);
  });

  it("reads the example's assembly compile", () => {
    const c = parseCommand(exampleArgv(".entry64.o.cmd"));
    assert.equal(c.kind, "compile");
    assert.deepEqual(c.inputs, ["arch/x86/purgatory/entry64.S"]);
    assert.deepEqual(c.defines, [{ name: "__ASSEMBLY__" }]);
    assert.equal(c.codeModel, undefined);
  });

  it("keeps two-word options together and lets the last PIC / stack-protector / section flag win", () => {
    const c = parseCommand([
      "ccache", "gcc", "-fPIC", "-fno-pie", "-fpie", "-fstack-protector-strong", "-fno-stack-protector",
      "-fstack-protector-all", "-include", "include/linux/kconfig.h", "-x", "c", "-MF", "x.d", "-D", "FOO=1",
      "-fvisibility=hidden", "-ffunction-sections", "-fno-function-sections", "-ffunction-sections",
      "-flto=thin", "-fprofile-sample-use=a.prof", "-pg", "-mcmodel=kernel", "-mcmodel=large", "-c", "x.c",
    ]); // prettier-ignore
    assert.equal(c.compiler, "gcc");
    assert.equal(c.compilerIndex, 1);
    assert.equal(c.pic, "pie");
    assert.equal(c.stackProtector, "all");
    assert.equal(c.visibility, "hidden");
    assert.equal(c.functionSections, true);
    assert.equal(c.lto, true);
    assert.deepEqual(
      c.ltoFlags.map((f) => f.text),
      ["-flto=thin"],
    );
    assert.deepEqual(
      c.profileFlags.map((f) => f.text),
      ["-fprofile-sample-use=a.prof", "-pg"],
    );
    assert.equal(c.codeModel, "large");
    assert.deepEqual(c.includeFiles, ["include/linux/kconfig.h"]);
    assert.equal(c.language, "c");
    assert.deepEqual(c.defines, [{ name: "FOO", value: "1" }]);
    assert.deepEqual(c.inputs, ["x.c"]);
    assert.ok(c.flags.some((f) => f.text === "-MF x.d"));
  });

  it("reads GNU ld links with a linker script and attached options", () => {
    const c = parseCommand([
      "ld", "-m", "elf_x86_64", "-z", "noexecstack", "--entry=purgatory_start", "-Tarch/x86/purgatory/purgatory.lds",
      "--relocatable", "-o", "p.ro", "a.o", "b.o",
    ]); // prettier-ignore
    assert.equal(c.kind, "link");
    assert.equal(c.entry, "purgatory_start");
    assert.equal(c.linkerScript, "arch/x86/purgatory/purgatory.lds");
    assert.equal(c.relocatable, true);
    assert.deepEqual(c.inputs, ["a.o", "b.o"]);
    const d = parseCommand([
      "x86_64-linux-gnu-ld.bfd",
      "-epurgatory_start",
      "-T",
      "p.lds",
      "-Ttext",
      "0",
      "a.o",
    ]);
    assert.equal(d.kind, "link");
    assert.equal(d.entry, "purgatory_start");
    assert.equal(d.linkerScript, "p.lds");
  });

  it("treats a compiler driver that only takes objects as a link", () => {
    const c = parseCommand(["gcc", "-nostdlib", "-r", "-o", "purgatory.ro", "a.o", "b.o"]);
    assert.equal(c.kind, "link");
    assert.equal(c.relocatable, true);
    assert.equal(parseCommand(["objcopy", "-O", "binary", "a", "b"]).kind, "other");
    assert.equal(parseCommand([]).compiler, "");
  });
});

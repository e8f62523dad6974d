// The lines a build compiled (kbuild/conditional.ts): decided by the system cpp with the flags the
// .cmd file recorded, so this runs in the golden tier (it starts cpp).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  compiledLines,
  conditionalArms,
  inactiveLines,
  markedCopy,
} from "../../server/src/core/kbuild/conditional";

describe("the lines a build compiled", () => {
  const SRC = [
    '#include "h.h"', // 0
    "#ifdef A", // 1
    "int a = sym;", // 2
    "#  if B", // 3
    "int ab = sym;", // 4
    "#  endif", // 5
    "#elif defined(C) && \\", // 6
    "      1", // 7
    "int c = sym;", // 8
    "#else", // 9
    "/* #if not a directive", // 10
    "#endif inside a comment */", // 11
    "int other = sym;", // 12
    "#endif", // 13
    "int all = sym;", // 14
  ].join("\n");

  it("finds each arm after its directive and its continuation lines", () => {
    assert.deepEqual(
      conditionalArms(SRC).map((a) => [a.directiveLine, a.bodyStart, a.bodyEnd]),
      [
        [1, 2, 6],
        [3, 4, 5],
        [6, 8, 9],
        [9, 10, 13],
      ],
    );
    // One marker line per arm, after the directive.
    const copy = markedCopy(SRC, conditionalArms(SRC)).split("\n");
    assert.equal(copy.length, SRC.split("\n").length + 4);
    assert.equal(copy[2], "__purgatory_lens_arm_0__");
  });

  it("turns the arms cpp left out into line ranges", () => {
    const arms = conditionalArms(SRC);
    assert.deepEqual(inactiveLines(arms, "x __purgatory_lens_arm_2__ y"), [
      { start: 2, end: 6 },
      { start: 10, end: 13 },
    ]);
  });

  const decide = (argv: string[], text = SRC.replace('#include "h.h"', "")) =>
    compiledLines({ path: "/tmp/x.c", text, language: "c", allowTools: true, cmdArgv: argv, cwd: "/tmp" });

  it("asks the system cpp with the recorded -D and -U flags", async () => {
    const withA = await decide(["gcc", "-DA", "-DB=1", "-c", "-o", "x.o", "x.c"]);
    assert.equal(withA.how, "cpp");
    assert.deepEqual(withA.inactive, [
      { start: 8, end: 9 },
      { start: 10, end: 13 },
    ]);
    const withC = await decide(["gcc", "-DC", "-UA", "-c", "x.c"]);
    assert.deepEqual(withC.inactive, [
      { start: 2, end: 6 },
      { start: 10, end: 13 },
    ]);
    const none = await decide(["gcc", "-c", "x.c"]);
    assert.deepEqual(none.inactive, [
      { start: 2, end: 6 },
      { start: 8, end: 9 },
    ]);
  });

  it("honours -include and the file's own #defines", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "pl-cpp-"));
    try {
      writeFileSync(join(dir, "config.h"), "#define C 1\n");
      const r = await compiledLines({
        path: join(dir, "x.c"),
        text: "#define A_LOCAL\n#ifdef A_LOCAL\nint x;\n#endif\n#ifdef C\nint y;\n#else\nint z;\n#endif\n",
        language: "c",
        allowTools: true,
        cmdArgv: ["gcc", "-include", "config.h", "-c", "x.c"],
        cwd: dir,
      });
      assert.deepEqual(r.inactive, [{ start: 7, end: 8 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stays textual, and says why, without a command, in Restricted Mode, or when cpp fails", async () => {
    const noCmd = await compiledLines({ path: "/tmp/x.c", text: SRC, language: "c", allowTools: true });
    assert.equal(noCmd.how, "textual");
    assert.match(noCmd.note!, /no compile command/);
    const untrusted = await compiledLines({
      path: "/tmp/x.c",
      text: SRC,
      language: "c",
      allowTools: false,
      cmdArgv: ["gcc", "-c", "x.c"],
    });
    assert.match(untrusted.note!, /not trusted/);
    // The #include "h.h" does not exist: cpp fails, and the note quotes it.
    const failed = await decide(["gcc", "-c", "x.c"], SRC);
    assert.equal(failed.how, "textual");
    assert.match(failed.note!, /cpp failed \(.*h\.h/);
    const plain = await compiledLines({
      path: "/tmp/y.c",
      text: "int x;\n",
      language: "c",
      allowTools: false,
    });
    assert.equal(plain.how, "no-conditionals");
  });
});

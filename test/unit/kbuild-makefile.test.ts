import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  findAssignmentLine,
  findAssignments,
  findFlag,
  kbuildTargets,
  parseMakefile,
  purgatoryObjects,
} from "../../server/src/core/kbuild/makefile";
import { repoRoot } from "../helpers";

const exampleText = readFileSync(join(repoRoot, "examples/linux/arch/x86/purgatory/Makefile"), "utf8");
const exampleLines = exampleText.split("\n");
const example = parseMakefile(exampleText);

/** The text a range covers in the example Makefile. */
const at = (r: { line: number; startColumn: number; endColumn: number }, lines = exampleLines) =>
  lines[r.line]!.slice(r.startColumn, r.endColumn);

// Modelled on the kernel's arch/x86/purgatory/Makefile between v5.3 and 2024 (abridged).
const before2024 = `# SPDX-License-Identifier: GPL-2.0
OBJECT_FILES_NON_STANDARD := y

purgatory-y := purgatory.o stack.o setup-x86_$(BITS).o sha256.o entry64.o string.o

targets += $(purgatory-y)
PURGATORY_OBJS = $(addprefix $(obj)/,$(purgatory-y))

$(obj)/string.o: $(srctree)/arch/x86/boot/compressed/string.c FORCE
	$(call if_changed_rule,cc_o_c)

KCOV_INSTRUMENT := n

# When linking purgatory.ro with -r unresolved symbols are not checked,
# also link a purgatory.chk binary without -r to check for unresolved symbols.
PURGATORY_LDFLAGS := -e purgatory_start -nostdlib -z nodefaultlib
LDFLAGS_purgatory.ro := -r $(PURGATORY_LDFLAGS)
LDFLAGS_purgatory.chk := $(PURGATORY_LDFLAGS)
targets += purgatory.ro purgatory.chk

# Sanitizer, etc. runtimes are unavailable and cannot be linked here.
GCOV_PROFILE	:= n
KASAN_SANITIZE	:= n

# These are adjustments to the compiler flags used for objects that
# make up the standalone purgatory.ro

PURGATORY_CFLAGS_REMOVE := -mcmodel=kernel
PURGATORY_CFLAGS := -mcmodel=large -ffreestanding -fno-zero-initialized-in-bss -g0
PURGATORY_CFLAGS += $(DISABLE_STACKLEAK_PLUGIN) -DDISABLE_BRANCH_PROFILING
PURGATORY_CFLAGS += -fno-stack-protector

# Default KBUILD_CFLAGS can have -pg option set when FTRACE is enabled. That
# in turn leaves some undefined symbols like __fentry__ in purgatory and not
# sure how to relocate those.
ifdef CONFIG_FUNCTION_TRACER
PURGATORY_CFLAGS_REMOVE		+= $(CC_FLAGS_FTRACE)
endif

ifdef CONFIG_RETPOLINE
PURGATORY_CFLAGS_REMOVE		+= $(RETPOLINE_CFLAGS)
endif

CFLAGS_REMOVE_purgatory.o	+= $(PURGATORY_CFLAGS_REMOVE)
CFLAGS_purgatory.o		+= $(PURGATORY_CFLAGS)

CFLAGS_REMOVE_sha256.o		+= $(PURGATORY_CFLAGS_REMOVE)
CFLAGS_sha256.o			+= $(PURGATORY_CFLAGS)

AFLAGS_REMOVE_setup-x86_$(BITS).o	+= -Wa,-gdwarf-2
AFLAGS_REMOVE_entry64.o			+= -Wa,-gdwarf-2

$(obj)/purgatory.ro: $(PURGATORY_OBJS) FORCE
		$(call if_changed,ld)

$(obj)/purgatory.chk: $(obj)/purgatory.ro FORCE
		$(call if_changed,ld)

$(obj)/kexec-purgatory.o: $(obj)/purgatory.ro $(obj)/purgatory.chk

obj-$(CONFIG_KEXEC_FILE)	+= kexec-purgatory.o
`;

// After 2024: the profile and LTO filter-outs at the top, PURGATORY_CFLAGS with a continuation.
const after2024 = `purgatory-y := purgatory.o stack.o setup-x86_$(BITS).o sha256.o entry64.o string.o

# When profile-guided optimization is enabled, llvm emits two different
# overlapping text sections, which is not supported by kexec. Remove profile
# optimization flags.
KBUILD_CFLAGS := $(filter-out -fprofile-sample-use=% -fprofile-use=%,$(KBUILD_CFLAGS))

# When LTO is enabled, llvm emits many text sections, which is not supported
# by kexec. Remove -flto=* flags.
KBUILD_CFLAGS := $(filter-out $(CC_FLAGS_LTO),$(KBUILD_CFLAGS))

PURGATORY_CFLAGS_REMOVE := -mcmodel=kernel
PURGATORY_CFLAGS := -mcmodel=small -ffreestanding -fno-zero-initialized-in-bss -g0 \\
		    -fno-stack-protector -fno-PIE
PURGATORY_CFLAGS += $(call cc-option,-fno-pic) # mid-line comment -mcmodel=huge
`;

describe("kbuild Makefile reader", () => {
  it("finds the example's assignments with exact value word ranges", () => {
    const a = findAssignments(example, "purgatory-y");
    assert.equal(a.length, 1);
    assert.equal(a[0]!.op, ":=");
    assert.deepEqual(
      a[0]!.words.map((w) => w.text),
      ["purgatory.o", "stack.o", "setup-x86_$(BITS).o", "sha256.o", "entry64.o", "string.o"],
    );
    for (const w of a[0]!.words) assert.equal(at(w), w.text);
    assert.equal(at(a[0]!.nameRange), "purgatory-y");
    assert.equal(
      findAssignmentLine(example, "PURGATORY_CFLAGS"),
      exampleLines.indexOf("PURGATORY_CFLAGS := -mcmodel=large"),
    );
    assert.equal(
      findAssignmentLine(example, "LDFLAGS_purgatory.ro"),
      exampleLines.indexOf("LDFLAGS_purgatory.ro := -r $(PURGATORY_LDFLAGS)"),
    );
    assert.equal(findAssignmentLine(example, "NOT_THERE"), undefined);
  });

  it("reads target-specific variables written with tabs and += (CFLAGS_purgatory.o)", () => {
    const a = findAssignments(example, "CFLAGS_purgatory.o");
    assert.equal(a.length, 2);
    assert.ok(a.every((x) => x.op === "+="));
    assert.deepEqual(
      a.map((x) => x.value),
      ["$(PURGATORY_CFLAGS)", "-DLLVM18_ABS32_REF"],
    );
    const remove = findAssignments(example, "CFLAGS_REMOVE_purgatory.o")[0]!;
    assert.equal(at(remove.words[0]!), "$(PURGATORY_CFLAGS_REMOVE)");
  });

  it("lists the purgatory objects and targets in link order, with $(BITS) substituted", () => {
    const objs = purgatoryObjects(example);
    assert.deepEqual(
      objs.map((o) => o.name),
      ["purgatory.o", "stack.o", "setup-x86_64.o", "sha256.o", "entry64.o", "string.o"],
    );
    assert.equal(at(objs[2]!.word), "setup-x86_$(BITS).o");
    const targets = kbuildTargets(example).map((t) => t.name);
    assert.deepEqual(targets.slice(-2), ["purgatory.ro", "purgatory.chk"]);
    assert.equal(targets.length, 8);
  });

  it("finds flags by exact word and -mcmodel= by prefix, and tells added from removed", () => {
    const large = findFlag(example, "-mcmodel=large");
    assert.equal(large.length, 1);
    assert.equal(at(large[0]!), "-mcmodel=large");
    assert.equal(large[0]!.removed, false);
    const models = findFlag(example, "-mcmodel=");
    assert.deepEqual(
      models.map((m) => [m.text, m.removed]),
      [
        ["-mcmodel=kernel", true],
        ["-mcmodel=large", false],
      ],
    );
    const profile = findFlag(example, "-fprofile-use=%");
    assert.equal(profile.length, 1);
    assert.equal(profile[0]!.removed, true); // inside $(filter-out ...)'s first argument
    assert.equal(at(profile[0]!), "-fprofile-use=%");
    assert.equal(findFlag(example, "-mcmodel").length, 0); // exact: no partial words
    assert.equal(findFlag(example, "-fno-stack-protector").length, 1);
  });

  it("reads rules and their recipes", () => {
    const ro = example.rules.find((r) => r.targets[0]?.text === "$(obj)/purgatory.ro")!;
    assert.deepEqual(
      ro.prerequisites.map((p) => p.text),
      ["$(PURGATORY_OBJS)", "FORCE"],
    );
    assert.equal(ro.recipe.length, 1);
    assert.match(ro.recipe[0]!.text, /if_changed,ld/);
  });

  it("reads the x86 Makefile as it was before 2024", () => {
    const mf = parseMakefile(before2024);
    const lines = before2024.split("\n");
    assert.deepEqual(
      purgatoryObjects(mf).map((o) => o.name),
      ["purgatory.o", "stack.o", "setup-x86_64.o", "sha256.o", "entry64.o", "string.o"],
    );
    const kernel = findFlag(mf, "-mcmodel=kernel");
    assert.equal(kernel.length, 1);
    assert.equal(kernel[0]!.removed, true);
    assert.equal(kernel[0]!.assignment.name, "PURGATORY_CFLAGS_REMOVE");
    // += inside ifdef blocks are still assignments (conditionals are not evaluated).
    assert.equal(findAssignments(mf, "PURGATORY_CFLAGS_REMOVE").length, 3);
    assert.equal(
      findAssignmentLine(mf, "PURGATORY_CFLAGS"),
      lines.indexOf("PURGATORY_CFLAGS := -mcmodel=large -ffreestanding -fno-zero-initialized-in-bss -g0"),
    );
    const r = findAssignments(mf, "LDFLAGS_purgatory.ro")[0]!;
    assert.deepEqual(
      r.words.map((w) => w.text),
      ["-r", "$(PURGATORY_LDFLAGS)"],
    );
    assert.equal(at(r.words[0]!, lines), "-r");
    assert.equal(findFlag(mf, "-DDISABLE_BRANCH_PROFILING").length, 1);
    // A rule for string.o is not an assignment; the recipe line is not either.
    assert.equal(mf.rules.length, 4);
    assert.equal(findAssignments(mf, "obj-$(CONFIG_KEXEC_FILE)").length, 1);
    assert.equal(findAssignments(mf, "AFLAGS_REMOVE_setup-x86_$(BITS).o")[0]!.value, "-Wa,-gdwarf-2");
  });

  it("maps words on continuation lines back to their physical line and drops comments", () => {
    const mf = parseMakefile(after2024);
    const lines = after2024.split("\n");
    const pic = findFlag(mf, "-fno-PIE");
    assert.equal(pic.length, 1);
    assert.equal(
      pic[0]!.line,
      lines.findIndex((l) => l.includes("-fno-stack-protector -fno-PIE")),
    );
    assert.equal(at(pic[0]!, lines), "-fno-PIE");
    const small = findFlag(mf, "-mcmodel=small")[0]!;
    assert.equal(at(small, lines), "-mcmodel=small");
    assert.equal(findFlag(mf, "-mcmodel=huge").length, 0); // after # on the line
    const nopic = findFlag(mf, "-fno-pic")[0]!;
    assert.equal(nopic.removed, false); // $(call cc-option, ...) adds it
    assert.equal(at(nopic, lines), "-fno-pic");
    const a = findAssignments(mf, "PURGATORY_CFLAGS")[0]!;
    assert.equal(a.endLine, a.line + 1);
    assert.equal(a.words.length, 6);
    const lto = findFlag(mf, "-fprofile-sample-use=%")[0]!;
    assert.equal(lto.removed, true);
    assert.equal(lto.assignment.name, "KBUILD_CFLAGS");
  });

  it("handles target-specific assignments, define blocks, export and odd input", () => {
    const mf = parseMakefile(
      [
        "$(obj)/purgatory.ro: LDFLAGS := -r -e purgatory_start",
        "define FOO",
        "X := not an assignment",
        "endef",
        "export override Y ?= 1",
        "Z = a\\\\",
        "W := b",
        "\tstray := tab-indented, no rule before",
        "$(call foo,a=b)",
        "",
      ].join("\n"),
    );
    const ld = findAssignments(mf, "LDFLAGS")[0]!;
    assert.equal(ld.target, "$(obj)/purgatory.ro");
    assert.deepEqual(
      ld.words.map((w) => w.text),
      ["-r", "-e", "purgatory_start"],
    );
    assert.equal(findAssignments(mf, "X").length, 0);
    const y = findAssignments(mf, "Y")[0]!;
    assert.deepEqual([y.op, y.modifiers], ["?=", ["export", "override"]]);
    assert.equal(findAssignments(mf, "W").length, 1); // an even number of backslashes does not continue
    assert.equal(findAssignments(mf, "stray").length, 1);
    assert.equal(mf.assignments.length, 5);
    assert.deepEqual(purgatoryObjects(mf), []);
  });
});

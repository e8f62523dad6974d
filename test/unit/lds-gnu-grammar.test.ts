// GNU ld's reading of linker scripts, construct by construct (each verdict below was taken from
// GNU ld 2.40 itself; the corpus tier checks the same recogniser on 900+ real scripts), plus the
// INCLUDE search and the ld.lld compatibility lint.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { librarySearchDirs } from "../../server/src/core/kbuild/cmdfile";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LDS_RULES, lintDiagnostics } from "../../server/src/core/lds/diagnostics";
import { documentSymbols } from "../../server/src/core/lds/features";
import { includeCandidates, resolveInclude } from "../../server/src/core/lds/include-search";
import { ldVerdict } from "../../server/src/core/lds/ldgram";
import { LdLexer, type LdToken } from "../../server/src/core/lds/ldlex";
import { lldIncompatibilities } from "../../server/src/core/lds/lld-compat";
import { parseScript } from "../../server/src/core/lds/parser";
import { repoRoot } from "../helpers";

/** "ok", or "line: message" as ld prints it. */
function verdict(text: string): string {
  const v = ldVerdict(text);
  return v.error ? `${v.error.line}: ${v.error.message}` : "ok";
}

describe("GNU ld's grammar and lexer states", () => {
  it("accepts what GNU ld 2.40 accepts", () => {
    const accepted = [
      // a second program header after an output section
      "SECTIONS { .text : { *(.text) } :text :note }\nPHDRS { text PT_LOAD; note PT_NOTE; }",
      "SECTIONS { .text : { *(.text) } }\nVERSION { V1 { global: _start; local: *; }; }",
      // archive:member patterns, also inside EXCLUDE_FILE
      "SECTIONS { .text : { *libgcc.a:foo.o(.text) *:bar.obj(.data.*) EXCLUDE_FILE(*crtend.o *libx.a:) *(.x) } }",
      // `/*` inside a file-name wildcard stays in the name
      "SECTIONS { .text : { *extmod/*(.text*) } }",
      // a string across a line break
      'SECTIONS { .text : { *(.text) }\n ASSERT(1, "a\nb") }',
      // `:` in an output-section name
      "SECTIONS { .kernel:dtb : { *(.dtb) } }",
      // `#` to the end of a line, anywhere
      "SECTIONS { .text : { *(.text) } # a comment\n}\n# another\n",
      "SECTIONS { .text 0x1000 (NOLOAD) : AT(0) ALIGN(16) SUBALIGN(4) ONLY_IF_RW { *(.data) } >ram AT>rom :p =0x90, }\nMEMORY { ram : ORIGIN = 0, LENGTH = 1M rom (rx) : org = 1M, l = 1M }\nPHDRS { p PT_LOAD FILEHDR PHDRS FLAGS(5); }",
      "SECTIONS { OVERLAY 0x1000 : NOCROSSREFS AT(0x4000) { .o1 { *(.o1) } :p .o2 { *(.o2) } } >ram }",
      "SECTIONS { x = 10h + 10b + 10o + 10d + 0x10 + $10 + 1K + 2M; y = x ? SIZEOF(.text) : ALIGN(8); }",
      'INPUT(a.o, b.o AS_NEEDED(-lc)) GROUP(libx.a) OUTPUT_FORMAT("elf64-x86-64", "elf64-x86-64", "elf64-x86-64") EXTERN(a b, c)',
      "SECTIONS { .text : { KEEP(*(SORT_BY_NAME(SORT_BY_ALIGNMENT(.ctors.*)))) INPUT_SECTION_FLAGS(SHF_ALLOC & !SHF_WRITE) *(.t) SORT(CONSTRUCTORS) } }",
    ];
    for (const text of accepted) assert.equal(verdict(text), "ok", text);
  });

  it("rejects what GNU ld 2.40 rejects, at its line", () => {
    const rejected: [string, string][] = [
      ["SECTIONS { .text : { *(.text) } }\n// c\n", "2: syntax error"],
      ["SECTIONS { .text : AT(0x1000) AT(0x2000) { *(.text) } }", "1: syntax error"],
      ["SECTIONS { .text: { *(.text) } }", "1: syntax error"],
      ['SECTIONS { .text : { *(.text) ASSERT(1, "x") } }', "1: syntax error"],
      ["SECTIONS { .text : ALIGN(4) AT(0) { *(.text) } }", "1: syntax error"],
      ["SECTIONS { .text : { *(.text) } \n x = 3 \n }\n", "3: syntax error"],
      // ld's line counter does not count the newlines inside strings
      ['SECTIONS { .text : { *(.text) } \n/* a \n b */ "x\ny"\n\n }}\n', "5: syntax error"],
      // at the end of the file ld prints line 0
      ["SECTIONS {\n .text : { *(.text) }\n", "0: syntax error"],
      ["MEMORY { ram : org = 0x100 len = 4K }", "1: syntax error"],
      // `o` is ORIGIN in SCRIPT state; `a,` is one name there
      ["OUTPUT(o)", "1: syntax error"],
      ["REGION_ALIAS(a, b)", "1: syntax error"],
      ["SECTIONS { x = 1 ^ 2; }", "1: syntax error"],
      ["VERSION { V1 { global: foo } }", "1: syntax error"],
      ["/* never closed\nSECTIONS {}", "0: EOF in comment"],
    ];
    for (const [text, want] of rejected) assert.equal(verdict(text), want, text);
  });

  it("invalid characters are ld's warnings, not errors", () => {
    const v = ldVerdict("SECTIONS { .text : { *(.text) } } @@\n");
    assert.equal(v.error, undefined);
    assert.deepEqual(
      v.warnings.map((w) => `${w.line}: ${w.message}`),
      ["1: ignoring invalid character `@' in script", "1: ignoring invalid character `@' in script"],
    );
    const s = parseScript("SECTIONS { x = 3 @ 2; }");
    assert.deepEqual(
      s.errors.map((e) => `${e.message}${e.warning ? " (warning)" : ""}`),
      ["ignoring invalid character `@' in expression (warning)", "syntax error"],
    );
  });

  it("the outline has every output section, phdrs after them, VERSION nodes", () => {
    const s = parseScript(
      "SECTIONS { .text : { *(.text) } :text :note .kernel:dtb : { *extmod/*(.x) } }\nVERSION { LINUX_2.6 { global: a; local: *; }; }",
    );
    assert.deepEqual(s.errors, []);
    const o = documentSymbols(s);
    assert.deepEqual(
      o[0]!.children.map((c) => c.name),
      [".text", ".kernel:dtb"],
    );
    assert.deepEqual(
      o[1]!.children.map((c) => c.name),
      ["LINUX_2.6"],
    );
    const text = s.statements[0]!.kind === "Sections" ? s.statements[0]!.items[0]! : undefined;
    assert.ok(text?.kind === "OutputSection");
    assert.deepEqual(
      text.phdrs.map((p) => p.value),
      ["text", "note"],
    );
  });
});

describe("GNU ld's lexer: the EXPRESSION shortcut", () => {
  it("gives the tokens and warnings of the longest-match rules, for every start character", () => {
    // The shortcut answers for operator-only and name-only start characters; with it turned off,
    // every token goes through the general longest-match code.
    const proto = LdLexer.prototype as unknown as { expressionToken: unknown };
    const shortcut = proto.expressionToken;
    const read = (text: string, withShortcut: boolean): string => {
      proto.expressionToken = withShortcut ? shortcut : (): undefined => undefined;
      try {
        const lx = new LdLexer(text);
        const tokens: LdToken[] = [];
        for (let i = 0; i < 6; i++) {
          const t = lx.next("EXPRESSION");
          tokens.push(t);
          if (t.type === "END") break;
        }
        return JSON.stringify([tokens, lx.warnings]);
      } finally {
        proto.expressionToken = shortcut;
      }
    };
    const heads = Array.from({ length: 127 }, (_, i) => String.fromCharCode(i + 1));
    heads.push("ALIGN", "ALIGNOF", "DEFINED", "SIZEOF_HEADERS", "NOLOAD", "TYPE", "org", "len", "CONSTANT");
    heads.push("AT", "Xyz", "ORIGINAL", "X".repeat(30), "x.y", "BLOCKY", "MAX_K");
    const tails = [
      "",
      " ",
      "x",
      "X",
      "=",
      "==",
      "<<=",
      "1",
      "0x1",
      "h",
      "ADDR",
      "_a.b$c",
      "/2",
      "\\q",
      "~",
      "(",
      "9K",
    ];
    let compared = 0;
    for (const h of heads)
      for (const a of tails)
        for (const b of tails) {
          const text = h + a + b;
          assert.equal(read(text, true), read(text, false), JSON.stringify(text));
          compared++;
        }
    assert.equal(compared, heads.length * tails.length ** 2);
  });
});

describe("INCLUDE search", () => {
  it("the link's directory, its -L folders and SEARCH_DIRs in GNU ld's order, then the script's folder", () => {
    const script = parseScript('SEARCH_DIR("/opt/ld")\nINCLUDE common.ld\n');
    const cands = includeCandidates(
      "common.ld",
      { scriptDir: "/src/arch/x/boot", linkCwd: "/build", libraryDirs: ["lib", "/abs"] },
      script,
    );
    assert.deepEqual(cands, [
      "/build/common.ld",
      "/build/lib/common.ld",
      "/abs/common.ld",
      "/opt/ld/common.ld",
      "/src/arch/x/boot/common.ld",
    ]);
    const found = resolveInclude(
      "common.ld",
      { scriptDir: "/src", linkCwd: "/build", libraryDirs: ["lib"] },
      (p) => p === "/build/lib/common.ld",
    );
    assert.equal(found, "/build/lib/common.ld");
    const lint = lintDiagnostics(script, {
      fileExists: (f) => resolveInclude(f, { scriptDir: "/nowhere" }, () => false) !== undefined,
    });
    assert.deepEqual(
      lint.filter((d) => d.code === "include-missing").map((d) => d.message),
      ["cannot open linker script file common.ld: No such file or directory"],
    );
  });

  it("-L folders from a link command", () => {
    assert.deepEqual(
      librarySearchDirs([
        "ld",
        "-L",
        "a",
        "-Lb",
        "--library-path=c",
        "--library-path",
        "d",
        "-T",
        "x.lds",
        "-lfoo",
      ]),
      ["a", "b", "c", "d"],
    );
  });
});

describe("lds-lld-incompatible", () => {
  it("names what ld.lld 19 rejects or reads differently, on the construct", () => {
    const s = parseScript(
      "FORCE_COMMON_ALLOCATION\nSECTIONS {\n .a : SPECIAL { *(.a) }\n .b : ALIGN_WITH_INPUT { *(.b) }\n .c (DSECT) : { EXCLUDE_FILE(x.o) *(.c) }\n x = NEXT(4) + 10b + $ff + 0x10K + 10h;\n}\n",
    );
    assert.deepEqual(s.errors, []);
    const got = lldIncompatibilities(s).map(
      (c) => `${c.range.line + 1}:${c.range.col + 1} ${c.rejects ? "rejects" : "differs"}`,
    );
    assert.deepEqual(got, [
      "1:1 rejects",
      "3:7 rejects",
      "4:7 rejects",
      "5:6 rejects",
      "5:30 differs",
      "6:6 rejects",
      "6:16 rejects",
      "6:22 rejects",
      "6:28 rejects",
    ]);
    const lint = lintDiagnostics(s).filter((d) => d.code === "lld-incompatible");
    assert.equal(lint.length, 9);
    assert.ok(lint.every((d) => d.severity === "info"));
  });
});

describe("linker-script rule documentation", () => {
  it("every lds rule id has its README anchor", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    for (const id of LDS_RULES)
      assert.ok(readme.includes(`<a id="rule-lds-${id}"></a>`), `README anchor rule-lds-${id}`);
  });
});

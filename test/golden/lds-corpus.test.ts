// Golden parse trees and diagnostics for the linker-script corpus (test/fixtures/lds/corpus), the
// cpp-preprocessed purgatory.lds.S (line markers back to the .lds.S and its header), and broken
// scripts (each error's message and range). UPDATE_GOLDEN=1 rewrites the goldens.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { lintDiagnostics, syntaxDiagnostics } from "../../server/src/core/lds/diagnostics";
import { sourceLocation } from "../../server/src/core/lds/lexer";
import { parseScript } from "../../server/src/core/lds/parser";
import { placeSections } from "../../server/src/core/lds/orphans";
import { preprocess } from "../../server/src/core/lds/preprocess";
import { fixturePath, repoRoot } from "../helpers";
import { checkGolden } from "./check-golden";
import { dumpTree, EXAMPLE_OBJECTS, EXAMPLE_PURGATORY, fmtRange, loadObjects } from "../lds-helpers";

const CORPUS = fixturePath("lds", "corpus");
const GOLDEN = join(repoRoot, "test", "golden", "lds");
const objects = loadObjects(EXAMPLE_OBJECTS.map((f) => join(EXAMPLE_PURGATORY, f)));

function checkLdsGolden(name: string, actual: unknown): void {
  checkGolden(join(GOLDEN, name + ".json"), actual, 1);
}

describe("linker-script corpus goldens", () => {
  for (const file of readdirSync(CORPUS).sort()) {
    it(file, () => {
      const text = readFileSync(join(CORPUS, file), "utf8");
      const script = parseScript(text, { tolerant: file.endsWith(".S") });
      const placement = placeSections(script, objects);
      const diags = [
        ...syntaxDiagnostics(script),
        ...lintDiagnostics(script, { placement, fileExists: (f) => f === "extra.ld" || f === "more-regions.ld" }),
      ].map((d) => `${fmtRange(d.range)} ${d.severity} [${d.code}] ${d.message.replace(EXAMPLE_PURGATORY + "/", "")}`);
      checkLdsGolden(file, { diagnostics: diags, tree: dumpTree(script) });
      const clean = !file.startsWith("broken") && !file.startsWith("missing") && !file.startsWith("unterminated");
      if (clean) assert.deepEqual(script.errors, [], `${file} should parse without errors`);
      else assert.ok(script.errors.length > 0);
    });
  }

  it("broken.lds: GNU ld's first syntax error, at its token; the tree still has the later sections", () => {
    const script = parseScript(readFileSync(join(CORPUS, "broken.lds"), "utf8"));
    const errs = script.errors.map((e) => `${fmtRange(e.range)} ${e.message}${e.warning ? " (warning)" : ""}`);
    // ld stops at its first error (`}` where `)' was due), so that is the only one.
    assert.deepEqual(errs, ["4:30-4:31 syntax error"]);
    assert.equal(script.errors[0]!.ldLine, 4);
    assert.ok((script.recoveredErrors ?? []).length > 1, "the recovering parser saw the later errors too");
    const sections = script.statements.find((s) => s.kind === "Sections");
    assert.ok(sections && sections.kind === "Sections");
    const names = sections.items.filter((i) => i.kind === "OutputSection").map((i) => (i.kind === "OutputSection" ? i.name.value : ""));
    // `.text` survives its broken input description; `.rodata` (no `:`) is skipped whole.
    assert.deepEqual(names, [".text", ".data", ".bss", ".fine"]);
  });

  it("missing `}' and unterminated comment use GNU ld's words and lines", () => {
    const mb = parseScript(readFileSync(join(CORPUS, "missing-brace.lds"), "utf8"));
    // Still in the body of .text, `.data` and `:` are file names (`:` is a name character there), so
    // the first token that cannot continue is the `{`.
    assert.deepEqual(mb.errors.map((e) => `${fmtRange(e.range)} ${e.message} ld:${e.ldLine}`), ["5:10-5:11 syntax error ld:5"]);
    const uc = parseScript(readFileSync(join(CORPUS, "unterminated-comment.lds"), "utf8"));
    assert.deepEqual(uc.errors.map((e) => `${fmtRange(e.range)} ${e.message} ld:${e.ldLine}`), ["3:3-3:5 EOF in comment ld:0"]);
  });

  it("cpp-preprocessed purgatory.lds.S: parses, and line markers map back to the .lds.S and its header", () => {
    const file = fixturePath("lds", "purgatory.lds.S");
    const pre = preprocess({
      file,
      text: readFileSync(file, "utf8"),
      allowTools: true,
      cmdArgv: ["gcc", "-E", "-Wp,-MMD,x.d", "-nostdinc", "-I", fixturePath("lds", "include"), "-P", "-Ux86", "-D__ASSEMBLY__", "-DLINKER_SCRIPT", "-o", "out.lds", "purgatory.lds.S"],
      cwd: repoRoot,
    });
    assert.equal(pre.mode, "cpp", pre.note);
    assert.ok(!pre.argv!.includes("-P") && !pre.argv!.includes("-o"));
    assert.deepEqual(pre.script.errors, []);
    const secs = pre.script.statements.find((s) => s.kind === "Sections")!;
    const loc = sourceLocation(pre.script.lineMarkers, secs.range.line, secs.range.col);
    assert.equal(loc.file, file);
    assert.equal(loc.line + 1, 13, "SECTIONS is on line 13 of purgatory.lds.S");
    assert.ok(pre.script.lineMarkers.some((m) => m.file.endsWith("asm-generic/vmlinux.lds.h") && m.flags.includes(1)));
    const lint = lintDiagnostics(pre.script, { placement: placeSections(pre.script, objects) });
    const orphan = lint.find((d) => d.code === "orphan-section" && d.message.includes(".ltext"));
    assert.ok(orphan);
    assert.equal(sourceLocation(pre.script.lineMarkers, orphan.range.line, orphan.range.col).line + 1, 13);
    checkLdsGolden("purgatory.lds.S.cpp", { lineMarkers: pre.script.lineMarkers.map((m) => ({ ...m, file: m.file.replace(repoRoot + "/", "") })), diagnostics: lint.map((d) => `${fmtRange(d.range)} ${d.code} ${d.message.replaceAll(EXAMPLE_PURGATORY + "/", "")}`) });
  });

  it("untrusted workspaces never run cpp: tolerant mode", () => {
    const pre = preprocess({ file: "x.lds.S", text: "#include <a.h>\nSECTIONS { TEXT_TEXT }\n", allowTools: false, cmdArgv: ["gcc", "-E"] });
    assert.equal(pre.mode, "tolerant");
    assert.deepEqual(pre.script.errors, []);
  });
});

// Golden tests of the rule engine's placement: for every fixture object dropped into the example
// tree (its Makefile and sources, plus a linker script of our own), where each finding lands and
// what each quick fix does. Regenerate with `npm run golden:update` after a deliberate change.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseMakefile } from "../../server/src/core/kbuild/makefile";
import { resolveFinding, type ProjectFiles, type TextEdit } from "../../server/src/core/rules/resolve";
import { simulate } from "../../server/src/core/simulate";
import { fixturePath, repoRoot } from "../helpers";
import { checkGolden } from "./check-golden";
import { fixtureObjects } from "./objects";

const dir = join(repoRoot, "examples/linux/arch/x86/purgatory");
const rel = (p: string) => p.slice(repoRoot.length + 1);
const read = (p: string) => ({ path: p, text: readFileSync(p, "utf8") });

export function exampleFiles(withLinkerScript: boolean): ProjectFiles {
  const mk = read(join(dir, "Makefile"));
  const sources = ["purgatory.c", "sha256.c", "string.c", "setup-x86_64.S", "entry64.S", "stack.S"].map((f) => read(join(dir, f)));
  return {
    object: join(dir, "purgatory.ro"),
    makefile: { ...mk, parsed: parseMakefile(mk.text) },
    linkerScript: withLinkerScript ? read(fixturePath("lds", "purgatory.lds.S")) : undefined,
    sources,
  };
}

function applyEdit(text: string, e: TextEdit): string {
  const lines = text.split("\n");
  const off = (l: number, c: number) => lines.slice(0, l).reduce((n, s) => n + s.length + 1, 0) + c;
  return text.slice(0, off(e.line, e.startColumn)) + e.newText + text.slice(off(e.endLine, e.endColumn));
}

/** Findings, places and fix results for one object, as lines of text. */
export function placements(objectPath: string, files: ProjectFiles, kernel: string): string[] {
  const r = simulate(readFileSync(objectPath), { kernel });
  if (!r.ok) return [`rejected: ${r.error}`];
  const out: string[] = [];
  for (const f of r.report.findings) {
    const resolved = resolveFinding(f, files);
    out.push(`${f.severity} ${f.id}: ${f.title}`);
    for (const p of resolved.places) out.push(`  at ${rel(p.path)}:${p.line + 1}:${p.startColumn + 1}-${p.endColumn + 1} (${p.note})`);
    for (const fix of resolved.fixes) {
      out.push(`  fix: ${fix.title}`);
      for (const e of fix.edits) {
        const file = [files.makefile, files.linkerScript].find((x) => x?.path === e.path)!;
        out.push(`    ${rel(e.path)}:${e.line + 1} -> ${applyEdit(file.text, e).split("\n")[e.line]!.trim()}`);
      }
    }
  }
  return out;
}

export const RULES_GOLDEN = join(repoRoot, "test/golden/rules-x86_64.json");

export function rulesGolden(): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const o of fixtureObjects({ includeZeroAlign: true })) {
    out[rel(o)] = {
      "6.8 without linker script": placements(o, exampleFiles(false), "6.8"),
      "6.8 with linker script": placements(o, exampleFiles(true), "6.8"),
    };
  }
  return out;
}

describe("rule placements", () => {
  const golden = rulesGolden();

  it("match the golden file", () => checkGolden(RULES_GOLDEN, golden));

  it("tie every error and warning to at least one line of the tree", () => {
    for (const [object, byCase] of Object.entries(golden)) {
      for (const lines of Object.values(byCase)) {
        lines.forEach((l, i) => {
          if (/^(error|warning) /.test(l)) assert.match(lines[i + 1] ?? "", /^ {2}at /, `${object}: ${l}`);
        });
      }
    }
  });

  it("offer the listed quick fixes", () => {
    const g = golden["test/fixtures/x86_64/obj/clang19-large-abs32.lld.ro"]!;
    const withLds = g["6.8 with linker script"]!.join("\n");
    assert.match(withLds, /fix: Merge \*\(\.ltext \.ltext\.\*\) into \.text in purgatory\.lds\.S\n {4}test\/fixtures\/lds\/purgatory\.lds\.S:17 -> \*\(\.ltext \.ltext\.\*\)/);
    assert.match(withLds, /fix: Switch PURGATORY_CFLAGS to -mcmodel=small -fpic -fvisibility=hidden\n {4}.*Makefile:\d+ -> PURGATORY_CFLAGS := -mcmodel=small -fpic -fvisibility=hidden/);
    const ssp = golden["test/fixtures/x86_64/obj/gcc12-stack-protector.bfd.ro"] ?? golden["test/fixtures/x86_64/obj/stack-protector.bfd.ro"]!;
    assert.match(ssp["6.8 without linker script"]!.join("\n"), /Undefined symbol: __stack_chk_fail\n {2}at /);
  });

  it("add -fno-stack-protector when the Makefile lacks it, as a new line after the last assignment", () => {
    const files = exampleFiles(false);
    const text = files.makefile!.text.replace("PURGATORY_CFLAGS += -fno-stack-protector\n", "");
    const lacking = { ...files, makefile: { path: files.makefile!.path, text, parsed: parseMakefile(text) } };
    const lines = placements(fixturePath("x86_64", "obj", "stack-protector.bfd.ro"), lacking, "6.8").join("\n");
    assert.match(lines, /at examples\/linux\/arch\/x86\/purgatory\/Makefile:50:1-17 \(-fno-stack-protector is missing from PURGATORY_CFLAGS\)/);
    assert.match(lines, /fix: Add -fno-stack-protector to PURGATORY_CFLAGS/);
  });
});

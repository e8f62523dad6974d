// The JSON writer prints the lists that grow with the object (sections, entry sections, the file's
// sections, symbols) one element per line from its own text form; each text form must be exactly
// JSON.stringify of the object form the rest of the code (and the documentation) describes.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readElf } from "../../server/src/core/elf/reader";
import {
  entrySectionJson,
  entrySectionLine,
  fileSectionJson,
  fileSectionLine,
  listedSections,
  listedSymbols,
  logEntryJson,
  logEntryLine,
  reportJson,
  sectionJson,
  sectionLine,
  stringify,
  symbolJson,
  symbolLine,
} from "../../server/src/core/report/json";
import { writeReportJson } from "../../server/src/core/report/json-stream";
import { simulate, type SimulateOptions } from "../../server/src/core/simulate";
import { fixturePath } from "../helpers";
import { readFileSync } from "node:fs";

/** Every fixture object of every architecture. */
function fixtureObjects(): string[] {
  const out: string[] = [];
  for (const arch of ["edge", "x86_64", "s390x", "riscv64", "ppc64", "kexec-tools"]) {
    const dir = fixturePath(arch, "obj");
    for (const f of readdirSync(dir)) if (f.endsWith(".ro")) out.push(join(dir, f));
  }
  return out;
}

/** The last symbol's st_name pointed past its string table: a symbol with a `problem`. */
function withBadName(bytes: Uint8Array): Uint8Array {
  const elf = readElf(bytes);
  const tab = elf.sections.find((s) => s.sh_type === 2)!;
  const copy = bytes.slice();
  const last = Number(tab.sh_size) / 24 - 1;
  new DataView(copy.buffer).setUint32(Number(tab.sh_offset) + 24 * last, 0xfffffff0, true);
  return copy;
}

/** Symbol names rewritten to hold every kind of character JSON escapes or UTF-8 widens. */
function withOddNames(bytes: Uint8Array): Uint8Array {
  const elf = readElf(bytes);
  const tab = elf.sections.find((s) => s.sh_type === 2)!;
  const strtab = elf.sections[tab.sh_link]!;
  const copy = bytes.slice();
  const odd = [0x22, 0x5c, 0x01, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1f, 0x7f, 0x80, 0xe9, 0xff, 0x2f];
  // Every name byte but the terminators, in turn: names keep their lengths and ends.
  let k = 0;
  for (let i = Number(strtab.sh_offset) + 1; i < Number(strtab.sh_offset + strtab.sh_size); i++)
    if (copy[i] !== 0) copy[i] = odd[k++ % odd.length]!;
  return copy;
}

function checkLines(bytes: Uint8Array, options: SimulateOptions, label: string): number {
  const r = simulate(bytes, options);
  if (!r.ok) return 0;
  const report = r.report;
  const machine = report.elf.header.e_machine;
  let n = 0;
  for (const { attempt: a } of report.loads) {
    for (const s of listedSections(a)) {
      assert.equal(sectionLine(s, a, machine), JSON.stringify(sectionJson(s, a, machine)), label);
      n++;
    }
    for (const l of a.log) {
      assert.equal(logEntryLine(l), JSON.stringify(logEntryJson(l)), label);
      n++;
    }
    for (const m of a.entryMatches) {
      assert.equal(entrySectionLine(m), JSON.stringify(entrySectionJson(m)), label);
      n++;
    }
  }
  for (const s of report.elf.sections) {
    assert.equal(fileSectionLine(s, machine), JSON.stringify(fileSectionJson(s, machine)), label);
    n++;
  }
  for (const sym of listedSymbols(report)) {
    assert.equal(symbolLine(sym, report), JSON.stringify(symbolJson(sym, report)), label);
    n++;
  }
  // And the written document as a whole is the object form (relocations aside, which are rows).
  let text = "";
  writeReportJson(label, report, (s) => (text += s));
  const written = JSON.parse(text);
  const expected = JSON.parse(stringify(reportJson(label, report)));
  for (const doc of [written, expected]) {
    delete doc.relocationFields;
    for (const res of doc.results) delete res.relocations;
  }
  assert.deepEqual(written, expected, label);
  return n;
}

describe("JSON list elements: the line is JSON.stringify of the object", () => {
  it("on every fixture object, with both loaders, and a symbol with a problem", () => {
    let n = 0;
    for (const path of fixtureObjects()) {
      const bytes = new Uint8Array(readFileSync(path));
      n += checkLines(bytes, {}, path);
      n += checkLines(bytes, { loader: "kexec-tools" }, path);
    }
    const bad = withBadName(
      new Uint8Array(readFileSync(fixturePath("x86_64", "obj", "clang14-large.bfd.ro"))),
    );
    const r = simulate(bad, {});
    assert.ok(r.ok && listedSymbols(r.report).some((s) => s.problem !== undefined));
    n += checkLines(bad, {}, "bad st_name");
    const odd = withOddNames(
      new Uint8Array(readFileSync(fixturePath("x86_64", "obj", "clang14-large.bfd.ro"))),
    );
    const o = simulate(odd, {});
    assert.ok(
      o.ok &&
        listedSymbols(o.report).some(
          (s) => s.name.includes('"') && [...s.name].some((c) => c < " " || c > "~"),
        ),
    );
    n += checkLines(odd, {}, "odd names");
    assert.ok(n > 1000, `only ${n} elements compared`);
  });
});

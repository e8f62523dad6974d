// Number literals in linker scripts as GNU ld reads them, checked against GNU ld itself: each literal
// is assigned to a symbol, `ld -r -T` links the script with one example object, and the symbol's value
// in the output must equal the one our evaluator gives. The interesting ones are past 2^64 - 1, where
// GNU ld saturates (bfd_scan_vma is strtoul on a 64-bit host) before a K/M suffix multiplies, and long
// runs of digits (read in linear time, not with BigInt() of the whole string).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readElf, readSymbols } from "../../server/src/core/elf/reader";
import { placeSections } from "../../server/src/core/lds/orphans";
import { parseScript } from "../../server/src/core/lds/parser";
import { have } from "../helpers";
import { EXAMPLE_OBJECTS, EXAMPLE_PURGATORY, loadObjects } from "../lds-helpers";

const skip = !have("ld.bfd") ? "needs GNU ld" : false;

const LITERALS = [
  "0",
  "0x1000",
  "4K",
  "3M",
  "0777",
  "1fh",
  "101b",
  "17o",
  "10d",
  "$ff",
  "18446744073709551615",
  "18446744073709551616",
  "99999999999999999999999",
  "0x1ffffffffffffffff",
  "0xffffffffffffffffK",
  "99999999999999999999999M",
  "01777777777777777777777",
  "07777777777777777777777777",
  `${"1".repeat(70)}b`,
  `${"0".repeat(5000)}42`,
  "9".repeat(5000),
];

describe("number literals vs GNU ld", { skip }, () => {
  const work = mkdtempSync(join(tmpdir(), "lds-numbers-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  it("every literal has the value `ld -r -T` gives its symbol", () => {
    const script = LITERALS.map((l, i) => `n${i} = ${l};`).join("\n") + "\n";
    const path = join(work, "numbers.lds");
    writeFileSync(path, script);
    const object = join(EXAMPLE_PURGATORY, EXAMPLE_OBJECTS[0]!);
    const out = join(work, "out.o");
    const r = spawnSync("ld.bfd", ["-r", "-T", path, "-o", out, object], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const elf = readElf(readFileSync(out));
    const symtab = elf.sections.find((s) => s.sh_type === 2)!;
    const linked = new Map(readSymbols(elf, symtab.index).map((s) => [s.name, s.st_value]));

    const parsed = parseScript(script);
    assert.deepEqual(parsed.errors, []);
    const ours = placeSections(parsed, loadObjects([object])).symbols;
    LITERALS.forEach((l, i) => {
      const want = linked.get(`n${i}`);
      assert.notEqual(want, undefined, `n${i} is in the output`);
      assert.equal(ours.get(`n${i}`), want, `${l.length > 40 ? `${l.slice(0, 20)}…` : l}`);
    });
  });
});

// Our .debug_line reader against llvm-dwarfdump-19 --debug-line, on objects gcc-12 (DWARF 4, GNU as
// line programs) and clang-19 (DWARF 5, .debug_line_str file names) built for the x86 fixture trees,
// before and after the -r link that merges their line tables and relocates them.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { lineAt, readDebugLine } from "../../server/src/core/elf/dwarf-line";
import { readElf } from "../../server/src/core/elf/reader";
import { fixturePath } from "../helpers";

interface DumpRow {
  address: bigint;
  line: number;
  column: number;
  file: number;
  isStmt: boolean;
  endSequence: boolean;
}

/** The row tables of llvm-dwarfdump's --debug-line output, one per unit, and each unit's version. */
function dump(path: string): { version: number; rows: DumpRow[]; files: string[] }[] {
  const out = execFileSync("llvm-dwarfdump-19", ["--debug-line", path], { encoding: "utf8" });
  const units: { version: number; rows: DumpRow[]; files: string[] }[] = [];
  for (const line of out.split("\n")) {
    const v = /^\s+version: (\d+)/.exec(line);
    if (v) units.push({ version: Number(v[1]), rows: [], files: [] });
    const n = /^\s+name: "(.*)"$/.exec(line);
    if (n && units.length > 0) units[units.length - 1]!.files.push(n[1]!);
    const m = /^0x([0-9a-f]{16})\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+\d+\s*(.*)$/.exec(line);
    if (m)
      units[units.length - 1]!.rows.push({
        address: BigInt(`0x${m[1]}`),
        line: Number(m[2]),
        column: Number(m[3]),
        file: Number(m[4]),
        isStmt: /\bis_stmt\b/.test(m[5]!),
        endSequence: /\bend_sequence\b/.test(m[5]!),
      });
  }
  return units;
}

const tree = (name: string, file: string) => fixturePath("trees", name, "arch", "x86", "purgatory", file);
const OBJECTS = [
  { what: "gcc-12 DWARF 4 object", path: tree("x86-small", "purgatory.o"), version: 4 },
  { what: "gcc-12 DWARF 4, ld -r merged", path: tree("x86-small", "purgatory.ro"), version: 4 },
  { what: "clang-19 DWARF 5 object", path: tree("x86-6.8.6", "sha256.o"), version: 5 },
  { what: "clang-19 DWARF 5, ld.lld -r merged", path: tree("x86-6.8.6", "purgatory.ro"), version: 5 },
];

describe(".debug_line reader", () => {
  for (const o of OBJECTS) {
    it(`reads every row as llvm-dwarfdump-19 does: ${o.what}`, () => {
      const ours = readDebugLine(readElf(readFileSync(o.path)));
      const theirs = dump(o.path);
      assert.equal(ours.error, undefined);
      assert.ok(theirs.length > 0, "llvm-dwarfdump found line tables");
      assert.equal(ours.tables.length, theirs.length);
      let rows = 0;
      ours.tables.forEach((t, k) => {
        const d = theirs[k]!;
        assert.equal(t.version, o.version);
        assert.equal(t.version, d.version);
        // dwarfdump lists the file entries' names (DWARF 5 from .debug_line_str via relocations).
        assert.deepEqual(
          t.files.filter((f) => f !== undefined).map((f) => f.name),
          d.files,
        );
        assert.deepEqual(
          t.rows.map((r) => ({
            address: r.address,
            line: r.line,
            column: r.column,
            file: r.file,
            isStmt: r.isStmt,
            endSequence: r.endSequence,
          })),
          d.rows,
        );
        rows += t.rows.length;
      });
      assert.ok(rows > 20, `${rows} rows compared`);
    });
  }

  it("maps an address to the line that emitted it, in the right section", () => {
    const elf = readElf(readFileSync(tree("x86-small", "purgatory.ro")));
    const dl = readDebugLine(elf);
    const text = elf.sections.find((s) => s.name === ".text")!.index;
    const first = dl.tables[0]!.rows.find((r) => !r.endSequence)!;
    const at = lineAt(dl, text, first.address);
    assert.ok(at);
    assert.match(at.path, /purgatory\.c$/);
    // Another section has no rows: no line.
    assert.equal(lineAt(dl, text + 100, first.address), undefined);
  });

  it("finds nothing in an object built with -g0, and stops with a message on a truncated table", () => {
    const g0 = readElf(
      readFileSync(join(fixturePath(".."), "..", "examples/linux/arch/x86/purgatory/purgatory.ro")),
    );
    assert.deepEqual(readDebugLine(g0).tables, []);
    const bytes = new Uint8Array(readFileSync(tree("x86-small", "purgatory.o")));
    const elf = readElf(bytes);
    const dl = elf.sections.find((s) => s.name === ".debug_line")!;
    // Claim a unit length far past the section's end.
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(Number(dl.sh_offset), 0x7ffffff0, true);
    const broken = readDebugLine(readElf(bytes));
    assert.match(broken.error ?? "", /runs past the section/);
  });
});

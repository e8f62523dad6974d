// Whether an object is whole, from its structure: every prefix of a real object that a writer going
// front to back (or GNU ld, which writes the ELF header last) leaves behind is not whole; the object
// itself, in each class and byte order we build, is.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { elfCompleteness } from "../../server/src/core/elf/complete";
import { readElf } from "../../server/src/core/elf/reader";
import { readFixture } from "../helpers";

const objects: [string, Buffer][] = [
  ["x86_64 ELF64 LSB", Buffer.from(readFixture("x86_64", "obj", "clang19-large.lld.ro"))],
  ["edge alltypes.ro", Buffer.from(readFixture("edge", "obj", "alltypes.ro"))],
  ["i386 ELF32 REL", Buffer.from(readFixture("other", "i386-rel.o"))],
  ["s390x ELF64 MSB", Buffer.from(readFixture("other", "s390x-be.o"))],
];

describe("elfCompleteness", () => {
  for (const [name, bytes] of objects) {
    it(`${name}: whole, and no prefix of it is`, () => {
      assert.deepEqual(elfCompleteness(bytes), { complete: true });
      for (let n = 0; n < bytes.length; n += Math.max(1, Math.floor(bytes.length / 97))) {
        const c = elfCompleteness(bytes.subarray(0, n));
        assert.equal(c.complete, false, `${n} of ${bytes.length} bytes`);
      }
      assert.equal(elfCompleteness(bytes.subarray(0, bytes.length - 1)).complete, false);
    });
  }

  it("a file whose ELF header is not written yet (zeros) is not whole", () => {
    const b = Buffer.from(objects[0]![1]);
    b.fill(0, 0, 64);
    const c = elfCompleteness(b);
    assert.equal(c.complete, false);
    assert.match(!c.complete ? c.reason : "", /not an ELF file/);
  });

  it("a symbol table that disagrees with its string table is not whole", () => {
    const b = Buffer.from(objects[0]![1]);
    const elf = readElf(b);
    const symtab = elf.sections.find((s) => s.name === ".symtab")!;
    const strtab = elf.sections[symtab.sh_link]!;
    // Symbol 1's st_name past the string table, as a table written before its strings would read.
    b.writeUInt32LE(Number(strtab.sh_size) + 5, Number(symtab.sh_offset) + 24);
    const c = elfCompleteness(b);
    assert.equal(c.complete, false);
    assert.match(!c.complete ? c.reason : "", /symbol table \.symtab: symbol 1's name offset/);
  });

  it("a string table not written to its end (no final NUL) is not whole", () => {
    const b = Buffer.from(objects[0]![1]);
    const elf = readElf(b);
    const strtab = elf.sections[elf.sections.find((s) => s.name === ".symtab")!.sh_link]!;
    b[Number(strtab.sh_offset + strtab.sh_size) - 1] = 0x41;
    const c = elfCompleteness(b);
    assert.equal(c.complete, false);
    assert.match(!c.complete ? c.reason : "", /does not end in a NUL byte/);
  });
});

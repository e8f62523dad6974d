// Our ELF reader against binutils' readelf and LLVM's llvm-readelf on every committed object: section
// headers, relocations and symbols must agree field by field. x86_64 and the reader-test objects go
// through the host's binutils; the s390x, riscv64 and ppc64 fixtures through their own cross readelf
// and llvm-readelf-19. A missing tool skips its tests with the reason.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { riscvRelocName } from "../../server/src/core/arch/riscv64";
import { s390RelocName } from "../../server/src/core/arch/s390x";
import { x86RelocName } from "../../server/src/core/elf/x86_64-relocs";
import {
  bindName,
  sectionFlagLetters,
  sectionTypeName,
  SHT_REL,
  SHT_RELA,
  SHT_SYMTAB,
  STT_SECTION,
} from "../../server/src/core/elf/constants";
import { readElf, readRelocations, readSymbols } from "../../server/src/core/elf/reader";
import { fixturePath } from "../helpers";
import { archObjects, CROSS, CROSS_ARCHES, missing } from "./objects";
import { readelfRelocations, readelfSections, readelfSymbols, shownName } from "./readelf-tools";

interface Subject {
  /** "folder/name", the test's name. */
  readonly name: string;
  readonly path: string;
  /** The binutils readelf for this object's machine. */
  readonly readelf: string;
  /** Our name for a relocation type, where we have one (ppc64 has no relocator, so no names). */
  readonly relocName?: (type: number) => string;
}

const name = (path: string) => path.split("/").slice(-2).join("/");

const hostObjects: Subject[] = [
  fixturePath("edge", "obj"),
  fixturePath("x86_64", "obj"),
  fixturePath("other"),
]
  .filter(existsSync)
  .flatMap((d) => readdirSync(d).map((f) => join(d, f)))
  .filter((f) => /\.(ro|o)$/.test(f))
  .map((path) => ({ name: name(path), path, readelf: "readelf" }));

const RELOC_NAMES: Record<string, ((type: number) => string) | undefined> = {
  s390x: s390RelocName,
  riscv64: riscvRelocName,
  ppc64: undefined,
};

const crossObjects: Subject[] = CROSS_ARCHES.flatMap((arch) =>
  archObjects(arch).map((path) => ({
    name: `${arch}/${path.split("/").slice(-1)[0]}`,
    path,
    readelf: CROSS[arch].readelf,
    relocName: RELOC_NAMES[arch],
  })),
);

const sortFlags = (f: string) => [...f].sort().join("");

function checkSections(s: Subject): void {
  const elf = readElf(readFileSync(s.path));
  const rows = readelfSections(s.readelf, s.path);
  assert.equal(rows.length, elf.sections.length, "section count");
  for (const row of rows) {
    const sec = elf.sections[row.index]!;
    // readelf omits the NULL section's name, and our type names follow its spelling.
    assert.equal(sec.name, row.index === 0 ? "" : row.name, `name of [${row.index}]`);
    if (!/^(LOOS|LOPROC|LOUSER)/.test(row.type))
      assert.equal(sectionTypeName(sec.sh_type), row.type, `type of ${sec.name}`);
    assert.equal(sec.sh_addr, row.addr, `addr of ${sec.name}`);
    assert.equal(sec.sh_offset, row.off, `offset of ${sec.name}`);
    assert.equal(sec.sh_size, row.size, `size of ${sec.name}`);
    assert.equal(sec.sh_link, row.link, `link of ${sec.name}`);
    assert.equal(sec.sh_info, row.info, `info of ${sec.name}`);
    assert.equal(sec.sh_addralign, row.align, `align of ${sec.name}`);
    // readelf prints l (large) only for x86-64 and p/o/x for processor bits we do not name.
    const theirs = sortFlags(row.flags.replace(/[popxyDRC]/g, ""));
    assert.equal(
      sortFlags(sectionFlagLetters(sec.sh_flags, elf.header.e_machine)),
      theirs,
      `flags of ${sec.name}`,
    );
  }
}

/** Every relocation as "section offset info type-name addend", ours and the tool's. */
function checkRelocations(s: Subject, tool: string): void {
  const elf = readElf(readFileSync(s.path));
  const ours: string[] = [];
  for (const sec of elf.sections) {
    if (sec.sh_type !== SHT_RELA && sec.sh_type !== SHT_REL) continue;
    for (const r of readRelocations(elf, sec.index)) {
      const typeName = s.relocName ? ` ${s.relocName(r.type)}` : "";
      ours.push(`${sec.name} ${r.r_offset} ${r.r_info.toString(16)}${typeName} ${r.r_addend}`);
    }
  }
  const theirs = readelfRelocations(tool, s.path).map(
    (r) =>
      `${r.section} ${r.offset} ${r.info.toString(16)}${s.relocName ? ` ${r.typeName}` : ""} ${r.addend}`,
  );
  assert.deepEqual(ours, theirs);
}

function checkSymbols(s: Subject): void {
  const elf = readElf(readFileSync(s.path));
  const rows = readelfSymbols(s.readelf, s.path);
  const symtab = elf.sections.find((x) => x.sh_type === SHT_SYMTAB)!;
  const syms = readSymbols(elf, symtab.index);
  assert.equal(rows.length, syms.length, "symbol count");
  for (const row of rows) {
    const sym = syms[row.num]!;
    assert.equal(sym.st_value, row.value, `value of ${row.name}`);
    assert.equal(sym.st_size, row.size, `size of ${row.name}`);
    assert.equal(bindName(sym.bind), row.bind, `bind of ${row.name}`);
    const ndx =
      row.ndx === "UND" ? 0 : row.ndx === "ABS" ? 0xfff1 : row.ndx === "COM" ? 0xfff2 : Number(row.ndx);
    assert.equal(sym.shndx, ndx, `section of ${row.name}`);
    // readelf shows a section symbol (st_name 0) under its section's name.
    const shown = sym.st_name === 0 && sym.type === STT_SECTION ? elf.sections[sym.shndx]!.name : sym.name;
    assert.equal(shownName(shown), row.name, `name of symbol ${row.num}`);
  }
}

describe("sections agree with readelf -S -W", () => {
  for (const s of [...hostObjects, ...crossObjects]) {
    it(`${s.name} (${s.readelf})`, { skip: missing(s.readelf) }, () => checkSections(s));
  }
});

describe("relocations agree with llvm-readelf -r and readelf -r", () => {
  const x86 = hostObjects.filter((s) => s.path.includes("/x86_64/") || s.path.includes("/edge/"));
  for (const s of x86) {
    it(`${s.name} (llvm-readelf-19)`, { skip: missing("llvm-readelf-19") }, () =>
      checkRelocations({ ...s, relocName: x86RelocName }, "llvm-readelf-19"),
    );
  }
  for (const s of crossObjects) {
    for (const tool of [s.readelf, "llvm-readelf-19"]) {
      it(`${s.name} (${tool})`, { skip: missing(tool) }, () => checkRelocations(s, tool));
    }
  }
});

describe("symbols agree with readelf -s -W", () => {
  const x86 = hostObjects.filter((s) => s.path.includes("/x86_64/") || s.path.includes("/edge/"));
  for (const s of [...x86, ...crossObjects]) {
    it(`${s.name} (${s.readelf})`, { skip: missing(s.readelf) }, () => checkSymbols(s));
  }
});

// Our ELF reader against binutils' readelf and LLVM's llvm-readelf on every committed object:
// section headers, relocations and symbols must agree field by field.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { bindName, sectionFlagLetters, sectionTypeName, SHT_REL, SHT_RELA, SHT_SYMTAB, STT_SECTION } from "../../server/src/core/elf/constants";
import { readElf, readRelocations, readSymbols } from "../../server/src/core/elf/reader";
import { x86RelocName } from "../../server/src/core/arch/x86_64-types";
import { fixturePath } from "../helpers";

function allObjects(): string[] {
  const dirs = [fixturePath("edge", "obj"), fixturePath("x86_64", "obj"), fixturePath("other")];
  return dirs
    .filter(existsSync)
    .flatMap((d) => readdirSync(d).map((f) => join(d, f)))
    .filter((f) => /\.(ro|o)$/.test(f));
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

interface ShdrRow {
  index: number;
  name: string;
  type: string;
  addr: bigint;
  off: bigint;
  size: bigint;
  flags: string;
  link: number;
  info: number;
  align: bigint;
}

/** Parses `readelf -S -W` rows: `[Nr] Name Type Address Off Size ES Flg Lk Inf Al`. */
function readelfSections(path: string, tool: string): ShdrRow[] {
  const rows: ShdrRow[] = [];
  const re = /^\s*\[\s*(\d+)\]\s(.*?)\s+(\S+)\s+([0-9a-f]{8,16})\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([A-Za-z]*)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/;
  for (const line of run(tool, ["-S", "-W", path]).split("\n")) {
    const m = re.exec(line);
    if (!m) continue;
    rows.push({
      index: Number(m[1]),
      name: m[2]!,
      type: m[3]!,
      addr: BigInt("0x" + m[4]),
      off: BigInt("0x" + m[5]),
      size: BigInt("0x" + m[6]),
      flags: m[8]!,
      link: Number(m[9]),
      info: Number(m[10]),
      align: BigInt(m[11]!),
    });
  }
  return rows;
}

const sortFlags = (f: string) => [...f].sort().join("");

describe("sections agree with readelf -S -W", () => {
  for (const path of allObjects()) {
    it(path.split("/").slice(-2).join("/"), () => {
      const elf = readElf(readFileSync(path));
      const rows = readelfSections(path, "readelf");
      assert.equal(rows.length, elf.sections.length, "section count");
      for (const row of rows) {
        const s = elf.sections[row.index]!;
        // readelf omits the NULL section's name, and our type names follow its spelling.
        assert.equal(s.name, row.index === 0 ? "" : row.name, `name of [${row.index}]`);
        if (!/^(LOOS|LOPROC|LOUSER)/.test(row.type)) assert.equal(sectionTypeName(s.sh_type), row.type, `type of ${s.name}`);
        assert.equal(s.sh_addr, row.addr, `addr of ${s.name}`);
        assert.equal(s.sh_offset, row.off, `offset of ${s.name}`);
        assert.equal(s.sh_size, row.size, `size of ${s.name}`);
        assert.equal(s.sh_link, row.link, `link of ${s.name}`);
        assert.equal(s.sh_info, row.info, `info of ${s.name}`);
        assert.equal(s.sh_addralign, row.align, `align of ${s.name}`);
        // readelf prints l (large) only for x86-64 and p/o/x for processor bits we do not name.
        const theirs = sortFlags(row.flags.replace(/[popxyDRC]/g, ""));
        assert.equal(sortFlags(sectionFlagLetters(s.sh_flags, elf.header.e_machine)), theirs, `flags of ${s.name}`);
      }
    });
  }
});

describe("relocations and symbols agree with llvm-readelf", () => {
  for (const path of allObjects().filter((p) => p.includes("/x86_64/") || p.includes("/edge/"))) {
    it(path.split("/").slice(-2).join("/"), () => {
      const elf = readElf(readFileSync(path));
      // llvm-readelf -r --elf-output-style=JSON would be easier, but LLVM 19's text is stable enough:
      //   Offset Info Type SymbolValue SymbolName + Addend
      const text = run("llvm-readelf-19", ["-r", "-W", path]);
      const theirs: string[] = [];
      for (const line of text.split("\n")) {
        const m = /^([0-9a-f]{16})\s+([0-9a-f]{16})\s+(R_X86_64_\w+)\s+(?:[0-9a-f]{16}\s+)?(.*?)\s*([+-])\s*([0-9a-f]+)\s*$/.exec(line);
        if (m) theirs.push(`${BigInt("0x" + m[1])} ${m[3]} ${m[5] === "-" ? "-" : ""}${BigInt("0x" + m[6])}`);
      }
      const ours: string[] = [];
      for (const s of elf.sections) {
        if (s.sh_type !== SHT_RELA && s.sh_type !== SHT_REL) continue;
        for (const r of readRelocations(elf, s.index)) {
          const a = r.r_addend;
          ours.push(`${r.r_offset} ${x86RelocName(r.type)} ${a < 0n ? "-" + -a : a}`);
        }
      }
      assert.deepEqual(ours, theirs);

      const symText = run("readelf", ["-s", "-W", path]);
      const symRows = symText
        .split("\n")
        .map((l) => /^\s*(\d+):\s+([0-9a-f]+)\s+(\d+|0x[0-9a-f]+)\s+\S+\s+(\S+)\s+\S+\s+(\S+)\s*(.*)$/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null);
      const symtab = elf.sections.find((s) => s.sh_type === SHT_SYMTAB)!;
      const syms = readSymbols(elf, symtab.index);
      assert.equal(symRows.length, syms.length, "symbol count");
      for (const m of symRows) {
        const s = syms[Number(m[1])]!;
        assert.equal(s.st_value, BigInt("0x" + m[2]), `value of ${m[6]}`);
        assert.equal(s.st_size, BigInt(m[3]!), `size of ${m[6]}`);
        assert.equal(bindName(s.bind), m[4], `bind of ${m[6]}`);
        const ndx = m[5] === "UND" ? 0 : m[5] === "ABS" ? 0xfff1 : m[5] === "COM" ? 0xfff2 : Number(m[5]);
        assert.equal(s.shndx, ndx, `section of ${m[6]}`);
        // readelf shows a section symbol (st_name 0) under its section's name.
        const shown = s.st_name === 0 && s.type === STT_SECTION ? elf.sections[s.shndx]!.name : s.name;
        assert.equal(shown, (m[6] ?? "").trim(), `name of symbol ${m[1]}`);
      }
    });
  }
});

// kexec-tools' per-architecture parts (server/src/core/kexec-tools/arch/*) on the objects of
// test/fixtures/kexec-tools. Every relocation of a handled type is applied by our machine_apply_elf_rel
// model at fixed section addresses and compared with what the cross GNU ld stores in a final link of the
// same object with the same addresses (kexec-tools' known deviations from a linker are derived from
// ld's own output: the REL64 value plus P, the rewritten ppc64 prologue from ld's .TOC.). Unknown types
// are named by llvm-readelf, and must die with kexec-tools' text. The driving here is the minimal
// per-relocation loop of elf_rel_load (value = st_value + sec_base + r_addend), not the real loader.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SHF_ALLOC, SHN_ABS, SHN_UNDEF, SHT_NOBITS, SHT_RELA } from "../../server/src/core/elf/constants";
import {
  readElf,
  readRelocations,
  readSymbol,
  readSymbols,
  sectionData,
} from "../../server/src/core/elf/reader";
import type { ElfFile } from "../../server/src/core/elf/types";
import { readField } from "../../server/src/core/arch/common";
import { ALIGN, u64 } from "../../server/src/core/kexec/u64";
import { KT_ARM64 } from "../../server/src/core/kexec-tools/arch/arm64";
import { KT_LOONGARCH64 } from "../../server/src/core/kexec-tools/arch/loongarch64";
import { KT_PPC64, ktPpc64AlignOverrides } from "../../server/src/core/kexec-tools/arch/ppc64";
import { KT_RISCV64 } from "../../server/src/core/kexec-tools/arch/riscv64";
import { KT_S390X } from "../../server/src/core/kexec-tools/arch/s390x";
import type { KtArch, KtRelocResult } from "../../server/src/core/kexec-tools/types";
import { kexecToolsVersion } from "../../server/src/core/kexec-tools/version";
import { fixturePath, missing, readFixture } from "../helpers";
import { STATIC_LINK } from "../linkcheck";

const RELEASES = ["2.0.25", "2.0.29", "2.0.32"].map((v) => kexecToolsVersion(v));

/** One relocation as llvm-readelf prints it: the type number (from r_info) and its name. */
interface ReadelfReloc {
  readonly section: string;
  readonly offset: bigint;
  readonly type: number;
  readonly name: string;
}

function readelfRelocs(file: string): ReadelfReloc[] {
  const r = spawnSync("llvm-readelf-19", ["-r", "--wide", file], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out: ReadelfReloc[] = [];
  let section = "";
  for (const line of r.stdout.split("\n")) {
    const head = /^Relocation section '([^']+)'/.exec(line);
    if (head) section = head[1]!.replace(/^\.rela/, "");
    const m = /^\s*([0-9a-f]{16})\s+([0-9a-f]{16})\s+(R_\w+)/.exec(line);
    if (m)
      out.push({
        section,
        offset: BigInt(`0x${m[1]}`),
        type: Number(BigInt(`0x${m[2]}`) & 0xffffffffn),
        name: m[3]!,
      });
  }
  return out;
}

/** Section addresses of our own choosing: allocated sections one after the other from `base`. */
function placeSections(elf: ElfFile, base: bigint): Map<number, bigint> {
  const addrs = new Map<number, bigint>();
  const overrides = elf.header.e_machine === KT_PPC64.e_machine ? ktPpc64AlignOverrides(elf) : new Map();
  let at = base;
  for (const s of elf.sections) {
    if ((s.sh_flags & SHF_ALLOC) === 0n || s.sh_size === 0n) continue;
    const align = overrides.get(s.index) ?? (s.sh_addralign > 0n ? s.sh_addralign : 1n);
    at = ALIGN(at, align);
    addrs.set(s.index, at);
    at += s.sh_size;
  }
  return addrs;
}

interface Applied {
  readonly target: number;
  readonly r_offset: bigint;
  readonly r_type: number;
  readonly address: bigint;
  readonly value: bigint;
  readonly result: KtRelocResult;
}

/** elf_rel_load's relocation walk, minimally: every RELA section aimed at an allocated section. */
function applyAll(arch: KtArch, elf: ElfFile, addrs: Map<number, bigint>, release = RELEASES[2]!) {
  const buffers = new Map<number, Uint8Array>();
  for (const [i] of addrs) {
    const s = elf.sections[i]!;
    buffers.set(
      i,
      s.sh_type === SHT_NOBITS ? new Uint8Array(Number(s.sh_size)) : sectionData(elf, i).slice(),
    );
  }
  const applied: Applied[] = [];
  for (const rs of elf.sections) {
    if (rs.sh_type !== SHT_RELA || !addrs.has(rs.sh_info)) continue;
    for (const rel of readRelocations(elf, rs.index)) {
      const sym = readSymbol(elf, rs.sh_link, rel.sym);
      const secBase =
        sym.st_shndx === SHN_ABS || sym.st_shndx === SHN_UNDEF ? 0n : (addrs.get(sym.shndx) ?? 0n);
      const value = u64(sym.st_value + secBase + rel.r_addend);
      const address = u64(addrs.get(rs.sh_info)! + rel.r_offset);
      const call = {
        elf,
        version: release,
        sym,
        symName: sym.name,
        r_type: rel.type,
        data: buffers.get(rs.sh_info)!,
        at: Number(rel.r_offset),
        address,
        value,
        bufAddr: addrs.get(rs.sh_info)!,
        sectionAddress: (i: number) => addrs.get(i) ?? 0n,
      };
      applied.push({
        target: rs.sh_info,
        r_offset: rel.r_offset,
        r_type: rel.type,
        address,
        value,
        result: arch.apply(call),
      });
    }
  }
  return { buffers, applied };
}

interface Linked {
  readonly sections: Map<number, Uint8Array>;
  readonly symbols: Map<string, bigint>;
}

/** The final link: each allocated section renamed apart and placed at our address (--section-start). */
function finalLink(
  file: string,
  elf: ElfFile,
  addrs: Map<number, bigint>,
  ld: string,
  objcopy: string,
  extra: string[],
): Linked {
  const dir = mkdtempSync(join(tmpdir(), "pl-kt-"));
  try {
    const prepared = join(dir, "in.o");
    const out = join(dir, "out.elf");
    const rename = [...addrs.keys()].flatMap((i) => ["--rename-section", `${elf.sections[i]!.name}=pl.${i}`]);
    const oc = spawnSync(objcopy, [...rename, file, prepared], { encoding: "utf8" });
    assert.equal(oc.status, 0, oc.stderr);
    const starts = [...addrs].map(([i, a]) => `--section-start=pl.${i}=0x${a.toString(16)}`);
    const r = spawnSync(ld, [...STATIC_LINK, ...extra, ...starts, prepared, "-o", out], { encoding: "utf8" });
    assert.equal(r.status, 0, `${ld}: ${r.stdout}${r.stderr}`);
    const linked = readElf(readFileSync(out));
    const sections = new Map<number, Uint8Array>();
    for (const s of linked.sections) {
      const m = /^pl\.(\d+)$/.exec(s.name);
      if (m && s.sh_type !== SHT_NOBITS) sections.set(Number(m[1]), sectionData(linked, s.index).slice());
    }
    const symbols = new Map<string, bigint>();
    const symtab = linked.sections.find((s) => s.name === ".symtab");
    if (symtab) for (const s of readSymbols(linked, symtab.index)) symbols.set(s.name, s.st_value);
    return { sections, symbols };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

interface ArchCase {
  readonly arch: KtArch;
  readonly ld: string;
  readonly objcopy: string;
  readonly ldArgs: string[];
  readonly objects: string[];
  /** Type numbers machine_apply_elf_rel handles, from kexec-tools' source (the spec, not our tables). */
  readonly handled: number[];
  /** kexec-tools' unknown-type text for a relocation. */
  unknownDie(type: number, address: bigint): string;
  /** Section addresses to try (the link must be able to reach everything: keep them close). */
  readonly bases: bigint[];
}

const BFD = ["-z", "noexecstack", "--no-warn-rwx-segments", "-z", "noseparate-code"];

const CASES: ArchCase[] = [
  {
    arch: KT_ARM64,
    ld: "aarch64-linux-gnu-ld",
    objcopy: "aarch64-linux-gnu-objcopy",
    ldArgs: BFD,
    objects: ["arm64-gcc.ro", "arm64-clang19.ro", "arm64-types.ro"],
    handled: [257, 261, 264, 266, 268, 269, 273, 274, 275, 277, 282, 283, 286, 299],
    unknownDie: (t) => `machine_apply_elf_rel: ERROR Unknown type: ${t}`,
    bases: [0x40200000n, 0x8fff0000n],
  },
  {
    arch: KT_S390X,
    ld: "s390x-linux-gnu-ld",
    objcopy: "s390x-linux-gnu-objcopy",
    ldArgs: BFD,
    objects: ["s390x-gcc.ro", "s390x-types.ro"],
    handled: [1, 2, 3, 57, 4, 22, 16, 17, 19, 20, 5, 23],
    unknownDie: (t, a) => `Unknown rela relocation: 0x${t.toString(16)} 0x${a.toString(16)}`,
    bases: [0x2000n, 0x3fff0000n],
  },
  {
    arch: KT_PPC64,
    ld: "powerpc64le-linux-gnu-ld",
    objcopy: "powerpc64le-linux-gnu-objcopy",
    ldArgs: [...BFD, "--no-toc-optimize", "--no-plt-localentry"],
    objects: ["ppc64le-types.ro"],
    handled: [1, 38, 44, 26, 51, 47, 63, 48, 64, 49, 50, 10, 4, 5, 6, 39, 41, 252, 250],
    unknownDie: (t) => `Unknown rela relocation: ${t}`,
    bases: [0x10000n, 0x3fff0000n],
  },
];

/** What kexec-tools stores where it deliberately differs from a linker, derived from ld's result. */
function expectedField(
  c: ArchCase,
  a: Applied,
  linked: Uint8Array,
  linkedSymbols: Map<string, bigint>,
): Uint8Array {
  if (c.arch.id !== "ppc64") return linked;
  const le = true;
  const put = (v: bigint, width: number): Uint8Array => {
    const b = new Uint8Array(width);
    for (let i = 0; i < width; i++) b[le ? i : width - 1 - i] = Number((v >> BigInt(8 * i)) & 0xffn);
    return b;
  };
  const toc = linkedSymbols.get(".TOC.");
  switch (a.r_type) {
    case 44: // REL64: the absolute value, i.e. ld's S + A - P, plus P.
      return put(u64(readField(linked, 0, 8, le) + a.address), 8);
    case 252: // REL16_HA: `lis 2, .TOC.@h`
      assert.ok(toc !== undefined, "ld defines .TOC.");
      return put(0x3c400000n + ((toc >> 16n) & 0xffffn), 4);
    case 250: // REL16_LO: the low half of .TOC.
      assert.ok(toc !== undefined, "ld defines .TOC.");
      return put(toc & 0xffffn, 2);
    default:
      return linked;
  }
}

for (const c of CASES) {
  const skip = missing(c.ld, c.objcopy, "llvm-readelf-19");
  describe(`kexec-tools ${c.arch.id}: handled relocations store what ${c.ld} stores`, { skip }, () => {
    for (const name of c.objects) {
      for (const base of c.bases) {
        it(`${name} at 0x${base.toString(16)}`, () => {
          const file = fixturePath("kexec-tools", "obj", name);
          const elf = readElf(readFixture("kexec-tools", "obj", name));
          assert.ok(c.arch.verify(elf, RELEASES[2]!), "machine_verify_elf_rel accepts it");
          const addrs = placeSections(elf, base);
          const { buffers, applied } = applyAll(c.arch, elf, addrs);
          const link = finalLink(file, elf, addrs, c.ld, c.objcopy, c.ldArgs);
          const names = new Map(readelfRelocs(file).map((r) => [`${r.section}@${r.offset}`, r]));
          let compared = 0;
          for (const a of applied) {
            const where = `${elf.sections[a.target]!.name}+0x${a.r_offset.toString(16)}`;
            const ref = names.get(`${elf.sections[a.target]!.name}@${a.r_offset}`);
            assert.ok(ref, `llvm-readelf lists ${where}`);
            assert.equal(a.result.typeName, ref.name, `type name at ${where}`);
            assert.ok(c.handled.includes(a.r_type), `${ref.name} at ${where} is a handled type`);
            assert.equal(a.result.die, undefined, `${ref.name} at ${where}: ${a.result.die}`);
            if (a.result.stored === undefined) {
              assert.equal(a.r_type, 26, "only ppc64 REL32 leaves its field unpredictable");
              continue;
            }
            const at = Number(a.r_offset);
            const ours = buffers.get(a.target)!.subarray(at, at + a.result.width);
            const linked = link.sections.get(a.target)!.subarray(at, at + a.result.width);
            const want = expectedField(c, a, linked, link.symbols);
            assert.equal(
              hexOf(ours),
              hexOf(want),
              `${ref.name} at ${where} (value 0x${a.value.toString(16)})`,
            );
            compared++;
          }
          assert.ok(compared > 0, "some relocations were compared");
        });
      }
    }
  });
}

describe(
  "kexec-tools arm64: quirks measured against ld",
  { skip: missing("aarch64-linux-gnu-ld", "aarch64-linux-gnu-objcopy") },
  () => {
    it("MOVW_UABS_G2_NC/G3 add nothing: right below 4 GiB, wrong above (ld puts the bits there)", () => {
      const name = "arm64-types.ro";
      const elf = readElf(readFixture("kexec-tools", "obj", name));
      const addrs = placeSections(elf, 0x8_8000_0000n);
      const { buffers, applied } = applyAll(KT_ARM64, elf, addrs);
      const link = finalLink(
        fixturePath("kexec-tools", "obj", name),
        elf,
        addrs,
        "aarch64-linux-gnu-ld",
        "aarch64-linux-gnu-objcopy",
        BFD,
      );
      const g2 = applied.find((a) => a.r_type === 268)!;
      const at = Number(g2.r_offset);
      const imm = (b: Uint8Array): bigint => (readField(b, at, 4, true) >> 5n) & 0xffffn;
      assert.equal(imm(link.sections.get(g2.target)!), 8n, "ld stores bits 32-47 of 0x8_8xxx_xxxx");
      assert.equal(imm(buffers.get(g2.target)!), 0n);
      assert.equal(g2.result.status, "undefined-behaviour");
    });
  },
);

describe(
  "kexec-tools: unhandled types die with kexec-tools' text",
  { skip: missing("llvm-readelf-19") },
  () => {
    const unknownCases: [KtArch, string[], number[], (t: number, a: bigint) => string][] = [
      [
        KT_ARM64,
        ["arm64-pic.ro", "arm64-small.ro", "arm64-unknown.ro"],
        CASES[0]!.handled,
        CASES[0]!.unknownDie,
      ],
      [KT_S390X, ["s390x-pic.ro", "s390x-unknown.ro"], CASES[1]!.handled, CASES[1]!.unknownDie],
      [KT_PPC64, ["ppc64le-power10.ro", "ppc64le-unknown.ro"], CASES[2]!.handled, CASES[2]!.unknownDie],
      [KT_LOONGARCH64, ["loongarch64-clang19.ro"], [], (t) => `Unknown rela relocation: ${t}`],
    ];
    for (const [arch, objects, handled, text] of unknownCases) {
      for (const name of objects) {
        it(`${arch.id}: ${name}`, () => {
          const file = fixturePath("kexec-tools", "obj", name);
          const elf = readElf(readFixture("kexec-tools", "obj", name));
          const addrs = placeSections(elf, 0x100000n);
          const { applied } = applyAll(arch, elf, addrs);
          const unknown = readelfRelocs(file).filter((r) => !handled.includes(r.type));
          assert.ok(unknown.length > 0, "the object has unhandled types");
          for (const r of unknown) {
            const a = applied.find(
              (x) =>
                elf.sections[x.target]!.name === r.section && x.r_offset === r.offset && x.r_type === r.type,
            )!;
            assert.equal(a.r_type, r.type);
            assert.equal(a.result.status, "unknown-type", `${r.name}`);
            assert.equal(a.result.die, text(r.type, a.address), `${r.name}`);
          }
        });
      }
    }

    it("ppc64: without a .toc section, the first TOC-relative relocation dies", () => {
      const file = fixturePath("kexec-tools", "obj", "ppc64le-gcc.ro");
      const elf = readElf(readFileSync(file));
      assert.ok(!elf.sections.some((s) => s.name === ".toc"), "gcc made no .toc for this object");
      const { applied } = applyAll(KT_PPC64, elf, placeSections(elf, 0x100000n));
      const tocTypes = [47, 48, 49, 50, 51, 63, 64, 250, 252];
      const first = readelfRelocs(file).find((r) => tocTypes.includes(r.type))!;
      const a = applied.find((x) => x.r_offset === first.offset && x.r_type === first.type)!;
      assert.equal(a.result.die, "TOC reloc without a toc section?");
    });

    it("arm64: ADR_PREL_LO21 / LDST64 / LDST128 die on a misaligned target", () => {
      const elf = readElf(readFixture("kexec-tools", "obj", "arm64-types.ro"));
      const symtab = elf.sections.find((s) => s.name === ".symtab")!;
      const sym = readSymbols(elf, symtab.index).find((x) => x.name === "rt_data")!;
      for (const [type, value] of [
        [274, 0x40001002n],
        [286, 0x40001004n],
        [299, 0x40001008n],
      ] as const) {
        const call = {
          elf,
          version: RELEASES[2]!,
          sym,
          symName: sym.name,
          r_type: type,
          data: new Uint8Array(8),
        };
        const r = KT_ARM64.apply({ ...call, at: 0, address: 0x40000000n, value, bufAddr: 0x40000000n });
        assert.equal(r.die, `machine_apply_elf_rel: ERROR Unaligned value: ${value.toString(16)}`);
      }
    });

    it("riscv64: every type dies (the switch has only a default)", () => {
      const file = fixturePath("riscv64", "obj", "gcc12.ro");
      const elf = readElf(readFileSync(file));
      assert.ok(KT_RISCV64.verify(elf, RELEASES[2]!));
      const addrs = placeSections(elf, 0x80200000n);
      const { applied } = applyAll(KT_RISCV64, elf, addrs);
      const types = readelfRelocs(file);
      assert.equal(applied.length, types.length);
      for (const a of applied) assert.equal(a.result.die, `Unknown rela relocation: ${a.r_type}`);
    });
  },
);

describe("kexec-tools: machine_verify_elf_rel", () => {
  const objects = (prefix: string): string[] =>
    [
      "arm64-gcc.ro",
      "arm64-clang19.ro",
      "s390x-gcc.ro",
      "ppc64le-gcc.ro",
      "loongarch64-clang19.ro",
      "x86_64-gcc.ro",
    ].filter((n) => n.startsWith(prefix));
  const accepts: [KtArch, string][] = [
    [KT_ARM64, "arm64"],
    [KT_S390X, "s390x"],
    [KT_PPC64, "ppc64le"],
  ];
  for (const [arch, prefix] of accepts) {
    it(`${arch.id} accepts its own objects and refuses the x86_64 one, in every release`, () => {
      for (const v of RELEASES) {
        for (const n of objects(prefix))
          assert.ok(arch.verify(readElf(readFixture("kexec-tools", "obj", n)), v), n);
        assert.ok(!arch.verify(readElf(readFixture("kexec-tools", "obj", "x86_64-gcc.ro")), v));
      }
    });
  }
  it("LoongArch refuses a real (little-endian, 64-bit) LoongArch object: it wants ELFDATA2MSB + ELFCLASS32", () => {
    const elf = readElf(readFixture("kexec-tools", "obj", "loongarch64-clang19.ro"));
    assert.deepEqual([elf.bytes[4], elf.bytes[5]], [2, 1], "the object is ELFCLASS64 LSB");
    assert.ok(!KT_LOONGARCH64.verify(elf, RELEASES[2]!));
    assert.ok(typeof KT_LOONGARCH64.loadsPurgatory === "object");
    assert.ok(typeof KT_RISCV64.loadsPurgatory === "object");
  });
  it("ppc64 raises .toc's alignment to 256", () => {
    const elf = readElf(readFixture("kexec-tools", "obj", "ppc64le-types.ro"));
    const toc = elf.sections.find((s) => s.name === ".toc")!;
    assert.ok(toc.sh_addralign < 256n);
    assert.deepEqual([...ktPpc64AlignOverrides(elf)], [[toc.index, 256n]]);
  });
});

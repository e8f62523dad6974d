// kexec-tools' own purgatory loader (--loader kexec-tools) on x86_64: its buffer sizing, placement,
// relocation rules and messages per release. Expected values are derived by hand from `readelf`
// output of the fixtures (quoted in the comments) and from kexec-tools' behaviour as documented in
// docs/kexec-tools.md; the relocated bytes themselves are checked against GNU ld and ld.lld in
// test/golden/kexec-tools-linkcheck.test.ts.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { main } from "../../server/src/cli";
import { readElf } from "../../server/src/core/elf/reader";
import { locateHole } from "../../server/src/core/kexec-tools/locate-hole";
import { kexecToolsVersion } from "../../server/src/core/kexec-tools/version";
import { pcMemoryMap } from "../../server/src/core/kexec/memory-hole";
import { simulate, type SimulateOptions } from "../../server/src/core/simulate";
import { errLines, fixturePath, mustSimulate, readFixture } from "../helpers";

const KT = (version?: string, more: SimulateOptions = {}): SimulateOptions => ({
  loader: "kexec-tools",
  kexecTools: version,
  ...more,
});

// alltypes.ro (readelf -S): .text AX size 0x31 align 16; .rodata A 0x48 align 64; .data WA 0x3a8
// align 8; .bss NOBITS 0 align 1. readelf -r: NONE, 64, PC32, PLT32 (func), 32 (target+0x20),
// 32S (target+0x30), with target = .rodata+8.
const alltypes = readFixture("edge", "obj", "alltypes.ro");

describe("kexec-tools: buffer and layout", () => {
  it("lays alltypes.ro out first-fit in index order, bss after bufsz (no padding inside bufsz)", () => {
    const r = mustSimulate(alltypes, KT(undefined, { loads: [0x100000n] }));
    const p = r.plan;
    // .text 0..0x31, .rodata ALIGN(0x31, 64) = 0x40..0x88, .data ALIGN(0x88, 8) = 0x88..0x430.
    assert.equal(p.bufsz, 0x430n);
    assert.equal(p.memsz, 0x1000n);
    assert.equal(p.buf_align, 0x1000n);
    const at = Object.fromEntries(r.loads[0]!.attempt.sechdrs.map((s) => [s.name, s.sh_addr]));
    assert.equal(at[".text"], 0x100000n);
    assert.equal(at[".rodata"], 0x100040n);
    assert.equal(at[".data"], 0x100088n);
    assert.equal(at[".bss"], 0x100430n);
  });

  it("keeps the padding before the bss out of bufsz, unlike kernels since 4.17", () => {
    // The example purgatory: the last PROGBITS ends at 0x21f0 and .bss is aligned 4096.
    const bytes = readFixture("..", "..", "examples", "linux", "arch", "x86", "purgatory", "purgatory.ro");
    const kt = mustSimulate(bytes, KT(undefined, { loads: [0x100000n] }));
    const kernel = mustSimulate(bytes, { loads: [0x100000n] });
    assert.equal(kt.plan.bufsz, 0x21f0n);
    assert.equal(kt.plan.bssOffset, 0x3000n);
    assert.equal(kernel.plan.bufsz, 0x3000n);
    assert.equal(kt.plan.memsz, kernel.plan.memsz);
  });

  it("reads sh_addralign 0 as 1 since 2.0.24, and as a reset to address 0 before", () => {
    const bytes = readFixture("edge", "obj", "zero-align.ro"); // alltypes.ro with .rodata's align 0
    const old = mustSimulate(bytes, KT("2.0.23", { loads: [0x100000n] }));
    assert.equal(old.loads[0]!.attempt.failedAt, "undefined-behaviour");
    assert.equal(old.loads[0]!.attempt.sechdrs.find((s) => s.name === ".rodata")!.sh_addr, 0n);
    assert.ok(old.findings.some((f) => f.id === "kt-zero-align" && f.severity === "error"));
    const now = mustSimulate(bytes, KT("2.0.24", { loads: [0x100000n] }));
    assert.equal(now.loads[0]!.attempt.sechdrs.find((s) => s.name === ".rodata")!.sh_addr, 0x100031n);
    assert.ok(now.findings.some((f) => f.id === "kt-zero-align" && f.severity === "info"));
  });

  it("takes the first executable section holding e_entry as the entry", () => {
    const r = mustSimulate(alltypes, KT(undefined, { loads: [0x200000n] }));
    const a = r.loads[0]!.attempt;
    assert.equal(a.imageStart, 0x200000n); // e_entry 0 in .text
    assert.deepEqual(
      a.entryMatches.map((m) => m.name),
      [".text"],
    );
  });
});

describe("kexec-tools: x86_64 relocations and their messages", () => {
  it("dies at the first type it does not handle, printing reloc_name()'s spelling", () => {
    // unknown-types.ro (readelf -r): GOTPCREL, PC64, REX_GOTPCRELX.
    const r = mustSimulate(
      readFixture("edge", "obj", "unknown-types.ro"),
      KT(undefined, { loads: [0x100000n] }),
    );
    assert.deepEqual(errLines(r), ["Unhandled rela relocation: R_X86_64_GOTPCREL"]);
    const recs = r.loads[0]!.attempt.relocations;
    // Types 24 and 42 are past the 24-entry name table: printed as decimals.
    assert.deepEqual(
      recs.map((x) => x.typeName),
      ["R_X86_64_GOTPCREL", "R_X86_64_24", "R_X86_64_42"],
    );
    assert.deepEqual(
      recs.map((x) => x.reached),
      [true, false, false],
    );
  });

  it("handles R_X86_64_PLT32 only from 2.0.18", () => {
    const old = mustSimulate(alltypes, KT("2.0.17", { loads: [0x100000n] }));
    assert.deepEqual(errLines(old), ["Unhandled rela relocation: R_X86_64_PLT32"]);
    assert.equal(old.loads[0]!.attempt.failedAt, "relocations");
    const fixed = mustSimulate(alltypes, KT("2.0.18", { loads: [0x100000n] }));
    assert.notEqual(fixed.loads[0]!.attempt.failedAt, "relocations");
  });

  it("prints R_X86_64_32 and 32S overflows with the value in bare hex", () => {
    // target = .rodata + 8 = buf_addr + 0x48; the 32 adds 0x20, the 32S 0x30.
    const at4g = mustSimulate(alltypes, KT(undefined, { loads: [0x100000000n] }));
    assert.deepEqual(errLines(at4g), ["overflow in relocation type R_X86_64_32 val 100000068"]);
    const at2g = mustSimulate(alltypes, KT(undefined, { loads: [0x80000000n] }));
    assert.deepEqual(errLines(at2g), ["overflow in relocation type R_X86_64_32S val 80000078"]);
    // The load window: the 32S limits buf_addr to value < 2^31, i.e. buf_addr <= 0x7fffff88, and the
    // placement keeps it page aligned; the ELF loader may go as low as 0.
    assert.deepEqual(at2g.loadWindows, [{ from: 0n, to: 0x7ffff000n }]);
  });

  it("then fails on the first purgatory symbol kexec-tools names differently from the kernel", () => {
    // alltypes.ro defines entry64_regs (136 bytes) and stack_end, but no cmdline_end.
    const r = mustSimulate(alltypes, KT(undefined, { loads: [0x100000n] }));
    assert.deepEqual(errLines(r), ["Symbol: cmdline_end not found cannot set"]);
    assert.deepEqual(
      r.loads[0]!.attempt.symbolSteps.map((s) => `${s.op} ${s.name} ${s.result.ok}`),
      ["get entry64_regs true", "addr stack_end true", "set entry64_regs true", "set cmdline_end false"],
    );
  });

  it("says stack_end is missing in kexec-tools' own words (sic)", () => {
    const r = mustSimulate(
      readFixture("x86_64", "obj", "no-stack-end.bfd.ro"),
      KT(undefined, { loads: [0x100000n] }),
    );
    assert.deepEqual(errLines(r), ["Symbol: stack_end not found cannot retrive it's address"]);
  });
});

describe("kexec-tools: refusing objects", () => {
  const sec = (name: string) => readElf(alltypes).sections.find((s) => s.name === name)!;
  const SHOFF = Number(readElf(alltypes).header.e_shoff);
  it("prints the bad entsize, then dies with ELF rel parse failed", () => {
    const b = Buffer.from(alltypes);
    b.writeBigUInt64LE(0n, SHOFF + sec(".symtab").index * 64 + 56); // sh_entsize of .symtab
    const r = mustSimulate(b, KT());
    assert.deepEqual(errLines(r), ["Bad section header(2) entsize: 0", "ELF rel parse failed"]);
    assert.ok(r.findings.some((f) => f.id === "kt-parse-failed"));
  });

  it("refuses an executable silently", () => {
    const b = Buffer.from(alltypes);
    b.writeUInt16LE(2, 16); // e_type = ET_EXEC
    const r = mustSimulate(b, KT());
    assert.deepEqual(errLines(r), ["ELF rel parse failed"]);
  });

  it("runs the x86_64 loader on another machine's object when --arch says so, and refuses it", () => {
    const b = Buffer.from(alltypes);
    b.writeUInt16LE(3, 18); // e_machine = EM_386
    const r = mustSimulate(b, KT(undefined, { arch: "x86_64" }));
    assert.deepEqual(errLines(r), ["ELF rel parse failed"]);
    const unmodelled = simulate(b, KT());
    assert.equal(unmodelled.ok, false);
  });

  it("rejects releases it does not model", () => {
    const r = simulate(alltypes, KT("1.101"));
    assert.equal(r.ok, false);
    assert.throws(() => kexecToolsVersion("banana"), /not a release/);
  });

  it("never throws on corrupted objects", () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 1500; i++) {
      const b = Buffer.from(alltypes);
      const n = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < n; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      assert.doesNotThrow(() => simulate(b, KT(undefined, { loads: [0x100000n] })));
    }
  });
});

describe("kexec-tools: locate_hole", () => {
  const pc = pcMemoryMap(64n << 30n); // 0x1000–0x9ffff, 1 MiB–3 GiB, 4 GiB–65 GiB
  it("top-down: the highest range wins, aligned down from its end", () => {
    const r = locateHole(pc, [], 0x4000n, 0x1000n, 0x1000n, 0x3000n, (1n << 64n) - 1n, -1);
    assert.deepEqual(r, { ok: true, base: 0x103fffc000n });
  });
  it("bottom-up: the first range's aligned start", () => {
    const r = locateHole(pc, [], 0x4000n, 0x1000n, 0x1000n, 0n, (1n << 64n) - 1n, 1);
    assert.deepEqual(r, { ok: true, base: 0x1000n });
  });
  it("skips what earlier segments hold", () => {
    const r = locateHole(
      pc,
      [{ mem: 0x103fff0000n, memsz: 0x10000n }],
      0x4000n,
      0x1000n,
      0x1000n,
      0x3000n,
      (1n << 64n) - 1n,
      -1,
    );
    assert.deepEqual(r, { ok: true, base: 0x103ffec000n });
  });
  it("fits a range of exactly the size (inclusive ends: end - start >= size - 1), not one byte less", () => {
    const ram = [{ start: 0x10000n, end: 0x13fffn }];
    assert.deepEqual(locateHole(ram, [], 0x4000n, 0x1000n, 0x1000n, 0n, 0x20000n, 1), {
      ok: true,
      base: 0x10000n,
    });
    const short = [{ start: 0x10000n, end: 0x13ffen }];
    assert.equal(locateHole(short, [], 0x4000n, 0x1000n, 0x1000n, 0n, 0x20000n, 1).ok, false);
  });
  it("prints kexec-tools' lines when nothing fits", () => {
    const r = locateHole(
      [{ start: 0x1000n, end: 0x9ffffn }],
      [],
      0x200000n,
      0x1000n,
      0x1000n,
      0n,
      (1n << 64n) - 1n,
      -1,
    );
    assert.deepEqual(r, {
      ok: false,
      stderr: ["Could not find a free area of memory of 0x200000 bytes...", "locate_hole failed"],
    });
  });
  it("places the default simulation where bzImage64_load would on a 64 GiB PC", () => {
    const r = mustSimulate(alltypes, KT());
    assert.equal(r.loads[0]!.attempt.mem, 0x103ffff000n);
  });
});

describe("kexec-tools: the other architectures through simulate()", () => {
  const obj = (name: string) => readFixture("kexec-tools", "obj", name);

  it("says riscv and LoongArch kexec-tools never load a purgatory", () => {
    const riscv = simulate(
      readFixture(
        "riscv64",
        "obj",
        readdirSync(fixturePath("riscv64", "obj")).find((f) => f.endsWith(".ro"))!,
      ),
      KT(),
    );
    assert.ok(
      !riscv.ok && /never loads it: nothing in kexec\/arch\/riscv calls elf_rel_build_load/.test(riscv.error),
    );
    const la = simulate(obj("loongarch64-clang19.ro"), KT());
    assert.ok(!la.ok && /kexec\/arch\/loongarch/.test(la.error));
  });

  it("loads an s390 purgatory only for kexec -p, inside the crash window", () => {
    const normal = simulate(obj("s390x-gcc.ro"), KT());
    assert.ok(!normal.ok && /only kexec -p/.test(normal.error));
    const r = mustSimulate(obj("s390x-gcc.ro"), KT(undefined, { crash: true }));
    const a = r.loads[0]!.attempt;
    assert.ok(a.ok);
    // Top-down in [crash_base + 0x2000, crash_base + 0x10000] with crash_base 256 MiB.
    assert.ok(a.mem >= 0x10002000n && a.mem + r.plan.memsz - 1n <= 0x10010000n);
    assert.deepEqual(
      a.symbolSteps.map((s) => s.name),
      ["crash_base", "crash_size", "purgatory_start", "sha256_regions", "sha256_digest"],
    );
  });

  it("dies on ppc64 TOC relocations when the object has no .toc", () => {
    const r = mustSimulate(obj("ppc64le-gcc.ro"), KT(undefined, { loads: [0x1000000n] }));
    assert.deepEqual(errLines(r), ["TOC reloc without a toc section?"]);
  });

  it("raises .toc's alignment to 256 before layout on ppc64", () => {
    const bytes = obj("ppc64le-types.ro");
    const toc = readElf(bytes).sections.find((s) => s.name === ".toc")!;
    assert.ok(
      toc.sh_addralign < 256n,
      "the fixture's .toc must be less aligned for this test to mean anything",
    );
    const r = mustSimulate(bytes, KT(undefined, { loads: [0x1000000n] }));
    const placed = r.loads[0]!.attempt.sechdrs.find((s) => s.name === ".toc")!;
    assert.equal(placed.sh_addr % 256n, 0n);
  });

  it("reports arm64 MOVW_UABS_G2 fields kexec-tools leaves wrong above 4 GiB, and the CLI exits 1", () => {
    const r = mustSimulate(obj("arm64-clang19.ro"), KT(undefined, { loads: [0x880000000n] }));
    assert.equal(r.loads[0]!.attempt.log.length, 0); // kexec says nothing
    const f = r.findings.find((x) => x.id === "reloc-overflow");
    assert.ok(f && f.severity === "error" && /does not check/.test(f.message));
    const lines: string[] = [];
    const code = main(
      [
        "simulate",
        fixturePath("kexec-tools", "obj", "arm64-clang19.ro"),
        "--loader",
        "kexec-tools",
        "--load",
        "0x880000000",
      ],
      (s) => lines.push(s),
      (s) => lines.push(s),
    );
    assert.equal(code, 1);
  });

  it("points arm64 and LoongArch objects under the kernel loader to kexec-tools", () => {
    const r = simulate(obj("arm64-gcc.ro"));
    assert.ok(!r.ok && /uses no purgatory.*--loader kexec-tools/.test(r.error));
  });
});

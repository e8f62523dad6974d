// riscv64: every relocation type the fixture (test/fixtures/riscv64, gcc-12, relaxation on) carries,
// checked by decoding the patched instructions back, plus each era's list of types and its messages.
// Layout (readelf -S obj/gcc12.ro): .text 0xca @0, .alternative 8 @0xcc, .export_symbol 8 @0xd8,
// .data 8 @0xe0, .kexec-purgatory 0x120 @0xe8, .bss @0x210.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readElf } from "../../server/src/core/elf/reader";
import { simulate } from "../../server/src/core/simulate";
import { errLines, mustSimulate, readFixture } from "../helpers";

const MEM = 0x87fffe000n;
const gcc12 = () => readFixture("riscv64", "obj", "gcc12.ro");
const u32 = (b: Uint8Array, at: number) => Buffer.from(b).readUInt32LE(at);
const u16 = (b: Uint8Array, at: number) => Buffer.from(b).readUInt16LE(at);
const sext = (x: number, bits: number) => (x << (32 - bits)) >> (32 - bits);

describe("riscv64 relocator (newest kernel)", () => {
  const r = mustSimulate(gcc12(), { loads: [MEM] });
  const a = r.loads[0]!.attempt;
  const buf = a.buffer!;
  const rec = (type: string, n = 0) => a.relocations.filter((x) => x.typeName === type)[n]!;

  it("loads, with riscv_kernel_entry and the digests set", () => {
    assert.equal(r.machine, "riscv64");
    assert.equal(a.ok, true);
    assert.deepEqual(a.log, []);
    assert.deepEqual(
      a.symbolSteps.map((s) => [s.name, s.result.ok]),
      [
        ["riscv_kernel_entry", true],
        ["purgatory_sha_regions", true],
        ["purgatory_sha256_digest", true],
      ],
    );
  });
  it("R_RISCV_PCREL_HI20 patches the auipc and the NEXT instruction's I-immediate", () => {
    // lla sp, .Lstack_end at .text+0: auipc sp + addi sp; target = .bss + 0x1000.
    const auipc = u32(buf, 0);
    const addi = u32(buf, 4);
    assert.equal(auipc & 0x7f, 0x17);
    const hi = auipc & 0xfffff000;
    const lo = sext(addi >>> 20, 12);
    assert.equal(MEM + BigInt(hi | 0) + BigInt(lo), MEM + 0x210n + 0x1000n);
  });
  it("R_RISCV_CALL_PLT: auipc + jalr reach purgatory()", () => {
    const x = rec("R_RISCV_CALL_PLT");
    const at = Number(x.r_offset);
    const target = x.P + BigInt(u32(buf, at) & 0xfffff000) + BigInt(sext(u32(buf, at + 4) >>> 20, 12));
    assert.equal(target, x.S);
  });
  it("R_RISCV_JAL and R_RISCV_RVC_JUMP encode the J and CJ immediates", () => {
    // jal t0, .Lhang with .Lhang the next instruction: imm 4 -> 0x004002ef.
    assert.equal(u32(buf, Number(rec("R_RISCV_JAL").r_offset)), 0x004002ef);
    // j .Lhang, a jump to itself: c.j 0 -> 0xa001.
    assert.equal(u16(buf, Number(rec("R_RISCV_RVC_JUMP").r_offset)), 0xa001);
  });
  it("R_RISCV_BRANCH and R_RISCV_RVC_BRANCH encode the B and CB immediates", () => {
    const b = rec("R_RISCV_BRANCH");
    const w = u32(buf, Number(b.r_offset));
    const imm = sext(
      (((w >>> 31) & 1) << 12) |
        (((w >>> 7) & 1) << 11) |
        (((w >>> 25) & 0x3f) << 5) |
        (((w >>> 8) & 0xf) << 1),
      13,
    );
    assert.equal(b.P + BigInt(imm), b.S);
    const c = rec("R_RISCV_RVC_BRANCH");
    const h = u16(buf, Number(c.r_offset));
    const cimm = sext(
      (((h >>> 12) & 1) << 8) |
        (((h >>> 5) & 3) << 6) |
        (((h >>> 2) & 1) << 5) |
        (((h >>> 10) & 3) << 3) |
        (((h >>> 3) & 3) << 1),
      9,
    );
    assert.equal(c.P + BigInt(cimm), c.S);
  });
  it("ADD32/SUB32 and ADD16/SUB16 leave the label differences", () => {
    // .alternative: .4byte .Lalt_old - purgatory_start; .2byte .Lalt_old_end - .Lalt_old (a c.nop).
    const alt = 0xcc;
    const lalt = rec("R_RISCV_ADD32").S! - MEM;
    assert.equal(BigInt(u32(buf, alt)), lalt);
    assert.equal(u16(buf, alt + 4), 2);
  });
  it("R_RISCV_64 stores S + A", () => {
    const x = rec("R_RISCV_64");
    assert.equal(x.symbol, "pl_memcmp");
    assert.equal(Buffer.from(buf).readBigUInt64LE(0xd8), x.S);
  });
  it("ignores PCREL_LO12_I and RELAX (no store)", () => {
    assert.ok(
      a.relocations
        .filter((x) => /LO12_I|RELAX/.test(x.typeName))
        .every((x) => x.width === 0 && x.status === "ok"),
    );
  });
  it("places the purgatory at the top of DRAM, above the kernel (buf_min)", () => {
    const d = mustSimulate(gcc12(), { ramSize: 2n << 30n });
    assert.equal(d.bufMin, 0x82200000n);
    assert.equal(d.loads[0]!.attempt.mem, 0x80000000n + (2n << 30n) - 0x2000n);
  });
});

describe("riscv64 eras and messages", () => {
  const log = (kernel: string) => errLines(mustSimulate(gcc12(), { kernel, loads: [MEM] }));
  it("CALL_PLT before 6.5 / 6.4.11", () => {
    assert.deepEqual(log("6.4"), [
      "kexec_image: Unknown rela relocation: 19",
      "kexec_image: Error loading purgatory ret=-8",
    ]);
    assert.equal(log("6.4.11")[0], "kexec_image: Unknown rela relocation: 34");
  });
  it("ADD16/SUB16 before 6.12 / 6.11.4", () => {
    assert.deepEqual(log("6.11"), [
      "kexec_image: Unknown rela relocation: 34",
      "kexec_image: Error loading purgatory ret=-8",
    ]);
  });
  it("R_RISCV_64 before ≈6.15 / 6.12.23", () => {
    assert.deepEqual(log("6.12.22"), [
      "kexec_image: Unknown rela relocation: 2",
      "kexec_image: Error loading purgatory ret=-8",
    ]);
    assert.deepEqual(log("6.12.23"), []);
  });
  it("no riscv kexec_file before 5.19", () => {
    assert.equal(simulate(gcc12(), { kernel: "5.18" }).ok, false);
  });
  it("no undefined-symbol check: relocates against address 0 (a finding)", () => {
    // Make the R_RISCV_64's symbol (pl_memcmp) undefined: st_shndx = SHN_UNDEF in .symtab.
    const b = Buffer.from(gcc12());
    const rela = readElf(b).sections.find((s) => s.name === ".rela.export_symbol")!;
    const symtab = readElf(b).sections.find((s) => s.name === ".symtab")!;
    const symIndex = Number(b.readBigUInt64LE(Number(rela.sh_offset) + 8) >> 32n);
    b.writeUInt16LE(0, Number(symtab.sh_offset) + symIndex * 24 + 6);
    const r = mustSimulate(b, { loads: [MEM] });
    const x = r.loads[0]!.attempt.relocations.find((q) => q.typeName === "R_RISCV_64")!;
    assert.equal(x.status, "ok");
    assert.equal(x.stored, x.S, "S = st_value + sechdrs[0].sh_addr (0)");
    assert.ok(x.S! < 0x1000n);
    assert.ok(r.findings.some((f) => f.id === "riscv-undefined-symbol"));
  });
});

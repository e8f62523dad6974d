// Each supported x86_64 relocation type and the overflow boundaries, on hand-written edge objects
// whose expected values were worked out by hand from `readelf -SrsW` (see the .S comments).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errLines, mustSimulate, readFixture } from "../helpers";

const edge = (name: string) => readFixture("edge", "obj", `${name}.ro`);

function buffer32(report: ReturnType<typeof mustSimulate>, off: number): number {
  // Re-read the relocated field from the records: stored is what the kernel wrote.
  const r = report.loads[0]!.attempt.relocations.find((x) => x.r_offset === BigInt(off));
  assert.ok(r, `relocation at ${off}`);
  return Number(r.stored);
}

describe("x86_64 relocation types (alltypes.ro at kbuf.mem 0x100000)", () => {
  const report = mustSimulate(edge("alltypes"), { loads: [0x100000n] });
  const a = report.loads[0]!.attempt;

  it("lays the sections out as the kernel does", () => {
    assert.equal(report.plan.bufsz, 0x430n);
    assert.equal(report.plan.memsz, 0x1000n);
    assert.equal(report.plan.buf_align, 0x1000n);
    const addr = Object.fromEntries(a.sechdrs.filter((s) => s.inBuffer).map((s) => [s.name, s.sh_addr]));
    assert.deepEqual(addr, { ".text": 0x100000n, ".rodata": 0x100040n, ".data": 0x100088n });
    assert.equal(a.ok, true);
    assert.deepEqual(a.log, []);
  });

  it("applies NONE, 64, PC32, PLT32, 32 and 32S with the kernel's formulas", () => {
    const byType = Object.fromEntries(a.relocations.map((r) => [r.typeName, r]));
    assert.equal(byType["R_X86_64_NONE"]!.stored, undefined);
    assert.equal(byType["R_X86_64_64"]!.stored, 0x100058n, "S + A");
    assert.equal(byType["R_X86_64_PC32"]!.stored, 0x24n, "S + A - P");
    assert.equal(byType["R_X86_64_PLT32"]!.stored, 0x8n, "PLT32 is PC32");
    assert.equal(byType["R_X86_64_32"]!.stored, 0x100068n);
    assert.equal(byType["R_X86_64_32S"]!.stored, 0x100078n);
    assert.equal(buffer32(report, 0x20), 0x24);
    assert.ok(a.relocations.every((r) => r.status === "ok" && r.reached));
  });

  it("leaves NONE's field untouched and writes little-endian fields", () => {
    const b = mustSimulate(edge("alltypes"), { loads: [0x100000n] });
    const hash = b.loads[0]!.attempt.bufferSha256;
    assert.match(hash ?? "", /^[0-9a-f]{64}$/);
  });

  it("refuses PLT32 before v4.16 with the kernel's message", () => {
    const old = mustSimulate(edge("plt32"), { kernel: "4.15", loads: [0x100000n] });
    assert.deepEqual(errLines(old), [
      "kexec: Unknown rela relocation: 4",
      "kexec-bzImage64: Loading purgatory failed",
    ]);
    assert.equal(mustSimulate(edge("plt32"), { kernel: "4.16", loads: [0x100000n] }).ok, true);
  });

  it("stops at the first unknown type and prints its number in decimal", () => {
    const r = mustSimulate(edge("unknown-types"), { loads: [0x100000n] });
    assert.deepEqual(errLines(r), [
      "kexec: Unknown rela relocation: 9",
      "kexec-bzImage64: Loading purgatory failed",
    ]);
    const statuses = r.loads[0]!.attempt.relocations.map((x) => [x.type, x.status, x.reached]);
    assert.deepEqual(statuses, [
      [9, "unknown-type", true],
      [24, "unknown-type", false],
      [42, "unknown-type", false],
    ]);
    assert.deepEqual(r.loadWindows, []);
  });
});

describe("overflow boundaries", () => {
  it("R_X86_64_32: 0xffffffff fits, 0x100000000 overflows", () => {
    const r = mustSimulate(edge("boundary32"), { loads: [0xfffff000n] });
    const [first, second] = r.loads[0]!.attempt.relocations;
    assert.equal(first!.value, 0xffffffffn);
    assert.equal(first!.status, "ok");
    assert.equal(second!.value, 0x100000000n);
    assert.equal(second!.status, "overflow");
    assert.equal(second!.stored, 0n, "the truncated value is stored before the check");
    assert.deepEqual(errLines(r), [
      "kexec: Overflow in relocation type 10 value 0x100000000",
      "kexec-bzImage64: Loading purgatory failed",
    ]);
    assert.equal(mustSimulate(edge("boundary32"), { loads: [0xffffe000n] }).ok, true);
  });

  it("R_X86_64_32S: 0x7fffffff fits, 0x80000000 overflows", () => {
    const r = mustSimulate(edge("boundary32s"), { loads: [0x7ffff000n] });
    const [first, second] = r.loads[0]!.attempt.relocations;
    assert.equal(first!.value, 0x7fffffffn);
    assert.equal(first!.status, "ok");
    assert.equal(second!.value, 0x80000000n);
    assert.equal(second!.status, "overflow");
    assert.deepEqual(errLines(r), [
      "kexec: Overflow in relocation type 11 value 0x80000000",
      "kexec-bzImage64: Loading purgatory failed",
    ]);
  });

  it("R_X86_64_32S: 0xffffffff80000000 fits, 0xffffffff7fffffff overflows", () => {
    const r = mustSimulate(edge("boundary32s"), { loads: [0xffffffff7ffff000n] });
    const [first, second] = r.loads[0]!.attempt.relocations;
    assert.equal(first!.value, 0xffffffff7fffffffn);
    assert.equal(first!.status, "overflow");
    assert.equal(second!.value, 0xffffffff80000000n);
    assert.equal(second!.status, "ok");
    assert.equal(second!.reached, false, "the kernel stopped at the first one");
    assert.equal(errLines(r)[0], "kexec: Overflow in relocation type 11 value 0xffffffff7fffffff");
    assert.equal(mustSimulate(edge("boundary32s"), { loads: [0xffffffff80000000n] }).ok, true);
  });

  it("computes the windows analytically", () => {
    const r32 = mustSimulate(edge("boundary32"));
    assert.deepEqual(r32.loadWindows, [{ from: 0x3000n, to: 0xffffe000n }]);
    const r32s = mustSimulate(edge("boundary32s"));
    assert.deepEqual(r32s.loadWindows, [
      { from: 0x3000n, to: 0x7fffe000n },
      { from: 0xffffffff80000000n, to: 0xfffffffffffff000n },
    ]);
  });
});

describe("the specification's worked example (section 8)", () => {
  const r = mustSimulate(readFixture("edge", "obj", "spec-example.ro"), {
    kernel: "6.8",
    loads: [0x47fffc000n],
  });
  const a = r.loads[0]!.attempt;
  it("sizes the buffer", () => {
    assert.equal(r.plan.bufsz, 0x3000n);
    assert.equal(r.plan.memsz, 0x4000n);
    assert.equal(r.plan.buf_align, 0x1000n);
    assert.equal(r.plan.bss_sz, 0x1000n);
  });
  it("places the sections and the entry", () => {
    const off = Object.fromEntries(
      a.sechdrs.filter((s) => s.inBuffer || s.isBss).map((s) => [s.name, s.sh_addr - a.mem]),
    );
    assert.deepEqual(off, {
      ".text": 0n,
      ".rodata": 0x1600n,
      ".kexec-purgatory": 0x1720n,
      ".data": 0x2000n,
      ".bss": 0x3000n,
    });
    assert.equal(a.imageStart, 0x47fffc000n + 0x10f0n);
  });
  it("stores the PC32 and fails the 32S with the kernel's message", () => {
    const pc32 = a.relocations.find((x) => x.typeName === "R_X86_64_PC32")!;
    assert.equal(pc32.stored, 0x15dcn);
    assert.deepEqual(errLines(r), [
      "kexec: Overflow in relocation type 11 value 0x47fffe000",
      "kexec-bzImage64: Loading purgatory failed",
    ]);
  });
  it("places it at the top of RAM like a 6.8+ kernel", () => {
    const top = mustSimulate(readFixture("edge", "obj", "spec-example.ro"), {
      kernel: "6.8",
      ramSize: 17n << 30n,
    });
    const high = top.loads.find((l) => l.label === "high")!;
    // 17 GiB of RAM: the top range ends at 4 GiB + 14 GiB - 1 = 0x47fffffff.
    assert.equal(high.attempt.mem, 0x47fffc000n);
  });
});

describe("sharp edges", () => {
  it("ALIGN(x, 0) resets the offset: .rodata is copied over the start of .text", () => {
    const r = mustSimulate(readFixture("edge", "obj", "zero-align.ro"), { loads: [0x100000n] });
    const a = r.loads[0]!.attempt;
    const rodata = a.sechdrs.find((s) => s.name === ".rodata")!;
    assert.equal(rodata.sh_offset, 0n);
    assert.equal(r.plan.bufsz, 0x3f0n, "0x48 + ALIGN(0x48, 8) + 0x3a8");
    assert.ok(r.findings.some((f) => f.id === "section-alignment"));
  });
});

// s390x: the RELA hook's big-endian stores and both eras, on the gcc-12 fixture (test/fixtures/s390x),
// whose layout was worked out by hand from `s390x-linux-gnu-readelf -SrsW obj/gcc12.ro`:
// .text 0x110 @0, .rodata.cst8 8 @0x110, .data 0x150 @0x118, bufsz 0x268, .bss (8-aligned) @bufsz.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readElf } from "../../server/src/core/elf/reader";
import { simulate } from "../../server/src/core/simulate";
import { errLines, mustSimulate, readFixture } from "../helpers";

const MEM = 0x2000000n;
const gcc12 = () => readFixture("s390x", "obj", "gcc12.ro");
const be32 = (b: Uint8Array, at: number) => Buffer.from(b).readUInt32BE(at);
const be64 = (b: Uint8Array, at: number) => Buffer.from(b).readBigUInt64BE(at);

/** A copy of the object with .rela.text entry `k` changed (type and/or symbol index, big-endian r_info). */
function patchRela(bytes: Uint8Array, k: number, change: { type?: number; sym?: number }): Uint8Array {
  const out = Buffer.from(bytes);
  const rela = readElf(bytes).sections.find((s) => s.name === ".rela.text")!;
  const at = Number(rela.sh_offset) + k * 24 + 8;
  if (change.sym !== undefined) out.writeUInt32BE(change.sym, at);
  if (change.type !== undefined) out.writeUInt32BE(change.type, at + 4);
  return out;
}

describe("s390x RELA hook (5.16 on)", () => {
  const r = mustSimulate(gcc12(), { loads: [MEM] });
  const a = r.loads[0]!.attempt;
  it("lays out and sizes the buffer like setup_kbuf", () => {
    assert.equal(r.machine, "s390x");
    assert.equal(r.plan.bufsz, 0x268n);
    assert.equal(r.plan.memsz, 0x2000n);
    assert.equal(a.ok, true);
    assert.deepEqual(a.log, []);
    assert.equal(a.imageStart, MEM, "purgatory_start is .text+0");
  });
  it("R_390_PC32DBL: (S + A - P) >> 1, big-endian", () => {
    // stack_end = .bss + 0x1000 = MEM + 0x268 + 0x1000; A = 2; P = MEM + 2.
    const x = a.relocations.find((q) => q.symbol === "stack_end")!;
    assert.equal(x.stored, (0x1268n + 2n - 2n) >> 1n);
    assert.equal(be32(a.buffer!, 2), 0x934);
  });
  it("R_390_PLT32DBL is handled as R_390_PC32DBL", () => {
    // verify_sha256_digest = .text+0x30; A = 2; P = MEM + 0xc: (0x32 - 0xc) >> 1 = 0x13.
    const x = a.relocations.find((q) => q.symbol === "verify_sha256_digest")!;
    assert.equal(x.typeName, "R_390_PLT32DBL");
    assert.equal(x.stored, 0x13n);
    assert.equal(be32(a.buffer!, 0xc), 0x13);
  });
  it("R_390_64: S + A, 8 bytes big-endian", () => {
    // .data+0x8 holds .Ldisabled_wait = .text + 0x24; .rodata.cst8 holds &purgatory_sha256_digest.
    assert.equal(be64(a.buffer!, 0x118 + 8), MEM + 0x24n);
    assert.equal(be64(a.buffer!, 0x110), MEM + 0x118n + 0x10n);
  });
  it("sets kernel_entry, kernel_type and, for kdump, crash_start / crash_size", () => {
    assert.deepEqual(
      a.symbolSteps.map((s) => s.name),
      ["kernel_entry", "kernel_type", "purgatory_sha_regions", "purgatory_sha256_digest"],
    );
    const crash = mustSimulate(gcc12(), { loads: [MEM], crash: true }).loads[0]!.attempt;
    assert.deepEqual(crash.symbolSteps.map((s) => s.name).slice(0, 4), [
      "kernel_entry",
      "kernel_type",
      "crash_start",
      "crash_size",
    ]);
  });
  it("places the purgatory right after kernel + initrd, page-aligned, not buf_align-aligned", () => {
    const d = mustSimulate(gcc12());
    assert.deepEqual(
      d.loads.map((l) => [l.label, l.attempt.mem]),
      [
        ["normal", 0x2000000n],
        ["crash", 0x12000000n],
      ],
    );
  });
  it("prints the kernel's messages for an unknown type and an undefined symbol", () => {
    const unknown = mustSimulate(patchRela(gcc12(), 0, { type: 26 }), { loads: [MEM] });
    assert.deepEqual(errLines(unknown), ["kexec: Unknown rela relocation: 26"]);
    assert.equal(unknown.loads[0]!.attempt.failedAt, "relocations");
    const undef = mustSimulate(patchRela(gcc12(), 0, { sym: 0 }), { loads: [MEM] });
    assert.deepEqual(errLines(undef), ["kexec: Undefined symbol: "]);
    assert.ok(undef.findings.some((f) => f.id === "undefined-symbol"));
  });
});

describe("s390x before 5.16", () => {
  it("skips R_390_PLT32DBL silently: the load succeeds with unrelocated branches", () => {
    const r = mustSimulate(gcc12(), { kernel: "5.15", loads: [MEM] });
    const a = r.loads[0]!.attempt;
    assert.equal(a.ok, true);
    assert.deepEqual(a.log, []);
    const plt = a.relocations.filter((x) => x.typeName === "R_390_PLT32DBL");
    assert.equal(plt.length, 3);
    assert.ok(plt.every((x) => x.status === "ignored" && x.stored === undefined));
    // The brasl's immediate keeps the object's bytes (0: a branch to itself).
    assert.equal(be32(a.buffer!, 0xc), 0);
    const f = r.findings.find((x) => x.id === "s390-unrelocated-branch");
    assert.ok(f && /this kernel would jump to an unrelocated branch/.test(f.title));
    assert.ok(
      !mustSimulate(gcc12(), { kernel: "5.16" }).findings.some((x) => x.id === "s390-unrelocated-branch"),
    );
  });
  it("fails silently on an undefined symbol", () => {
    const r = mustSimulate(patchRela(gcc12(), 0, { sym: 0 }), { kernel: "5.10", loads: [MEM] });
    assert.deepEqual(errLines(r), []);
    assert.equal(r.loads[0]!.attempt.failedAt, "relocations");
    assert.ok(r.loads[0]!.attempt.silent.some((s) => s.includes("without a message")));
  });
  it("has no kexec_file purgatory before 4.19", () => {
    const r = simulate(gcc12(), { kernel: "4.18" });
    assert.equal(r.ok, false);
  });
});

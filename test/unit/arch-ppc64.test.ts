// ppc64: no relocator (any RELA against an allocated section fails), the trampoline's symbols, and
// the placement below the RMA with 64 KiB pages. arm64 / LoongArch objects get a clear refusal.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { simulate } from "../../server/src/core/simulate";
import { errLines, mustSimulate, readFixture } from "../helpers";

const obj = (name: string) => readFixture("ppc64", "obj", `${name}.ro`);

describe("ppc64", () => {
  it("loads the position-independent trampoline and sets its symbols with the kernel's sizes", () => {
    const r = mustSimulate(obj("trampoline"));
    assert.equal(r.machine, "ppc64");
    const a = r.loads[0]!.attempt;
    assert.equal(a.ok, true);
    assert.equal(a.relocations.length, 0);
    assert.equal(r.plan.memsz, 0x10000n, "64 KiB pages");
    assert.equal(a.mem, (1n << 30n) - 0x10000n, "top of a 1 GiB RMA");
    assert.deepEqual(
      a.symbolSteps.map((s) => `${s.op} ${s.name} ${s.size}`),
      [
        "get purgatory_start 256",
        "set purgatory_start 256",
        "set kernel 8",
        "set dt_offset 8",
        "set backup_start 8",
        "set opal_base 8",
        "set opal_entry 8",
        "set purgatory_sha_regions 256",
        "set purgatory_sha256_digest 32",
      ],
    );
    const crash = mustSimulate(obj("trampoline"), { crash: true }).loads[0]!.attempt;
    assert.ok(crash.symbolSteps.some((s) => s.name === "run_at_load" && s.size === 4 && s.result.ok));
    const old = mustSimulate(obj("trampoline"), { kernel: "5.4" }).loads[0]!.attempt;
    assert.ok(!old.symbolSteps.some((s) => s.name === "backup_start"), "backup_start/opal_* since 5.10");
  });
  it("fails a trampoline that gained a relocation", () => {
    const r = mustSimulate(obj("trampoline-reloc"));
    assert.deepEqual(errLines(r), [
      "kexec_file: RELA relocation unsupported.",
      "kexec_elf: Loading purgatory failed.",
    ]);
    assert.equal(r.loads[0]!.attempt.failedAt, "relocations");
    assert.deepEqual(r.loadWindows, []);
    assert.ok(r.findings.some((f) => f.id === "rela-unsupported"));
  });
  it("clang-19's trampoline is relocation-free too", () => {
    assert.equal(mustSimulate(obj("trampoline-clang19")).ok, true);
  });
});

describe("architectures without a kexec_file purgatory", () => {
  for (const [em, arch] of [
    [183, "arm64"],
    [258, "LoongArch"],
  ] as const) {
    it(`${arch}: a clear bad-input result`, () => {
      const b = Buffer.from(obj("trampoline"));
      b.writeUInt16LE(em, 0x12);
      const r = simulate(b);
      assert.equal(r.ok, false);
      assert.ok(
        !r.ok && r.kind === "bad-input" && r.error.includes(`kexec_file_load on ${arch} uses no purgatory`),
      );
    });
  }
});

// kexec-tools' relocated bytes and overflow verdicts confirmed by final links (GNU ld and ld.lld) of
// the same objects at the addresses kexec-tools' layout computed, as for the kernel's loader.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { simulate, type SimulateOptions } from "../../server/src/core/simulate";
import { assertLinkersOverflow, compareWithLink, finalLink, type CrossTools, type Linker } from "../linkcheck";
import { fixturePath, have, readFixture } from "../helpers";
import { fixtureObjects } from "./objects";

const LINKERS: Linker[] = ["bfd", "lld"];
const ADDRESSES = [0x100000n, 0x7fe00000n, 0x103fe00000n];
const KT: SimulateOptions = { loader: "kexec-tools" };

function fixtureBytes(path: string): Uint8Array {
  return readFixture(...path.split("/test/fixtures/")[1]!.split("/"));
}

describe("kexec-tools: relocated bytes equal a final link's", () => {
  for (const path of fixtureObjects({ forLinking: true })) {
    const name = path.split("/").slice(-2).join("/");
    it(name, () => {
      const bytes = fixtureBytes(path);
      let compared = 0;
      for (const mem of ADDRESSES) {
        const r = simulate(bytes, { ...KT, loads: [mem] });
        assert.ok(r.ok, r.ok ? "" : r.error);
        const a = r.report.loads[0]!.attempt;
        if (!a.buffer) continue; // died before or during relocation: see the overflow test
        // kexec-tools lets undefined STT_NOTYPE symbols through as 0 (for ppc64's TOC): link them so.
        const zero = [...new Set(a.relocations.filter((x) => x.symShndx === 0 && x.symIndex !== 0).map((x) => x.symbol))];
        if (zero.length > 0) assert.ok(r.report.findings.some((f) => f.id === "kt-undefined-as-zero"));
        // Above 2 GiB a PC32/PLT32 to address 0 does not fit: the linkers refuse, kexec-tools truncates.
        if (zero.length > 0 && mem >= 0x80000000n) continue;
        for (const linker of LINKERS) {
          const link = finalLink(bytes, a, linker, undefined, zero);
          assert.ok(link.ok, `${linker} failed at ${mem.toString(16)}: ${link.output}`);
          assert.deepEqual(compareWithLink(a.buffer, a, link), [], `${linker} at 0x${mem.toString(16)}`);
          compared++;
        }
      }
      if (compared === 0) {
        const r = simulate(bytes, { ...KT, loads: [0x100000n] });
        assert.ok(r.ok && r.report.loads[0]!.attempt.failedAt !== undefined);
      }
    });
  }
});

describe("kexec-tools: overflow verdicts agree with the linkers'", () => {
  for (const path of fixtureObjects({ forLinking: true })) {
    const name = path.split("/").slice(-2).join("/");
    const bytes = fixtureBytes(path);
    const probe = simulate(bytes, { ...KT, loads: ADDRESSES.slice(1) });
    if (!probe.ok) continue;
    const overflowAt = probe.report.loads.find((l) =>
      l.attempt.relocations.some((x) => x.status === "overflow" && x.reached),
    );
    if (!overflowAt) continue;
    if (overflowAt.attempt.relocations.some((x) => x.status !== "ok" && x.status !== "overflow")) continue;
    it(`${name} at 0x${overflowAt.attempt.mem.toString(16)}`, () => {
      const a = overflowAt.attempt;
      const failing = a.relocations.find((x) => x.status === "overflow")!;
      assertLinkersOverflow(bytes, a, failing.typeName);
      // And the message is kexec-tools', naming the type the way its table does.
      const err = a.log.filter((l) => l.level === "err").map((l) => l.text);
      assert.deepEqual(err, [`overflow in relocation type ${failing.typeName} val ${failing.value!.toString(16)}`]);
    });
  }
});

/** The cross binutils that link each architecture's objects (the host's for x86_64). */
const CROSS: Record<string, CrossTools | undefined> = {
  x86_64: undefined,
  arm64: { ld: "aarch64-linux-gnu-ld", objcopy: "aarch64-linux-gnu-objcopy" },
  s390x: { ld: "s390x-linux-gnu-ld", objcopy: "s390x-linux-gnu-objcopy" },
  ppc64: { ld: "powerpc64le-linux-gnu-ld", objcopy: "powerpc64le-linux-gnu-objcopy" },
};

describe("kexec-tools: whole loads of kexec-tools-style purgatories equal a cross link's bytes", () => {
  const dir = fixturePath("kexec-tools", "obj");
  const objects = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".ro")).sort() : [];
  for (const file of objects) {
    const bytes = readFixture("kexec-tools", "obj", file);
    // s390 loads a purgatory only for kexec -p.
    const probe = simulate(bytes, { ...KT, crash: true });
    if (!probe.ok) continue; // riscv and LoongArch: never loaded (unit tests check the message)
    const cross = CROSS[probe.report.machine];
    const a0 = probe.report.loads[0]!.attempt;
    if (!a0.buffer) continue; // died in relocation: the unit tests check the message
    it(`${file} (${probe.report.machine})`, (t) => {
      if (cross && !have(cross.ld)) return t.skip(`${cross.ld} is not installed`);
      // Relocations kexec-tools computes from its own heap address (ppc64 REL32) cannot be linked.
      const unlinkable = a0.relocations.filter((r) => r.stored === undefined && r.width > 0);
      for (const mem of [a0.mem, a0.mem + 0x10000000n]) {
        const r = simulate(bytes, { ...KT, crash: true, loads: [mem] });
        assert.ok(r.ok);
        const a = r.report.loads[0]!.attempt;
        assert.ok(a.buffer, `relocation failed at ${mem.toString(16)}`);
        const zero = [...new Set(a.relocations.filter((x) => x.symShndx === 0 && x.symIndex !== 0).map((x) => x.symbol))];
        const link = finalLink(bytes, a, "bfd", cross, zero.filter((n) => n !== ".TOC."));
        assert.ok(link.ok, `ld failed at ${mem.toString(16)}: ${link.output}`);
        // ppc64: kexec-tools' `lis 2,r2@h` is 0x10000 below ld's @ha when bit 15 of r2 is set; the
        // simulation must predict exactly those fields (and report them).
        const offByHa = a.relocations.filter((x) => x.typeName === "R_PPC64_REL16_HA" && x.note !== undefined);
        if (offByHa.length > 0) assert.ok(r.report.findings.some((f) => f.id === "kt-ppc64-r2-high-half"));
        const diffs = compareWithLink(a.buffer!, a, link).filter(
          (d) =>
            !unlinkable.some((u) => d.startsWith(`${u.targetName}+`)) &&
            !offByHa.some((u) => d.startsWith(`${u.targetName}+0x${u.r_offset.toString(16)}:`)),
        );
        assert.deepEqual(diffs, [], `at 0x${mem.toString(16)}`);
      }
    });
  }
});

// The text report writes its long listings (kernel log, section table) as bytes. Each line must be
// what the format below gives as a string: the columns the header line lays out, padded the way
// String#padStart/padEnd count (UTF-16 units; names are latin1, so é is one column and two bytes).
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { sectionFlagLetters } from "../../server/src/core/elf/constants";
import type { LogLine } from "../../server/src/core/kexec/log";
import type { LoadedSection } from "../../server/src/core/kexec/purgatory";
import { hex } from "../../server/src/core/kexec/u64";
import { simulate } from "../../server/src/core/simulate";
import { writeLogLines, writeSectionLines } from "../../server/src/core/report/text-lines";
import { Rng } from "../fuzz/rng";
import { fixturePath, readFixture } from "../helpers";

const LEVEL_TAG = { err: "<3>", warn: "<4>", debug: "<7>" } as const;

function sectionLine(s: LoadedSection, machine: number): string {
  const off = s.inBuffer ? hex(s.sh_offset) : "(bss)";
  return (
    `             [${String(s.index).padStart(2)}] ${s.name.padEnd(24)} ${sectionFlagLetters(s.flags, machine).padEnd(5)} ` +
    `${String(s.align).padStart(5)}   ${off.padEnd(10)}  ${hex(s.sh_addr).padEnd(18)}  ${hex(s.size)}`
  );
}

function logLine(l: LogLine, tagged: boolean): string {
  return `    ${tagged ? LEVEL_TAG[l.level] : ""}${l.text}`;
}

function written(write: (emit: (b: Uint8Array) => void) => void): string {
  const chunks: Uint8Array[] = [];
  write((b) => chunks.push(b.slice()));
  return Buffer.concat(chunks).toString("utf8");
}

const expected = (lines: string[]) => lines.map((l) => l + "\n").join("");

describe("text report listings written as bytes", () => {
  it("every fixture's sections and log, at every load, kernel and kexec-tools", () => {
    let n = 0;
    for (const arch of ["edge", "x86_64", "s390x", "riscv64", "ppc64", "kexec-tools"]) {
      for (const f of readdirSync(fixturePath(arch, "obj")).filter((f) => f.endsWith(".ro"))) {
        for (const options of [{}, { loader: "kexec-tools" as const }, { kernel: "6.8" }]) {
          const r = simulate(readFixture(arch, "obj", f), options);
          if (!r.ok) continue;
          const machine = r.report.elf.header.e_machine;
          for (const { attempt: a } of r.report.loads) {
            const placed = a.sechdrs.filter((s) => s.inBuffer || s.isBss);
            const label = `${join(arch, f)} ${JSON.stringify(options)}`;
            assert.equal(
              written((e) => writeSectionLines(placed, machine, e)),
              expected(placed.map((s) => sectionLine(s, machine))),
              label,
            );
            for (const tagged of [true, false]) {
              assert.equal(
                written((e) => writeLogLines(a.log, tagged, e)),
                expected(a.log.map((l) => logLine(l, tagged))),
                label,
              );
            }
            n += placed.length + a.log.length;
          }
        }
      }
    }
    assert.ok(n > 1000, `only ${n} lines compared`);
  });

  it("extreme sections: wide indices, latin1 names, 64-bit values, alignments past 2^53, chunk edges", () => {
    const rng = new Rng(20261128);
    const big = () => BigInt.asUintN(64, (BigInt(rng.int(2 ** 32)) << 32n) | BigInt(rng.int(2 ** 32)));
    const value = () => (rng.chance(0.5) ? BigInt(rng.int(2 ** 20)) : big());
    const names = ["", ".text", "é".repeat(30), ".data.rel.ro.local.very_long_name", "\u00ff\u0080x", "a"];
    const sections: LoadedSection[] = [];
    for (let i = 0; i < 40000; i++) {
      const inBuffer = rng.chance(0.8);
      sections.push({
        index: rng.chance(0.5) ? i : rng.int(70000),
        name: names[rng.int(names.length)]!,
        flags: rng.chance(0.5) ? 7n : value(),
        type: 1,
        size: value(),
        align: rng.chance(0.5) ? BigInt(rng.int(100000)) : big(),
        origAddr: 0n,
        fileOffset: 0n,
        sh_addr: value(),
        sh_offset: value(),
        inBuffer,
        isBss: !inBuffer,
        alloc: true,
        executable: false,
      });
    }
    for (const machine of [62, 22, 243]) {
      assert.equal(
        written((e) => writeSectionLines(sections, machine, e)),
        expected(sections.map((s) => sectionLine(s, machine))),
      );
    }
    const levels = ["err", "warn", "debug"] as const;
    const shared = Object.freeze({ level: "warn" as const, text: "------------[ cut here ]------------" });
    const log: LogLine[] = [];
    for (let i = 0; i < 30000; i++) {
      log.push(
        rng.chance(0.5)
          ? shared
          : { level: levels[rng.int(3)]!, text: `kexec: é ${"x".repeat(rng.int(3000))} ${i}` },
      );
    }
    assert.equal(
      written((e) => writeLogLines(log, true, e)),
      expected(log.map((l) => logLine(l, true))),
    );
  });
});

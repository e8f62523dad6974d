// Hostile objects the fuzzer found: each is built here from a real fixture with one field changed, and
// each must come back as a report (or one clear line), never an exception, an endless loop or a
// multi-gigabyte allocation.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { main } from "../../server/src/cli";
import { parseCmdFile } from "../../server/src/core/kbuild/cmdfile";
import {
  EXPANSION_CAP,
  findFlag,
  parseMakefile,
  purgatoryObjects,
} from "../../server/src/core/kbuild/makefile";
import { readElf } from "../../server/src/core/elf/reader";
import { symbolHover } from "../../server/src/core/report/hover";
import { reportJson, stringify } from "../../server/src/core/report/json";
import { reportText } from "../../server/src/core/report/text";
import { simulate, type SimulateOptions } from "../../server/src/core/simulate";
import { readFixture } from "../helpers";

const X86 = () => readFixture("x86_64", "obj", "clang14-large.bfd.ro");

/** The object with `patch` applied to a copy (little-endian ELF64 fields). */
function patched(
  bytes: Uint8Array,
  patch: (v: DataView, elf: ReturnType<typeof readElf>) => void,
): Uint8Array {
  const copy = bytes.slice();
  patch(new DataView(copy.buffer), readElf(bytes));
  return copy;
}

function shdr(elf: ReturnType<typeof readElf>, index: number): number {
  return Number(elf.header.e_shoff) + index * 64;
}

/** Every reporter over every load: what the CLI and the editor do with a report. */
function reportAll(bytes: Uint8Array, options: SimulateOptions = {}) {
  const r = simulate(bytes, options);
  assert.ok(r.ok, r.ok ? "" : r.error);
  JSON.parse(stringify(reportJson("x.ro", r.report)));
  reportText("x.ro", r.report, { relocations: true });
  symbolHover(r.report, "purgatory_start", "x.ro");
  return r.report;
}

function cli(bytes: Uint8Array, ...args: string[]): { code: number; out: string; err: string } {
  const dir = mkdtempSync(join(tmpdir(), "pl-robust-"));
  try {
    const file = join(dir, "x.ro");
    writeFileSync(file, bytes);
    let out = "";
    let err = "";
    const code = main(
      ["simulate", file, ...args],
      (s) => (out += s),
      (s) => (err += s),
    );
    return { code, out, err };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("hostile objects", () => {
  it("reports a symbol whose st_name lies outside its string table instead of throwing", () => {
    const bytes = patched(X86(), (v, elf) => {
      const tab = elf.sections.find((s) => s.sh_type === 2)!;
      const last = Number(tab.sh_size) / 24 - 1; // a GLOBAL symbol: the locals come first
      v.setUint32(Number(tab.sh_offset) + 24 * last, 0xfffffff0, true);
    });
    const report = reportAll(bytes);
    const json = reportJson("x.ro", report);
    const bad = json.symbols.find((s) => s.name === "<st_name 0xfffffff0>");
    assert.ok(bad?.problem?.includes("st_name 0xfffffff0"), JSON.stringify(bad));
    const r = cli(bytes, "--json");
    assert.ok(r.code === 0 || r.code === 1, r.err);
    JSON.parse(r.out);
  });

  it("reports SHN_XINDEX without a SHT_SYMTAB_SHNDX section instead of throwing", () => {
    const bytes = patched(X86(), (v, elf) => {
      const tab = elf.sections.find((s) => s.sh_type === 2)!;
      const n = Number(tab.sh_size) / 24;
      for (let k = 1; k < n; k++) v.setUint16(Number(tab.sh_offset) + 24 * k + 6, 0xffff, true);
    });
    const json = reportJson("x.ro", reportAll(bytes));
    assert.ok(json.symbols.some((s) => s.problem?.includes("SHN_XINDEX")));
    const r = cli(bytes, "--json");
    assert.ok(r.code === 0 || r.code === 1, r.err);
    JSON.parse(r.out);
  });

  for (const k of [28n, 32n, 63n]) {
    it(`lays out sh_addralign 2^${k} without allocating the padding`, () => {
      const bytes = patched(X86(), (v, elf) => {
        const s = elf.sections.filter((x) => (x.sh_flags & 2n) !== 0n && x.sh_type === 1)[1]!;
        v.setBigUint64(shdr(elf, s.index) + 48, 1n << k, true);
      });
      const rss = process.memoryUsage().rss;
      const t0 = performance.now();
      const report = reportAll(bytes);
      const ms = performance.now() - t0;
      assert.ok(process.memoryUsage().rss - rss < 256 * 1024 * 1024, "no buffer for the padding");
      assert.ok(ms < 5000, `${ms} ms`);
      const json = reportJson("x.ro", report);
      for (const r of json.results) assert.equal(BigInt(r.bufAlign), 1n << k, "exact in JSON");
      if (report.loads.length === 0) {
        assert.ok(report.findings.some((f) => f.id === "no-load-address"));
      } else if (report.plan.bufsz > 64n << 30n) {
        // vzalloc(bufsz) of more than the machine's RAM: -ENOMEM, explained by a finding.
        assert.ok(report.loads.every((l) => l.attempt.failedAt === "allocation"));
        const f = report.findings.find((x) => x.id === "buffer-too-large");
        assert.ok(f, JSON.stringify(report.findings.map((x) => x.id)));
        assert.ok(f.kernelMessages.some((m) => m.startsWith("kexec: vmalloc error: size")));
      } else {
        assert.equal(report.loads[0]!.attempt.bufferSha256, undefined, "too large to hash in the editor");
      }
    });
  }

  it("explains a verdict with no simulated address (--ram 1M) by a finding", () => {
    const riscv = readFixture("riscv64", "obj", "gcc12.ro");
    const report = reportAll(riscv, { ramSize: 1n << 20n });
    assert.equal(report.loads.length, 0);
    assert.ok(report.findings.some((f) => f.id === "no-load-address" && f.severity === "error"));
    const r = cli(riscv, "--ram", "1M");
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.out, /findings: none/);
  });

  it("walks kexec-tools' notes with a huge n_namesz in 64-bit arithmetic (no endless loop)", () => {
    for (const namesz of [0xfffffffdn, 0x80000000n, 0xfffffff0n]) {
      const bytes = patched(X86(), (v, elf) => {
        const s = elf.sections.find((x) => x.sh_type === 1 && x.sh_size >= 24n)!;
        v.setUint32(shdr(elf, s.index) + 4, 7, true); // SHT_NOTE
        v.setUint32(Number(s.sh_offset), Number(namesz), true);
        v.setUint32(Number(s.sh_offset) + 4, 0, true);
      });
      const t0 = performance.now();
      reportAll(bytes, { loader: "kexec-tools" });
      assert.ok(performance.now() - t0 < 5000);
    }
  });

  it("reports kexec-tools' s390x field that runs past the buffer as undefined behaviour", () => {
    const base = readFixture("s390x", "obj", "gcc12.ro");
    const elf = readElf(base);
    for (const rel of elf.sections.filter((s) => s.sh_type === 4)) {
      const target = elf.sections[rel.sh_info]!;
      for (const back of [1n, 2n, 3n]) {
        const bytes = base.slice();
        const v = new DataView(bytes.buffer);
        const n = Number(rel.sh_size) / 24;
        for (let i = 0; i < n; i++)
          v.setBigUint64(Number(rel.sh_offset) + 24 * i, target.sh_size - back, false);
        reportAll(bytes, { loader: "kexec-tools", crash: true });
      }
    }
  });

  it("keeps 64-bit symbol sizes exact in JSON", () => {
    const bytes = patched(X86(), (v, elf) => {
      const tab = elf.sections.find((s) => s.sh_type === 2)!;
      const n = Number(tab.sh_size) / 24;
      for (let k = 1; k < n; k++) v.setBigUint64(Number(tab.sh_offset) + 24 * k + 16, (1n << 60n) + 1n, true);
    });
    const json = reportJson("x.ro", reportAll(bytes));
    assert.ok(json.symbols.length > 0);
    for (const s of json.symbols) assert.equal(s.size, "0x1000000000000001");
  });
});

describe("hostile Makefiles and .cmd files", () => {
  it("stops an exponential object-list expansion at the cap and says so", () => {
    const lines = ["V0 := a.o b.o"];
    for (let i = 1; i <= 9; i++) lines.push(`V${i} = ${`$(V${i - 1}) `.repeat(8)}`);
    lines.push("purgatory-y += $(V9)");
    const problems: string[] = [];
    purgatoryObjects(parseMakefile(lines.join("\n")), { problems });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, new RegExp(`past the ${EXPANSION_CAP}-character cap`));
    // A list below the cap is untouched and says nothing.
    const quiet: string[] = [];
    const small = purgatoryObjects(parseMakefile("X := a.o\npurgatory-y += $(X) b.o\n"), { problems: quiet });
    assert.deepEqual(
      small.map((e) => e.name),
      ["a.o", "b.o"],
    );
    assert.deepEqual(quiet, []);
  });

  it("keeps positions right in a long continuation and a deep $(call nest", () => {
    const mf = parseMakefile("X := a \\\n  b \\\n  -mcmodel=large c\n");
    const hit = findFlag(mf, "-mcmodel=large")[0]!;
    assert.deepEqual([hit.line, hit.startColumn, hit.endColumn], [2, 2, 16]);
    const deep = parseMakefile("X = " + "$(call f,".repeat(20000) + "x" + ")".repeat(20000));
    assert.equal(deep.assignments.length, 1);
  });

  it("joins a long deps_ continuation", () => {
    const cmd = parseCmdFile(
      "savedcmd_x := gcc -c x.c\ndeps_x := \\\n" + "  include/linux/x.h \\\n".repeat(8000) + "\n",
    );
    assert.equal(cmd?.deps.length, 8000);
  });
});

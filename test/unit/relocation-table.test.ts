import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { applyRelaWith } from "../../server/src/core/arch/common";
import { X86_64, x86Hook } from "../../server/src/core/arch/x86_64";
import { readElf } from "../../server/src/core/elf/reader";
import { KT_X86_64 } from "../../server/src/core/kexec-tools/arch/x86_64";
import { loadKtPurgatory } from "../../server/src/core/kexec-tools/load";
import { kexecToolsVersion } from "../../server/src/core/kexec-tools/version";
import { kernelModel } from "../../server/src/core/kexec/kernel";
import { loadPurgatory } from "../../server/src/core/kexec/load";
import { hexU64, RelocationTable, tableOf, u64Of } from "../../server/src/core/kexec/relocation-table";
import { hex, u64 } from "../../server/src/core/kexec/u64";
import { reportJson, stringify } from "../../server/src/core/report/json";
import { reportText } from "../../server/src/core/report/text";
import { reviveResult, simulate } from "../../server/src/core/simulate";
import { SimulationPool } from "../../server/src/lsp/simulation-pool";
import { writeReportJson } from "../../server/src/core/report/json-stream";
import type { SimulationReport } from "../../server/src/core/simulate";
import { fixturePath, mustSimulate, plainAttempt, readFixture } from "../helpers";
import { hostileCopies, repeatedRelas } from "../hostile-objects";

const TWO_64 = 1n << 64n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

describe("relocation table", () => {
  it("keeps every 64-bit value exactly, in doubles where they are exact and bigints otherwise", () => {
    const values = [0n, 1n, 0xffffffffn, MAX_SAFE, MAX_SAFE + 1n, 1n << 63n, TWO_64 - MAX_SAFE - 1n];
    values.push(TWO_64 - MAX_SAFE, TWO_64 - 1n, TWO_64 - 0x1000n);
    const addends = [0n, -1n, -MAX_SAFE, -MAX_SAFE - 1n, MAX_SAFE + 1n, -(1n << 63n), (1n << 63n) - 1n];
    const t = new RelocationTable();
    const g = t.addGroup({ index: 2, name: ".rela.text" } as never, { index: 1, name: ".text" });
    const rows: [bigint, bigint][] = [];
    for (const v of values) for (const a of addends) rows.push([v, a]);
    rows.forEach(([v, a], i) =>
      t.add(
        g,
        { index: i, r_offset: v, type: 1, sym: 3, r_addend: a },
        v,
        "R_X86_64_64",
        i % 2 ? "ok" : "overflow",
        { symbol: "s", symShndx: 1, S: v, value: v, stored: i % 3 ? v : undefined, width: 8 },
        i % 5 !== 0,
      ),
    );
    const recs = t.records();
    assert.equal(recs.length, rows.length);
    rows.forEach(([v, a], i) => {
      const r = recs.at(i)!;
      assert.equal(r.r_offset, v);
      assert.equal(r.S, v);
      assert.equal(r.P, v);
      assert.equal(r.value, v);
      assert.equal(r.A, a);
      assert.equal(r.stored, i % 3 ? v : undefined);
      assert.equal(r.status, i % 2 ? "ok" : "overflow");
      assert.equal(r.reached, i % 5 !== 0);
      assert.equal(r.relSectionName, ".rela.text");
      assert.equal(t.hexAt(0, i), hex(v));
      assert.equal(t.hexAt(2, i), a < 0n ? "-" + hex(-a) : hex(a));
    });
  });

  it("says a row repeats the one before only when every column but the index is the same", () => {
    const t = new RelocationTable();
    const g = t.addGroup({ index: 2, name: ".rela.text" } as never, { index: 1, name: ".text" });
    const h = t.addGroup({ index: 4, name: ".rela.data" } as never, { index: 3, name: ".data" });
    const big = TWO_64 - MAX_SAFE - 1n; // no exact double: kept as words
    const base = { group: g, r_offset: 8n, type: 1, sym: 3, A: 4n, P: 0x1000n, typeName: "R_X86_64_64" };
    const facts = { symbol: "s", symShndx: 1, S: 0x2000n, value: 0x2004n, stored: 0x2004n, width: 8 };
    type Row = typeof base & {
      status: "ok" | "overflow";
      reached: boolean;
      f: typeof facts & { note?: string; window?: { from: bigint; to: bigint }[] };
    };
    const add = (r: Row, index: number) =>
      t.add(
        r.group,
        { index, r_offset: r.r_offset, type: r.type, sym: r.sym, r_addend: r.A },
        r.P,
        r.typeName,
        r.status,
        r.f,
        r.reached,
      );
    const row: Row = { ...base, status: "ok", reached: true, f: facts };
    // Each variant differs from `row` in one column.
    const variants: Row[] = [
      { ...row, group: h },
      { ...row, r_offset: 16n },
      { ...row, r_offset: big },
      { ...row, type: 2 },
      { ...row, sym: 4 },
      { ...row, A: -4n },
      { ...row, A: big },
      { ...row, P: 0x1008n },
      { ...row, typeName: "R_X86_64_PC64" },
      { ...row, status: "overflow" },
      { ...row, reached: false },
      { ...row, f: { ...facts, symbol: "t" } },
      { ...row, f: { ...facts, symShndx: 2 } },
      { ...row, f: { ...facts, S: big } },
      { ...row, f: { ...facts, value: 0x3000n } },
      { ...row, f: { ...facts, stored: big } },
      { ...row, f: { ...facts, width: 4 } },
      { ...row, f: { ...facts, note: "a note" } },
      { ...row, f: { ...facts, window: [{ from: 0n, to: 0x1000n }] } },
    ];
    let index = 0;
    for (const v of variants) {
      add(row, index++);
      const same = add(row, index++);
      assert.equal(t.sameAsPrevious(same), true);
      const other = add(v, index++);
      assert.equal(
        t.sameAsPrevious(other),
        false,
        JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? String(x) : x)),
      );
      // And the variant repeated is itself the same as before it, words included.
      assert.equal(t.sameAsPrevious(add(v, index++)), true);
    }
    // Two values past the doubles that differ only in their words.
    add({ ...row, r_offset: big }, index++);
    assert.equal(t.sameAsPrevious(add({ ...row, r_offset: big + 8n }, index++)), false);
    // No value (a failure stores nothing) against a value past the doubles: both NaN in the column.
    add({ ...row, f: { ...facts, stored: undefined as unknown as bigint } }, index++);
    assert.equal(t.sameAsPrevious(add({ ...row, f: { ...facts, stored: big } }, index)), false);
    assert.equal(t.sameAsPrevious(0), false);
  });

  it("formats the doubles' u64 in hex like the bigint", () => {
    for (const x of [
      0,
      1,
      0xffffffff,
      2 ** 32,
      2 ** 53 - 1,
      -1,
      -(2 ** 32),
      -(2 ** 53) + 1,
      -0x1234_5678_9abc,
    ]) {
      assert.equal(hexU64(x), hex(u64Of(x)), String(x));
    }
  });
});

/** The edge and x86_64 fixture objects. */
const objects = [
  ...readdirSync(fixturePath("edge", "obj")).map((f) => ["edge", "obj", f]),
  ...readdirSync(fixturePath("x86_64", "obj")).map((f) => ["x86_64", "obj", f]),
].filter((p) => p[2]!.endsWith(".ro"));

describe("x86_64 number path", () => {
  // The number path must give the bigint path's records, buffer, log and verdict exactly, including
  // where it declines (overflows the kernel reports, values past 2^53, addresses near the top).
  const bigintOnly = {
    ...X86_64,
    relocator: () => ({ applyRela: (ctx, out) => applyRelaWith(x86Hook, ctx, out) }),
  } as typeof X86_64;
  const mems = [0x100000n, 0x7fff0000n, 0x103fffe000n, (1n << 53n) - 0x10000n, 1n << 53n, TWO_64 - 0x100000n];
  for (const kernel of ["4.15", "6.8"]) {
    it(`agrees with the bigint path on every x86_64 fixture at ${mems.length} addresses (${kernel})`, () => {
      let compared = 0;
      for (const p of objects) {
        const elf = readElf(readFixture(...p));
        if (elf.header.e_machine !== 62) continue;
        // Each relocation window's edges (unaligned) put a 32-bit value exactly at its limit.
        const windows = new Set<string>();
        for (const r of mustSimulate(readFixture(...p), { kernel }).loads[0]!.attempt.relocations)
          for (const w of r.window ?? []) for (const m of [w.from, w.to, w.to + 1n]) windows.add(String(m));
        const edges = [...windows].map(BigInt);
        for (const mem of [...mems, ...edges.filter((m) => m < TWO_64)]) {
          const k = kernelModel(kernel);
          const fast = loadPurgatory(X86_64, elf, k, mem, { debug: true });
          const slow = loadPurgatory(bigintOnly, elf, k, mem, { debug: true });
          assert.deepEqual(plainAttempt(fast), plainAttempt(slow), `${p.join("/")} at ${hex(mem)}`);
          compared += fast.relocations.length;
        }
      }
      assert.ok(compared > 1000, `compared ${compared} relocations`);
    });
  }
});

describe("kexec-tools x86_64 number path", () => {
  const alltypesBytes = readFixture("edge", "obj", "alltypes.ro");
  // machine_apply_elf_rel in doubles must give apply()'s records, buffer and stderr exactly, and
  // decline what it cannot (the dies, PLT32 before 2.0.18, values past 2^53, addresses near the top).
  const bigintOnly = { ...KT_X86_64, applyFast: undefined };
  const mems = [0x3000n, 0x7fff0000n, 0x103fffe000n, (1n << 53n) - 0x10000n, 1n << 53n, TWO_64 - 0x100000n];
  it("computes machine_apply_elf_rel's result for every value it takes, at the 32-bit limits too", () => {
    const fastApply = KT_X86_64.applyFast!;
    const limits = [0n, 1n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn, 1n << 32n, (1n << 53n) - 1n];
    const values = limits.flatMap((v) => [v - 1n, v, v + 1n, -v - 1n, -v, -v + 1n]);
    const elf = readElf(alltypesBytes);
    let taken = 0;
    for (const release of ["2.0.17", "2.0.32"])
      for (const r_type of [0, 1, 2, 4, 10, 11, 9, 42])
        for (const value of values)
          for (const bufAddr of [0x3000n, 0x7fff_0000n])
            for (const symMoves of [false, true])
              for (const live of [true, false]) {
                const version = kexecToolsVersion(release);
                const address = bufAddr + 0x40n;
                const out = {
                  status: "ok",
                  width: 0,
                  stored: 0,
                  memCoefficient: 0,
                  window: undefined,
                } as never;
                const call = {
                  r_type,
                  value: Number(value),
                  address: Number(address),
                  bufAddr: Number(bufAddr),
                };
                const data = new Uint8Array(16);
                if (
                  !fastApply.one(
                    {
                      ...call,
                      symMoves,
                      version,
                      live,
                      data,
                      at: 0,
                      elfLittleEndian: true,
                      toc: NaN,
                      st_other: 0,
                      e_flags: 0,
                    },
                    out,
                  )
                )
                  continue;
                taken++;
                const r = KT_X86_64.apply({
                  elf,
                  version,
                  sym: undefined as never,
                  symName: "s",
                  r_type,
                  data: new Uint8Array(16),
                  at: 0,
                  address,
                  value: u64(value),
                  bufAddr,
                  symMoves,
                });
                const f = out as { status: string; width: number; stored: number; memCoefficient: number };
                const what = `type ${r_type} value ${value} at ${hex(bufAddr)} moves ${symMoves} live ${live} ${release}`;
                assert.ok(
                  r.die === undefined || !live,
                  `${what}: the number path took a relocation kexec dies on`,
                );
                assert.equal(f.status, r.status, what);
                assert.equal(f.width, r.width, what);
                if (r.width > 0) assert.equal(u64Of(f.stored), r.stored, what);
                assert.equal(f.memCoefficient, r.memCoefficient, what);
                assert.deepEqual((out as { window?: unknown }).window, r.window, what);
              }
    assert.ok(taken > 500, `took ${taken}`);
  });
  for (const release of ["2.0.17", "2.0.32"]) {
    it(`agrees with the bigint path on every x86_64 fixture (kexec-tools ${release})`, () => {
      const version = kexecToolsVersion(release);
      let compared = 0;
      for (const p of objects) {
        const elf = readElf(readFixture(...p));
        if (elf.header.e_machine !== 62) continue;
        const windows = new Set<string>();
        const report = mustSimulate(readFixture(...p), { loader: "kexec-tools", kexecTools: release });
        for (const r of report.loads[0]!.attempt.relocations)
          for (const w of r.window ?? []) for (const m of [w.from, w.to, w.to + 1n]) windows.add(String(m));
        const edges = [...windows].map(BigInt).filter((m) => m < TWO_64);
        for (const mem of [...mems, ...edges]) {
          for (const crash of [false, true]) {
            const fast = loadKtPurgatory(KT_X86_64, elf, version, mem, { crash });
            const slow = loadKtPurgatory(bigintOnly, elf, version, mem, { crash });
            assert.deepEqual(plainAttempt(fast), plainAttempt(slow), `${p.join("/")} at ${hex(mem)}`);
            compared += fast.relocations.length;
          }
        }
      }
      assert.ok(compared > 1000, `compared ${compared} relocations`);
    });
  }
});

describe("reports from the table", () => {
  it("list every relocation in text exactly as record-by-record formatting does", () => {
    let lines = 0;
    for (const p of objects) {
      const report = mustSimulate(readFixture(...p));
      // The same records as a plain array: no table behind them, so each line is formatted per record.
      const plain = {
        ...report,
        loads: report.loads.map((l) => ({
          ...l,
          attempt: { ...l.attempt, relocations: [...l.attempt.relocations] },
        })),
      };
      const fromTable = reportText(p.join("/"), report, { relocations: true });
      assert.equal(fromTable, reportText(p.join("/"), plain, { relocations: true }), p.join("/"));
      lines += fromTable.split("\n").length;
    }
    assert.ok(lines > 1000);
  });
});

/** The same report with each load's relocations as a plain array: each row formatted per record. */
function withPlainRecords(report: SimulationReport): SimulationReport {
  return {
    ...report,
    loads: report.loads.map((l) => ({
      ...l,
      attempt: { ...l.attempt, relocations: [...l.attempt.relocations] },
    })),
  };
}

describe("reports of repeated rows", () => {
  // A row that repeats the one before it but for its index has its text copied from that row's.
  it("list them in text and JSON exactly as record-by-record formatting does", () => {
    let copies = 0;
    for (const dir of ["x86_64", "s390x", "riscv64", "kexec-tools"]) {
      for (const f of readdirSync(fixturePath(dir, "obj")).filter((f) => f.endsWith(".ro"))) {
        const elf = readElf(readFixture(dir, "obj", f));
        // Offsets and addends past 2^53 too: rows whose values are 32-bit words.
        for (const o of [{ name: `${dir}/${f}`, elf }, ...hostileCopies(`${dir}/${f}`, elf).slice(0, 2)]) {
          const bytes = repeatedRelas(o.elf, 6, true);
          for (const options of [{}, { loader: "kexec-tools" as const }]) {
            const r = simulate(bytes, options);
            if (!r.ok) continue;
            const plain = withPlainRecords(r.report);
            const label = `${o.name} ${JSON.stringify(options)}`;
            assert.equal(
              reportText("f.ro", r.report, { relocations: true }),
              reportText("f.ro", plain, { relocations: true }),
              label,
            );
            let fromTable = "";
            let fromRecords = "";
            writeReportJson("f.ro", r.report, (s) => (fromTable += s));
            writeReportJson("f.ro", plain, (s) => (fromRecords += s));
            assert.ok(fromTable === fromRecords, `${label}: the JSON reports differ`);
            for (const { attempt } of r.report.loads) {
              const t = tableOf(attempt.relocations);
              for (let i = 1; t && i < t.length; i++) if (t.sameAsPrevious(i)) copies++;
            }
          }
        }
      }
    }
    assert.ok(copies > 5000, `only ${copies} rows repeated the one before them`);
  });
});

describe("a report through a structured clone", () => {
  it("keeps its relocations once revived (the language server simulates in a worker)", () => {
    for (const name of ["alltypes", "boundary32", "unknown-types"]) {
      const bytes = readFixture("edge", "obj", `${name}.ro`);
      const result = simulate(bytes);
      assert.ok(result.ok);
      const cloned = reviveResult(structuredClone(result));
      assert.ok(cloned.ok);
      assert.equal(
        stringify(reportJson(name, cloned.report)),
        stringify(reportJson(name, result.report)),
        name,
      );
      assert.equal(
        reportText(name, cloned.report, { relocations: true }),
        reportText(name, result.report, { relocations: true }),
      );
    }
  });
});

describe("the language server's simulation worker", () => {
  it("hands back reports whose relocations work", async () => {
    const pool = new SimulationPool();
    try {
      const bytes = readFixture("edge", "obj", "alltypes.ro");
      const r = await pool.run(bytes, {});
      assert.ok(r.ok);
      const direct = simulate(bytes);
      assert.ok(direct.ok);
      assert.equal(stringify(reportJson("x", r.report)), stringify(reportJson("x", direct.report)));
    } finally {
      pool.dispose();
    }
  });
});

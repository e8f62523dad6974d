// The RELA hooks' number paths (doubles, and the symbol checks made once per symbol) against the
// bigint path alone: records, buffer, log and verdict must be identical, on every fixture of the
// architecture and on objects the fuzzer's mutators made from them (types, offsets, addends and
// symbols past what a compiler emits), at addresses where values pass 2^32, 2^53 and 2^64.

import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { applyRelaWith, type FastRela, type RelaHook } from "../../server/src/core/arch/common";
import { RISCV64, riscvEra, riscvRelaHook } from "../../server/src/core/arch/riscv64";
import { S390X, s390Era, s390RelaHook } from "../../server/src/core/arch/s390x";
import type { KernelArch } from "../../server/src/core/arch/types";
import { X86_64, x86Hook, x86HookWithFast } from "../../server/src/core/arch/x86_64";
import { EM_AARCH64, EM_PPC64, EM_RISCV, EM_S390, EM_X86_64 } from "../../server/src/core/elf/constants";
import { readElf } from "../../server/src/core/elf/reader";
import type { ElfFile } from "../../server/src/core/elf/types";
import { kernelModel, type KernelVersion } from "../../server/src/core/kexec/kernel";
import { loadPurgatory } from "../../server/src/core/kexec/load";
import { hex } from "../../server/src/core/kexec/u64";
import { KT_ARM64 } from "../../server/src/core/kexec-tools/arch/arm64";
import { KT_PPC64 } from "../../server/src/core/kexec-tools/arch/ppc64";
import { KT_S390X } from "../../server/src/core/kexec-tools/arch/s390x";
import { KT_X86_64 } from "../../server/src/core/kexec-tools/arch/x86_64";
import { loadKtPurgatory } from "../../server/src/core/kexec-tools/load";
import type { KtArch } from "../../server/src/core/kexec-tools/types";
import { kexecToolsVersion } from "../../server/src/core/kexec-tools/version";
import { ELF_VARIANTS, generate, loadSeeds } from "../fuzz/targets";
import { REPEATS } from "../../server/src/core/kexec/repeated-entries";
import { writeReportJson } from "../../server/src/core/report/json-stream";
import { simulate } from "../../server/src/core/simulate";
import { fixturePath, plainAttempt, readFixture } from "../helpers";
import { hostileCopies, repeatedRelas } from "../hostile-objects";

const TWO_64 = 1n << 64n;

/** The architecture with its relocator running `hook`. */
function withHook(arch: KernelArch, hook: RelaHook): KernelArch {
  return { ...arch, relocator: () => ({ applyRela: (ctx, out) => applyRelaWith(hook, ctx, out) }) };
}

/** The hook, counting the relocations its number path and its symbol checks took. */
function counting(hook: RelaHook, count: { fast: number; symbol: number }): RelaHook {
  const fast = hook.fast!;
  const counted: FastRela<unknown> = {
    symbol: (ctx, sym, index, name) => fast.symbol(ctx, sym, index, name),
    one: (ctx, sym, entries, i, targetAddr, live, out) => {
      const took = fast.one(ctx, sym, entries, i, targetAddr, live, out);
      if (took) count.fast++;
      return took;
    },
  };
  const failure = hook.symbolFailure!;
  return {
    ...hook,
    fast: counted,
    symbolFailure: (ctx, sym, name) => {
      const f = failure(ctx, sym, name);
      // Counted per symbol: each failing symbol stands for every relocation against it.
      if (f) count.symbol++;
      return f;
    },
  };
}

type Named = { name: string; elf: ElfFile };

/** The fixture objects of `dir` whose file names pass `pick`, each with its hostile copies. */
function fixtureObjects(dir: string, pick: (f: string) => boolean): Named[] {
  return readdirSync(fixturePath(dir, "obj"))
    .filter(pick)
    .flatMap((f) => {
      const elf = readElf(readFixture(dir, "obj", f));
      return [{ name: `${dir}/${f}`, elf }, ...hostileCopies(`${dir}/${f}`, elf)];
    });
}

/** `count` objects of one machine that the fuzzer's mutators made, up to 64 KB each. */
function generatedObjects(e_machine: number, count: number): Named[] {
  const out: Named[] = [];
  const seeds = loadSeeds();
  for (let i = 0; out.length < count; i++) {
    const input = generate(seeds, "elf", 20261127, i);
    if (input.bytes.length > 64 * 1024) continue;
    let elf: ElfFile;
    try {
      elf = readElf(input.bytes);
    } catch {
      continue;
    }
    if (elf.header.e_machine === e_machine) out.push({ name: `generated ${i}`, elf });
  }
  return out;
}

/** The fixture objects of one architecture, and generated objects of that machine, `total` in all. */
function objectsFor(arch: string, e_machine: number, total: number): Named[] {
  const fixtures = fixtureObjects(arch, (f) => f.endsWith(".ro"));
  return [...fixtures, ...generatedObjects(e_machine, total - fixtures.length)];
}

const MEMS = [0x100000n, 0x7fff_f000n, 0x1_0000_0000n, (1n << 53n) - 0x10000n, 1n << 53n, TWO_64 - 0x100000n];

interface Case {
  readonly arch: KernelArch;
  readonly dir: string;
  readonly e_machine: number;
  readonly kernels: readonly string[];
  readonly hook: (v: KernelVersion, numberPath: boolean) => RelaHook;
}

const CASES: Case[] = [
  {
    arch: X86_64,
    dir: "x86_64",
    e_machine: EM_X86_64,
    kernels: ["4.14", "6.8"],
    hook: (_v, numberPath) => (numberPath ? x86HookWithFast : x86Hook),
  },
  {
    arch: S390X,
    dir: "s390x",
    e_machine: EM_S390,
    // Before and after GLOB_DAT (5.4) and JMP_SLOT (5.7); unchecked and skipped types before 5.16.
    kernels: ["5.3", "5.10", "6.8"],
    hook: (v, numberPath) => s390RelaHook(s390Era(v), numberPath),
  },
  {
    arch: RISCV64,
    dir: "riscv64",
    e_machine: EM_RISCV,
    // Before CALL_PLT (6.5), ADD16/SUB16 (6.12) and R_RISCV_64 (≈6.15), and after.
    kernels: ["6.1", "6.12", "6.15"],
    hook: (v, numberPath) => riscvRelaHook(riscvEra(v), numberPath),
  },
];

for (const c of CASES) {
  describe(`${c.dir} number path`, () => {
    const objects = objectsFor(c.dir, c.e_machine, 60);
    for (const kernel of c.kernels) {
      it(`gives the bigint path's records, buffer, log and verdict on ${objects.length} objects (${kernel})`, () => {
        const k = kernelModel(kernel);
        const count = { fast: 0, symbol: 0 };
        const fast = withHook(c.arch, counting(c.hook(k.version, true), count));
        const slow = withHook(c.arch, c.hook(k.version, false));
        let compared = 0;
        for (const { name, elf } of objects) {
          for (const mem of MEMS) {
            const a = loadPurgatory(fast, elf, k, mem, { debug: true });
            const b = loadPurgatory(slow, elf, k, mem, { debug: true });
            assert.deepEqual(plainAttempt(a), plainAttempt(b), `${name} at ${hex(mem)} (${kernel})`);
            compared += a.relocations.length;
          }
        }
        // The comparison means something only if the number path took a good share of them (it
        // declines every one at the addresses past 2^53, and types the era does not handle).
        assert.ok(compared > 2000, `compared ${compared} relocations`);
        assert.ok(count.fast > compared / 4, `number path took ${count.fast} of ${compared} relocations`);
        assert.ok(count.symbol > 0, "no relocation against a symbol the kernel refuses");
      });
    }
  });
}

describe("repeated relocation entries", () => {
  // A not-reached entry that repeats an earlier one byte for byte gets a copy of its row: the copy
  // must be what computing it gives, for every loader and architecture, including the failures.
  // Every fixture, and two of its hostile copies, with each RELA section repeated 8 times over.
  const inputs: { name: string; bytes: Uint8Array; variant: number }[] = [];
  for (const dir of ["x86_64", "s390x", "riscv64", "ppc64", "kexec-tools"]) {
    for (const f of readdirSync(fixturePath(dir, "obj")).filter((f) => f.endsWith(".ro"))) {
      const elf = readElf(readFixture(dir, "obj", f));
      for (const o of [{ name: `${dir}/${f}`, elf }, ...hostileCopies(`${dir}/${f}`, elf).slice(2)]) {
        inputs.push({
          name: `${o.name} (entries repeated)`,
          bytes: repeatedRelas(o.elf, 8),
          variant: inputs.length,
        });
        // Each entry repeated in a row: kexec-tools' x86_64 walk copies reached rows too.
        inputs.push({
          name: `${o.name} (each entry repeated)`,
          bytes: repeatedRelas(o.elf, 4, true),
          variant: inputs.length,
        });
      }
    }
  }
  it(`copies rows exactly as computing them gives, on ${inputs.length} objects with copied entries`, () => {
    let compared = 0;
    REPEATS.copied = 0;
    for (const { name, bytes, variant } of inputs) {
      for (const v of [
        ELF_VARIANTS[variant % ELF_VARIANTS.length]!,
        {},
        { arch: "s390x" },
        { loader: "kexec-tools" as const },
      ]) {
        REPEATS.copy = true;
        const a = simulate(bytes, v);
        REPEATS.copy = false;
        const b = simulate(bytes, v);
        REPEATS.copy = true;
        assert.equal(a.ok, b.ok, name);
        if (!a.ok || !b.ok) continue;
        let ja = "";
        let jb = "";
        writeReportJson("f.ro", a.report, (s) => (ja += s));
        writeReportJson("f.ro", b.report, (s) => (jb += s));
        // The report's rows leave the notes out: compare every record whole too.
        const bigints = (_k: string, x: unknown) => (typeof x === "bigint" ? `${x}n` : x);
        a.report.loads.forEach((load, k) => {
          const other = b.report.loads[k]!.attempt.relocations;
          load.attempt.relocations.forEach((r, i) => {
            const x = JSON.stringify(r, bigints);
            if (x !== JSON.stringify(other.at(i), bigints)) assert.fail(`${name}: record ${i} differs: ${x}`);
          });
        });
        assert.ok(
          ja === jb,
          `${name} with ${JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? String(x) : x))}: the reports differ`,
        );
        compared += a.report.loads.reduce((n, l) => n + l.attempt.relocations.length, 0);
      }
    }
    assert.ok(compared > 20_000, `compared ${compared} relocations`);
    assert.ok(REPEATS.copied > 5_000, `copied ${REPEATS.copied} rows`);
  });
});

/** kexec-tools fixtures of one machine, with their hostile copies, and `generated` objects of it. */
function ktObjectsFor(prefix: string, e_machine: number, generated: number): Named[] {
  return [
    ...fixtureObjects("kexec-tools", (f) => f.startsWith(prefix)),
    ...generatedObjects(e_machine, generated),
  ];
}

// `share`: the least part of the compared relocations the number path must take (on ppc64 kexec dies
// on every TOC-relative type of an object with no .toc, which most of the fixtures are, and those go to
// apply()); `types`: types it must take at least once.
const KT_CASES: { arch: KtArch; prefix: string; e_machine: number; share?: number; types?: number[] }[] = [
  { arch: KT_X86_64, prefix: "x86_64", e_machine: EM_X86_64 },
  { arch: KT_S390X, prefix: "s390x", e_machine: EM_S390 },
  { arch: KT_ARM64, prefix: "arm64", e_machine: EM_AARCH64 },
  {
    arch: KT_PPC64,
    prefix: "ppc64le",
    e_machine: EM_PPC64,
    share: 1 / 10,
    types: [51, 47, 63, 48, 64, 49, 50, 250, 252, 10],
  },
];

for (const c of KT_CASES) {
  describe(`kexec-tools ${c.arch.id} number path`, () => {
    const objects = ktObjectsFor(c.prefix, c.e_machine, 20);
    const bigintOnly = { ...c.arch, applyFast: undefined };
    const mems = [0x3000n, 0x7fff_0000n, 0x1_0000_0000n, (1n << 53n) - 0x10000n, 1n << 53n];
    it(`gives apply()'s records, buffer and stderr on ${objects.length} objects`, () => {
      const version = kexecToolsVersion("2.0.32");
      let compared = 0;
      let fastRows = 0;
      const fastTypes = new Set<number>();
      const counted: KtArch = {
        ...c.arch,
        applyFast: {
          ...c.arch.applyFast!,
          one: (call, out) => {
            const took = c.arch.applyFast!.one(call, out);
            if (took) fastRows++;
            if (took) fastTypes.add(call.r_type);
            return took;
          },
        },
      };
      for (const { name, elf } of objects) {
        for (const mem of mems) {
          const a = loadKtPurgatory(counted, elf, version, mem, { crash: true });
          const b = loadKtPurgatory(bigintOnly, elf, version, mem, { crash: true });
          assert.deepEqual(plainAttempt(a), plainAttempt(b), `${name} at ${hex(mem)}`);
          compared += a.relocations.length;
        }
      }
      assert.ok(compared > 1000, `compared ${compared} relocations`);
      assert.ok(fastRows > compared * (c.share ?? 1 / 4), `number path took ${fastRows} of ${compared}`);
      for (const type of c.types ?? [])
        assert.ok(fastTypes.has(type), `the number path never took type ${type}`);
    });
  });
}

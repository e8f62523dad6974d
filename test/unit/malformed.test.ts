// Malformed and unusual inputs: each gives a clear error or the kernel's own behaviour, never an
// exception and never a hang. The inputs are a real object (alltypes.ro) with one field broken.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readElf, reportedSymbols } from "../../server/src/core/elf/reader";
import { capped, MAX_NOTES } from "../../server/src/core/rules/finding";
import { simulate, type SimulateOptions } from "../../server/src/core/simulate";
import { errLines, readFixture } from "../helpers";

const base = Buffer.from(readFixture("edge", "obj", "alltypes.ro"));
const elf = readElf(base);
const SHOFF = Number(elf.header.e_shoff);
const sec = (name: string) => elf.sections.find((s) => s.name === name)!;
const shdr = (name: string) => SHOFF + sec(name).index * 64;
const symtab = sec(".symtab");
const symOff = (name: string): number => {
  const strtab = sec(".strtab");
  for (let k = 0; k < Number(symtab.sh_size) / 24; k++) {
    const o = Number(symtab.sh_offset) + k * 24;
    const n = base.readUInt32LE(o);
    const end = base.indexOf(0, Number(strtab.sh_offset) + n);
    if (base.toString("latin1", Number(strtab.sh_offset) + n, end) === name) return o;
  }
  throw new Error(`no symbol ${name}`);
};
const rela = Number(sec(".rela.text").sh_offset);

function mutate(edit: (b: Buffer) => unknown): Buffer {
  const b = Buffer.from(base);
  edit(b);
  return b;
}

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  const r = simulate(bytes);
  assert.equal(r.ok, false, "expected the input to be rejected");
  if (!r.ok) {
    assert.equal(r.kind, "bad-input");
    assert.match(r.error, pattern);
  }
}

function simulated(bytes: Uint8Array, options: SimulateOptions = { loads: [0x100000n] }) {
  const r = simulate(bytes, options);
  assert.equal(r.ok, true, r.ok ? "" : r.error);
  return (r as Extract<typeof r, { ok: true }>).report;
}

describe("malformed input: rejected with a message saying what and where", () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ["empty file", new Uint8Array(0), /0 bytes, too short for an ELF identification/],
    ["10 bytes", base.subarray(0, 10), /10 bytes, too short/],
    ["not ELF", Buffer.from("#!/bin/sh\necho this is a script\n"), /not an ELF file: magic is 23 21 2f 62/],
    ["bad class", mutate((b) => (b[4] = 3)), /unknown ELF class 3/],
    ["bad data encoding", mutate((b) => (b[5] = 0)), /unknown data encoding 0/],
    ["truncated header", base.subarray(0, 40), /40 bytes, shorter than the 64-byte ELF64 header/],
    [
      "truncated before the section headers",
      base.subarray(0, SHOFF + 64 * 3),
      /section header table .* lies outside/,
    ],
    ["half-written (first 256 bytes)", base.subarray(0, 256), /lies outside the 256-byte file/],
    [
      "no section headers",
      mutate((b) => b.writeBigUInt64LE(0n, 0x28)),
      /no section header table \(e_shoff is 0\)/,
    ],
    [
      "e_shoff past 2^53",
      mutate((b) => b.writeBigUInt64LE(0xffffffffffffffffn, 0x28)),
      /e_shoff 0xffffffffffffffff is larger than any file/,
    ],
    [
      "wrong e_shentsize",
      mutate((b) => b.writeUInt16LE(40, 0x3a)),
      /e_shentsize is 40, but an ELF64 section header is 64 bytes/,
    ],
    ["e_shnum too large", mutate((b) => b.writeUInt16LE(0xfff0, 0x3c)), /65520 entries .* lies outside/],
    [
      "e_shstrndx out of range",
      mutate((b) => b.writeUInt16LE(50, 0x3e)),
      /e_shstrndx 50 is not below the section count 10/,
    ],
    [
      "e_shstrndx not a string table",
      mutate((b) => b.writeUInt16LE(1, 0x3e)),
      /named by e_shstrndx is of type 1, not SHT_STRTAB/,
    ],
    [
      "section data past the end",
      mutate((b) => b.writeBigUInt64LE(0x100000n, shdr(".text") + 0x18)),
      /section 1 claims 49 bytes at file offset 0x100000, past the end/,
    ],
    [
      "section size past the end",
      mutate((b) => b.writeBigUInt64LE(0x7fffffffn, shdr(".data") + 0x20)),
      /section 4 claims 2147483647 bytes/,
    ],
    [
      "section name out of range",
      mutate((b) => b.writeUInt32LE(0x7000, shdr(".text"))),
      /name of section 1: string offset 28672 is past the end of string table section 9/,
    ],
    [
      "symtab sh_link out of range",
      mutate((b) => b.writeUInt32LE(99, shdr(".symtab") + 0x28)),
      /symbol table's sh_link 99 is not below the section count 10/,
    ],
    ["unsupported machine", mutate((b) => b.writeUInt16LE(22, 0x12)), /e_machine is s390 \(22\); .* x86_64/],
  ];
  for (const [name, bytes, pattern] of cases) it(name, () => rejects(bytes, pattern));
});

describe("malformed input the kernel itself reaches: its behaviour, reproduced", () => {
  it("relocation section with sh_info out of range: -ENOEXEC without a message", () => {
    const r = simulated(mutate((b) => b.writeUInt32LE(99, shdr(".rela.text") + 0x2c)));
    assert.deepEqual(errLines(r), ["kexec-bzImage64: Loading purgatory failed"]);
    assert.ok(r.findings.some((f) => f.id === "silent-failure"));
    assert.deepEqual(r.loadWindows, []);
  });
  it("relocation section with sh_link out of range: the same", () => {
    const r = simulated(mutate((b) => b.writeUInt32LE(99, shdr(".rela.text") + 0x28)));
    assert.deepEqual(errLines(r), ["kexec-bzImage64: Loading purgatory failed"]);
  });
  it("SHT_REL instead of SHT_RELA: no architecture has a REL hook", () => {
    const r = simulated(mutate((b) => b.writeUInt32LE(9, shdr(".rela.text") + 4)));
    assert.deepEqual(errLines(r), [
      "kexec_file: REL relocation unsupported.",
      "kexec-bzImage64: Loading purgatory failed",
    ]);
  });
  it("symbol in an invalid section", () => {
    const r = simulated(mutate((b) => b.writeUInt16LE(0x55, symOff("target") + 6)));
    assert.equal(errLines(r)[0], "kexec: Invalid section 85 for symbol target");
  });
  it("undefined symbol", () => {
    const r = simulated(mutate((b) => b.writeUInt16LE(0, symOff("target") + 6)));
    assert.equal(errLines(r)[0], "kexec: Undefined symbol: target");
    assert.ok(r.findings.some((f) => f.id === "undefined-symbol"));
  });
  it("COMMON symbol", () => {
    const r = simulated(mutate((b) => b.writeUInt16LE(0xfff2, symOff("target") + 6)));
    assert.equal(errLines(r)[0], "kexec: symbol 'target' in common section");
  });
  it("entry64_regs of the wrong size: the kernel prints st_size as 'expected'", () => {
    const r = simulated(mutate((b) => b.writeBigUInt64LE(128n, symOff("entry64_regs") + 16)));
    assert.deepEqual(errLines(r), ["kexec_file: symbol entry64_regs size mismatch: expected 128 actual 136"]);
    assert.equal(r.loads[0]!.attempt.failedAt, "entry64_regs");
  });
  it("stack_end not GLOBAL", () => {
    const r = simulated(mutate((b) => (b[symOff("stack_end") + 4] = 0x00)));
    assert.deepEqual(errLines(r), ["kexec-bzImage64: Could not find address of symbol stack_end"]);
  });
  it("purgatory_sha_regions in a bss section", () => {
    const r = simulated(
      mutate((b) => b.writeUInt16LE(sec(".bss").index, symOff("purgatory_sha_regions") + 6)),
    );
    assert.deepEqual(errLines(r), [
      "kexec_file: symbol purgatory_sha_regions is in a bss section. Cannot set",
    ]);
  });
  it("purgatory_sha256_digest missing: EINVAL and no message", () => {
    const r = simulated(mutate((b) => (b[symOff("purgatory_sha256_digest") + 4] = 0x00)));
    assert.deepEqual(errLines(r), []);
    assert.equal(r.ok, false);
    assert.ok(r.findings.some((f) => f.id === "silent-failure"));
    assert.ok(r.findings.some((f) => f.id === "purgatory-symbol" && f.title.includes("LOCAL")));
  });
  it("e_type ET_EXEC: 4.17+ kernels load it anyway, 4.16 rejects it silently", () => {
    const exec = mutate((b) => b.writeUInt16LE(2, 0x10));
    assert.ok(simulated(exec).findings.some((f) => f.id === "not-relocatable" && f.severity === "warning"));
    const old = simulated(exec, { kernel: "4.16", loads: [0x100000n] });
    assert.deepEqual(errLines(old), ["kexec-bzImage64: Loading purgatory failed"]);
    assert.equal(old.loads[0]!.attempt.failedAt, "validate");
  });
  it("e_shnum 0 (SHN_XINDEX scheme): the kernel sees no sections", () => {
    const b = mutate((x) => {
      x.writeUInt16LE(0, 0x3c);
      x.writeBigUInt64LE(10n, SHOFF + 0x20);
    });
    assert.equal(readElf(b).sections.length, 10, "our reader follows the extension");
    const r = simulated(b);
    assert.equal(r.plan.bufsz, 0n);
    assert.ok(r.findings.some((f) => f.id === "section-count-extended"));
  });
});

describe("malformed input where the kernel would corrupt memory: reported, not simulated", () => {
  const ub = (bytes: Uint8Array, pattern: RegExp) => {
    const r = simulated(bytes);
    const a = r.loads[0]!.attempt;
    assert.equal(a.failedAt, "undefined-behaviour");
    assert.match(a.undefinedBehaviour.join("\n"), pattern);
    assert.ok(r.findings.some((f) => f.id === "undefined-behaviour"));
  };
  it("symbol index past the symbol table", () =>
    ub(
      mutate((b) => b.writeBigUInt64LE((999n << 32n) | 1n, rela + 24 + 8)),
      /symbol index 999 is past the end of the 14-entry/,
    ));
  it("relocation offset past its section", () =>
    ub(
      mutate((b) => b.writeBigUInt64LE(0x10000n, rela + 24)),
      /r_offset 0x10000 \+ 8 is past the end of \.text/,
    ));
  it("symbol name outside the string table", () =>
    ub(
      mutate((b) => b.writeUInt32LE(0x100000, symOff("target"))),
      /string offset 1048576 is past the end/,
    ));
});

describe("thousands of sections copied out of bounds", () => {
  // alltypes.ro with 3,000 more copies of .text's header, every ALLOC section's sh_addralign 0: the
  // kernel's ALIGN(x, 0) is 0, so the buffer is sized for one section and the layout copies the rest
  // past its end. One undefined behaviour, the rest counted: not 3,000 notes and findings.
  const copies = 3000;
  const grown = (() => {
    const shnum = elf.header.e_shnum;
    const table = Buffer.alloc((shnum + copies) * 64);
    base.copy(table, 0, SHOFF, SHOFF + shnum * 64);
    for (let i = 0; i < copies; i++)
      table.set(table.subarray(sec(".text").index * 64, sec(".text").index * 64 + 64), (shnum + i) * 64);
    for (let i = 0; i < shnum + copies; i++) {
      const flags = table.readBigUInt64LE(i * 64 + 8);
      if ((flags & 2n) !== 0n) table.writeBigUInt64LE(0n, i * 64 + 48);
    }
    const out = Buffer.concat([base, table]);
    out.writeBigUInt64LE(BigInt(base.length), 40);
    out.writeUInt16LE(shnum + copies, 60);
    return out;
  })();
  for (const kernel of ["4.14", "6.8"])
    for (const loader of ["kernel", "kexec-tools"] as const)
      it(`says so once, with a count, under the ${loader === "kernel" ? `${kernel} kernel` : "kexec-tools"} loader`, () => {
        const r = simulated(grown, { kernel, loader, kexecTools: "2.0.23" });
        for (const l of r.loads) {
          const notes = l.attempt.undefinedBehaviour;
          assert.ok(notes.length > 0 && notes.length <= 5, `${notes.length} notes`);
          assert.match(notes.join("\n"), /past the end of the \d+-byte/);
          // 4.14 and kexec-tools place each section past the end; 6.8 resets its offset to 0 and
          // overwrites instead, so only a couple go past.
          if (kernel === "4.14" || loader === "kexec-tools")
            assert.match(notes.at(-1)!, /^\d+ more sections would be copied past the end of the buffer too/);
        }
        assert.ok(r.findings.length <= 12, `${r.findings.length} findings`);
      });
});

describe("thousands of copies of the symbol table's header", () => {
  it("lists its symbols once (the reporters read each distinct table once)", () => {
    const shnum = elf.header.e_shnum;
    const copies = 2000;
    const table = Buffer.alloc((shnum + copies) * 64);
    base.copy(table, 0, SHOFF, SHOFF + shnum * 64);
    const at = symtab.index * 64;
    for (let i = 0; i < copies; i++) table.set(table.subarray(at, at + 64), (shnum + i) * 64);
    const grown = Buffer.concat([base, table]);
    grown.writeBigUInt64LE(BigInt(base.length), 40);
    grown.writeUInt16LE(shnum + copies, 60);
    const once = reportedSymbols(readElf(base)).length;
    assert.ok(once > 10);
    assert.equal(reportedSymbols(readElf(grown)).length, once);
  });
});

describe("notes turned into findings one each", () => {
  it("stop at eight, the last counting the rest", () => {
    const notes = Array.from({ length: 20 }, (_, i) => `note ${i}`);
    const out = capped(notes);
    assert.equal(out.length, MAX_NOTES);
    assert.deepEqual(out.slice(0, 7), notes.slice(0, 7));
    assert.equal(out[7], "13 more like it, the first: note 7");
    assert.deepEqual(capped(notes.slice(0, 8)), notes.slice(0, 8));
  });
});

describe("robustness: random corruption never throws and never hangs", () => {
  it("survives 3000 random mutations of real objects", () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
    const objects = ["alltypes", "spec-example", "text-hot", "boundary32s"].map((n) =>
      readFixture("edge", "obj", `${n}.ro`),
    );
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(objects[i % objects.length]!);
      const flips = 1 + Math.floor(rand() * 8);
      for (let f = 0; f < flips; f++) {
        // Bias toward the headers and tables, where a flip changes structure rather than code bytes.
        const where = rand() < 0.5 ? Math.floor(rand() * 64) : Math.floor(rand() * b.length);
        b[where] = Math.floor(rand() * 256);
      }
      const cut = rand() < 0.1 ? Math.floor(rand() * b.length) : b.length;
      const r = simulate(b.subarray(0, cut));
      if (!r.ok) rejected++;
      else assert.ok(r.report.loads.length > 0 || r.report.plan.memsz >= 0n);
    }
    assert.ok(rejected > 0, "some mutations must be rejected");
  });
});

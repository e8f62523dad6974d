// Replays every input the fuzzer saved (test/fuzz/corpus/<target>/, large ones gzip-compressed as
// `.gz`): each once made an entry point throw, hang or run long. ELF inputs go through the option
// variant they failed with and the default ones, and the CLI must answer each with exit 2 and one line,
// or with valid JSON and exit 0 or 1. No timing is asserted here (the fuzzer measures it, best of three).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { main } from "../../server/src/cli";
import { CORPUS, readIndex, readInput, storedNames } from "../fuzz/corpus";
import { generate, loadSeeds, runInput, Timer, TARGETS, type FuzzInput } from "../fuzz/targets";

describe("fuzz corpus replay", () => {
  const seeds = loadSeeds();
  const saved = readIndex();
  const tmp = mkdtempSync(join(tmpdir(), "fuzz-corpus-"));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("every input the index lists is stored, compressed when large", () => {
    for (const [name, e] of Object.entries(saved)) {
      assert.notEqual(e.saved, false, `${name} is only listed`);
      const bytes = readInput(join(CORPUS, name));
      assert.equal(bytes.length, e.bytes, `${name}: length`);
      assert.equal(name.endsWith(".gz"), e.gzipBytes !== undefined, `${name}: gzipBytes`);
    }
  });

  for (const target of TARGETS) {
    for (const name of storedNames(target)) {
      const entry = saved[`${target}/${name}`];
      // The variant it failed with, and the default kernel and kexec-tools runs of x86_64's loader.
      const variants = [...new Set([entry?.variant ?? 0, 0, 1, 2])];
      const bytes = () => readInput(join(CORPUS, target, name));
      it(`${target}/${name} runs through every entry point without an exception`, () => {
        const b = bytes();
        for (const variant of variants) {
          const input: FuzzInput = { target, bytes: b, variant };
          runInput(seeds, input, new Timer());
        }
      });
      if (target !== "elf") continue;
      it(`${target}/${name}: the CLI exits 2 with one line, or 0/1 with valid JSON`, () => {
        // The CLI reads a file: a compressed input is written out uncompressed first.
        const path = name.endsWith(".gz") ? join(tmp, name.slice(0, -3)) : join(CORPUS, target, name);
        if (name.endsWith(".gz")) writeFileSync(path, bytes());
        let out = "";
        let err = "";
        const code = main(
          ["simulate", path, "--json"],
          (s) => (out += s),
          (s) => (err += s),
        );
        if (code === 2) {
          assert.equal(out, "");
          assert.equal(err.trimEnd().split("\n").length, 1, err);
        } else {
          assert.ok(code === 0 || code === 1, `exit ${code}`);
          JSON.parse(out);
        }
      });
    }
  }
});

describe("fuzz input generation", () => {
  it("makes each input from (seed, target, index) alone, whatever was generated before", () => {
    const seeds = loadSeeds();
    const digest = (i: number, target: (typeof TARGETS)[number]) =>
      Buffer.from(generate(seeds, target, 7, i).bytes).toString("base64");
    for (const target of TARGETS) {
      const first = [0, 1, 2, 3].map((i) => digest(i, target));
      // Enough inputs that every mutation (each writes into its own copy of a seed) has run.
      for (let i = 4; i < 400; i++) generate(seeds, target, 7, i);
      assert.deepEqual(
        [0, 1, 2, 3].map((i) => digest(i, target)),
        first,
        `${target}: an input changed with what came before it`,
      );
    }
  });
});

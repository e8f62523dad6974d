// Replays every input the fuzzer saved (test/fuzz/corpus/<target>/): each once made an entry point
// throw, hang or run long. ELF inputs go through the option variant they failed with and the default
// ones, and the CLI must answer each with exit 2 and one line, or with valid JSON and exit 0 or 1.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { main } from "../../server/src/cli";
import { loadSeeds, runInput, Timer, TARGETS, type FuzzInput } from "../fuzz/targets";
import { repoRoot } from "../helpers";

const CORPUS = join(repoRoot, "test", "fuzz", "corpus");

/** index.json: what each saved input once did, and the ELF option variant it failed with. */
interface Entry {
  variant?: number;
}

function index(): Record<string, Entry> {
  try {
    return JSON.parse(readFileSync(join(CORPUS, "index.json"), "utf8")) as Record<string, Entry>;
  } catch {
    return {};
  }
}

function files(target: string): string[] {
  try {
    return readdirSync(join(CORPUS, target)).sort();
  } catch {
    return [];
  }
}

describe("fuzz corpus replay", () => {
  const seeds = loadSeeds();
  const saved = index();
  for (const target of TARGETS) {
    for (const name of files(target)) {
      const entry = saved[`${target}/${name}`];
      // The variant it failed with, and the default kernel and kexec-tools runs of x86_64's loader.
      const variants = [...new Set([entry?.variant ?? 0, 0, 1, 2])];
      it(`${target}/${name} runs through every entry point without an exception`, () => {
        const bytes = new Uint8Array(readFileSync(join(CORPUS, target, name)));
        for (const variant of variants) {
          const input: FuzzInput = { target, bytes, variant };
          runInput(seeds, input, new Timer());
        }
      });
      if (target !== "elf") continue;
      it(`${target}/${name}: the CLI exits 2 with one line, or 0/1 with valid JSON`, () => {
        let out = "";
        let err = "";
        const code = main(
          ["simulate", join(CORPUS, target, name), "--json"],
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

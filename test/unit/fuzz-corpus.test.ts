// Replays every input the fuzzer saved (test/fuzz/corpus/<target>/): each once made an entry point
// throw, hang or run long. ELF inputs go through every architecture, loader and option variant, and
// the CLI must answer each with exit 2 and one line, or with valid JSON and exit 0 or 1.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { main } from "../../server/src/cli";
import { ELF_VARIANTS, loadSeeds, runInput, Timer, TARGETS, type FuzzInput } from "../fuzz/targets";
import { repoRoot } from "../helpers";

const CORPUS = join(repoRoot, "test", "fuzz", "corpus");

/** index.json: what each saved input once did; `known` marks causes owned by the linker-script work. */
function index(): Record<string, { known?: string }> {
  try {
    return JSON.parse(readFileSync(join(CORPUS, "index.json"), "utf8")) as Record<string, { known?: string }>;
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
  const known = index();
  for (const target of TARGETS) {
    for (const name of files(target)) {
      // A known linker-script cause stays visible as a todo until the linker-script work fixes it.
      const todo = known[`${target}/${name}`]?.known;
      it(
        `${target}/${name} runs through every entry point without an exception`,
        todo ? { todo } : {},
        () => {
          const bytes = new Uint8Array(readFileSync(join(CORPUS, target, name)));
          const variants = target === "elf" ? ELF_VARIANTS.length : 4;
          for (let variant = 0; variant < variants; variant++) {
            const input: FuzzInput = { target, bytes, variant };
            runInput(seeds, input, new Timer());
          }
        },
      );
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

// What the .vsix and the npm package ship: every bundle scripts/build.mjs writes. The language
// server finds its simulation worker next to itself; without dist/simulation-worker.js it simulates
// (and writes the section map's report) on the thread that answers hovers.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "../helpers";

const bundles = [
  ...readFileSync(join(repoRoot, "scripts", "build.mjs"), "utf8").matchAll(/outfile: "([^"]+)"/g),
].map((m) => m[1]!);

describe("the packages", () => {
  it("build the language server's simulation worker", () => {
    assert.ok(
      bundles.includes("dist/server.js") && bundles.includes("dist/simulation-worker.js"),
      String(bundles),
    );
  });

  for (const ignore of [".vscodeignore", ".npmignore"]) {
    it(`ship every bundle (${ignore})`, () => {
      const lines = readFileSync(join(repoRoot, ignore), "utf8").split("\n");
      for (const b of bundles) assert.ok(lines.includes(`!${b}`), `${ignore} ships ${b}`);
    });
  }
});

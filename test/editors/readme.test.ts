// The README's "Other editors" configurations are the files the editors tier runs: each file in
// docs/editors/ appears in the README verbatim, in the fenced block under its marker.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "../helpers";
import { CONFIGS } from "./helpers";

const LANGUAGE: Record<string, string> = { lua: "lua", el: "elisp", toml: "toml", vim: "vim" };

describe("README: Other editors", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const files = readdirSync(CONFIGS).sort();

  it("has one configuration per editor the issue names", () => {
    assert.deepEqual(files, [
      "eglot.el",
      "helix-languages.toml",
      "neovim.lua",
      "nvim-lspconfig.lua",
      "vim-lsp.vim",
    ]);
  });

  for (const file of files) {
    it(`prints docs/editors/${file} exactly`, () => {
      const text = readFileSync(join(CONFIGS, file), "utf8");
      const lang = LANGUAGE[file.split(".").pop()!]!;
      const marker = `<!-- docs/editors/${file} -->\n`;
      const at = readme.indexOf(marker);
      assert.ok(at >= 0, `no ${marker.trim()} in the README`);
      const block = readme.slice(at + marker.length);
      const open = "```" + lang + "\n";
      assert.ok(block.startsWith(open), `the block after ${marker.trim()} is not \`\`\`${lang}`);
      const body = block.slice(open.length, block.indexOf("\n```\n", open.length) + 1);
      assert.equal(body, text, `README and docs/editors/${file} differ`);
    });
  }

  it("names the file types each configuration attaches to", () => {
    for (const file of files) {
      const text = readFileSync(join(CONFIGS, file), "utf8");
      for (const kind of ["Makefile", "Kbuild", "*.lds", "*.ld", "*.lds.S"])
        assert.ok(
          text.includes(kind) || text.includes(kind.replace("*.", "")),
          `${file} does not name ${kind}`,
        );
    }
  });
});

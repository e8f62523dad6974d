// Headless Neovim (Debian's package, its built-in LSP client) with the README's configuration
// (docs/editors/neovim.lua), on a copy of examples/linux: the diagnostics on the Makefile's
// -mcmodel line without opening the Makefile, a hover listing purgatory_sha_regions' relocations, the
// quick fix applied and saved, a rebuild outside the editor followed with no watched-file
// notification from the client, and re-simulation through workspace/executeCommand.
import assert from "node:assert/strict";
import { missing } from "../helpers";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  assertRebuildFollowed,
  assertSmallPicFixSaved,
  CONFIGS,
  EDITORS,
  lineWith,
  readJson,
  rebuildExample,
  runEditor,
  workspace,
} from "./helpers";

interface NvimDiagnostic {
  lnum: number;
  col: number;
  end_col: number;
  severity: number;
  code: string;
  message: string;
}

interface Seen {
  steps: string[];
  error?: string;
  attached: number;
  makefile_loaded_before_open: boolean;
  makefile_diagnostics: NvimDiagnostic[];
  hover?: string;
  code_actions: string[];
  saved_makefile: string;
  before_rebuild: NvimDiagnostic[];
  after_rebuild: NvimDiagnostic[];
  commands?: string[];
  resimulate?: { state: string; summary: string }[];
  offset_encoding: string;
}

describe(
  "Neovim (built-in vim.lsp) with the README configuration",
  { skip: missing("nvim", "clang-19", "ld.lld-19") },
  () => {
    let seen: Seen;
    let tree: string;
    let scratch: string;
    let log = "";
    const original = readFileSync(
      join(EDITORS, "..", "..", "examples/linux/arch/x86/purgatory/Makefile"),
      "utf8",
    );

    before(async () => {
      const ws = workspace();
      tree = ws.tree;
      scratch = ws.scratch;
      const out = join(scratch, "seen.json");
      const env = {
        ...process.env,
        PATH: ws.path,
        HOME: scratch,
        XDG_CACHE_HOME: join(scratch, "cache"),
        XDG_STATE_HOME: join(scratch, "state"),
        XDG_CONFIG_HOME: join(scratch, "config"),
        PL_TREE: tree,
        PL_OUT: out,
        PL_SIGNAL: join(scratch, "signal"),
      };
      const run = await runEditor(
        "nvim",
        [
          "--headless",
          "--clean",
          "-c",
          "lua vim.lsp.set_log_level('debug')",
          "-c",
          `luafile ${join(CONFIGS, "neovim.lua")}`,
          "-c",
          `luafile ${join(EDITORS, "neovim-check.lua")}`,
        ],
        env,
        join(scratch, "signal"),
        () => rebuildExample(tree),
      );
      assert.ok(existsSync(out), `Neovim wrote no results (exit ${run.code}):\n${run.output}`);
      seen = readJson<Seen>(out);
      for (const f of [join(scratch, "cache", "nvim", "lsp.log"), join(scratch, "state", "nvim", "lsp.log")])
        if (existsSync(f)) log += readFileSync(f, "utf8");
      assert.equal(seen.error, undefined, `the Neovim script failed: ${seen.error}\n${run.output}`);
    });
    after(() =>
      process.env.PL_KEEP ? console.log(scratch) : rmSync(scratch, { recursive: true, force: true }),
    );

    it("attaches to a C source and gets diagnostics for the Makefile it never opened", () => {
      assert.equal(seen.attached, 1);
      assert.equal(seen.makefile_loaded_before_open, false);
      const line = lineWith(original, "PURGATORY_CFLAGS := -mcmodel=large");
      const overflow = seen.makefile_diagnostics.find((d) => d.code === "reloc-overflow");
      assert.ok(overflow, JSON.stringify(seen.makefile_diagnostics));
      assert.equal(overflow.lnum, line);
      assert.equal(overflow.severity, 1); // vim.diagnostic.severity.ERROR
      assert.equal(original.split("\n")[line]!.slice(overflow.col, overflow.end_col), "-mcmodel=large");
      // Kernel 7.2 (the default) takes the entry from purgatory_start: only older kernels WARN or hang.
      const note = seen.makefile_diagnostics.find((d) => d.code === "entry-multiple-sections");
      assert.ok(note && note.lnum === line && note.severity === 3, JSON.stringify(seen.makefile_diagnostics));
    });

    it("hovers purgatory_sha_regions with its relocations and the simulate command line for the map", () => {
      assert.match(seen.hover ?? "", /\*\*purgatory_sha_regions\*\*/);
      assert.match(seen.hover ?? "", /\| R_X86_64_32 \| \.ltext\+0xd/);
      assert.match(
        seen.hover ?? "",
        /Section map: `purgatory-lens simulate arch\/x86\/purgatory\/purgatory\.ro --relocs`/,
      );
    });

    it("applies the small-PIC quick fix chosen from the menu, and saves it", () => {
      assertSmallPicFixSaved(seen, original);
    });

    it("follows a rebuild done outside the editor, with no watched-file notification from the client", () => {
      assertRebuildFollowed(seen);
      assert.match(log, /"method":"initialize"|initialize/);
      assert.doesNotMatch(log, /didChangeWatchedFiles/);
    });

    it("re-simulates through workspace/executeCommand", () => {
      assert.deepEqual(seen.commands, ["purgatoryLens.resimulate", "purgatoryLens.showSectionMap"]);
      assert.equal(seen.resimulate?.length, 1);
      assert.match(seen.resimulate![0]!.summary, /fails at 1 of 2 load addresses/);
      assert.equal(seen.offset_encoding, "utf-16");
    });
  },
);

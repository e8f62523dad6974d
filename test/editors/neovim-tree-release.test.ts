// The kernel tree's own release, with no settings: a tree whose top-level Makefile says 6.8.6 and
// whose purgatory clang built with -mcmodel=large (examples/linux's objects). Kernels 6.4 to 6.x WARN
// when two executable sections contain e_entry, so Neovim (the README's configuration) shows that
// finding as a warning on the Makefile's -mcmodel=large line; with the newest release assumed it
// would be information only.
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { missing, repoRoot } from "../helpers";
import { CONFIGS, EDITORS, lineWith, readJson, runEditor, workspace } from "./helpers";

/** The head of a kernel's top-level Makefile for 6.8.6 (what the release reader reads). */
const TOP_MAKEFILE = `# SPDX-License-Identifier: GPL-2.0
VERSION = 6
PATCHLEVEL = 8
SUBLEVEL = 6
EXTRAVERSION =
NAME = Hurr durr I'ma ninja sloth

# *DOCUMENTATION*
# To see a list of typical targets execute "make help"
`;

interface Seen {
  error?: string;
  diagnostics: { lnum: number; col: number; end_col: number; severity: number; code: string }[];
}

describe("Neovim on a 6.8.6 tree with no settings", { skip: missing("nvim") }, () => {
  let seen: Seen;
  let scratch: string;
  const purgatoryMakefile = readFileSync(
    join(repoRoot, "examples/linux/arch/x86/purgatory/Makefile"),
    "utf8",
  );

  before(async () => {
    const ws = workspace();
    scratch = ws.scratch;
    writeFileSync(join(ws.tree, "Makefile"), TOP_MAKEFILE);
    const out = join(scratch, "seen.json");
    const run = await runEditor(
      "nvim",
      [
        "--headless",
        "--clean",
        "-c",
        `luafile ${join(CONFIGS, "neovim.lua")}`,
        "-c",
        `luafile ${join(EDITORS, "neovim-release-check.lua")}`,
      ],
      {
        ...process.env,
        PATH: ws.path,
        HOME: scratch,
        XDG_CACHE_HOME: join(scratch, "cache"),
        XDG_STATE_HOME: join(scratch, "state"),
        PL_TREE: ws.tree,
        PL_OUT: out,
      },
      join(scratch, "signal"),
      () => undefined,
    );
    assert.ok(existsSync(out), `Neovim wrote no results (exit ${run.code}):\n${run.output}`);
    seen = readJson<Seen>(out);
    assert.equal(seen.error, undefined, seen.error);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("shows the 6.8 WARN as a warning on the -mcmodel=large line", () => {
    const line = lineWith(purgatoryMakefile, "PURGATORY_CFLAGS := -mcmodel=large");
    const d = seen.diagnostics.find((x) => x.code === "entry-multiple-sections" && x.lnum === line);
    assert.ok(d, JSON.stringify(seen.diagnostics));
    assert.equal(purgatoryMakefile.split("\n")[line]!.slice(d.col, d.end_col), "-mcmodel=large");
    assert.equal(d.severity, 2, `severity ${d.severity} (1 error, 2 warning, 3 information)`);
  });
});

// Emacs with eglot (Debian's emacs-nox and elpa-eglot) and the README's configuration
// (docs/editors/eglot.el), on a copy of examples/linux: diagnostics on the Makefile's -mcmodel line,
// a hover listing purgatory_sha_regions' relocations, the quick fix picked from eglot's menu and
// saved, a rebuild outside the editor followed with no watched-file notification from eglot, and
// re-simulation through workspace/executeCommand.
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { missing, repoRoot } from "../helpers";
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

interface EmacsDiagnostic {
  line: number;
  text: string;
  type: "eglot-error" | "eglot-warning" | "eglot-note";
  code: string;
  message: string;
}

interface Seen {
  error?: string;
  managed: boolean;
  c_diagnostics: EmacsDiagnostic[];
  hover?: string;
  makefile_diagnostics: EmacsDiagnostic[];
  code_actions: string[];
  saved_makefile: string;
  before_rebuild: EmacsDiagnostic[];
  after_rebuild: EmacsDiagnostic[];
  resimulate?: { state: string; summary: string }[];
  events: string;
}

describe(
  "Emacs (eglot) with the README configuration",
  { skip: missing("emacs", "clang-19", "ld.lld-19") },
  () => {
    let seen: Seen;
    let scratch: string;
    const original = readFileSync(join(repoRoot, "examples/linux/arch/x86/purgatory/Makefile"), "utf8");
    const c = readFileSync(join(repoRoot, "examples/linux/arch/x86/purgatory/purgatory.c"), "utf8");

    before(async () => {
      const ws = workspace();
      scratch = ws.scratch;
      const out = join(scratch, "seen.json");
      const run = await runEditor(
        "emacs",
        ["--batch", "-l", join(CONFIGS, "eglot.el"), "-l", join(EDITORS, "eglot-check.el")],
        {
          ...process.env,
          PATH: ws.path,
          HOME: scratch,
          PL_TREE: ws.tree,
          PL_OUT: out,
          PL_SIGNAL: join(scratch, "signal"),
        },
        join(scratch, "signal"),
        () => rebuildExample(ws.tree),
      );
      assert.ok(existsSync(out), `Emacs wrote no results (exit ${run.code}):\n${run.output}`);
      seen = readJson<Seen>(out);
      assert.equal(seen.error, undefined, `the Emacs script failed: ${seen.error}\n${run.output}`);
    });
    after(() =>
      process.env.PL_KEEP ? console.log(scratch) : rmSync(scratch, { recursive: true, force: true }),
    );

    it("connects and puts the overflow on the C line that references purgatory_sha_regions", () => {
      assert.equal(seen.managed, true);
      const d = seen.c_diagnostics.find((x) => x.code === "reloc-overflow");
      assert.ok(d, JSON.stringify(seen.c_diagnostics));
      assert.equal(d.type, "eglot-error");
      assert.equal(d.text, "purgatory_sha_regions");
      assert.ok(c.split("\n")[d.line]!.includes("purgatory_sha_regions"));
    });

    it("hovers purgatory_sha_regions with its relocations and the simulate command line for the map", () => {
      assert.match(seen.hover ?? "", /\*\*purgatory_sha_regions\*\*/);
      assert.match(seen.hover ?? "", /\| R_X86_64_32 \| \.ltext\+0xd/);
      assert.match(
        seen.hover ?? "",
        /Section map: `purgatory-lens simulate arch\/x86\/purgatory\/purgatory\.ro --relocs`/,
      );
    });

    it("shows the diagnostics on the Makefile's -mcmodel=large", () => {
      const line = lineWith(original, "PURGATORY_CFLAGS := -mcmodel=large");
      const overflow = seen.makefile_diagnostics.find((d) => d.code === "reloc-overflow");
      assert.ok(overflow, JSON.stringify(seen.makefile_diagnostics));
      assert.equal(overflow.line, line);
      assert.equal(overflow.text, "-mcmodel=large");
      assert.equal(overflow.type, "eglot-error");
      assert.match(overflow.message, /^purgatory \[reloc-overflow\]: 1 R_X86_64_32 relocation overflow/);
    });

    it("applies the small-PIC quick fix picked from eglot's menu, and saves it", () => {
      assertSmallPicFixSaved(seen, original);
    });

    it("follows a rebuild done outside the editor, with no watched-file notification from eglot", () => {
      assertRebuildFollowed(seen);
      // eglot's own log of every message it sent and received.
      assert.match(seen.events, /:method "textDocument\/didSave"/);
      assert.doesNotMatch(seen.events, /:method "workspace\/didChangeWatchedFiles"/);
      assert.doesNotMatch(seen.events, /:method "client\/registerCapability"/);
    });

    it("re-simulates through workspace/executeCommand", () => {
      assert.equal(seen.resimulate?.length, 1);
      assert.match(seen.resimulate![0]!.summary, /fails at 1 of 2 load addresses/);
    });
  },
);

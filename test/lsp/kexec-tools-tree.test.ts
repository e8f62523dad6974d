// The LSP tier on the stand-in kexec-tools tree (test/fixtures/trees/kexec-tools/): found as a
// kexec-tools tree, simulated with kexec-tools' own loader at the release configure.ac names, its two
// deliberate problems on the Makefile flag and on the C line, the hovers and CodeLens, the quick fix
// applied and the tree rebuilt by its build script. Every wait is on a notification.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CodeActionRequest,
  CodeLensRequest,
  type CodeAction,
  type CodeLens,
} from "vscode-languageserver-protocol/node";
import { applyEdits, lineOf } from "./edits";
import { nonEmpty, ServerUnderTest, uri } from "./harness";
import { covered, hasTool, hover, rebuild, TREES, serveCopy } from "./trees";

describe("language server on a kexec-tools tree", () => {
  let server: ServerUnderTest;
  let tree: string;
  const path = (rel: string) => join(tree, rel);
  const archMk = () => path("purgatory/arch/x86_64/Makefile");
  const archC = () => path("purgatory/arch/x86_64/purgatory-x86_64.c");
  /** The next result after `runs` results. */
  const nextResult = (runs: number) =>
    server.until(() => server.results.length > runs && server.results.at(-1), "a new result");

  before(async () => ({ tree, server } = await serveCopy("kexec-tools")));
  after(() => rmSync(tree, { recursive: true, force: true }));

  it("finds purgatory/purgatory.ro and simulates it with kexec-tools' loader", async () => {
    const r = await server.until(() => server.results.at(-1), "a result");
    assert.equal(r.purgatories.length, 1);
    const p = r.purgatories[0]!;
    assert.equal(p.object, uri(path("purgatory/purgatory.ro")));
    assert.equal(p.makefile, path("purgatory/Makefile"));
    assert.equal(p.state, "failed");
    assert.equal(p.summary, "fails at 2 of 2 load addresses");
  });

  it("puts the R_X86_64_32S overflow on the arch Makefile's flags, in kexec's words", async () => {
    const diags = await server.until(() => nonEmpty(server.diagnostics.get(uri(archMk()))), "Makefile");
    const text = readFileSync(archMk(), "utf8");
    assert.equal(diags.length, 1);
    const d = diags[0]!;
    assert.equal(d.code, "reloc-overflow");
    assert.equal(covered(text, d), "x86_64_PURGATORY_EXTRA_CFLAGS");
    assert.equal(d.range.start.line, lineOf(text, "x86_64_PURGATORY_EXTRA_CFLAGS ="));
    const related = d.relatedInformation!.map((x) => x.message);
    assert.ok(
      related.some((m) => /^kexec: overflow in relocation type R_X86_64_32S val [0-9a-f]+$/.test(m)),
      JSON.stringify(related),
    );
    assert.match(d.message as string, /Fix: Build the purgatory with -mcmodel=large/);
    // purgatory/Makefile writes every flag this object was built with: nothing to say there.
    assert.deepEqual(server.diagnostics.get(uri(path("purgatory/Makefile"))) ?? [], []);
  });

  it("puts the symbol kexec cannot set on its C definition", async () => {
    const all = await server.until(() => nonEmpty(server.diagnostics.get(uri(archC()))), "C diagnostics");
    const text = readFileSync(archC(), "utf8");
    // The overflow also sits on the references that need the high address; the symbol finding once.
    assert.ok(all.some((d) => d.code === "reloc-overflow"));
    const diags = all.filter((d) => d.code === "purgatory-symbol");
    assert.equal(diags.length, 1);
    assert.equal(covered(text, diags[0]!), "cmdline_end");
    assert.equal(diags[0]!.range.start.line, lineOf(text, "static char *cmdline_end"));
    assert.ok(
      diags[0]!.relatedInformation!.some(
        (x) => x.message === "kexec: Symbol: cmdline_end not found cannot set",
      ),
    );
  });

  it("hovers name kexec-tools at configure.ac's release (2.0.27, not the newest)", async () => {
    const sym = await hover(server, path("purgatory/arch/x86_64/entry64.S"), "entry64_regs:");
    assert.match(
      sym,
      /\*\*entry64_regs\*\* in `purgatory\.ro` \(x86_64, kexec-tools 2\.0\.27 \(kexec_load\)\)/,
    );
    const lenses = (await server.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: uri(archMk()) },
    })) as CodeLens[];
    assert.match(lenses[0]!.command!.title, /fails at 2 of 2 load addresses \(kexec-tools 2\.0\.27\)/);
  });

  it("uses purgatoryLens.kexecToolsVersion over configure.ac, and ignores loader kernel", async () => {
    const runs = server.results.length;
    await server.configure({ kexecToolsVersion: "2.0.20", loader: "kernel" });
    await nextResult(runs);
    const sym = await hover(server, path("purgatory/purgatory.c"), "sha256_regions[16]");
    assert.match(sym, /\(x86_64, kexec-tools 2\.0\.20 \(kexec_load\)\)/);
    const again = server.results.length;
    await server.configure({});
    await nextResult(again);
  });

  it("clamps an unmodelled configure.ac release to the newest modelled, and says so", async () => {
    const ac = path("configure.ac");
    const original = readFileSync(ac, "utf8");
    writeFileSync(ac, original.replace("2.0.27.git", "2.0.40.git"));
    const runs = server.results.length;
    await server.changedOnDisk(ac);
    await nextResult(runs);
    const warning = await server.until(
      () => server.messages.find((m) => m.message.includes("2.0.40")),
      "the clamping warning",
    );
    assert.match(
      warning.message,
      /purgatory\.ro: kexec-tools 2\.0\.40 is not modelled \(2\.0\.10 to 2\.0\.32\): simulated as kexec-tools 2\.0\.32$/,
    );
    const sym = await hover(server, path("purgatory/arch/x86_64/entry64.S"), "entry64_regs:");
    assert.match(sym, /kexec-tools 2\.0\.32 \(kexec_load\)/);
    writeFileSync(ac, original);
    const back = server.results.length;
    await server.changedOnDisk(ac);
    await nextResult(back);
  });

  it(
    "adds -mcmodel=large to x86_64_PURGATORY_EXTRA_CFLAGS; the rebuilt object has no overflow",
    {
      skip: !hasTool("gcc"),
    },
    async () => {
      const diag = server.diagnostics.get(uri(archMk()))![0]!;
      const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri: uri(archMk()) },
        range: diag.range,
        context: { diagnostics: [diag] },
      })) as CodeAction[];
      const titles = actions.map((a) => a.title);
      // kexec-tools wants the large code model: no switch away from it is offered.
      assert.ok(!titles.some((t) => t.startsWith("Switch")), JSON.stringify(titles));
      const fix = actions.find((a) => a.title === "Add -mcmodel=large to x86_64_PURGATORY_EXTRA_CFLAGS");
      assert.ok(fix, JSON.stringify(titles));
      const text = readFileSync(archMk(), "utf8");
      const fixed = applyEdits(text, fix.edit!.changes![uri(archMk())]!);
      assert.equal(
        fixed,
        text.replace(
          /(x86_64_PURGATORY_EXTRA_CFLAGS = .*)\n/,
          "$1\nx86_64_PURGATORY_EXTRA_CFLAGS += -mcmodel=large\n",
        ),
      );
      writeFileSync(archMk(), fixed);
      rebuild(tree, join(TREES, "kexec-tools", "build.sh"));
      const runs = server.results.length;
      await server.changedOnDisk(path("purgatory/purgatory.ro"));
      const r = await nextResult(runs);
      // Both loads now get past the relocations and stop at cmdline_end.
      assert.equal(r.purgatories[0]!.state, "failed");
      await server.until(
        () => (server.diagnostics.get(uri(archMk()))?.length === 0 ? true : undefined),
        "arch Makefile diagnostics cleared",
      );
      assert.equal(server.diagnostics.get(uri(archC()))?.[0]?.code, "purgatory-symbol");
    },
  );

  it("shuts down cleanly", async () => {
    assert.equal(await server.shutdown(), 0);
  });
});

// The LSP tier on the kernel trees' own releases and on compiled lines: a tree whose top-level
// Makefile says 6.8.6 is simulated as 6.8.6 with no settings (its clang -mcmodel=large purgatory gets
// the 6.8 WARN, as a warning, on the -mcmodel=large flag); the example's reference in the #else arm
// its build skipped gets no diagnostic and no related location; in Restricted Mode (no cpp) the
// textual places are marked approximate.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CodeLensRequest, DiagnosticSeverity } from "vscode-languageserver-protocol/node";
import { ReportRequest } from "../../server/src/protocol";
import { repoRoot } from "../helpers";
import { lineOf } from "./edits";
import { nonEmpty, ServerUnderTest, uri } from "./harness";
import { covered, hover, serveCopy } from "./trees";

describe("language server on a 6.8.6 kernel tree with a clang -mcmodel=large purgatory", () => {
  let server: ServerUnderTest;
  let tree: string;
  const mk = () => join(tree, "arch/x86/purgatory/Makefile");
  before(async () => ({ tree, server } = await serveCopy("x86-6.8.6")));
  after(async () => {
    await server.shutdown();
    rmSync(tree, { recursive: true, force: true });
  });

  it("models the tree's own 6.8.6 and shows the WARN as a warning on -mcmodel=large", async () => {
    const diags = await server.until(
      () => nonEmpty(server.diagnostics.get(uri(mk()))),
      "Makefile diagnostics",
    );
    const text = readFileSync(mk(), "utf8");
    const warn = diags.find((d) => d.code === "entry-multiple-sections");
    assert.ok(warn, JSON.stringify(diags.map((d) => d.code)));
    assert.equal(warn.severity, DiagnosticSeverity.Warning);
    assert.equal(covered(text, warn), "-mcmodel=large");
    assert.equal(warn.range.start.line, lineOf(text, "PURGATORY_CFLAGS := -mcmodel=large"));
    assert.ok(
      warn.relatedInformation!.some((r) => /WARNING: .*kernel\/kexec_file\.c:936/.test(r.message)),
      JSON.stringify(warn.relatedInformation),
    );
    const status = (await server.until(() => server.results.at(-1), "a result")).purgatories[0]!;
    assert.equal(status.kernel, "6.8.6");
    assert.equal(status.kernelSource, "Makefile");
    assert.equal(status.loader, "kernel 6.8.6 (from Makefile)");
  });

  it("names the release and its source in the CodeLens, the hover and the map's report", async () => {
    const lenses = await server.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: uri(mk()) },
    });
    assert.match(lenses![0]!.command!.title, /\(kernel 6\.8\.6 \(from Makefile\)\)/);
    const h = await hover(server, mk(), "-mcmodel=large");
    assert.match(h, /Simulated: x86_64, kexec_file_load, kernel 6\.8\.6 \(from Makefile\)\./);
    const answer = (await server.connection.sendRequest(ReportRequest, {})) as { json: string };
    const report = JSON.parse(answer.json) as { kernel: string; kernelSource: string };
    assert.equal(report.kernel, "6.8.6");
    assert.equal(report.kernelSource, "Makefile");
  });

  it("follows a change of the Makefile's release once it is saved", async () => {
    const top = join(tree, "Makefile");
    const text = readFileSync(top, "utf8")
      .replace("PATCHLEVEL = 8", "PATCHLEVEL = 1")
      .replace("SUBLEVEL = 6", "SUBLEVEL = 10");
    // Saved from the editor: open, written, saved.
    await server.open(top, text, "makefile");
    writeFileSync(top, text);
    const seen = server.results.length;
    await server.saved(top);
    const r = await server.until(
      () => server.results.slice(seen).find((x) => x.purgatories[0]?.kernel === "6.1.10"),
      "a result for 6.1.10",
    );
    // 6.1.10 predates the 6.1.35 backport: every executable section with e_entry moves the entry.
    assert.equal(r.purgatories[0]!.state, "failed");
  });

  it("uses the nearest era for a release newer than modelled, and says so", async () => {
    const top = join(tree, "Makefile");
    // Rewritten outside the editor: the client's file watcher reports it.
    writeFileSync(top, readFileSync(top, "utf8").replace(/^VERSION = \d+/m, "VERSION = 9"));
    const seen = server.results.length;
    await server.changedOnDisk(top);
    await server.until(
      () => server.results.slice(seen).find((x) => x.purgatories[0]?.kernel === "7.2"),
      "7.2",
    );
    const m = await server.until(
      () => server.messages.find((x) => /is newer than the newest modelled release, 7\.2/.test(x.message)),
      "the warning",
    );
    assert.match(m.message, /kernel 9\.1\.10 \(from Makefile\)/);
  });
});

describe("language server on a purgatory with DWARF line tables (gcc-12 -gdwarf-4, small non-PIC)", () => {
  let server: ServerUnderTest;
  let tree: string;
  before(async () => ({ tree, server } = await serveCopy("x86-small")));
  after(async () => {
    await server.shutdown();
    rmSync(tree, { recursive: true, force: true });
  });

  it("puts the overflow on the line the line table names, then on the compiled reference", async () => {
    const c = join(tree, "arch/x86/purgatory/purgatory.c");
    const lines = readFileSync(c, "utf8").split("\n");
    const diags = await server.until(
      () => nonEmpty(server.diagnostics.get(uri(c))),
      "purgatory.c diagnostics",
    );
    const overflow = diags.filter((d) => d.code === "reloc-overflow");
    const dwarf = overflow.find((d) => /DWARF line table/.test(d.message as string));
    assert.ok(dwarf, JSON.stringify(overflow.map((d) => d.message)));
    // gcc inlined sha_region_table(): the instruction belongs to its call site.
    assert.match(lines[dwarf.range.start.line]!, /sha_region_table\(\)/);
    const ret = lines.findIndex((l) => l.includes("return purgatory_sha_regions;"));
    const asm = lines.findIndex((l) => l.includes("movl $purgatory_sha_regions"));
    assert.ok(overflow.some((d) => d.range.start.line === ret));
    // Built without -DLLVM18_ABS32_REF: the asm arm is not in the object.
    assert.ok(!overflow.some((d) => d.range.start.line === asm));
    const status = (await server.until(() => server.results.at(-1), "a result")).purgatories[0]!;
    assert.equal(status.state, "failed");
    assert.equal(status.loader, "kernel 6.8.6 (from Makefile)");
  });
});

describe("language server on examples/linux: only the lines the build compiled", () => {
  const copy = () => {
    const dir = mkdtempSync(join(tmpdir(), "pl-example-"));
    cpSync(join(repoRoot, "examples", "linux"), dir, { recursive: true });
    return dir;
  };

  for (const trusted of [true, false]) {
    it(`${trusted ? "trusted: cpp drops" : "Restricted Mode: approximate places for"} the #else reference`, async () => {
      const tree = copy();
      const server = new ServerUnderTest();
      try {
        await server.initialize(tree, { trusted });
        const c = join(tree, "arch/x86/purgatory/purgatory.c");
        const text = readFileSync(c, "utf8");
        const lines = text.split("\n");
        const elseRef = lines.findIndex((l) => l.includes("return purgatory_sha_regions;"));
        const asmRef = lines.findIndex((l) => l.includes("movl $purgatory_sha_regions"));
        assert.ok(elseRef > asmRef && asmRef > 0);
        const diags = await server.until(
          () => nonEmpty(server.diagnostics.get(uri(c))),
          "purgatory.c diagnostics",
        );
        const overflow = diags.filter((d) => d.code === "reloc-overflow");
        assert.ok(overflow.some((d) => d.range.start.line === asmRef));
        const all = [...server.diagnostics.values()].flat();
        const related = all
          .flatMap((d) => d.relatedInformation ?? [])
          .filter((r) => r.location.uri === uri(c));
        if (trusted) {
          assert.deepEqual(
            diags.filter((d) => d.range.start.line === elseRef),
            [],
            "no diagnostic in the skipped #else arm",
          );
          assert.ok(
            !related.some((r) => r.location.range.start.line === elseRef),
            "no related location there",
          );
          assert.ok(related.some((r) => r.location.range.start.line === asmRef));
        } else {
          // No cpp: both arms are found by name, and said to be approximate.
          const onElse = diags.find((d) => d.range.start.line === elseRef);
          assert.ok(onElse, "textual placement keeps the #else reference");
          assert.match(
            onElse.message as string,
            /approximate: matched by name, the workspace is not trusted/,
          );
        }
      } finally {
        await server.shutdown();
        rmSync(tree, { recursive: true, force: true });
      }
    });
  }
});

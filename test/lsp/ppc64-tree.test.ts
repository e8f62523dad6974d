// The LSP tier on the ppc64 example tree (test/fixtures/trees/ppc64): powerpc has no purgatory
// relocator, so the one relocation trampoline_64.S carries makes kexec_file_load fail with "RELA
// relocation unsupported.". The finding sits on the instruction that needs it and on the object in the
// purgatory.ro rule; editing the instruction to be PC-relative and rebuilding clears it. Every wait is
// on a notification.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { lineOf } from "./edits";
import { nonEmpty, ServerUnderTest, uri } from "./harness";
import { covered, hasTool, hover, loadsAfterRebuild, rebuild, serveCopy } from "./trees";

describe("language server on the ppc64 example tree", { skip: !hasTool("powerpc64le-linux-gnu-gcc") }, () => {
  let server: ServerUnderTest;
  let tree: string;
  const pdir = () => join(tree, "arch/powerpc/purgatory");
  const asm = () => join(pdir(), "trampoline_64.S");
  const mk = () => join(pdir(), "Makefile");
  // The deliberate mistake: the device tree loaded through the TOC pointer (R_PPC64_TOC16_DS).
  const TOC_LOAD = "ld\t3, dt_offset@toc(2)";
  // The checked-in object must be what build.sh makes of the checked-in sources.
  before(
    async () => ({ tree, server } = await serveCopy("ppc64", {}, (t) => rebuild(t, join(t, "build.sh")))),
  );
  after(() => rmSync(tree, { recursive: true, force: true }));

  it("finds purgatory.ro through the rule that links trampoline_$(BITS).o", async () => {
    const r = await server.until(() => server.results.at(-1), "a result");
    assert.equal(r.purgatories.length, 1);
    assert.match(r.purgatories[0]!.object, /\/arch\/powerpc\/purgatory\/purgatory\.ro$/);
    assert.equal(r.purgatories[0]!.makefile, join(pdir(), "Makefile"));
    assert.equal(r.purgatories[0]!.state, "failed", r.purgatories[0]!.summary);
  });

  it("puts RELA relocation unsupported on the TOC-relative load in trampoline_64.S", async () => {
    const diags = await server.until(
      () => nonEmpty(server.diagnostics.get(uri(asm()))),
      "trampoline diagnostics",
    );
    const text = readFileSync(asm(), "utf8");
    assert.equal(diags.length, 1, JSON.stringify(diags.map((d) => [d.code, d.range])));
    const d = diags[0]!;
    assert.equal(d.code, "rela-unsupported");
    assert.equal(d.source, "purgatory");
    assert.equal(d.range.start.line, lineOf(text, TOC_LOAD));
    assert.equal(covered(text, d), "dt_offset");
    assert.match(d.codeDescription!.href, /README\.md#rule-rela-unsupported$/);
    assert.match(d.message as string, /\.rela\.text: relocations against allocated sections/);
    assert.ok(
      d.relatedInformation!.some((r) => r.message === "kernel: kexec_file: RELA relocation unsupported."),
      JSON.stringify(d.relatedInformation!.map((r) => r.message)),
    );
    // dt_offset's other mentions (.globl, its label, .size) are not where the relocation comes from.
    assert.notEqual(d.range.start.line, lineOf(text, "dt_offset:"));
  });

  // Needs server/src/core/rules/resolve.ts to place an "object" attachment on the purgatory.ro rule's
  // prerequisites when the Makefile has no purgatory-y: today it lands on LDFLAGS_purgatory.ro.
  it("puts it on the object in the purgatory.ro rule of the Makefile", async () => {
    const diags = await server.until(
      () => nonEmpty(server.diagnostics.get(uri(mk()))),
      "Makefile diagnostics",
    );
    const text = readFileSync(mk(), "utf8");
    assert.deepEqual(
      diags.map((d) => [d.code, covered(text, d)]),
      [["rela-unsupported", "$(obj)/trampoline_$(BITS).o"]],
    );
    assert.equal(diags[0]!.range.start.line, lineOf(text, "$(obj)/purgatory.ro:"));
  });

  it("hovers the relocated symbol with the ppc64 loader and its relocation", async () => {
    const value = await hover(server, asm(), "dt_offset@toc");
    assert.match(
      value,
      /\*\*dt_offset\*\* in `purgatory\.ro` \(ppc64, kexec_file_load, kernel 7\.2 \(newest modelled, no kernel tree found\)\)/,
    );
    assert.match(value, /GLOBAL OBJECT in `\.text`, value 0x128, size 8/);
    assert.match(value, /→ 0x[0-9a-f]+ at kbuf\.mem 0x[0-9a-f]+/);
  });

  it("loads once the load is PC-relative; the rebuilt object's diagnostics clear", async () => {
    const before = readFileSync(asm(), "utf8");
    assert.ok(before.includes(TOC_LOAD));
    writeFileSync(asm(), before.replace(TOC_LOAD, "ld\t3, dt_offset - .Lhere(18)"));
    rebuild(tree, join(tree, "build.sh"));
    await loadsAfterRebuild(server, join(pdir(), "purgatory.ro"), asm(), "trampoline diagnostics cleared");
    assert.deepEqual(server.diagnostics.get(uri(mk())) ?? [], []);
  });

  it("shuts down cleanly", async () => {
    assert.equal(await server.shutdown(), 0);
  });
});

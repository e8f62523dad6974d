// The LSP tier: the bundled server (dist/server.js) over stdio, driven by a real JSON-RPC client on a
// copy of examples/linux. Every wait is on a notification or a response, never a sleep.
import assert from "node:assert/strict";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CodeActionRequest,
  CodeLensRequest,
  HoverRequest,
  type CodeAction,
  type Diagnostic,
  type MarkupContent,
} from "vscode-languageserver-protocol/node";
import {
  LocateRequest,
  ResimulateRequest,
  ReportRequest,
  type LocateResult,
  type PurgatoryStatus,
} from "../../server/src/protocol";
import { fixturePath, repoRoot } from "../helpers";
import { applyEdits, lineOf } from "./edits";
import { nonEmpty, ServerUnderTest, uri } from "./harness";

describe("language server on examples/linux", () => {
  let server: ServerUnderTest;
  let tree: string;
  const pdir = () => join(tree, "arch/x86/purgatory");
  const mkPath = () => join(pdir(), "Makefile");
  before(async () => {
    tree = mkdtempSync(join(tmpdir(), "pl-lsp-"));
    cpSync(join(repoRoot, "examples/linux"), tree, { recursive: true });
    server = new ServerUnderTest();
    await server.initialize(tree);
  });
  after(() => rmSync(tree, { recursive: true, force: true }));

  it("puts the LLVM 18 findings on the Makefile line that sets -mcmodel=large", async () => {
    const diags = await server.until(
      () => nonEmpty(server.diagnostics.get(uri(mkPath()))),
      "Makefile diagnostics",
    );
    const text = readFileSync(mkPath(), "utf8");
    const line = lineOf(text, "PURGATORY_CFLAGS := -mcmodel=large");
    const overflow = diags.find((d) => d.code === "reloc-overflow");
    const warn = diags.find((d) => d.code === "entry-multiple-sections" && d.range.start.line === line);
    assert.ok(overflow && warn, JSON.stringify(diags.map((d) => [d.code, d.range])));
    assert.equal(overflow.range.start.line, line);
    assert.equal(
      text.split("\n")[line]!.slice(overflow.range.start.character, overflow.range.end.character),
      "-mcmodel=large",
    );
    assert.equal(overflow.source, "purgatory");
    assert.match(overflow.codeDescription!.href, /README\.md#rule-reloc-overflow$/);
    assert.ok(
      overflow.relatedInformation!.some(
        (r) => r.message === "kernel: kexec: Overflow in relocation type 10 value 0x103fffc5d0",
      ),
    );
    assert.ok(overflow.relatedInformation!.some((r) => r.location.uri.endsWith("purgatory.c")));
  });

  it("puts the overflow on the C line that references purgatory_sha_regions", async () => {
    const c = uri(join(pdir(), "purgatory.c"));
    const diags = await server.until(() => nonEmpty(server.diagnostics.get(c)), "purgatory.c diagnostics");
    const text = readFileSync(join(pdir(), "purgatory.c"), "utf8").split("\n");
    const d = diags.find((x) => x.code === "reloc-overflow")!;
    assert.equal(
      text[d.range.start.line]!.slice(d.range.start.character, d.range.end.character),
      "purgatory_sha_regions",
    );
  });

  it("locates a map target's source line, whether the object is named by URI or by path", async () => {
    const object = join(pdir(), "purgatory.ro");
    const target = { kind: "symbol" as const, name: "purgatory_sha_regions" };
    // The section map sends the JSON report's `object`, a file path; the client API sends URIs.
    for (const name of [uri(object), object]) {
      const loc = (await server.connection.sendRequest(LocateRequest, {
        object: name,
        target,
      })) as LocateResult;
      assert.ok(loc, `no location for ${name}`);
      assert.ok(loc.uri.endsWith("/purgatory.c") || loc.uri.endsWith("/purgatory.S"), loc.uri);
      const line = readFileSync(new URL(loc.uri), "utf8").split("\n")[loc.line]!;
      assert.ok(line.includes("purgatory_sha_regions"), line);
    }
  });

  it("hovers a symbol with its relocations and a flag with the object's counts", async () => {
    const c = join(pdir(), "purgatory.c");
    const text = readFileSync(c, "utf8");
    await server.open(c, text, "c");
    const line = lineOf(text, "purgatory_sha_regions");
    const character = text.split("\n")[line]!.indexOf("purgatory_sha_regions") + 3;
    const hover = await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uri(c) },
      position: { line, character },
    });
    const value = (hover!.contents as MarkupContent).value;
    assert.match(value, /\*\*purgatory_sha_regions\*\*/);
    assert.match(value, /GLOBAL OBJECT in `\.kexec-purgatory`, value 0x20, size 256/);
    assert.match(value, /\| R_X86_64_32 \| \.ltext\+0xd/);

    const mk = readFileSync(mkPath(), "utf8");
    await server.open(mkPath(), mk, "makefile");
    const ml = lineOf(mk, "PURGATORY_CFLAGS := -mcmodel=large");
    const h2 = await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uri(mkPath()) },
      position: { line: ml, character: mk.split("\n")[ml]!.indexOf("-mcmodel") + 2 },
    });
    assert.match(
      (h2!.contents as MarkupContent).value,
      /\*\*-mcmodel=large\*\*: Large code model.*\n\nThis object: 1× R_X86_64_32, 19× R_X86_64_64/s,
    );
  });

  it("shows a CodeLens with the verdict at the top of the Makefile", async () => {
    const lenses = await server.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: uri(mkPath()) },
    });
    assert.equal(lenses!.length, 2);
    assert.equal(lenses![1]!.command!.command, "purgatoryLens.showSectionMap");
    assert.match(
      lenses![0]!.command!.title,
      /purgatory\.ro fails at 1 of 2 load addresses \(kernel 7\.2 \(newest modelled, no kernel tree found\)\) · Re-simulate/,
    );
    assert.equal(lenses![0]!.command!.command, "purgatoryLens.resimulate");
  });

  it("offers the small-PIC quick fix, and applying it edits only that token", async () => {
    const mk = readFileSync(mkPath(), "utf8");
    const diags = server.diagnostics.get(uri(mkPath()))!.filter((d) => d.code === "reloc-overflow");
    const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uri(mkPath()) },
      range: diags[0]!.range,
      context: { diagnostics: diags },
    })) as CodeAction[];
    const fix = actions.find((a) => a.title.includes("-mcmodel=small -fpic -fvisibility=hidden"))!;
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    const edited = applyEdits(mk, fix.edit!.changes![uri(mkPath())]!);
    assert.equal(
      edited,
      mk.replace(
        "PURGATORY_CFLAGS := -mcmodel=large",
        "PURGATORY_CFLAGS := -mcmodel=small -fpic -fvisibility=hidden",
      ),
    );
  });

  it("re-simulates when the object is replaced by another toolchain's build", async () => {
    const before = server.results.length;
    copyFileSync(fixturePath("x86_64", "obj", "gcc12-small-pic-hidden.bfd.ro"), join(pdir(), "purgatory.ro"));
    await server.changedOnDisk(join(pdir(), "purgatory.ro"));
    const r = await server.until(
      () => server.results.length > before && server.results.at(-1),
      "a new result",
    );
    assert.equal(r.purgatories[0]!.state, "ok");
    await server.until(
      () => (server.diagnostics.get(uri(mkPath()))?.length === 0 ? true : undefined),
      "Makefile diagnostics cleared",
    );
  });

  it("reports a truncated object without crashing and without keeping stale errors", async () => {
    const full = readFileSync(fixturePath("x86_64", "obj", "gcc12-kernel.bfd.ro"));
    writeFileSync(join(pdir(), "purgatory.ro"), full.subarray(0, 300));
    await server.changedOnDisk(join(pdir(), "purgatory.ro"));
    const statuses = (await server.connection.sendRequest(ResimulateRequest, {
      reason: "test",
    })) as PurgatoryStatus[];
    assert.equal(statuses[0]!.state, "invalid");
    assert.match(statuses[0]!.summary, /lies outside the 300-byte file/);
    // No stale findings: only the diagnostic that says the object cannot be simulated, on the line
    // that builds it.
    assert.deepEqual(
      (server.diagnostics.get(uri(mkPath())) ?? []).map((d) => d.code),
      ["object-unusable"],
    );
    // and the server still answers
    const report = (await server.connection.sendRequest(ReportRequest, {})) as { error?: string };
    assert.match(report.error ?? "", /300-byte file/);
  });

  it("follows a settings change (kernel version) with a new simulation", async () => {
    copyFileSync(fixturePath("x86_64", "obj", "clang16-hot.bfd.ro"), join(pdir(), "purgatory.ro"));
    await server.configure({ kernelVersion: "5.10" });
    const r = await server.until(() => {
      const last = server.results.at(-1)?.purgatories[0];
      return last && last.kernel === "5.10" ? last : undefined;
    }, "a 5.10 result");
    assert.equal(r.state, "failed");
    assert.match(r.summary, /wrong entry/);
    const diags: Diagnostic[] = await server.until(
      () => nonEmpty(server.diagnostics.get(uri(mkPath()))),
      "5.10 diagnostics",
    );
    assert.ok(diags.some((d) => d.code === "entry-multiple-sections" && d.severity === 1));
  });

  it("shuts down cleanly", async () => {
    assert.equal(await server.shutdown(), 0);
  });
});

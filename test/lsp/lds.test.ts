// The linker-script language over LSP: the example tree's purgatory.lds.S with the clang-19
// large-model objects (`.ltext`): orphan diagnostic, quick fix, and after the fix no orphan.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CodeActionRequest,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DocumentSymbolRequest,
  HoverRequest,
  type CodeAction,
  type DocumentSymbol,
  type Location,
  type MarkupContent,
} from "vscode-languageserver-protocol/node";
import { repoRoot } from "../helpers";
import { ServerUnderTest, uri } from "./harness";

describe("linker scripts over LSP (examples/linux purgatory.lds.S)", () => {
  let server: ServerUnderTest;
  let tree: string;
  let lds: string;
  let text: string;
  before(async () => {
    tree = mkdtempSync(join(tmpdir(), "pl-lds-"));
    cpSync(join(repoRoot, "examples/linux"), tree, { recursive: true });
    lds = join(tree, "arch/x86/purgatory/purgatory.lds.S");
    text = readFileSync(lds, "utf8");
    server = new ServerUnderTest();
    await server.initialize(tree);
    await server.until(() => server.results.length > 0, "first simulation");
    await server.open(lds, text, "linkerscript");
  });
  after(async () => {
    await server.shutdown();
    rmSync(tree, { recursive: true, force: true });
  });

  it("reports .ltext as an orphan and offers the fix", async () => {
    const diags = await server.until(() => {
      const d = server.diagnostics.get(uri(lds))?.filter((x) => x.code === "lds-orphan-section");
      return d && d.length > 0 ? d : undefined;
    }, "orphan diagnostic");
    const ltext = diags.find((d) => String(d.message).includes(".ltext"))!;
    assert.ok(ltext, JSON.stringify(diags.map((d) => d.message)));
    assert.equal(text.split("\n")[ltext.range.start.line]!.trim(), "SECTIONS");
    const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uri(lds) },
      range: ltext.range,
      context: { diagnostics: [ltext] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.title.includes(".ltext"))!;
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    const edit = fix.edit!.changes![uri(lds)]![0]!;
    const lines = text.split("\n");
    lines.splice(edit.range.start.line, 0, edit.newText.replace(/\n$/, ""));
    const fixed = lines.join("\n");
    text = fixed; // what the server now has
    assert.match(fixed, /\.text : \{\n\t\t\*\(\.text\)\n\t\t\*\(\.ltext \.ltext\.\*\)\n\t\}/);

    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: uri(lds), version: 2 },
      contentChanges: [{ text: fixed }],
    });
    await server.until(
      () =>
        server.diagnostics
          .get(uri(lds))
          ?.some((d) => d.code === "lds-orphan-section" && String(d.message).includes(".ltext"))
          ? undefined
          : true,
      "the .ltext orphan gone",
    );
  });

  it("outlines the output sections and hovers an output section", async () => {
    const symbols = (await server.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri: uri(lds) },
    })) as DocumentSymbol[];
    const names = JSON.stringify(symbols);
    for (const n of [".text", ".rodata", ".kexec-purgatory", ".data", ".bss"])
      assert.ok(names.includes(`"${n}"`), n);
    const line = text.split("\n").findIndex((l) => l.includes(".kexec-purgatory :"));
    const hover = await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uri(lds) },
      position: { line, character: text.split("\n")[line]!.indexOf(".kexec") + 2 },
    });
    assert.match((hover!.contents as MarkupContent).value, /kexec-purgatory/, JSON.stringify(hover));
  });

  it("finds an INCLUDE in the link's directory (kbuild links from the build root) and follows it", async () => {
    writeFileSync(join(tree, "common.ld"), "/* shared */\n");
    const extra = join(tree, "arch/x86/purgatory/extra.lds");
    const extraText = "INCLUDE common.ld\nINCLUDE nowhere.ld\nSECTIONS { .text : { *(.text) } }\n";
    writeFileSync(extra, extraText);
    await server.open(extra, extraText, "linkerscript");
    const missing = await server.until(() => {
      const d = server.diagnostics.get(uri(extra))?.filter((x) => x.code === "lds-include-missing");
      return d && d.length > 0 ? d : undefined;
    }, "include-missing");
    assert.deepEqual(
      missing.map((d) => d.message),
      ["cannot open linker script file nowhere.ld: No such file or directory"],
    );
    const defs = (await server.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: uri(extra) },
      position: { line: 0, character: 10 },
    })) as Location[];
    assert.deepEqual(
      defs.map((d) => d.uri),
      [uri(join(tree, "common.ld"))],
    );
  });
});

// `purgatory-lens lsp --stdio` (dist/cli.js) driven as an editor without the VS Code extension drives
// it: no workspace/configuration, no didChangeWatchedFiles, settings in initializationOptions or
// pushed with didChangeConfiguration, commands through workspace/executeCommand, and UTF-8 columns
// when the client asks for them.
import assert from "node:assert/strict";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  type ClientCapabilities,
  type Diagnostic,
  type InitializeResult,
  type MarkupContent,
} from "vscode-languageserver-protocol/node";
import type { PurgatoryStatus } from "../../server/src/protocol";
import { fixturePath, repoRoot } from "../helpers";
import { nonEmpty, ServerUnderTest, uri } from "../lsp/harness";

const CLI = [process.execPath, join(repoRoot, "dist", "cli.js"), "lsp", "--stdio"];
/** What Neovim 0.7 and Helix announce, near enough: no configuration pull, no file watching. */
const PLAIN_CLIENT = { workspace: { workspaceFolders: true } };

function copyExample(): string {
  const tree = mkdtempSync(join(tmpdir(), "pl-generic-"));
  cpSync(join(repoRoot, "examples/linux"), tree, { recursive: true });
  return tree;
}

const lastResult = (s: ServerUnderTest) => s.results.at(-1)?.purgatories[0];

describe("lsp --stdio for a client without the VS Code extension", () => {
  let server: ServerUnderTest;
  let tree: string;
  let init: InitializeResult;
  const registrations: string[] = [];
  const pdir = () => join(tree, "arch/x86/purgatory");
  before(async () => {
    tree = copyExample();
    server = new ServerUnderTest(CLI);
    server.connection.onRequest("client/registerCapability", (p: { registrations: { method: string }[] }) => {
      registrations.push(...p.registrations.map((r) => r.method));
      return null;
    });
    init = await server.initialize(
      tree,
      { purgatoryLens: { kernelVersion: "6.8", ramSize: "11G" } },
      PLAIN_CLIENT,
    );
  });
  after(async () => {
    await server.shutdown();
    rmSync(tree, { recursive: true, force: true });
  });

  it("announces its commands and UTF-16 positions, and registers nothing", async () => {
    assert.deepEqual(init.capabilities.executeCommandProvider?.commands, [
      "purgatoryLens.resimulate",
      "purgatoryLens.showSectionMap",
    ]);
    assert.equal(init.capabilities.positionEncoding, undefined); // the client named none: UTF-16
    assert.equal(init.serverInfo?.name, "purgatory-lens");
    await server.until(() => server.results.length > 0, "a first result");
    assert.deepEqual(registrations, []);
  });

  it("takes its settings from initializationOptions", async () => {
    const r = await server.until(() => lastResult(server), "a result");
    assert.equal(r.kernel, "6.8");
    // 11G puts the high placement at 0x2ffffc000, as the CLI's --ram 11G does.
    const answer = (await server.connection.sendRequest("purgatory/report", {})) as { json: string };
    const report = JSON.parse(answer.json) as { results: { mem: string }[] };
    assert.ok(report.results.some((r) => r.mem === "0x2ffffc000"));
  });

  it("publishes the Makefile's diagnostics though no file was opened", async () => {
    const diags: Diagnostic[] = await server.until(
      () => nonEmpty(server.diagnostics.get(uri(join(pdir(), "Makefile")))),
      "Makefile diagnostics",
    );
    assert.ok(diags.some((d) => d.code === "reloc-overflow"));
    // Under 6.8 the second section holding e_entry is the kernel's WARN: a warning.
    assert.ok(diags.some((d) => d.code === "entry-multiple-sections" && d.severity === 2));
  });

  it("gives the simulate command line in the hover instead of the section map link", async () => {
    const c = join(pdir(), "purgatory.c");
    const text = readFileSync(c, "utf8");
    await server.open(c, text, "c");
    const line = text.split("\n").findIndex((l) => l.includes("return purgatory_sha_regions"));
    const h = await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uri(c) },
      position: { line, character: text.split("\n")[line]!.indexOf("purgatory_sha_regions") + 2 },
    });
    const value = (h!.contents as MarkupContent).value;
    assert.match(
      value,
      /Section map: `purgatory-lens simulate arch\/x86\/purgatory\/purgatory\.ro --kernel 6\.8 --ram 11G --relocs`$/,
    );
    assert.doesNotMatch(value, /command:/);
  });

  it("runs Show Section Map as a command that answers with the command line", async () => {
    const line = await server.connection.sendRequest(ExecuteCommandRequest.type, {
      command: "purgatoryLens.showSectionMap",
      arguments: [uri(join(pdir(), "purgatory.ro"))],
    });
    assert.equal(
      line,
      "purgatory-lens simulate arch/x86/purgatory/purgatory.ro --kernel 6.8 --ram 11G --relocs",
    );
    await server.until(() => server.messages.some((m) => m.message.includes(String(line))), "the message");
  });

  it("notices a rebuilt object by itself, with no didChangeWatchedFiles", async () => {
    const before = server.results.length;
    copyFileSync(
      fixturePath("x86_64", "obj", "clang19-small-pic-hidden.lld.ro"),
      join(pdir(), "purgatory.ro"),
    );
    const r = await server.until(
      () => server.results.length > before && lastResult(server)?.state === "ok" && lastResult(server),
      "a result for the new object",
    );
    assert.equal(r.summary, "loads at every simulated address");
  });

  it("re-simulates when the tree's top-level Makefile changes, also by itself", async () => {
    const before = server.results.length;
    writeFileSync(join(tree, "Makefile"), "VERSION = 6\nPATCHLEVEL = 8\nSUBLEVEL = 6\n");
    await server.until(() => server.results.length > before, "a result after the top-level Makefile changed");
  });

  it("follows settings pushed with didChangeConfiguration", async () => {
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { purgatoryLens: { kernelVersion: "5.10" } },
    });
    const r = await server.until(
      () => lastResult(server)?.kernel === "5.10" && lastResult(server),
      "a 5.10 result",
    );
    assert.equal(r.state, "ok");
  });

  it("re-simulates through workspace/executeCommand", async () => {
    const statuses = (await server.connection.sendRequest(ExecuteCommandRequest.type, {
      command: "purgatoryLens.resimulate",
    })) as PurgatoryStatus[];
    assert.equal(statuses.length, 1);
    assert.equal(statuses[0]!.kernel, "5.10");
    await assert.rejects(
      server.connection.sendRequest(ExecuteCommandRequest.type, { command: "purgatoryLens.nothing" }),
      /unknown command purgatoryLens\.nothing/,
    );
  });
});

describe("lsp --stdio with UTF-8 positions", () => {
  // A comment with non-ASCII characters before the reference: 2 + 3 bytes for 2 UTF-16 units.
  const prefix = "/* π→ */ ";
  for (const [how, capabilities] of [
    ["general.positionEncodings (LSP 3.17)", { general: { positionEncodings: ["utf-8", "utf-16"] } }],
    ["offsetEncoding (clangd's extension, which Neovim 0.7 sends)", { offsetEncoding: ["utf-8", "utf-16"] }],
  ] as const) {
    it(`counts columns in bytes when asked through ${how}`, async () => {
      const tree = copyExample();
      const c = join(tree, "arch/x86/purgatory/purgatory.c");
      const text = readFileSync(c, "utf8").replace(
        '\tasm("movl $purgatory',
        `\t${prefix}asm("movl $purgatory`,
      );
      writeFileSync(c, text);
      const server = new ServerUnderTest(CLI);
      try {
        const init = await server.initialize(tree, {}, capabilities as unknown as ClientCapabilities);
        if ("general" in capabilities) assert.equal(init.capabilities.positionEncoding, "utf-8");
        else assert.equal((init as { offsetEncoding?: string }).offsetEncoding, "utf-8");
        assert.equal(
          init.capabilities.textDocumentSync &&
            typeof init.capabilities.textDocumentSync === "object" &&
            init.capabilities.textDocumentSync.change,
          1,
        ); // Full
        const diags: Diagnostic[] = await server.until(
          () => nonEmpty(server.diagnostics.get(uri(c))),
          "C diagnostics",
        );
        const d = diags.find((x) => x.code === "reloc-overflow")!;
        const lineText = text.split("\n")[d.range.start.line]!;
        const bytes = Buffer.from(lineText, "utf8");
        assert.equal(
          bytes.subarray(d.range.start.character, d.range.end.character).toString("utf8"),
          "purgatory_sha_regions",
        );
        assert.equal(d.range.start.character, Buffer.byteLength(`\t${prefix}asm("movl $`));
        // A hover at a byte column lands on the same symbol.
        await server.open(c, text, "c");
        const h = await server.connection.sendRequest(HoverRequest.type, {
          textDocument: { uri: uri(c) },
          position: { line: d.range.start.line, character: d.range.start.character + 3 },
        });
        assert.match((h!.contents as MarkupContent).value, /\*\*purgatory_sha_regions\*\*/);
        assert.deepEqual(h!.range, d.range);
      } finally {
        await server.shutdown();
        rmSync(tree, { recursive: true, force: true });
      }
    });
  }
});

describe("lsp --stdio started in a tree by a client that names no workspace", () => {
  it("takes the folder it was started in as the workspace", async () => {
    const tree = copyExample();
    const server = new ServerUnderTest(["sh", "-c", `cd '${tree}' && exec "$0" "$@"`, ...CLI]);
    try {
      await server.connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        capabilities: {},
      });
      await server.connection.sendNotification(InitializedNotification.type, {});
      const makefile = uri(join(tree, "arch/x86/purgatory/Makefile"));
      const diags: Diagnostic[] = await server.until(
        () => nonEmpty(server.diagnostics.get(makefile)),
        "diagnostics",
      );
      assert.ok(diags.some((d) => d.code === "reloc-overflow"));
    } finally {
      await server.shutdown();
      rmSync(tree, { recursive: true, force: true });
    }
  });
});

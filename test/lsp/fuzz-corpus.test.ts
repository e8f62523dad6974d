// The language server survives every input the fuzzer saved (test/fuzz/corpus/): each object is
// written as the example tree's purgatory.ro, each linker script opened as its purgatory.lds.S, each
// Makefile and .cmd file written over the tree's own, and after each one the server must still answer
// a hover and report something for the object (a result or a logged failure), never go quiet or exit.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DocumentSymbolRequest, HoverRequest } from "vscode-languageserver-protocol/node";
import { ResimulateRequest } from "../../server/src/protocol";
import { CORPUS, readInput, storedNames } from "../fuzz/corpus";
import { repoRoot } from "../helpers";
import { ServerUnderTest, uri } from "./harness";

describe("language server on every saved fuzz input", () => {
  let tree: string;
  let server: ServerUnderTest;
  let exited = false;
  const pdir = () => join(tree, "arch/x86/purgatory");
  before(async () => {
    tree = mkdtempSync(join(tmpdir(), "pl-corpus-"));
    cpSync(join(repoRoot, "examples/linux"), tree, { recursive: true });
    server = new ServerUnderTest();
    server.child.once("exit", () => (exited = true));
    await server.initialize(tree);
    await server.until(
      () => server.results.at(-1)?.purgatories.find((p) => p.state !== "missing"),
      "first result",
    );
  });
  after(async () => {
    if (!exited) await server.shutdown();
    rmSync(tree, { recursive: true, force: true });
  });

  /** A hover on purgatory.c answers (with anything), and the process is still there. */
  async function stillAnswers(): Promise<void> {
    const c = join(pdir(), "purgatory.c");
    await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uri(c) },
      position: { line: 0, character: 0 },
    });
    assert.equal(exited, false, "the server exited");
  }

  /** Resimulates and waits until the object has a state other than "missing", or a failure is logged. */
  async function settles(): Promise<void> {
    const before = server.logs.length;
    const statuses = await server.connection.sendRequest(ResimulateRequest, { reason: "fuzz corpus" });
    assert.ok(Array.isArray(statuses), "resimulate answered");
    await server.until(
      () =>
        (statuses as { state: string }[]).some((p) => p.state !== "missing") ||
        server.logs.slice(before).some((l) => /failed|unusable|cannot/i.test(l.message)),
      "a state or a logged failure",
    );
  }

  it("opens purgatory.c for the hovers", async () => {
    const c = join(pdir(), "purgatory.c");
    await server.open(c, readFileSync(c, "utf8"), "c");
    await stillAnswers();
  });

  for (const name of storedNames("elf")) {
    it(`elf/${name}: simulated or diagnosed, and the server still answers`, async () => {
      const ro = join(pdir(), "purgatory.ro");
      writeFileSync(ro, readInput(join(CORPUS, "elf", name)));
      await server.changedOnDisk(ro);
      await settles();
      await stillAnswers();
    });
  }

  for (const name of storedNames("lds")) {
    it(`lds/${name}: outline and hover answer on it, and the server still answers`, async () => {
      const lds = join(pdir(), `corpus-${name.replace(/\.gz$/, "")}`);
      const text = Buffer.from(readInput(join(CORPUS, "lds", name))).toString("utf8");
      await server.open(lds, text, "linkerscript");
      await server.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: uri(lds) } });
      await server.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: uri(lds) },
        position: { line: 0, character: 0 },
      });
      await stillAnswers();
    });
  }

  for (const [target, file] of [
    ["make", "Makefile"],
    ["cmd", ".purgatory.o.cmd"],
  ] as const) {
    for (const name of storedNames(target)) {
      it(`${target}/${name} as ${file}: read again, and the server still answers`, async () => {
        const path = join(pdir(), file);
        const original = readFileSync(path);
        try {
          writeFileSync(path, readInput(join(CORPUS, target, name)));
          await server.changedOnDisk(path);
          await settles();
          await stillAnswers();
        } finally {
          writeFileSync(path, original);
          await server.changedOnDisk(path);
        }
      });
    }
  }
});

// The language server never fails silently: a run that throws is logged and shown in the status, a
// linker script whose analysis throws gets a diagnostic while the purgatory runs go on publishing, an
// object that cannot be simulated gets diagnostics on itself and on the Makefile line that builds it,
// a slowly written object is read again once complete (and never reported while it is written), and
// hovers answer while a simulation runs.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { HoverRequest } from "vscode-languageserver-protocol/node";
import { ResimulateRequest } from "../../server/src/protocol";
import { repoRoot } from "../helpers";
import { nonEmpty, ServerUnderTest, uri } from "./harness";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function copyExample(): string {
  const tree = mkdtempSync(join(tmpdir(), "pl-robust-"));
  cpSync(join(repoRoot, "examples/linux"), tree, { recursive: true });
  return tree;
}

/** The object with its first allocated section's header copied until the file is ~1 MB (15,500 sections). */
function manySections(bytes: Buffer, n: number): Buffer {
  const shoff = Number(bytes.readBigUInt64LE(40));
  const shnum = bytes.readUInt16LE(60);
  let copy = 1;
  for (let i = 1; i < shnum; i++) {
    const o = shoff + i * 64;
    if (bytes.readUInt32LE(o + 4) === 1 && (bytes.readBigUInt64LE(o + 8) & 2n) !== 0n) {
      copy = i;
      break;
    }
  }
  const table = Buffer.alloc(n * 64);
  bytes.copy(table, 0, shoff, shoff + shnum * 64);
  for (let i = shnum; i < n; i++) bytes.copy(table, i * 64, shoff + copy * 64, shoff + copy * 64 + 64);
  const out = Buffer.concat([bytes, table]);
  out.writeBigUInt64LE(BigInt(bytes.length), 40);
  out.writeUInt16LE(n, 60);
  return out;
}

describe("language server: no silent failure", () => {
  let server: ServerUnderTest | undefined;
  let tree: string | undefined;
  afterEach(async () => {
    await server?.shutdown();
    if (tree) rmSync(tree, { recursive: true, force: true });
    server = undefined;
    tree = undefined;
  });
  const pdir = () => join(tree!, "arch/x86/purgatory");
  /** A server on a fresh copy of the example, and what it reports for the clean build. */
  async function startOnCleanBuild() {
    tree = copyExample();
    const s = new ServerUnderTest();
    server = s;
    await s.initialize(tree);
    const ro = join(pdir(), "purgatory.ro");
    const mk = uri(join(pdir(), "Makefile"));
    const clean = await s.until(
      () => s.results.at(-1)?.purgatories.find((p) => p.state !== "missing"),
      "first result",
    );
    const cleanCodes = (s.diagnostics.get(mk) ?? []).map((d) => d.code).sort();
    return { ro, mk, clean, cleanCodes };
  }

  it("logs a run that throws and shows it in the status", async () => {
    tree = copyExample();
    server = new ServerUnderTest(undefined, { PURGATORY_LENS_FAULT: "run" });
    await server.initialize(tree);
    const failed = await server.until(
      () => server!.results.flatMap((r) => r.purgatories).find((p) => p.state === "error"),
      "an error status",
    );
    assert.match(failed.summary, /simulation run failed: .*injected fault/);
    assert.ok(
      server.logs.some((l) => l.type === 1 && /run for .* failed: Error: injected fault/.test(l.message)),
    );
  });

  it("gives a linker script whose analysis throws a diagnostic, and keeps publishing the purgatory runs", async () => {
    tree = copyExample();
    server = new ServerUnderTest(undefined, { PURGATORY_LENS_FAULT: "lds" });
    await server.initialize(tree);
    const lds = join(pdir(), "purgatory.lds.S");
    await server.open(lds, readFileSync(lds, "utf8"), "linkerscript");
    const d = await server.until(
      () => server!.diagnostics.get(uri(lds))?.find((x) => x.code === "lds-analysis-failed"),
      "the analysis-failed diagnostic",
    );
    assert.match(d.message as string, /could not analyse this linker script: Error: injected fault/);
    const before = server.results.length;
    await server.connection.sendRequest(ResimulateRequest, { reason: "test" });
    await server.until(() => (server!.results.length > before ? true : undefined), "another result");
    const mk = server.diagnostics.get(uri(join(pdir(), "Makefile"))) ?? [];
    assert.ok(
      mk.some((x) => x.code === "reloc-overflow"),
      "the purgatory's findings are still published",
    );
  });

  it("puts an object that cannot be simulated on the object and on the Makefile line that builds it", async () => {
    tree = copyExample();
    server = new ServerUnderTest();
    await server.initialize(tree);
    const ro = join(pdir(), "purgatory.ro");
    await server.until(() => nonEmpty(server!.diagnostics.get(uri(join(pdir(), "Makefile")))), "first run");
    writeFileSync(ro, readFileSync(ro).subarray(0, 100));
    await server.changedOnDisk(ro);
    const onObject = await server.until(
      () => server!.diagnostics.get(uri(ro))?.find((x) => x.code === "object-unusable"),
      "a diagnostic on purgatory.ro",
    );
    assert.match(onObject.message as string, /purgatory\.ro cannot be simulated: /);
    const mkText = readFileSync(join(pdir(), "Makefile"), "utf8");
    const onMakefile = await server.until(
      () => server!.diagnostics.get(uri(join(pdir(), "Makefile")))?.find((x) => x.code === "object-unusable"),
      "a diagnostic on the Makefile",
    );
    const line = mkText.split("\n")[onMakefile.range.start.line]!;
    assert.match(line, /purgatory\.ro|targets|purgatory-y/, `the line that builds it: ${line}`);
  });

  it("reads a slowly written object again once it is complete", async () => {
    tree = copyExample();
    server = new ServerUnderTest();
    await server.initialize(tree);
    const ro = join(pdir(), "purgatory.ro");
    const clean = await server.until(
      () => server!.results.at(-1)?.purgatories.find((p) => p.state !== "missing"),
      "first result",
    );
    const bytes = readFileSync(ro);
    const chunk = Math.ceil(bytes.length / 4);
    writeFileSync(ro, bytes.subarray(0, chunk));
    await server.changedOnDisk(ro); // one notification, as a build tool that writes in pieces sends
    for (let i = 1; i < 4; i++) {
      await sleep(400);
      writeFileSync(ro, bytes.subarray(0, Math.min(bytes.length, (i + 1) * chunk)));
    }
    const final = await server.until(() => {
      const p = server!.results.at(-1)?.purgatories[0];
      return p && p.state !== "invalid" && server!.results.length > 2 ? p : undefined;
    }, "a result for the complete object");
    assert.equal(final.state, clean.state);
    assert.equal(final.summary, clean.summary);
  });

  it("never reports an object a slow writer is still writing, pausing longer than any quiet window", async () => {
    const { ro, mk, clean, cleanCodes } = await startOnCleanBuild();
    assert.ok(server);
    // Every publication and status while the object is written, as the client saw them.
    const seen: string[] = [];
    let done = false;
    const watch = server.until(
      () => {
        for (const d of [...(server!.diagnostics.get(uri(ro)) ?? []), ...(server!.diagnostics.get(mk) ?? [])])
          if (d.code === "object-unusable") seen.push(`diagnostic: ${d.message}`);
        for (const p of server!.results.at(-1)?.purgatories ?? [])
          if (p.state === "invalid" && !p.summary.startsWith("being written"))
            seen.push(`status: ${p.summary}`);
        return done;
      },
      "the end of the test (records what the client sees)",
      60_000,
    );
    const bytes = readFileSync(ro);
    // A front-to-back writer: 5 pieces, 700 ms apart (longer than the old 150 ms quiet window and the
    // 250 ms debounce); one change notification at the start and one half-way, as a build tool sends.
    const chunk = Math.ceil(bytes.length / 5);
    const before = server.results.length;
    writeFileSync(ro, bytes.subarray(0, chunk));
    await server.changedOnDisk(ro);
    for (let i = 1; i < 5; i++) {
      await sleep(700);
      writeFileSync(ro, bytes.subarray(0, Math.min(bytes.length, (i + 1) * chunk)));
      if (i === 2) await server.changedOnDisk(ro);
    }
    const writing = server.results.slice(before).flatMap((r) => r.purgatories);
    assert.ok(
      writing.some((p) => p.summary.startsWith("being written")),
      `the status said the object was being written: ${writing.map((p) => p.summary).join(" | ")}`,
    );
    const final = await server.until(() => {
      const p = server!.results.at(-1)?.purgatories[0];
      return p && !p.summary.startsWith("being written") ? p : undefined;
    }, "a result for the complete object");
    done = true;
    await server.connection.sendRequest(ResimulateRequest, { reason: "test" }); // wakes the recorder
    await watch;
    assert.deepEqual(seen, [], "nothing read half-way was reported");
    assert.equal(final.state, clean.state);
    assert.equal(final.summary, clean.summary);
    assert.deepEqual((server.diagnostics.get(mk) ?? []).map((d) => d.code).sort(), cleanCodes);
  });

  it("replaces what it reported about an object whose writer stopped for seconds, once it is complete", async () => {
    const { ro, mk, clean, cleanCodes } = await startOnCleanBuild();
    assert.ok(server);
    const bytes = readFileSync(ro);
    writeFileSync(ro, bytes.subarray(0, bytes.length >> 1));
    await server.changedOnDisk(ro);
    // The writer stops for longer than the server waits for an object that is not whole: it is then
    // what the build left, and is reported as such.
    await server.until(
      () => server!.diagnostics.get(uri(ro))?.find((x) => x.code === "object-unusable"),
      "the half object reported once its writer stopped",
    );
    writeFileSync(ro, bytes); // the writer resumes and finishes, with no notification
    const final = await server.until(() => {
      const p = server!.results.at(-1)?.purgatories[0];
      return p && p.state !== "invalid" ? p : undefined;
    }, "a result for the complete object");
    assert.equal(final.summary, clean.summary);
    assert.deepEqual(server.diagnostics.get(uri(ro)) ?? [], [], "no diagnostic left on the object");
    assert.deepEqual((server.diagnostics.get(mk) ?? []).map((d) => d.code).sort(), cleanCodes);
  });

  it("answers a hover while a large object is being simulated", async () => {
    tree = copyExample();
    server = new ServerUnderTest();
    await server.initialize(tree);
    const ro = join(pdir(), "purgatory.ro");
    const c = join(pdir(), "purgatory.c");
    const text = readFileSync(c, "utf8");
    await server.open(c, text, "c");
    await server.until(() => nonEmpty(server!.diagnostics.get(uri(join(pdir(), "Makefile")))), "first run");
    writeFileSync(ro, manySections(readFileSync(ro), 15500));
    const logsBefore = server.logs.length;
    await server.changedOnDisk(ro);
    await server.until(
      () => server!.logs.slice(logsBefore).find((l) => l.message.startsWith("simulating ")),
      "the simulation to start",
    );
    const line = text.split("\n").findIndex((l) => l.includes("purgatory("));
    const at = Math.max(0, line);
    await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uri(c) },
      position: { line: at, character: Math.max(0, (text.split("\n")[at] ?? "").indexOf("purgatory")) },
    });
    const newLogs = server.logs.slice(logsBefore).map((l) => l.message);
    const finishedBefore = newLogs.some((m) => /^simulated .* in \d+ ms/.test(m));
    assert.equal(
      finishedBefore,
      false,
      `the hover was answered while the simulation was still running: ${newLogs.join(" | ")}`,
    );
  });
});

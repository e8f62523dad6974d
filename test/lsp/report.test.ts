// The section map's report request over stdio: the answer is `{ json }`, the CLI's --json text for
// the same object (ASCII only), written in the simulation worker and sent as ready bytes; a hover
// sent right after a report request for a large object is answered first; failures are `{ error }`.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, it } from "node:test";
import { HoverRequest } from "vscode-languageserver-protocol/node";
import { RELOCATION_FIELDS, writeReportJson } from "../../server/src/core/report/json-stream";
import { simulate, type SimulateOptions } from "../../server/src/core/simulate";
import { encodedJsonWriter, encodedTextAnswer } from "../../server/src/lsp/encoded-json";
import { encodeReportAnswer } from "../../server/src/lsp/report-text";
import { SimulationPool } from "../../server/src/lsp/simulation-pool";
import { asciiJson, ReportRequest, type ReportAnswer, type ReportDocument } from "../../server/src/protocol";
import { fixturePath, have, mustSimulate, repoRoot, runCli } from "../helpers";
import { buildLargeObject } from "../webview/large-object";
import { nonEmpty, ServerUnderTest, uri } from "./harness";

const P = "arch/x86/purgatory";

describe("the report request", () => {
  let tree: string | undefined;
  let server: ServerUnderTest | undefined;
  afterEach(async () => {
    await server?.shutdown();
    server = undefined;
    if (tree) rmSync(tree, { recursive: true, force: true });
    tree = undefined;
  });

  async function start(object?: Uint8Array): Promise<{ ro: string; server: ServerUnderTest }> {
    tree = mkdtempSync(join(tmpdir(), "pl-report-"));
    cpSync(join(repoRoot, "examples/linux"), tree, { recursive: true });
    const ro = join(tree, P, "purgatory.ro");
    if (object) writeFileSync(ro, object);
    server = new ServerUnderTest();
    await server.initialize(tree);
    const s = server;
    await s.until(() => s.results.at(-1)?.purgatories.find((p) => p.durationMs > 0), "a first result", 60000);
    return { ro, server: s };
  }

  it("answers with the CLI's --json text of the object, ASCII only", async () => {
    const { ro, server } = await start();
    const answer = (await server.connection.sendRequest(ReportRequest, {})) as ReportAnswer;
    assert.ok(answer && "json" in answer, JSON.stringify(answer));
    assert.ok(/^[\x20-\x7e\n]*$/.test(answer.json), "ASCII only");
    // The same release choice (no kernel tree above the example: the newest modelled) and the same
    // writer as `purgatory-lens simulate <object> --json`.
    const cli = runCli("simulate", ro, "--json");
    assert.equal(cli.code, 1, cli.err);
    assert.notEqual(asciiJson(cli.out), cli.out, "the CLI's text has characters past ASCII");
    assert.equal(answer.json, asciiJson(cli.out));
    const doc = JSON.parse(answer.json) as ReportDocument;
    assert.deepEqual(doc.relocationFields, [...RELOCATION_FIELDS]);
    assert.equal(doc.kernelSource, "default");
    assert.ok(doc.results.length >= 2 && doc.results.every((r) => r.relocations.length > 0));
  });

  it("answers { error } when the object cannot be simulated", async () => {
    const { ro, server } = await start();
    assert.deepEqual(await server.connection.sendRequest(ReportRequest, { ramSize: "lots" }), {
      error: '"lots" is not a size',
    });
    writeFileSync(ro, "not an ELF object, but long enough to be read as one.............................");
    const answer = (await server.connection.sendRequest(ReportRequest, { object: uri(ro) })) as ReportAnswer;
    assert.ok(answer && "error" in answer);
    assert.match(answer.error, /ELF/);
  });

  it("answers a hover sent right after a report request for a large object first", async (t) => {
    if (!have("gcc") || !have("ld")) return t.skip("needs gcc and ld");
    // 1,200 sections of 20 relocations each: a 1 MB object.
    const { server } = await start(buildLargeObject(1200, 20));
    const c = join(tree!, P, "purgatory.c");
    const text = readFileSync(c, "utf8");
    await server.open(c, text, "c");
    const line = text.split("\n").findIndex((l) => l.includes("purgatory_sha_regions"));
    const order: string[] = [];
    const report = server.connection
      .sendRequest(ReportRequest, {})
      .then((a) => (order.push("report"), a as ReportAnswer));
    const hover = server.connection
      .sendRequest(HoverRequest.type, {
        textDocument: { uri: uri(c) },
        position: { line, character: text.split("\n")[line]!.indexOf("purgatory_sha_regions") + 2 },
      })
      .then((h) => (order.push("hover"), h));
    const [answer] = await Promise.all([report, hover]);
    assert.deepEqual(order, ["hover", "report"]);
    assert.ok(answer && "json" in answer);
    const doc = JSON.parse(answer.json) as ReportDocument;
    assert.equal(doc.results[0]!.relocations.length, 24_001); // and the one 32-bit field
    assert.ok(nonEmpty(doc.results[0]!.sections));
  });
});

describe("the simulation pool's report job", () => {
  const bytes = readFileSync(join(repoRoot, "examples/linux", P, "purgatory.ro"));
  const options = { kernel: "6.8", ramSize: 11n << 30n };
  const context = { kernelSource: "setting" };

  it("writes the answer in the worker, as encodeReportAnswer() does here", async () => {
    const pool = new SimulationPool();
    try {
      const r = await pool.report(bytes, options, "/x/purgatory.ro", context);
      assert.ok("encoded" in r);
      const here = encodeReportAnswer("/x/purgatory.ro", mustSimulate(bytes, options), context);
      assert.ok(Buffer.from(r.encoded).equals(here));
      // and the report is still an ordinary simulation job's
      const result = await pool.run(bytes, options);
      assert.ok(result.ok);
    } finally {
      pool.dispose();
    }
  });

  it("gives the same answer without a worker script, and { error } for what simulate() refuses", async () => {
    const pool = new SimulationPool(join(tmpdir(), "no-such-worker.js"));
    const r = await pool.report(bytes, options, "/x/purgatory.ro", context);
    assert.ok("encoded" in r);
    assert.ok(
      Buffer.from(r.encoded).equals(
        encodeReportAnswer("/x/purgatory.ro", mustSimulate(bytes, options), context),
      ),
    );
    const refused = simulate(new Uint8Array(64), {});
    assert.ok(!refused.ok);
    assert.deepEqual(await pool.report(new Uint8Array(64), {}, "x", {}), { error: refused.error });
  });
});

describe("the answer's bytes", () => {
  const context = { kernelSource: "Makefile \u2013 t\u00e9st" };
  for (const [name, bytes, options] of [
    [
      "the example",
      join(repoRoot, "examples/linux", P, "purgatory.ro"),
      { kernel: "6.8", ramSize: 11n << 30n },
    ],
    ["hostile names", fixturePath("edge", "obj", "hostile.ro"), {}],
    ["kexec-tools' loader", join(repoRoot, "examples/linux", P, "purgatory.ro"), { loader: "kexec-tools" }],
  ] as const) {
    it(`are { json } around the report's JSON text made ASCII, in a buffer of their own: ${name}`, () => {
      const report = mustSimulate(readFileSync(bytes), options as SimulateOptions);
      const parts: string[] = [];
      writeReportJson("dir/purgatory.ro", report, (s) => parts.push(s), undefined, undefined, context);
      const answer = encodeReportAnswer("dir/purgatory.ro", report, context);
      const json = Buffer.from(answer).toString("latin1");
      assert.ok(/^[\x20-\x7e]*$/.test(json), "ASCII only, the text's line breaks escaped");
      assert.deepEqual(JSON.parse(json), { json: asciiJson(parts.join("")) });
      assert.notEqual(asciiJson(parts.join("")), parts.join(""), "the text has characters past ASCII");
      assert.equal(answer.byteOffset, 0);
      assert.equal(answer.buffer.byteLength, answer.length, "a buffer of its own, to transfer");
    });
  }
});

describe("the stdio writer", () => {
  const report = mustSimulate(readFileSync(fixturePath("edge", "obj", "hostile.ro")));
  const encoded = encodeReportAnswer("dir/hostile.ro", report);

  /** Every message `write` puts on a stream, as [Content-Length, body]. */
  async function written(write: (w: ReturnType<typeof encodedJsonWriter>) => Promise<void>) {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const w = encodedJsonWriter(out);
    await write(w);
    const all = Buffer.concat(chunks);
    const messages: [number, Buffer][] = [];
    for (let at = 0; at < all.length;) {
      const end = all.indexOf("\r\n\r\n", at);
      const length = Number(/Content-Length: (\d+)/.exec(all.subarray(at, end).toString("ascii"))![1]);
      messages.push([length, all.subarray(end + 4, end + 4 + length)]);
      at = end + 4 + length;
    }
    return messages;
  }

  it("copies a ready answer into the response, byte for byte", async () => {
    const [[length, body]] = (await written((w) =>
      w.write({ jsonrpc: "2.0", id: 7, result: encodedTextAnswer(encoded) } as never),
    )) as [[number, Buffer]];
    assert.equal(length, body.length);
    assert.ok(body.includes(Buffer.from(encoded)), "the answer's bytes are in the message as they are");
    assert.deepEqual(JSON.parse(body.toString("utf8")), {
      jsonrpc: "2.0",
      id: 7,
      result: JSON.parse(Buffer.from(encoded).toString("utf8")) as unknown,
    });
  });

  it("writes every other message as JSON, and the ready answer reads the same anywhere else", async () => {
    const messages = await written(async (w) => {
      await w.write({
        jsonrpc: "2.0",
        method: "window/logMessage",
        params: { type: 3, message: "é" },
      } as never);
      await w.write({ jsonrpc: "2.0", id: "a", result: null } as never);
    });
    assert.deepEqual(
      messages.map(([, body]) => JSON.parse(body.toString("utf8")) as unknown),
      [
        { jsonrpc: "2.0", method: "window/logMessage", params: { type: 3, message: "é" } },
        { jsonrpc: "2.0", id: "a", result: null },
      ],
    );
    // A transport that serialises the answer itself (--node-ipc) gets the same JSON.
    assert.equal(JSON.stringify(encodedTextAnswer(encoded)), Buffer.from(encoded).toString("utf8"));
  });
});

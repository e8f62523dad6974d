// Answers whose JSON is already written (by the simulation worker), so that the request loop sends
// them without serialising them again: for a report of 80,000 relocations, JSON.stringify of its
// 12 MB text (every quote escaped) and the UTF-8 encode take about 100 ms on the thread that answers
// hovers, while copying the ready bytes into the message takes a few. The stdio writer below does
// that copy; any other writer (--node-ipc, sockets) reads the answer's `json` property, decoded from
// the bytes on first use, and gets the same value.
import {
  StreamMessageWriter,
  type ContentTypeEncoder,
  type ContentTypeEncoderOptions,
  type Message,
} from "vscode-languageserver/node";

const ENCODED = Symbol("encoded JSON");

type Encoded = { [ENCODED]?: Uint8Array };

/** `{ json }` from the UTF-8 bytes of its JSON (encodeReportAnswer in report-text.ts). */
export function encodedTextAnswer(bytes: Uint8Array): { json: string } {
  let json: string | undefined;
  const answer = {};
  Object.defineProperty(answer, ENCODED, { value: bytes });
  Object.defineProperty(answer, "json", {
    enumerable: true,
    get: () =>
      (json ??= (
        JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8")) as {
          json: string;
        }
      ).json),
  });
  return answer as { json: string };
}

/** The ready bytes of a response's result, if it has them. */
function encodedResult(msg: Message): Uint8Array | undefined {
  const result = (msg as { result?: unknown }).result;
  return typeof result === "object" && result !== null ? (result as Encoded)[ENCODED] : undefined;
}

/** JSON, as vscode-jsonrpc's own encoder writes it, except that ready bytes are copied in. */
const encoder: ContentTypeEncoder = {
  name: "application/json",
  encode(msg: Message, options: ContentTypeEncoderOptions): Promise<Uint8Array> {
    try {
      const bytes = options.charset === "utf-8" ? encodedResult(msg) : undefined;
      if (!bytes) return Promise.resolve(Buffer.from(JSON.stringify(msg), options.charset));
      // The response's other members ("jsonrpc", "id") as usual, then the result's bytes.
      const rest = JSON.stringify({ ...msg, result: undefined });
      const head = (rest === "{}" ? "{" : rest.slice(0, -1) + ",") + '"result":';
      return Promise.resolve(Buffer.concat([Buffer.from(head, "utf8"), bytes, Buffer.from("}", "utf8")]));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  },
};

/** The message writer on a stream (stdout) that sends ready answers without re-encoding them. */
export function encodedJsonWriter(out: NodeJS.WritableStream): StreamMessageWriter {
  return new StreamMessageWriter(out, { charset: "utf-8", contentTypeEncoder: encoder });
}

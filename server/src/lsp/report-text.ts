// The report request's answer, made where the simulation ran (the worker thread): the CLI's --json
// text (writeReportJson: relocations as rows from the table's columns), ASCII only, and the bytes of
// the answer `{ json: text }` as JSON, ready to be copied into the response.
import type { ReportContext } from "../core/report/json";
import { writeReportJson } from "../core/report/json-stream";
import type { SimulationReport } from "../core/simulation";
import { asciiJson } from "../protocol";

/** The whole report as JSON text, every character past ASCII written as a \u escape. */
export function reportText(object: string, report: SimulationReport, context: ReportContext = {}): string {
  const parts: string[] = [];
  writeReportJson(object, report, (s) => parts.push(s), undefined, undefined, context);
  return asciiJson(parts.join(""));
}

/**
 * `{ json: reportText(…) }` as JSON, in UTF-8 bytes (all ASCII) with a buffer of their own, so that
 * the worker can hand them over without a copy. (Escaping the text byte by byte in one loop, instead
 * of JSON.stringify on the string, took as long.)
 */
export function encodeReportAnswer(
  object: string,
  report: SimulationReport,
  context: ReportContext = {},
): Uint8Array {
  const answer = JSON.stringify({ json: reportText(object, report, context) });
  // Not Buffer.from(): a small one is a slice of a shared pool, which must not be transferred.
  const bytes = Buffer.allocUnsafeSlow(answer.length);
  bytes.write(answer, "latin1");
  return bytes;
}

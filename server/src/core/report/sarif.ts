// SARIF 2.1.0 (OASIS) for GitHub code scanning and other SARIF consumers: one run, the rules up front
// with their help links (the README's rule anchors), one result per finding with the place the
// language server would show it on, the other places as related locations, and fingerprints that
// ignore line numbers, so unrelated edits above a finding do not make it look new.
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { Place } from "../rules/resolve";
import type { Severity } from "../rules/types";
import { placesOf, relativePath, type CheckedPurgatory, type CheckOptions } from "./check";
import { RULES, ruleDescription } from "./rule-catalog";

export interface ToolInfo {
  readonly name: string;
  readonly version: string;
  /** Where the tool is documented; each rule's helpUri is this plus "#rule-<id>". */
  readonly informationUri: string;
}

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};
export const FINGERPRINT = "purgatoryLens/v1";

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}

export function sarifLog(
  results: readonly CheckedPurgatory[],
  options: CheckOptions,
  tool: ToolInfo,
): object {
  const root = pathToFileURL(options.cwd.endsWith("/") ? options.cwd : `${options.cwd}/`).href;
  const inside = (path: string) => !relativePath(options.cwd, path).startsWith("../");
  const artifact = (path: string) =>
    inside(path)
      ? { uri: encodeURI(relativePath(options.cwd, path)), uriBaseId: "SRCROOT" }
      : { uri: pathToFileURL(path).href };
  const region = (p: Place) => ({
    startLine: p.line + 1,
    startColumn: p.startColumn + 1,
    endLine: p.endLine + 1,
    // SARIF's endColumn is the column after the region's last character, as ours is.
    endColumn: Math.max(p.endColumn, p.endLine === p.line ? p.startColumn : 0) + 1,
  });
  const physical = (p: Place) => ({ artifactLocation: artifact(p.path), region: region(p) });

  const ids = new Set(results.flatMap((r) => r.findings.map((f) => f.finding.id)));
  const rules = [
    ...RULES,
    ...[...ids]
      .filter((id) => !ruleDescription(id))
      .map((id) => ({ id, short: id, full: id, level: "error" as Severity })),
  ];
  const ruleIndex = new Map(rules.map((x, k) => [x.id, k]));
  const seen = new Map<string, number>();
  const out = results.flatMap((r) =>
    r.findings.map((f) => {
      const x = f.finding;
      const places = placesOf(r, f);
      const main = places[0]!;
      const said = r.loader.startsWith("kexec-tools") ? "kexec" : "kernel";
      const text = [
        `${x.title}. ${oneLine(x.message)}`,
        `Cause: ${oneLine(x.cause)}`,
        `Fix: ${oneLine(x.fix)}`,
        ...x.kernelMessages.map((k) => `${said}: ${k}`),
        `Simulated: ${relativePath(options.cwd, r.object)} with ${r.loader}.`,
      ].join("\n");
      // The rule, the object, the file and the text of the flagged line: no line numbers.
      const basis = [
        x.id,
        relativePath(options.cwd, r.object),
        relativePath(options.cwd, main.path),
        (r.lineText?.(main.path, main.line) ?? "").trim(),
      ].join("\0");
      const n = (seen.get(basis) ?? 0) + 1;
      seen.set(basis, n);
      const fingerprint =
        createHash("sha256").update(basis).digest("hex").slice(0, 32) + (n > 1 ? `:${n}` : "");
      return {
        ruleId: x.id,
        ruleIndex: ruleIndex.get(x.id)!,
        level: LEVEL[x.severity],
        message: { text },
        locations: [{ physicalLocation: physical(main), message: { text: oneLine(main.note) } }],
        ...(places.length > 1
          ? {
              relatedLocations: places.slice(1).map((p, k) => ({
                id: k + 1,
                physicalLocation: physical(p),
                message: { text: oneLine(p.note) },
              })),
            }
          : {}),
        partialFingerprints: { [FINGERPRINT]: fingerprint },
        properties: { object: relativePath(options.cwd, r.object), loader: r.loader },
      };
    }),
  );
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: tool.informationUri,
            rules: rules.map((x) => ({
              id: x.id,
              name: x.id.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: x.short },
              fullDescription: { text: x.full },
              helpUri: `${tool.informationUri}#rule-${x.id}`,
              help: { text: `${x.full} See ${tool.informationUri}#rule-${x.id}` },
              defaultConfiguration: { level: LEVEL[x.level] },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: root } },
        invocations: [{ executionSuccessful: true }],
        results: out,
      },
    ],
  };
}

// The example kernel trees in test/fixtures/trees/ for the LSP tier: a temporary copy to edit and
// rebuild, the rebuild itself (the trees' build scripts run the cross compilers), and small helpers
// for what a diagnostic covers and what a hover says.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HoverRequest, type Diagnostic, type MarkupContent } from "vscode-languageserver-protocol/node";
import { copyTree, have, repoRoot } from "../helpers";
import { lineOf } from "./edits";
import { ServerUnderTest, uri } from "./harness";

export const TREES = join(repoRoot, "test", "fixtures", "trees");

export const hasTool = have;
export { copyTree };

/** A temporary copy of the example tree `name` (`prepare` may change it first) and a server started on it. */
export async function serveCopy(
  name: string,
  settings: ServerUnderTest["settings"] = {},
  prepare: (tree: string) => void = () => undefined,
): Promise<{ tree: string; server: ServerUnderTest }> {
  const tree = copyTree(name);
  prepare(tree);
  const server = new ServerUnderTest();
  server.settings = settings;
  await server.initialize(tree);
  return { tree, server };
}

/** Rebuilds a copied tree with a build script (default: the shared one for riscv and s390). */
export function rebuild(tree: string, script = join(TREES, "build.sh")): void {
  execFileSync("bash", [script, tree], { stdio: "pipe" });
}

/**
 * After a rebuild: tells the server `object` changed on disk, waits for the new result, which must
 * load, and then for the diagnostics on `source` to clear (`what` names that wait).
 */
export async function loadsAfterRebuild(
  server: ServerUnderTest,
  object: string,
  source: string,
  what: string,
): Promise<void> {
  const runs = server.results.length;
  await server.changedOnDisk(object);
  const r = await server.until(() => server.results.length > runs && server.results.at(-1), "a new result");
  assert.equal(r.purgatories[0]!.state, "ok", r.purgatories[0]!.summary);
  await server.until(() => (server.diagnostics.get(uri(source))?.length === 0 ? true : undefined), what);
}

/** The text a diagnostic's range covers. */
export function covered(text: string, d: Diagnostic): string {
  return text.split("\n")[d.range.start.line]!.slice(d.range.start.character, d.range.end.character);
}

/** The hover's markdown at `at` characters into the first occurrence of `needle` in the file. */
export async function hover(server: ServerUnderTest, path: string, needle: string, at = 2): Promise<string> {
  const text = readFileSync(path, "utf8");
  await server.open(path, text);
  const line = lineOf(text, needle);
  const character = text.split("\n")[line]!.indexOf(needle) + at;
  const h = await server.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: uri(path) },
    position: { line, character },
  });
  return (h?.contents as MarkupContent | undefined)?.value ?? "";
}

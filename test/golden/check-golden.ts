// The one way a test compares against a golden file: a missing golden fails (it never writes itself
// and passes), and UPDATE_GOLDEN=1 (`npm run golden:update`) rewrites it for review in the diff.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { repoRoot } from "../helpers";

/** Whether this run rewrites goldens instead of checking them. */
export const updating = (): boolean => process.env.UPDATE_GOLDEN === "1";

/** Writes `actual` as the golden at `path` (JSON, `indent` spaces). */
export function writeGolden(path: string, actual: unknown, indent = 2): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(actual, null, indent) + "\n");
}

/** Asserts that `actual` equals the golden at `path`; with UPDATE_GOLDEN=1, rewrites it first. */
export function checkGolden(path: string, actual: unknown, indent = 2): void {
  const name = relative(repoRoot, path);
  if (updating()) writeGolden(path, actual, indent);
  assert.ok(existsSync(path), `no golden file ${name}: run npm run golden:update`);
  assert.deepEqual(
    JSON.parse(JSON.stringify(actual)),
    JSON.parse(readFileSync(path, "utf8")),
    `${name} differs from its golden`,
  );
}

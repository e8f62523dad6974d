// Shared test helpers: where the fixtures are, a one-call simulation that fails loudly, and the one
// check for the tools (compilers, linkers, readelf) the golden tiers compare against.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { main } from "../server/src/cli";
import type { LoadAttempt } from "../server/src/core/kexec/attempt";
import { simulate, type SimulateOptions, type SimulationReport } from "../server/src/core/simulate";

/** The repository root: the nearest folder above this file with a package.json. */
export const repoRoot = ((): string => {
  let d = __dirname;
  while (!existsSync(join(d, "package.json")) && dirname(d) !== d) d = dirname(d);
  return d;
})();

export function fixturePath(...parts: string[]): string {
  return join(repoRoot, "test", "fixtures", ...parts);
}

export function readFixture(...parts: string[]): Uint8Array {
  return readFileSync(fixturePath(...parts));
}

export function mustSimulate(bytes: Uint8Array, options: SimulateOptions = {}): SimulationReport {
  const r = simulate(bytes, options);
  if (!r.ok) throw new Error(`simulation refused the input: ${r.error}`);
  return r.report;
}

/** `purgatory-lens <argv>` in this process: its exit status and what it wrote to each stream. */
export function runCli(...argv: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = main(
    argv,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

export function errLines(report: SimulationReport, load = 0): string[] {
  return report.loads[load]!.attempt.log.filter((l) => l.level === "err").map((l) => l.text);
}

const present = new Map<string, boolean>();

/** Whether `tool` is on PATH here (asked once per tool). */
export function have(tool: string): boolean {
  let p = present.get(tool);
  if (p === undefined) {
    p = spawnSync("sh", ["-c", 'command -v "$1"', "sh", tool], { stdio: "ignore" }).status === 0;
    present.set(tool, p);
  }
  return p;
}

/** A skip reason naming the missing tools, or false when all of them are here. */
export function missing(...tools: string[]): string | false {
  const absent = tools.filter((t) => !have(t));
  return absent.length === 0 ? false : `${absent.join(", ")} not installed`;
}

/** The example trees (test/fixtures/trees), which take some sources from elsewhere in the repository. */
export const TREES = join(repoRoot, "test", "fixtures", "trees");

/** The tree's sources that live elsewhere (sources.txt): [path in the tree, path of the original]. */
function sharedSources(name: string): [string, string][] {
  return readFileSync(join(TREES, "sources.txt"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => l.trim().split(/\s+/))
    .filter(([tree]) => tree === name)
    .map(([, path, from]) => [path!, join(repoRoot, from!)]);
}

/**
 * A copy of one example tree, sources included, in `dir` (by default a new temporary folder): the
 * trees in place lack their shared sources until build.sh copies them in, and tests edit and rebuild.
 */
export function copyTree(name: string, dir = mkdtempSync(join(tmpdir(), `pl-${name}-`))): string {
  cpSync(join(TREES, name), dir, { recursive: true });
  for (const [path, from] of sharedSources(name)) copyFileSync(from, join(dir, path));
  return dir;
}

/** A load attempt in a form deepEqual compares exactly (bigints as text, the buffer as hex). */
export function plainAttempt(a: LoadAttempt) {
  return {
    ...a,
    relocations: a.relocations.map((r) =>
      JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))),
    ),
    buffer: a.buffer && Buffer.from(a.buffer).toString("hex"),
  };
}

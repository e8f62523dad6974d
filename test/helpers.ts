// Shared test helpers: where the fixtures are, and a one-call simulation that fails loudly.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
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

export function errLines(report: SimulationReport, load = 0): string[] {
  return report.loads[load]!.attempt.log.filter((l) => l.level === "err").map((l) => l.text);
}

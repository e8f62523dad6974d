// The package's own version, read from its package.json: two folders up from the bundle (dist/cli.js)
// and further up from the compiled sources (out/server/src/cli/), so one lookup serves both.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function packageVersion(from = __dirname): string {
  for (let d = from; ; d = dirname(d)) {
    const file = join(d, "package.json");
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
        if (pkg.name === "purgatory-lens" && typeof pkg.version === "string") return pkg.version;
      } catch {
        // not ours, or unreadable: keep looking upwards
      }
    }
    if (dirname(d) === d) return "unknown";
  }
}

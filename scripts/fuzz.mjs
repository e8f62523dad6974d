// `npm run fuzz -- [options]`: compiles with tsc when the fuzz harness is not built yet, then runs it
// (test/fuzz/fuzz.ts: structure-aware mutators for ELF objects, linker scripts, Makefiles and .cmd
// files, worker threads with a watchdog, minimised failures saved to test/fuzz/corpus/).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync("out/test/fuzz/fuzz.js") || process.argv.includes("--build")) {
  const tsc = spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { stdio: "inherit" });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
const args = process.argv.slice(2).filter((a) => a !== "--build");
const r = spawnSync(process.execPath, ["out/test/fuzz/fuzz.js", ...args], { stdio: "inherit" });
process.exit(r.status ?? 1);

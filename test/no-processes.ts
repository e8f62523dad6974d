// Preloaded for the unit tier (`node --require ./out/test/no-processes.js --test out/test/unit/`):
// any attempt to start an external process fails the test that made it. Tests that need a compiler,
// a linker or readelf belong in the golden tier.
import childProcess from "node:child_process";

const names = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const;
for (const name of names) {
  Object.defineProperty(childProcess, name, {
    value: (command: unknown) => {
      throw new Error(
        `a unit test started an external process (${name} ${String(command)}); move it to test/golden/`,
      );
    },
  });
}

// The committed purgatory-like objects the golden tiers run over.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { simulate } from "../../server/src/core/simulate";
import { fixturePath } from "../helpers";

/**
 * The edge cases and the compiler-built fixtures. Objects with sh_addralign 0 are left out unless
 * asked for: the kernel overlaps their sections, which no linker reproduces (unit tests cover them).
 */
export function fixtureObjects(options: { includeZeroAlign?: boolean } = {}): string[] {
  const dirs = [fixturePath("edge", "obj"), fixturePath("x86_64", "obj")];
  return dirs
    .filter(existsSync)
    .flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith(".ro"))
        .sort()
        .map((f) => join(d, f)),
    )
    .filter((p) => {
      if (options.includeZeroAlign) return true;
      const r = simulate(readFileSync(p), { loads: [0x100000n] });
      return !r.ok || r.report.plan.zeroAlign.length === 0;
    });
}

// The committed purgatory-like objects the golden tiers run over.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { simulate } from "../../server/src/core/simulate";
import { fixturePath } from "../helpers";

/**
 * The edge cases and the compiler-built fixtures. Objects with sh_addralign 0 are left out unless
 * asked for: the kernel overlaps their sections, which no linker reproduces (unit tests cover them).
 * `forLinking` also leaves out objects whose section names objcopy cannot rename.
 */
export function fixtureObjects(options: { includeZeroAlign?: boolean; forLinking?: boolean } = {}): string[] {
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
      if (!r.ok) return true;
      // objcopy --rename-section cannot express a name containing "=" (hostile.ro's markup names).
      if (options.forLinking && r.report.elf.sections.some((s) => (s.sh_flags & 2n) !== 0n && s.name.includes("="))) return false;
      return r.report.plan.zeroAlign.length === 0;
    });
}

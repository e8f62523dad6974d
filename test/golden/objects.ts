// The committed purgatory-like objects the golden tiers run over, and the cross tools that check the
// s390x, riscv64 and ppc64 ones.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { simulate } from "../../server/src/core/simulate";
import type { CrossTools } from "../linkcheck";
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
    .flatMap(objectsIn)
    .filter((p) => {
      if (options.includeZeroAlign) return true;
      const r = simulate(readFileSync(p), { loads: [0x100000n] });
      if (!r.ok) return true;
      // objcopy --rename-section cannot express a name containing "=" (hostile.ro's markup names).
      if (
        options.forLinking &&
        r.report.elf.sections.some((s) => (s.sh_flags & 2n) !== 0n && s.name.includes("="))
      )
        return false;
      return r.report.plan.zeroAlign.length === 0;
    });
}

/** The architectures besides x86_64 whose kexec_file loaders are simulated, with their fixtures. */
export const CROSS_ARCHES = ["s390x", "riscv64", "ppc64"] as const;
export type CrossArch = (typeof CROSS_ARCHES)[number];

/** Each architecture's GNU binutils (Debian's binutils-<triple> packages). */
export const CROSS: Record<CrossArch, CrossTools & { readelf: string }> = {
  s390x: { ld: "s390x-linux-gnu-ld", objcopy: "s390x-linux-gnu-objcopy", readelf: "s390x-linux-gnu-readelf" },
  riscv64: {
    ld: "riscv64-linux-gnu-ld",
    objcopy: "riscv64-linux-gnu-objcopy",
    readelf: "riscv64-linux-gnu-readelf",
  },
  ppc64: {
    ld: "powerpc64le-linux-gnu-ld",
    objcopy: "powerpc64le-linux-gnu-objcopy",
    readelf: "powerpc64le-linux-gnu-readelf",
  },
};

/** test/fixtures/<arch>/obj/*.ro, sorted. */
export function archObjects(arch: CrossArch): string[] {
  const dir = fixturePath(arch, "obj");
  return existsSync(dir) ? objectsIn(dir) : [];
}

/** The kexec-tools-style purgatories (every architecture), for kexec-tools' loader. */
export function kexecToolsObjects(): string[] {
  const dir = fixturePath("kexec-tools", "obj");
  return existsSync(dir) ? objectsIn(dir) : [];
}

/** Every object with a golden summary, and the architecture whose golden folder holds it. */
export function goldenObjects(): { arch: string; path: string }[] {
  return [
    ...fixtureObjects({ includeZeroAlign: true }).map((path) => ({ arch: "x86_64", path })),
    ...CROSS_ARCHES.flatMap((arch) => archObjects(arch).map((path) => ({ arch, path }))),
    ...kexecToolsObjects().map((path) => ({ arch: "kexec-tools", path })),
  ];
}

export { have, missing } from "../helpers";

function objectsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ro"))
    .sort()
    .map((f) => join(dir, f));
}

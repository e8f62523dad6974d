// A large purgatory-shaped object for the section map's folded layers and virtualised tables:
// `sections` executable sections of `perSection` 64-bit fields each pointing at a later section,
// assembled by GNU as and linked by `ld -r` (as the benchmark's), and, in the section half-way
// along, one 32-bit field that overflows once the buffer sits above 4 GiB.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function buildLargeObject(sections: number, perSection: number): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "pl-map-large-"));
  try {
    const lines = ["\t.text\n\t.globl purgatory_start\npurgatory_start:\n\thlt\n"];
    for (let s = 0; s < sections; s++) {
      lines.push(`\t.section .text.f${s},"ax",@progbits\nf${s}:\n`);
      for (let r = 0; r < perSection; r++) lines.push(`\t.quad f${(s + r) % sections}\n`);
      if (s === Math.floor(sections / 2)) lines.push(`\t.long f${s}\n`);
    }
    writeFileSync(join(dir, "m.S"), lines.join(""));
    for (const [tool, args] of [
      ["gcc", ["-c", join(dir, "m.S"), "-o", join(dir, "m.o")]],
      ["ld", ["-r", "-e", "purgatory_start", join(dir, "m.o"), "-o", join(dir, "m.ro")]],
    ] as const) {
      const r = spawnSync(tool, args, { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr}`);
    }
    return readFileSync(join(dir, "m.ro"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

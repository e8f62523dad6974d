// The s390x, riscv64 and ppc64 relocated bytes confirmed by a final link with each architecture's GNU
// ld, every allocated section placed (--section-start) where our layout put it. riscv links with
// --no-relax (the kernel never relaxes), which finalLink always passes.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { compareWithLink, finalLink, type CrossTools } from "../linkcheck";
import { fixturePath, mustSimulate, readFixture } from "../helpers";

const CROSS: Record<string, CrossTools> = {
  s390x: { ld: "s390x-linux-gnu-ld", objcopy: "s390x-linux-gnu-objcopy" },
  riscv64: { ld: "riscv64-linux-gnu-ld", objcopy: "riscv64-linux-gnu-objcopy" },
  ppc64: { ld: "powerpc64le-linux-gnu-ld", objcopy: "powerpc64le-linux-gnu-objcopy" },
};

/** Addresses each loader can produce: page-aligned for s390 (fixed), buf_align multiples elsewhere. */
const ADDRESSES: Record<string, bigint[]> = {
  s390x: [0x2000000n, 0x12345000n, 0x3ffffe000n],
  riscv64: [0x82200000n, 0x87fffe000n, 0x107fffe000n],
  ppc64: [0x3fff0000n, 0x10000000n],
};

function objects(arch: string): string[] {
  const dir = fixturePath(arch, "obj");
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".ro"))
        .sort()
    : [];
}

for (const arch of Object.keys(CROSS)) {
  describe(`${arch}: relocated bytes equal ${CROSS[arch]!.ld}'s final link`, () => {
    for (const name of objects(arch)) {
      it(name, () => {
        const bytes = readFixture(arch, "obj", name);
        let compared = 0;
        for (const mem of ADDRESSES[arch]!) {
          const a = mustSimulate(bytes, { loads: [mem] }).loads[0]!.attempt;
          if (!a.buffer) continue; // the kernel fails before relocating (ppc64 with a relocation)
          const link = finalLink(bytes, a, "bfd", CROSS[arch]);
          assert.ok(link.ok, `${CROSS[arch]!.ld} failed at 0x${mem.toString(16)}: ${link.output}`);
          assert.deepEqual(compareWithLink(a.buffer, a, link), [], `at 0x${mem.toString(16)}`);
          compared++;
        }
        if (name.includes("reloc")) assert.equal(compared, 0, "ppc64 never gets past the RELA stub");
        else assert.equal(compared, ADDRESSES[arch]!.length);
      });
    }
  });
}

// The s390x, riscv64 and ppc64 loaders confirmed by each architecture's GNU ld. Under every golden
// release and at several addresses, the relocated buffer must equal a final link of the same object
// with every allocated section placed (--section-start) where our layout put it (riscv links with
// --no-relax: the kernel never relaxes; finalLink always passes it). Where a release fails or skips a
// relocation, readelf must show that relocation, and the linker must accept it: the failure is the
// kernel's, not the object's. An overflow we predict must be the linker's "relocation truncated to fit".
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, it } from "node:test";
import { SHF_ALLOC, SHT_RELA } from "../../server/src/core/elf/constants";
import { readElf } from "../../server/src/core/elf/reader";
import { hex } from "../../server/src/core/kexec/u64";
import { mustSimulate } from "../helpers";
import { finalLink } from "../linkcheck";
import { GOLDEN_KERNELS } from "./golden";
import { firstDifference, linkedBuffer } from "./linked-buffer";
import { archObjects, CROSS, CROSS_ARCHES, missing, type CrossArch } from "./objects";
import { readelfRelocations } from "./readelf-tools";

/** Addresses each loader can produce: page-aligned for s390 (fixed), buf_align multiples elsewhere. */
const ADDRESSES: Record<CrossArch, bigint[]> = {
  s390x: [0x2000000n, 0x12345000n, 0x3ffffe000n],
  riscv64: [0x82200000n, 0x87fffe000n, 0x107fffe000n],
  ppc64: [0x3fff0000n, 0x10000000n],
};

/** Whether the object has a RELA section that patches an allocated section (ppc64 cannot load it). */
function relocatesAllocated(bytes: Uint8Array): boolean {
  const elf = readElf(bytes);
  return elf.sections.some(
    (s) => s.sh_type === SHT_RELA && (elf.sections[s.sh_info]!.sh_flags & SHF_ALLOC) !== 0n && s.sh_size > 0n,
  );
}

const newest = (arch: CrossArch) => GOLDEN_KERNELS[arch]!.at(-1)!;

for (const arch of CROSS_ARCHES) {
  const tools = CROSS[arch];
  describe(
    `${arch}: relocated bytes equal ${tools.ld}'s final link`,
    { skip: missing(tools.ld, tools.objcopy) },
    () => {
      for (const path of archObjects(arch)) {
        it(basename(path), () => {
          const bytes = readFileSync(path);
          const confirmed = new Set<string>();
          const comparedAtNewest: bigint[] = [];
          for (const kernel of GOLDEN_KERNELS[arch]!) {
            for (const mem of ADDRESSES[arch]) {
              const where = `${kernel} at ${hex(mem)}`;
              const r = mustSimulate(bytes, { kernel, loads: [mem] });
              const a = r.loads[0]!.attempt;
              if (!a.buffer) {
                // Only a relocation failure may leave no buffer; the next test checks those against readelf.
                assert.equal(a.failedAt, "relocations", where);
                continue;
              }
              if (kernel === newest(arch)) comparedAtNewest.push(mem);
              if (confirmed.has(a.bufferSha256!)) continue; // the same bytes as a release already linked
              const link = linkedBuffer(bytes, a, r.plan.bufsz, "bfd", tools);
              assert.ok(link.ok, `${tools.ld} failed, ${where}: ${link.ok ? "" : link.output}`);
              assert.equal(firstDifference(a.buffer, link.buffer), undefined, where);
              // The fields an old kernel skips are ones the linker does relocate: they really stay wrong.
              for (const f of link.skipped) {
                assert.notDeepEqual(f.linked, f.original, `${f.what} ${where}: the linker leaves it too`);
              }
              confirmed.add(a.bufferSha256!);
            }
          }
          if (arch === "ppc64" && relocatesAllocated(bytes)) {
            assert.deepEqual(comparedAtNewest, [], "ppc64 never gets past a RELA section");
          } else {
            assert.deepEqual(comparedAtNewest, ADDRESSES[arch], `every address loads under ${newest(arch)}`);
          }
        });
      }
    },
  );
}

for (const arch of CROSS_ARCHES) {
  const tools = CROSS[arch];
  const skip = missing(tools.ld, tools.objcopy, tools.readelf);
  describe(`${arch}: relocations a release rejects or skips, against ${tools.readelf} and ${tools.ld}`, () => {
    for (const path of archObjects(arch)) {
      const bytes = readFileSync(path);
      const mem = ADDRESSES[arch][0]!;
      for (const kernel of GOLDEN_KERNELS[arch]!) {
        const a = mustSimulate(bytes, { kernel, loads: [mem] }).loads[0]!.attempt;
        const flagged = a.relocations.filter((x) => x.reached && x.status !== "ok");
        const unsupported = a.log.some((l) => l.text.endsWith("RELA relocation unsupported."));
        if (flagged.length === 0 && !unsupported) continue;

        it(`${basename(path)} under ${kernel}`, { skip }, () => {
          const rows = readelfRelocations(tools.readelf, path);
          for (const x of flagged) {
            const row = rows.find(
              (r) => r.section === x.relSectionName && r.offset === x.r_offset && r.type === x.type,
            );
            assert.ok(
              row,
              `${tools.readelf} shows no type ${x.type} at ${x.relSectionName}+${hex(x.r_offset)}`,
            );
            assert.equal(row.typeName, x.typeName);
            if (x.status === "unknown-type") {
              assert.ok(
                a.log.some((l) => l.text.endsWith(`Unknown rela relocation: ${x.type}`)),
                `${x.typeName} logged`,
              );
            } else if (x.status !== "ignored" && x.status !== "overflow") {
              assert.fail(`${x.typeName}: unexpected status ${x.status}`);
            }
          }
          if (unsupported) {
            // powerpc has no RELA hook: the generic stub refuses the first RELA section it must apply.
            assert.ok(rows.length > 0, "readelf lists no relocation at all");
            assert.ok(relocatesAllocated(bytes), "no RELA section targets an allocated section");
          }
          const link = finalLink(bytes, a, "bfd", tools);
          const overflow = flagged.find((x) => x.status === "overflow");
          if (overflow) {
            assert.equal(link.ok, false, `${tools.ld} links what we say overflows`);
            assert.match(link.output, new RegExp(`relocation truncated to fit: ${overflow.typeName}`));
          } else {
            assert.ok(link.ok, `${tools.ld} rejects the object too: ${link.output}`);
          }
        });
      }
    }
  });
}

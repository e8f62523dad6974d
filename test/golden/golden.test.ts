// Golden summaries: the simulation of every fixture under every era must not drift, and every
// buffer hash in them must be what a real final link (GNU ld) of the object at that address gives.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { simulate } from "../../server/src/core/simulate";
import { finalLink } from "../linkcheck";
import { goldenFor, goldenPath } from "./golden";
import { fixtureObjects } from "./objects";

describe("golden simulation summaries", () => {
  for (const path of fixtureObjects({ includeZeroAlign: true })) {
    it(path.split("/").slice(-1)[0]!, () => {
      const file = goldenPath(path);
      assert.ok(existsSync(file), `no golden file ${file}: run npm run golden:update`);
      const expected = JSON.parse(readFileSync(file, "utf8"));
      assert.deepEqual(goldenFor(path), expected);
    });
  }
});

describe("golden buffer hashes equal GNU ld's final link", () => {
  for (const path of fixtureObjects({ forLinking: true })) {
    it(path.split("/").slice(-1)[0]!, () => {
      const golden = JSON.parse(readFileSync(goldenPath(path), "utf8"));
      const bytes = readFileSync(path);
      const seen = new Set<string>();
      for (const [kernel, g] of Object.entries(golden)) {
        if (kernel === "object") continue;
        for (const load of (g as { loads: { mem: string; bufferSha256: string | null }[] }).loads) {
          if (!load.bufferSha256 || seen.has(load.mem)) continue;
          seen.add(load.mem);
          const r = simulate(bytes, { kernel, loads: [BigInt(load.mem)] });
          assert.ok(r.ok);
          const a = r.report.loads[0]!.attempt;
          const link = finalLink(bytes, a, "bfd");
          assert.ok(link.ok, link.output);
          // Rebuild the kernel's buffer from the linked sections: zeros, then each section at its offset.
          const buf = new Uint8Array(Number(r.report.plan.bufsz));
          for (const s of a.sechdrs.filter((x) => x.inBuffer)) {
            const linked = link.sections.get(`pl.${s.index}`)!;
            buf.set(linked.bytes.subarray(0, Number(s.size)), Number(s.sh_offset));
          }
          assert.equal(createHash("sha256").update(buf).digest("hex"), load.bufferSha256, `${kernel} at ${load.mem}`);
        }
      }
    });
  }
});

// Relocated bytes and overflow verdicts confirmed by real final links (GNU ld and ld.lld) of the same
// objects at the addresses our layout computed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { simulate } from "../../server/src/core/simulate";
import { readFixture } from "../helpers";
import { fixtureObjects } from "./objects";
import { assertLinkersOverflow, compareWithLink, finalLink, type Linker } from "../linkcheck";

const LINKERS: Linker[] = ["bfd", "lld"];
const ADDRESSES = [0x100000n, 0x7fe00000n, 0x103fe00000n];

describe("relocated bytes equal a final link's", () => {
  for (const path of fixtureObjects({ forLinking: true })) {
    const name = path.split("/").slice(-2).join("/");
    it(name, () => {
      const bytes = readFixture(...path.split("/test/fixtures/")[1]!.split("/"));
      let compared = 0;
      for (const mem of ADDRESSES) {
        const r = simulate(bytes, { loads: [mem] });
        assert.ok(r.ok, r.ok ? "" : r.error);
        const a = r.report.loads[0]!.attempt;
        if (!a.buffer) continue; // failed before or during relocation: see the overflow test
        for (const linker of LINKERS) {
          const link = finalLink(bytes, a, linker);
          assert.ok(link.ok, `${linker} failed at ${mem.toString(16)}: ${link.output}`);
          assert.deepEqual(compareWithLink(a.buffer, a, link), [], `${linker} at 0x${mem.toString(16)}`);
          compared++;
        }
      }
      // Objects that never get past relocation have nothing to compare; others must have been.
      if (compared === 0) {
        const r = simulate(bytes, { loads: [0x100000n] });
        assert.ok(r.ok && r.report.loads[0]!.attempt.failedAt !== undefined);
      }
    });
  }
});

describe("overflow verdicts agree with the linkers' 'relocation truncated to fit'", () => {
  for (const path of fixtureObjects({ forLinking: true })) {
    const name = path.split("/").slice(-2).join("/");
    const bytes = readFixture(...path.split("/test/fixtures/")[1]!.split("/"));
    const probe = simulate(bytes);
    if (!probe.ok) continue;
    const overflowAt = probe.report.loads.find((l) =>
      l.attempt.relocations.some((x) => x.status === "overflow" && x.reached),
    );
    if (!overflowAt) continue;
    const others = probe.report.loads[0]!.attempt.relocations.filter(
      (x) => x.status !== "ok" && x.status !== "overflow",
    );
    if (others.length > 0) continue; // undefined symbols etc. stop the link for another reason
    it(`${name} at 0x${overflowAt.attempt.mem.toString(16)}`, () => {
      const a = overflowAt.attempt;
      const failing = a.relocations.find((x) => x.status === "overflow")!;
      assertLinkersOverflow(bytes, a, failing.typeName);
    });
  }
});

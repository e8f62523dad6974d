import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  intersect,
  memRangeFor,
  modularRange,
  normalise,
  placeable,
} from "../../server/src/core/kexec/windows";

const TOP = 0xffffffffffffffffn;

describe("load-window interval arithmetic", () => {
  it("splits ranges that wrap around 2^64", () => {
    assert.deepEqual(modularRange(10n, 5n), [{ from: 10n, to: 14n }]);
    assert.deepEqual(modularRange(TOP - 1n, 4n), [
      { from: 0n, to: 1n },
      { from: TOP - 1n, to: TOP },
    ]);
    assert.deepEqual(modularRange(0n, 0n), []);
  });
  it("solves c + mem in [lo, lo + n) for mem", () => {
    // R_X86_64_32 with S + A = mem + 0x1000: fits for mem <= 0xffffefff, and for mem wrapping to the top.
    assert.deepEqual(memRangeFor(0x1000n, 0n, 1n << 32n), [
      { from: 0n, to: 0xffffefffn },
      { from: TOP - 0xfffn, to: TOP },
    ]);
  });
  it("intersects sorted interval lists", () => {
    assert.deepEqual(
      intersect(
        [
          { from: 0n, to: 10n },
          { from: 20n, to: 30n },
        ],
        [{ from: 5n, to: 25n }],
      ),
      [
        { from: 5n, to: 10n },
        { from: 20n, to: 25n },
      ],
    );
    assert.deepEqual(
      normalise([
        { from: 5n, to: 9n },
        { from: 0n, to: 4n },
      ]),
      [{ from: 0n, to: 9n }],
    );
  });
  it("keeps only addresses the placement can produce", () => {
    assert.deepEqual(placeable([{ from: 0n, to: 0xffffefffn }], 0x1000n, 0x3000n, 0x2000n), [
      { from: 0x3000n, to: 0xffffe000n },
    ]);
    assert.deepEqual(placeable([{ from: TOP - 0xfffn, to: TOP }], 0x1000n, 0x3000n, 0x2000n), []);
  });
});

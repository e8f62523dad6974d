import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addU64,
  ALIGN,
  ALIGN_DOWN,
  alignU64,
  bigU64,
  isPowerOfTwo,
  parseSize,
  s64,
  subU64,
  sumAbove,
  u64,
} from "../../server/src/core/kexec/u64";

describe("kernel arithmetic", () => {
  it("ALIGN is the unchecked mask formula", () => {
    assert.equal(ALIGN(0x1601n, 16n), 0x1610n);
    assert.equal(ALIGN(0x1600n, 16n), 0x1600n);
    assert.equal(ALIGN(0x1234n, 0n), 0n, "ALIGN(x, 0) is 0, not x");
    assert.equal(ALIGN(0x1234n, 1n), 0x1234n);
    // a == 3: mask ~2 clears bit 1 of x + 2
    assert.equal(ALIGN(5n, 3n), 5n);
    assert.equal(ALIGN(6n, 3n), 8n);
    assert.equal(ALIGN(0xffffffffffffffffn, 0x1000n), 0n, "wraps modulo 2^64");
  });
  it("ALIGN_DOWN and the casts", () => {
    assert.equal(ALIGN_DOWN(0x47fffffffn - 0x4000n + 1n, 0x1000n), 0x47fffc000n);
    assert.equal(u64(-1n), 0xffffffffffffffffn);
    assert.equal(s64(0xffffffff80000000n), -0x80000000n);
  });
  it("parses sizes and addresses", () => {
    assert.equal(parseSize("0x1000"), 0x1000n);
    assert.equal(parseSize("4096"), 4096n);
    assert.equal(parseSize("64G"), 64n << 30n);
    assert.equal(parseSize("640KiB"), 640n << 10n);
    assert.equal(parseSize("lots"), undefined);
  });
});

describe("the layout loops' u64 (a double while exact, a bigint above)", () => {
  // Values around the edges the doubles path must hand over to bigints: 2^31, 2^53, 2^64.
  const edges = [0n, 1n, 0xfffn, 0x1000n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn, 1n << 32n];
  edges.push((1n << 53n) - 0x1001n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, (1n << 63n) + 5n);
  edges.push((1n << 64n) - 0x1000n, (1n << 64n) - 1n);
  const aligns = [0n, 1n, 2n, 3n, 8n, 12n, 0x1000n, 0x4000_0000n, 0x8000_0000n, 1n << 40n, 1n << 63n];
  const as = (x: bigint, asNumber: boolean) =>
    asNumber && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x;
  it("gives ALIGN, u64 sums and differences exactly, whichever form goes in", () => {
    let checked = 0;
    for (const x of edges)
      for (const numberIn of [true, false]) {
        const xu = as(x, numberIn);
        for (const a of aligns) {
          const aligned = alignU64(xu, a);
          assert.equal(bigU64(aligned), ALIGN(x, a), `ALIGN(${x}, ${a})`);
          assert.equal(
            typeof aligned,
            bigU64(aligned) <= BigInt(Number.MAX_SAFE_INTEGER) ? "number" : "bigint",
          );
          checked++;
        }
        for (const y of edges) {
          assert.equal(bigU64(addU64(xu, y)), u64(x + y), `${x} + ${y}`);
          assert.equal(bigU64(addU64(xu, as(y, true))), u64(x + y), `${x} + ${y} (double)`);
          assert.equal(bigU64(subU64(xu, as(y, numberIn))), u64(x - y), `${x} - ${y}`);
          for (const limit of edges)
            assert.equal(sumAbove(xu, y, limit), x + y > limit, `${x} + ${y} > ${limit}`);
          checked++;
        }
      }
    assert.ok(checked > 300);
  });
  it("tests powers of two as the bigint formula does", () => {
    for (const a of [...aligns, ...edges, 0x4000_0001n, 0x3fff_ffffn, 6n])
      assert.equal(isPowerOfTwo(a), a > 0n && (a & (a - 1n)) === 0n, String(a));
  });
});

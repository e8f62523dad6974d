import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ALIGN, ALIGN_DOWN, parseSize, s64, u64 } from "../../server/src/core/kexec/u64";

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

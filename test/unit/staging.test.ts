// The sparse staging buffer (buffers past DENSE_LIMIT): zero where never written, whole pages copied
// from the object kept as views until written, and never a write through to the object's bytes.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { Rng } from "../fuzz/rng";
import {
  allocateStaging,
  scratchOf,
  DENSE_LIMIT,
  SparseBuffer,
  stagingSha256,
} from "../../server/src/core/kexec/staging";

/** The same writes on a plain array, to compare with. */
function dense(size: number): Uint8Array {
  return new Uint8Array(size);
}

describe("sparse staging buffer", () => {
  const size = 64 * 4096 + 123;
  const source = Uint8Array.from({ length: 5 * 4096 + 77 }, (_, i) => (i * 7 + 3) & 0xff);
  const original = source.slice();

  it("is what a dense buffer would be after the same copies and stores, and leaves the source alone", () => {
    const s = new SparseBuffer(size);
    const d = dense(size);
    // Page-aligned (whole pages become views), unaligned, and overlapping copies.
    for (const [from, to, at] of [
      [0, 3 * 4096, 4096],
      [100, 2 * 4096 + 100, 10 * 4096 + 17],
      [4096, 5 * 4096 + 77, 20 * 4096],
      [0, 4096, 21 * 4096],
    ] as const) {
      s.set(source.subarray(from, to), at);
      d.set(source.subarray(from, to), at);
    }
    // Stores into a borrowed page, a partly written page, and an untouched one.
    for (const [at, v] of [
      [4096 + 5, 0xaa],
      [2 * 4096, 0xbb],
      [20 * 4096 + 4095, 0xcc],
      [40 * 4096 + 1, 0xdd],
    ] as const) {
      s.put(at, v);
      d[at] = v;
    }
    assert.deepEqual(source, original, "a store went through to the copied-from bytes");
    assert.deepEqual(s.slice(0, size), d);
    const h = createHash("sha256");
    for (const c of s.chunks()) h.update(c);
    assert.equal(h.digest("hex"), createHash("sha256").update(d).digest("hex"));
  });

  it("gives a scratch copy its own pages: a store into it is not seen in its base", () => {
    const s = new SparseBuffer(size);
    s.set(source.subarray(0, 2 * 4096), 0);
    s.set(source.subarray(5, 40), 3 * 4096 + 7);
    const c = s.scratch();
    c.put(10, 0x11);
    c.put(3 * 4096 + 100, 0x33);
    assert.equal(s.get(10), source[10]);
    assert.equal(c.get(10), 0x11);
    assert.equal(c.get(4096 + 10), source[4096 + 10]);
    assert.equal(c.get(3 * 4096 + 7), source[5]);
    assert.equal(c.get(3 * 4096 + 100), 0x33);
    assert.equal(s.get(3 * 4096 + 100), 0);
    assert.deepEqual(source, original);
  });

  it("keeps small copies into untouched pages as segments, and reads and writes as a dense buffer", () => {
    // Random copies (inside one page, across pages, whole pages) and stores, on a sparse buffer, a
    // clone taken halfway and two dense arrays; small copies into fresh pages become segments, which
    // a later copy or store outside them turns into whole pages.
    const rng = new Rng(20261127);
    for (let round = 0; round < 40; round++) {
      const base = new SparseBuffer(size);
      const baseDense = dense(size);
      let s = base;
      let d = baseDense;
      for (let op = 0; op < 200; op++) {
        // Halfway, the rest goes to a scratch copy of the buffer (and a copy of the dense array).
        if (op === 100) {
          s = base.scratch();
          d = baseDense.slice();
        }
        const at = rng.int(size);
        if (rng.chance(0.5)) {
          const len = Math.min(size - at, rng.chance(0.8) ? 1 + rng.int(64) : rng.int(3 * 4096));
          const from = rng.int(source.length - len);
          s.set(source.subarray(from, from + len), at);
          d.set(source.subarray(from, from + len), at);
        } else {
          const v = rng.int(256);
          s.put(at, v);
          d[at] = v;
        }
        if (op % 50 === 49) assert.equal(s.get(at), d[at]);
      }
      assert.deepEqual(s.slice(0, size), d);
      assert.deepEqual(base.slice(0, size), baseDense, "a store into the scratch copy reached its base");
      const h = createHash("sha256");
      for (const chunk of s.chunks()) h.update(chunk);
      assert.equal(h.digest("hex"), createHash("sha256").update(d).digest("hex"));
    }
    assert.deepEqual(source, original);
  });

  it("takes a whole-page copy over a page it last wrote, and its next store copies the page again", () => {
    const s = new SparseBuffer(size);
    s.put(2 * 4096 + 9, 0x5a); // page 2 is now the page stores go to
    s.set(source.subarray(0, 4096), 2 * 4096); // replaced by a view of the source
    assert.equal(s.get(2 * 4096 + 9), source[9]);
    s.put(2 * 4096 + 10, 0x6b); // must not land in the old page, nor in the source
    assert.equal(s.get(2 * 4096 + 10), 0x6b);
    assert.equal(s.get(2 * 4096 + 9), source[9]);
    assert.deepEqual(source, original);
  });

  it("hands out a field's page only when the field lies in one page of the buffer", () => {
    const s = new SparseBuffer(size);
    s.set(source.subarray(0, 4096), 0);
    const page = s.writablePage(8, 8)!;
    page[8] = 0x77;
    assert.equal(s.get(8), 0x77);
    assert.equal(source[8], original[8], "the page was the source's bytes, not a copy");
    assert.equal(s.writablePage(4092, 8), undefined, "straddles pages 0 and 1");
    assert.equal(s.writablePage(size - 4, 8), undefined, "runs off the end");
    assert.equal(s.writablePage(-1, 1), undefined);
    assert.ok(s.writablePage(size - 8, 8));
  });

  it("is used past DENSE_LIMIT only, and scratchOf keeps the source untouched too", () => {
    assert.ok(allocateStaging(BigInt(DENSE_LIMIT)) instanceof Uint8Array);
    const big = allocateStaging(BigInt(DENSE_LIMIT) + 1n);
    assert.ok(big instanceof SparseBuffer);
    big.set(source.subarray(0, 4096), 0);
    const copy = scratchOf(big) as SparseBuffer;
    copy.put(0, (source[0]! + 1) & 0xff);
    assert.equal(big.get(0), source[0]);
    assert.deepEqual(source, original);
    assert.equal(stagingSha256(big), undefined, "past HASH_LIMIT no digest is computed");
  });
});

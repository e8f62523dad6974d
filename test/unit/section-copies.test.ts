// The loaders' section copies, made once per object and offsets and handed to each load as its own
// scratch buffer: the bytes a load sees are those of copying every section itself, in order, into a
// zeroed buffer, and what one load writes is not seen by another.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ElfFile } from "../../server/src/core/elf/types";
import { RunImage } from "../../server/src/core/kexec/run-image";
import { copySections, type SectionToCopy } from "../../server/src/core/kexec/section-copies";
import { DENSE_LIMIT, PAGE, SparseBuffer, type StagingBuffer } from "../../server/src/core/kexec/staging";
import { Rng } from "../fuzz/rng";

const src = Uint8Array.from({ length: 9 * PAGE + 301 }, (_, i) => (i * 13 + 5) & 0xff);

/** Only the bytes matter to the copies. */
function objectOf(bytes: Uint8Array): ElfFile {
  return { bytes } as unknown as ElfFile;
}

function readAll(buf: StagingBuffer, from: number, to: number): Uint8Array {
  return buf instanceof Uint8Array ? buf.slice(from, to) : buf.slice(from, to);
}

/** Each copy made in order into a zeroed array, as the loaders' loops do; past the end: skipped. */
function reference(size: number, placed: SectionToCopy[], offsets: number[]): Uint8Array {
  const d = new Uint8Array(size);
  placed.forEach((s, i) => {
    const n = Number(s.size);
    if (offsets[i]! + n > size) return;
    d.set(src.subarray(Number(s.fileOffset), Number(s.fileOffset) + n), offsets[i]!);
  });
  return d;
}

const copier = { who: "the kernel", bufferName: "purgatory buffer" };

describe("run image", () => {
  it("reads as a dense copy of its runs, and clamps a run to the bytes its source has", () => {
    const rng = new Rng(20261128);
    for (let round = 0; round < 30; round++) {
      const size = 40 * PAGE + rng.int(PAGE);
      const image = new RunImage(size, src, 64);
      const d = new Uint8Array(size);
      let at = rng.int(PAGE);
      for (let r = 0; r < 20 && at < size; r++) {
        const from = rng.int(src.length);
        const length = Math.min(size - at, rng.chance(0.2) ? rng.int(3 * PAGE) : rng.int(200));
        image.add(at, from, length);
        d.set(src.subarray(from, from + length), at);
        at += length + (rng.chance(0.5) ? 0 : rng.int(2 * PAGE));
      }
      for (let k = 0; k * PAGE < size; k++) {
        const page = image.pageBytes(k);
        const want = new Uint8Array(PAGE);
        want.set(d.subarray(k * PAGE, Math.min(size, (k + 1) * PAGE)));
        assert.deepEqual(page, want, `page ${k}`);
      }
      for (let i = 0; i < 500; i++) {
        const x = rng.int(size);
        assert.equal(image.get(x), d[x], `byte ${x}`);
      }
      // A scratch over it reads the same and takes stores of its own.
      const scratch = new SparseBuffer(size, image);
      const x = rng.int(size);
      scratch.put(x, (d[x]! + 1) & 0xff);
      assert.equal(scratch.get(x), (d[x]! + 1) & 0xff);
      assert.equal(image.get(x), d[x]);
    }
  });

  it("refuses a run out of order", () => {
    const image = new RunImage(4 * PAGE, src, 4);
    image.add(100, 0, 50);
    assert.throws(() => image.add(120, 0, 10), RangeError);
  });
});

describe("section copies", () => {
  /** n sections of `len` bytes laid out one after the other with `gap` bytes between. */
  function layout(n: number, len: number, gap: number, start = 0) {
    const placed: SectionToCopy[] = [];
    const offsets: number[] = [];
    for (let i = 0; i < n; i++) {
      placed.push({
        index: i + 1,
        name: ".data",
        fileOffset: BigInt((i * 37) % (src.length - len)),
        size: BigInt(len),
      });
      offsets.push(start + i * (len + gap));
    }
    return { placed, offsets };
  }

  it("past DENSE_LIMIT, in order: each load reads the copies and writes only its own buffer", () => {
    const size = DENSE_LIMIT + 5 * PAGE;
    const { placed, offsets } = layout(280, 1500, 13000);
    const elf = objectOf(src);
    const first = copySections(elf, BigInt(size), placed, offsets, copier);
    const second = copySections(elf, BigInt(size), placed, offsets, copier);
    assert.ok(first.buffer instanceof SparseBuffer && second.buffer instanceof SparseBuffer);
    const want = reference(size, placed, offsets);
    const span = Math.min(size, offsets.at(-1)! + 1500 + PAGE);
    assert.deepEqual(readAll(first.buffer, 0, span), want.subarray(0, span));
    first.buffer.put(offsets[3]!, (want[offsets[3]!]! + 1) & 0xff);
    assert.equal(
      second.buffer.get(offsets[3]!),
      want[offsets[3]!],
      "one load's store reached another's buffer",
    );
    assert.deepEqual(readAll(second.buffer, 0, span), want.subarray(0, span));
  });

  it("past DENSE_LIMIT, out of order (an offset reset by sh_addralign 0): the later copy wins", () => {
    const size = DENSE_LIMIT + PAGE;
    const { placed, offsets } = layout(20, 3000, 100);
    offsets[10] = 0; // ALIGN(x, 0) is 0: the section goes over the first ones
    const got = copySections(objectOf(src), BigInt(size), placed, offsets, copier).buffer;
    const want = reference(size, placed, offsets);
    assert.deepEqual(readAll(got, 0, 70000), want.subarray(0, 70000));
  });

  it("dense: each load gets its own copy, and the notes past the end are the same each time", () => {
    const size = 40000;
    const { placed, offsets } = layout(12, 4000, 0);
    const elf = objectOf(src);
    const a = copySections(elf, BigInt(size), placed, offsets, copier);
    const b = copySections(elf, BigInt(size), placed, offsets, copier);
    assert.ok(a.buffer instanceof Uint8Array && b.buffer instanceof Uint8Array);
    assert.deepEqual(a.buffer, reference(size, placed, offsets));
    a.buffer[0] = (a.buffer[0]! + 1) & 0xff;
    assert.deepEqual(b.buffer, reference(size, placed, offsets));
    // Sections 11 and 12 (offsets 40000 and 44000) do not fit.
    assert.deepEqual(a.undefinedBehaviour, b.undefinedBehaviour);
    assert.equal(a.undefinedBehaviour.length, 2);
    assert.match(
      a.undefinedBehaviour[0]!,
      /^section 11 \(\.data\) would be copied to buffer offset 0x9c40, 4000 bytes, past the end of the 40000-byte purgatory buffer: the kernel would write out of bounds$/,
    );
  });

  it("other offsets or another loader get copies of their own", () => {
    const size = 30000;
    const { placed, offsets } = layout(5, 4000, 0);
    const elf = objectOf(src);
    copySections(elf, BigInt(size), placed, offsets, copier);
    const moved = offsets.map((o) => o + 16);
    assert.deepEqual(
      copySections(elf, BigInt(size), placed, moved, copier).buffer,
      reference(size, placed, moved),
    );
    const kt = copySections(elf, BigInt(size), placed, offsets, { who: "kexec-tools", bufferName: "buffer" });
    assert.deepEqual(kt.buffer, reference(size, placed, offsets));
  });
});

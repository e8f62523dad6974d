// The purgatory's staging buffer (the kernel's vzalloc'ed purgatory_buf, kexec-tools' xmalloc'ed buf).
// Its size is set by the sections' alignment, so a 24 KB object with sh_addralign 2^31 asks for a
// 2 GiB buffer that is almost all padding. Small buffers are plain byte arrays; past DENSE_LIMIT the
// buffer keeps only the 4 KiB pages something was written to, and every other byte reads as zero, as
// the kernel's zeroed allocation would.

import { createHash } from "node:crypto";

/** Buffers up to this size are allocated whole (every real purgatory is far below it). */
export const DENSE_LIMIT = 16 << 20;

/** Digests of buffers up to this size are computed; hashing costs about 1 ms per MiB. */
export const HASH_LIMIT = 16 << 20;

const PAGE = 4096;
const ZERO_PAGE = new Uint8Array(PAGE);
/** Pages allocated together (256 KiB). */
const SLAB_PAGES = 64;

/**
 * A buffer larger than DENSE_LIMIT: pages materialise on first write. A whole page copied in from
 * the object is kept as a view of the object's bytes until something writes to it: an object whose
 * thousands of sections all point at the same file bytes asks for tens of megabytes of copies (the
 * kernel makes them), which would otherwise cost a page allocation and a copy each. A copy into a
 * page nothing else has touched keeps only its own bytes (a segment, in one growing arena): 15,000
 * small sections, each alone in its page, made 118 MB of zeroed pages per simulation.
 */
export class SparseBuffer {
  private readonly pages = new Map<number, Uint8Array>();
  /** Pages that are views of the bytes set() was given, copied before any write. */
  private readonly borrowed = new Set<number>();
  /** Pages holding only a segment: where its bytes are in the arena, its in-page start and length. */
  private readonly segments = new Map<
    number,
    { readonly at: number; readonly start: number; readonly length: number }
  >();
  private arena = new Uint8Array(PAGE);
  private arenaUsed = 0;

  constructor(readonly byteLength: number) {}

  get(at: number): number {
    const k = Math.floor(at / PAGE);
    const p = this.pages.get(k);
    if (p !== undefined) return p[at % PAGE]!;
    const seg = this.segments.get(k);
    if (seg === undefined) return 0;
    const i = (at % PAGE) - seg.start;
    return i >= 0 && i < seg.length ? this.arena[seg.at + i]! : 0;
  }

  put(at: number, value: number): void {
    const k = Math.floor(at / PAGE);
    const seg = this.pages.has(k) ? undefined : this.segments.get(k);
    const i = (at % PAGE) - (seg?.start ?? 0);
    if (seg !== undefined && i >= 0 && i < seg.length) this.arena[seg.at + i] = value;
    else this.page(k)[at % PAGE] = value;
  }

  /**
   * Copies `bytes` in at `offset`, page by page. Whole pages may stay views of `bytes`: the caller
   * must not change them afterwards (the loaders pass the object's bytes, which nothing writes).
   */
  set(bytes: Uint8Array, offset: number): void {
    let done = 0;
    while (done < bytes.length) {
      const at = offset + done;
      const inPage = at % PAGE;
      const n = Math.min(PAGE - inPage, bytes.length - done);
      const k = Math.floor(at / PAGE);
      const part = bytes.subarray(done, done + n);
      if (n === PAGE) {
        this.pages.set(k, part);
        this.borrowed.add(k);
        this.segments.delete(k);
      } else if (!this.pages.has(k) && !this.segments.has(k)) this.addSegment(k, inPage, part);
      else {
        const seg = this.pages.has(k) ? undefined : this.segments.get(k);
        if (seg !== undefined && inPage >= seg.start && inPage + n <= seg.start + seg.length)
          this.arena.set(part, seg.at + inPage - seg.start);
        else this.page(k).set(part, inPage);
      }
      done += n;
    }
  }

  slice(from: number, to: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, to - from));
    for (let i = 0; i < out.length; i++) out[i] = this.get(from + i);
    return out;
  }

  clone(): SparseBuffer {
    const c = new SparseBuffer(this.byteLength);
    for (const [k, p] of this.pages) {
      if (this.borrowed.has(k)) {
        c.pages.set(k, p);
        c.borrowed.add(k);
      } else {
        const q = c.newPage();
        q.set(p);
        c.pages.set(k, q);
      }
    }
    c.arena = this.arena.slice();
    c.arenaUsed = this.arenaUsed;
    for (const [k, seg] of this.segments) c.segments.set(k, seg);
    return c;
  }

  /** The bytes in order, zero pages standing in for the ones never written. */
  *chunks(): Generator<Uint8Array> {
    const full = Math.floor(this.byteLength / PAGE);
    for (let k = 0; k < full; k++) yield this.pageBytes(k);
    const rest = this.byteLength % PAGE;
    if (rest > 0) yield this.pageBytes(full).subarray(0, rest);
  }

  /** Page `k` as it reads, without making it writable. */
  private pageBytes(k: number): Uint8Array {
    const p = this.pages.get(k);
    if (p !== undefined) return p;
    const seg = this.segments.get(k);
    if (seg === undefined) return ZERO_PAGE;
    const out = new Uint8Array(PAGE);
    out.set(this.arena.subarray(seg.at, seg.at + seg.length), seg.start);
    return out;
  }

  /** A segment of page `k` holding a copy of `bytes` from in-page offset `start`. */
  private addSegment(k: number, start: number, bytes: Uint8Array): void {
    if (this.arenaUsed + bytes.length > this.arena.length) {
      const wider = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + bytes.length));
      wider.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = wider;
    }
    this.arena.set(bytes, this.arenaUsed);
    this.segments.set(k, { at: this.arenaUsed, start, length: bytes.length });
    this.arenaUsed += bytes.length;
  }

  /** Page `k`, owned and writable (a segment becomes a whole page around it). */
  private page(k: number): Uint8Array {
    let p = this.pages.get(k);
    if (!p) {
      this.pages.set(k, (p = this.newPage()));
      const seg = this.segments.get(k);
      if (seg !== undefined) {
        p.set(this.arena.subarray(seg.at, seg.at + seg.length), seg.start);
        this.segments.delete(k);
      }
    } else if (this.borrowed.has(k)) {
      const copy = this.newPage();
      copy.set(p);
      this.pages.set(k, (p = copy));
      this.borrowed.delete(k);
    }
    return p;
  }

  private slab: Uint8Array | undefined;
  private slabUsed = SLAB_PAGES;

  /** A zeroed page cut from a slab of SLAB_PAGES (one allocation, not sixty-four). */
  private newPage(): Uint8Array {
    if (this.slabUsed === SLAB_PAGES) {
      this.slab = new Uint8Array(PAGE * SLAB_PAGES);
      this.slabUsed = 0;
    }
    const at = this.slabUsed++ * PAGE;
    return this.slab!.subarray(at, at + PAGE);
  }
}

export type StagingBuffer = Uint8Array | SparseBuffer;

/** A zeroed buffer of `size` bytes: dense when small, sparse otherwise. */
export function allocateStaging(size: bigint): StagingBuffer {
  return size <= BigInt(DENSE_LIMIT) ? new Uint8Array(Number(size)) : new SparseBuffer(Number(size));
}

/**
 * A byte of the buffer; 0 past its end. kexec-tools' relocators learn a field's width only while
 * applying it, so its walk checks `at + width` against the buffer afterwards and reports the access
 * as undefined behaviour; reads past the end must not throw before that check runs.
 */
export function byteAt(buf: StagingBuffer, at: number): number {
  if (at < 0 || at >= buf.byteLength) return 0;
  return buf instanceof Uint8Array ? buf[at]! : buf.get(at);
}

/** Stores a byte; a store past the end is dropped (see byteAt). */
export function setByteAt(buf: StagingBuffer, at: number, value: number): void {
  if (at < 0 || at >= buf.byteLength) return;
  if (buf instanceof Uint8Array) buf[at] = value;
  else buf.put(at, value);
}

/** Copies bytes[from, from + length) into the buffer at `at`. */
export function copyIntoStaging(
  buf: StagingBuffer,
  bytes: Uint8Array,
  from: number,
  length: number,
  at: number,
): void {
  buf.set(bytes.subarray(from, from + length), at);
}

export function sliceOf(buf: StagingBuffer, from: number, to: number): Uint8Array {
  return buf.slice(from, to);
}

export function copyOf(buf: StagingBuffer): StagingBuffer {
  return buf instanceof Uint8Array ? buf.slice() : buf.clone();
}

/** The dense bytes, for callers that compare whole buffers; undefined for a sparse one. */
export function denseBytes(buf: StagingBuffer): Uint8Array | undefined {
  return buf instanceof Uint8Array ? buf : undefined;
}

/**
 * SHA-256 of the whole buffer, padding hashed as zeros without materialising it; undefined past
 * HASH_LIMIT, where hashing alone would take longer than an editor can wait.
 */
export function stagingSha256(buf: StagingBuffer): string | undefined {
  if (buf.byteLength > HASH_LIMIT) return undefined;
  const h = createHash("sha256");
  if (buf instanceof Uint8Array) h.update(buf);
  else for (const c of buf.chunks()) h.update(c);
  return h.digest("hex");
}

/**
 * What happens to the kernel's vzalloc(bufsz) of the staging buffer: vmalloc refuses a size of more
 * pages than the machine has RAM (it warns "vmalloc error: size N, exceeds total pages") and
 * kexec_purgatory_setup_kbuf returns -ENOMEM without a message of its own.
 */
export function vzallocFails(bufsz: bigint, ramSize: bigint | undefined): boolean {
  return ramSize !== undefined && bufsz >> 12n > ramSize >> 12n;
}

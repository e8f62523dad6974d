// The purgatory's staging buffer (the kernel's vzalloc'ed purgatory_buf, kexec-tools' xmalloc'ed buf).
// Its size is set by the sections' alignment, so a 24 KB object with sh_addralign 2^31 asks for a
// 2 GiB buffer that is almost all padding. Small buffers are plain byte arrays; past DENSE_LIMIT the
// buffer keeps only the 4 KiB pages something was written to, and every other byte reads as zero, as
// the kernel's zeroed allocation would.

import { createHash } from "node:crypto";

/**
 * Buffers up to this size are allocated whole. Every real purgatory is far below it (they are tens
 * of KiB); above it, each load's copy would cost a whole-buffer copy where a sparse one costs none.
 */
export const DENSE_LIMIT = 4 << 20;

/**
 * Digests of buffers up to this size are computed. Hashing costs about 1 ms per MiB per load, and
 * the digest is there to compare with a real purgatory's, which is tens of KiB.
 */
export const HASH_LIMIT = 4 << 20;

/** The unit sparse buffers keep (4 KiB, whatever the architecture's page size). */
export const PAGE = 4096;
/** Read-only: stands in for every page never written. */
export const ZERO_PAGE = new Uint8Array(PAGE);
/** Parts of one page kept as views before the page is made whole. */
const MAX_EXTENTS = 16;
/** Pages allocated together (256 KiB). */
const SLAB_PAGES = 64;

/** Bytes a page holds without a copy: `length` bytes of `src` from `from`, at in-page offset `start`. */
interface Extent {
  readonly start: number;
  readonly length: number;
  readonly src: Uint8Array;
  readonly from: number;
}

/** What a scratch copy reads the pages it has not written from. */
export interface PageSource {
  readonly byteLength: number;
  get(at: number): number;
  /** Page `k` as it reads (PAGE bytes; a zero page may be shared). */
  pageBytes(k: number): Uint8Array;
}

/**
 * A buffer larger than DENSE_LIMIT: pages materialise on first write. What set() copies in is kept
 * as views of the caller's bytes until something writes to the page: a whole page as the view itself,
 * a part of one as an extent (several per page when small sections share it). Thousands of sections
 * copied from the same file bytes (the kernel makes tens of megabytes of copies) then cost an object
 * each instead of a page allocation and a copy each.
 */
export class SparseBuffer implements PageSource {
  private readonly pages = new Map<number, Uint8Array>();
  /** Pages that are views of the bytes set() was given, copied before any write. */
  private readonly borrowed = new Set<number>();
  /** Pages made only of extents, in the order set() wrote them (a later one wins where they overlap). */
  private readonly extents = new Map<number, Extent[]>();

  /**
   * With `base`, a scratch copy of it: pages it does not hold read as base's, and a page is copied
   * from base when first written. Base must not change while the copy is in use.
   */
  constructor(
    readonly byteLength: number,
    private readonly base?: PageSource,
  ) {}

  get(at: number): number {
    const k = Math.floor(at / PAGE);
    const p = this.pages.get(k);
    if (p !== undefined) return p[at % PAGE]!;
    const list = this.extents.get(k);
    if (list === undefined) return this.base !== undefined ? this.base.get(at) : 0;
    const i = at % PAGE;
    for (let e = list.length - 1; e >= 0; e--) {
      const x = list[e]!;
      if (i >= x.start && i < x.start + x.length) return x.src[x.from + i - x.start]!;
    }
    return 0;
  }

  put(at: number, value: number): void {
    this.page(Math.floor(at / PAGE))[at % PAGE] = value;
  }

  /**
   * Copies `bytes` in at `offset`, page by page. Parts of it may stay views of `bytes`: the caller
   * must not change them afterwards (the loaders pass the object's bytes, which nothing writes).
   */
  set(bytes: Uint8Array, offset: number): void {
    let done = 0;
    while (done < bytes.length) {
      const at = offset + done;
      const inPage = at % PAGE;
      const n = Math.min(PAGE - inPage, bytes.length - done);
      const k = Math.floor(at / PAGE);
      if (n === PAGE) {
        if (k === this.lastK) this.lastK = -1;
        this.pages.set(k, bytes.subarray(done, done + n));
        this.borrowed.add(k);
        this.extents.delete(k);
      } else {
        const list = this.extents.get(k);
        // A page with many parts is made whole: a read looks through its extents one by one. A
        // scratch copy keeps no extents (the rest of the page reads as its base's).
        if (
          this.pages.has(k) ||
          this.base !== undefined ||
          (list !== undefined && list.length >= MAX_EXTENTS)
        )
          this.page(k).set(bytes.subarray(done, done + n), inPage);
        else {
          const extent = { start: inPage, length: n, src: bytes, from: done };
          if (list === undefined) this.extents.set(k, [extent]);
          else list.push(extent);
        }
      }
      done += n;
    }
  }

  slice(from: number, to: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, to - from));
    for (let i = 0; i < out.length; i++) out[i] = this.get(from + i);
    return out;
  }

  /** A scratch copy (see the constructor): nothing is copied until it is written. */
  scratch(): SparseBuffer {
    return new SparseBuffer(this.byteLength, this);
  }

  /** The bytes in order, zero pages standing in for the ones never written. */
  *chunks(): Generator<Uint8Array> {
    const full = Math.floor(this.byteLength / PAGE);
    for (let k = 0; k < full; k++) yield this.pageBytes(k);
    const rest = this.byteLength % PAGE;
    if (rest > 0) yield this.pageBytes(full).subarray(0, rest);
  }

  /** Page `k` as it reads, without making it writable. */
  pageBytes(k: number): Uint8Array {
    const p = this.pages.get(k);
    if (p !== undefined) return p;
    const list = this.extents.get(k);
    if (list === undefined) return this.base !== undefined ? this.base.pageBytes(k) : ZERO_PAGE;
    const out = new Uint8Array(PAGE);
    for (const x of list) out.set(x.src.subarray(x.from, x.from + x.length), x.start);
    return out;
  }

  /**
   * The owned, writable page that holds all of [at, at + width), or undefined when the field
   * crosses a page boundary or leaves the buffer: relocations store whole fields into it.
   */
  writablePage(at: number, width: number): Uint8Array | undefined {
    if (at < 0 || at + width > this.byteLength) return undefined;
    const k = Math.floor(at / PAGE);
    return Math.floor((at + width - 1) / PAGE) === k ? this.page(k) : undefined;
  }

  /** The page page() returned last: stores come in runs to the same field or its neighbours. */
  private lastK = -1;
  private lastPage: Uint8Array = ZERO_PAGE;

  /** Page `k`, owned and writable (its extents copied into it). */
  private page(k: number): Uint8Array {
    if (k === this.lastK) return this.lastPage;
    const p = this.ownPage(k);
    this.lastK = k;
    this.lastPage = p;
    return p;
  }

  private ownPage(k: number): Uint8Array {
    let p = this.pages.get(k);
    if (!p) {
      this.pages.set(k, (p = this.newPage()));
      const list = this.extents.get(k);
      if (list !== undefined) {
        for (const x of list) p.set(x.src.subarray(x.from, x.from + x.length), x.start);
        this.extents.delete(k);
      } else if (this.base !== undefined) p.set(this.base.pageBytes(k));
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

/**
 * A copy to write into without touching `buf` (kexec-tools' walk once kexec has died): a dense one is
 * copied, a sparse one is copied page by page as it is written, so `buf` must not change meanwhile.
 */
export function scratchOf(buf: StagingBuffer): StagingBuffer {
  return buf instanceof Uint8Array ? buf.slice() : buf.scratch();
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

import { ElfFormatError, hex } from "./errors";

/**
 * What a read is for, named in the error if it fails. A function when the name has to be built:
 * reads are made per section, symbol and relocation, and almost never fail, so the text is only
 * put together when one does.
 */
export type What = string | (() => string);

export function describe(what: What): string {
  return typeof what === "string" ? what : what();
}

/**
 * Bounds-checked, endian-aware reads over the object's bytes. Every read that would leave the file
 * raises an ElfFormatError naming the structure, instead of returning garbage or throwing a RangeError.
 */
export class ByteView {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  check(offset: number, size: number, what: What): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || size < 0 || offset + size > this.bytes.byteLength) {
      const w = describe(what);
      throw new ElfFormatError(
        `${w} at file offset ${hex(offset)} (${size} bytes) lies outside the ${this.bytes.byteLength}-byte file`,
        w,
      );
    }
  }

  u8(off: number, what: What): number {
    this.check(off, 1, what);
    return this.view.getUint8(off);
  }
  u16(off: number, what: What): number {
    this.check(off, 2, what);
    return this.view.getUint16(off, this.littleEndian);
  }
  u32(off: number, what: What): number {
    this.check(off, 4, what);
    return this.view.getUint32(off, this.littleEndian);
  }
  u64(off: number, what: What): bigint {
    this.check(off, 8, what);
    return this.view.getBigUint64(off, this.littleEndian);
  }
  i32(off: number, what: What): number {
    this.check(off, 4, what);
    return this.view.getInt32(off, this.littleEndian);
  }
  i64(off: number, what: What): bigint {
    this.check(off, 8, what);
    return this.view.getBigInt64(off, this.littleEndian);
  }
  /** A target-address-sized unsigned field: 4 bytes in ELF32, 8 in ELF64. */
  addr(off: number, is64: boolean, what: What): bigint {
    return is64 ? this.u64(off, what) : BigInt(this.u32(off, what));
  }

  /**
   * A u32 of a structure whose bounds the caller has checked (with `check`): section headers are
   * read field by field, thousands of them in some objects, and one check per header is enough.
   */
  u32In(off: number): number {
    return this.view.getUint32(off, this.littleEndian);
  }

  /**
   * An address-sized field of a checked structure (see u32In). Values below 2^32 are shared: an
   * object with thousands of section headers mostly repeats a few sizes, flags and alignments, and
   * a bigint each was most of what the garbage collector had to move.
   */
  addrIn(off: number, is64: boolean): bigint {
    const first = this.view.getUint32(off, this.littleEndian);
    if (!is64) return this.shared(first);
    const second = this.view.getUint32(off + 4, this.littleEndian);
    const hi = this.littleEndian ? second : first;
    if (hi !== 0) return this.view.getBigUint64(off, this.littleEndian);
    return this.shared(this.littleEndian ? first : second);
  }

  private readonly small = new Map<number, bigint>();

  private shared(n: number): bigint {
    let b = this.small.get(n);
    if (b === undefined) this.small.set(n, (b = BigInt(n)));
    return b;
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Converts a 64-bit file offset or size to a JS number, or reports that it cannot be inside any file. */
export function toOffset(v: bigint, what: What): number {
  if (v > MAX_SAFE) {
    const w = describe(what);
    throw new ElfFormatError(`${w} ${hex(v)} is larger than any file`, w);
  }
  return Number(v);
}

// Unsigned 64-bit arithmetic as the kernel does it on `unsigned long`: every result wraps modulo 2^64.

export const U64_MASK = (1n << 64n) - 1n;
export const U32_MASK = 0xffffffffn;

export function u64(x: bigint): bigint {
  return x & U64_MASK;
}

/**
 * The kernel's ALIGN(x, a): the mask formula `(x + (a - 1)) & ~(a - 1)`, unchecked. With a == 0 the
 * mask is all ones inverted, so the result is 0, not x; with a non-power-of-two the result is
 * whatever the mask gives. The simulator must reproduce both, so nothing here special-cases them.
 */
export function ALIGN(x: bigint, a: bigint): bigint {
  const m = u64(a - 1n);
  return u64(x + m) & u64(~m);
}

/** ALIGN_DOWN(x, a) = x & ~(a - 1). */
export function ALIGN_DOWN(x: bigint, a: bigint): bigint {
  return u64(x) & u64(~u64(a - 1n));
}

export function isPowerOfTwo(a: bigint): boolean {
  // Section alignments are small: test those on a double, with no bigint made.
  if (a > 0n && a <= SMALL_ALIGN) {
    const n = Number(a);
    return (n & (n - 1)) === 0;
  }
  return a > 0n && (a & (a - 1n)) === 0n;
}

/**
 * A u64 as the layout loops carry it: an exact double while it is below 2^53, a bigint above. Each
 * step on bigints makes several new ones, and a loop over fifteen thousand sections per load made
 * the garbage collector the largest cost of a simulation; on doubles it makes none.
 */
export type U64 = number | bigint;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_N = BigInt(MAX_SAFE);
/** Alignments up to this are powers of two a double can test with 32-bit operators. */
const SMALL_ALIGN = 0x4000_0000n;

/** x as the layout loops carry it. */
export function narrow(x: bigint): U64 {
  return x <= MAX_SAFE_N ? Number(x) : x;
}

export function bigU64(x: U64): bigint {
  return typeof x === "number" ? BigInt(x) : x;
}

/** ALIGN(x, a), on doubles when `a` is a power of two up to 2^30 and the result stays below 2^53. */
export function alignU64(x: U64, a: bigint): U64 {
  if (typeof x === "number" && a <= SMALL_ALIGN) {
    const n = Number(a);
    if (n !== 0 && (n & (n - 1)) === 0) {
      // x / n is exact (n is a power of two), so is the ceiling, so is the product below 2^53.
      const r = Math.ceil(x / n) * n;
      if (r <= MAX_SAFE) return r;
    }
  }
  return narrow(ALIGN(bigU64(x), a));
}

/** u64(x + y). */
export function addU64(x: U64, y: U64): U64 {
  if (typeof x === "number") {
    const r = x + (typeof y === "number" ? y : y <= MAX_SAFE_N ? Number(y) : NaN);
    if (r <= MAX_SAFE) return r;
  }
  return narrow(u64(bigU64(x) + bigU64(y)));
}

/** u64(x - y). */
export function subU64(x: U64, y: U64): U64 {
  if (typeof x === "number" && typeof y === "number" && x >= y) return x - y;
  return narrow(u64(bigU64(x) - bigU64(y)));
}

/** Whether x + y (not wrapped) is above `limit`. */
export function sumAbove(x: U64, y: bigint, limit: bigint): boolean {
  if (typeof x === "number" && y <= MAX_SAFE_N) {
    const r = x + Number(y);
    if (r <= MAX_SAFE) return r > limit;
  }
  return bigU64(x) + y > limit;
}

/** Reinterprets the low 64 bits as signed (the kernel's `(s64)value`). */
export function s64(x: bigint): bigint {
  return BigInt.asIntN(64, x);
}

/** `"0x"` + lowercase hex, as the kernel's `0x%lx` prints an unsigned long. */
export function hex(x: bigint | number): string {
  return "0x" + x.toString(16);
}

/** Hex for values that may be negative in our display (addends): `-0x4`. */
export function signedHex(x: bigint): string {
  return x < 0n ? "-0x" + (-x).toString(16) : "0x" + x.toString(16);
}

/** Parses "0x1000", "4096", "4G", "64GiB", "640K" into a bigint; undefined when it is not a number. */
export function parseSize(text: string): bigint | undefined {
  const m = /^\s*(0x[0-9a-f]+|\d+)\s*([kmgt]i?b?)?\s*$/i.exec(text);
  if (!m) return undefined;
  const base = BigInt(m[1]!);
  const unit = (m[2] ?? "").toLowerCase()[0];
  const shift = unit === "k" ? 10n : unit === "m" ? 20n : unit === "g" ? 30n : unit === "t" ? 40n : 0n;
  return base << shift;
}

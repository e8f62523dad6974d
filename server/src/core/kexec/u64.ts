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
  return a > 0n && (a & (a - 1n)) === 0n;
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

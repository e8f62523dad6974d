// Numbers in linker scripts, as GNU ld reads them (ldlex.l's number rules and bfd_scan_vma).

/** Parse a number as GNU ld reads it: 0x/$ hex, leading-0 octal, h/o/b/d radix and K/M/G suffixes. */
export function parseNumber(text: string): bigint | undefined {
  let t = text;
  let mult = 1n;
  // K, M and G are never digits, even in hex, so a trailing one is always the size suffix.
  const suffix = /[KMG]$/i.exec(t);
  if (suffix) {
    mult = { K: 1024n, M: 1024n * 1024n, G: 1024n * 1024n * 1024n }[
      suffix[0].toUpperCase() as "K" | "M" | "G"
    ];
    t = t.slice(0, -1);
  }
  let v: bigint | undefined;
  if (/^[1-9][0-9]*$/.test(t) || t === "0") v = scanVma(t, 10);
  else if (/^0x[0-9a-f]+$/i.test(t)) v = scanVma(t.slice(2), 16);
  else if (/^\$[0-9a-f]+$/i.test(t)) v = scanVma(t.slice(1), 16);
  else if (/^[0-9a-f]+h$/i.test(t)) v = scanVma(t.slice(0, -1), 16);
  else if (/^[0-7]+o$/i.test(t)) v = scanVma(t.slice(0, -1), 8);
  else if (/^0[0-7]+$/.test(t)) v = scanVma(t.slice(1), 8);
  else if (/^[01]+b$/i.test(t)) v = scanVma(t.slice(0, -1), 2);
  else if (/^[0-9]+d?$/i.test(t)) v = scanVma(t.replace(/d$/i, ""), 10);
  return v === undefined ? undefined : v * mult;
}

const MAX_VMA = (1n << 64n) - 1n;
/** Significant digits past which a number in each base is above 2^64 - 1. */
const MAX_DIGITS: Record<2 | 8 | 10 | 16, number> = { 2: 64, 8: 22, 10: 20, 16: 16 };
const RADIX_PREFIX: Record<2 | 8 | 10 | 16, string> = { 2: "0b", 8: "0o", 10: "", 16: "0x" };

/**
 * The value of validated `digits` in `base` as GNU ld reads it (bfd_scan_vma, which is strtoul on a
 * 64-bit host): a value past 2^64 - 1 saturates there, as `ld -T` shows for `a = 0x1ffffffffffffffff`
 * and `b = 99999999999999999999999` (both 0xffffffffffffffff). Only the significant digits are
 * converted, at most twenty: BigInt() of a long decimal string is quadratic in its length.
 */
function scanVma(digits: string, base: 2 | 8 | 10 | 16): bigint {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  if (digits.length - i > MAX_DIGITS[base]) return MAX_VMA;
  const v = BigInt(RADIX_PREFIX[base] + digits.slice(i));
  return v > MAX_VMA ? MAX_VMA : v;
}

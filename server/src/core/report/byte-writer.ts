// Writing reports as bytes: the pieces of a relocation row (names encoded once, numbers digit by
// digit) go straight into a chunk. Each writer writes at `pos` and returns the new position; plain
// functions over primitives, so that the row loops calling them stay optimised. Formatting a million
// rows through strings (Number#toString(16) on doubles above 2^31, template literals, concatenation)
// took several times the simulation itself.

const HEX_DIGITS = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const TWO_32 = 0x1_0000_0000;

export function putBytes(buf: Uint8Array, pos: number, b: Uint8Array): number {
  const n = b.length;
  // Short pieces by hand (TypedArray#set costs a call); longer ones by memcpy.
  if (n > 16) buf.set(b, pos);
  else for (let k = 0; k < n; k++) buf[pos + k] = b[k]!;
  return pos + n;
}

function reverse(buf: Uint8Array, from: number, to: number): void {
  for (let x = from, y = to - 1; x < y; x++, y--) {
    const c = buf[x]!;
    buf[x] = buf[y]!;
    buf[y] = c;
  }
}

/** Decimal of a non-negative integer below 2^53. */
export function putDec(buf: Uint8Array, pos: number, x: number): number {
  if (x < 10) {
    buf[pos] = 48 + x;
    return pos + 1;
  }
  const start = pos;
  while (x > 0) {
    const q = x < 0x8000_0000 ? (x / 10) | 0 : Math.floor(x / 10);
    buf[pos++] = 48 + (x - q * 10);
    x = q;
  }
  reverse(buf, start, pos);
  return pos;
}

/** Hex digits of a 32-bit word, `digits` of them (leading zeros included), most significant first. */
function putHex32(buf: Uint8Array, pos: number, x: number, digits: number): number {
  for (let k = digits - 1; k >= 0; k--) {
    buf[pos + k] = HEX_DIGITS[x & 15]!;
    x >>>= 4;
  }
  return pos + digits;
}

/** How many hex digits a nonzero 32-bit word needs. */
function hexDigits(x: number): number {
  return (35 - Math.clz32(x)) >> 2;
}

/** Hex digits of hi·2^32 + lo (two unsigned 32-bit words). */
function putHexWords(buf: Uint8Array, pos: number, hi: number, lo: number): number {
  if (hi === 0) return putHex32(buf, pos, lo, lo === 0 ? 1 : hexDigits(lo));
  pos = putHex32(buf, pos, hi, hexDigits(hi));
  return putHex32(buf, pos, lo, 8);
}

/**
 * `0x…` of an exact double in the relocation table's encoding (a negative u64 x stands for 2^64 + x;
 * with `signed`, a negative value is written -0x…), in double quotes when `quoted`.
 */
export function putHex(buf: Uint8Array, pos: number, d: number, signed: boolean, quoted: boolean): number {
  if (quoted) buf[pos++] = 34;
  if (d < 0 && signed) {
    buf[pos++] = 45;
    d = -d;
  }
  buf[pos++] = 48;
  buf[pos++] = 120;
  if (d >= 0 && d < TWO_32) pos = putHexWords(buf, pos, 0, d >>> 0);
  else {
    const hiWord = Math.floor(d / TWO_32);
    pos = putHexWords(buf, pos, hiWord >>> 0, (d - hiWord * TWO_32) >>> 0);
  }
  if (quoted) buf[pos++] = 34;
  return pos;
}

/**
 * `0x…` of the 64 bits hi·2^32 + lo (with `signed`, a two's complement value written -0x… when
 * negative), in double quotes when `quoted`: the relocation table's values past the doubles.
 */
export function putHexBits(
  buf: Uint8Array,
  pos: number,
  hi: number,
  lo: number,
  signed: boolean,
  quoted: boolean,
): number {
  if (quoted) buf[pos++] = 34;
  if (signed && hi >= 0x8000_0000) {
    buf[pos++] = 45;
    // 2^64 minus the bits, word by word: invert and add one.
    const carry = lo === 0 ? 1 : 0;
    lo = (~lo + 1) >>> 0;
    hi = (~hi + carry) >>> 0;
  }
  buf[pos++] = 48;
  buf[pos++] = 120;
  pos = putHexWords(buf, pos, hi, lo);
  if (quoted) buf[pos++] = 34;
  return pos;
}

/** Spaces up to `to` (String#padEnd on bytes, for ASCII fields). */
export function padTo(buf: Uint8Array, pos: number, to: number): number {
  while (pos < to) buf[pos++] = 32;
  return pos;
}

const MAX_SAFE_N = BigInt(Number.MAX_SAFE_INTEGER);

/** `0x…` of a u64 bigint (hex() digit by digit), in double quotes when `quoted`. */
export function putHexU64(buf: Uint8Array, pos: number, x: bigint, quoted: boolean): number {
  if (x >= 0n && x <= MAX_SAFE_N) return putHex(buf, pos, Number(x), false, quoted);
  const bits = BigInt.asUintN(64, x);
  return putHexBits(buf, pos, Number(bits >> 32n), Number(bits & 0xffff_ffffn), false, quoted);
}

/** signedHex() of a signed 64-bit bigint (-0x… when negative), in double quotes when `quoted`. */
export function putSignedHex64(buf: Uint8Array, pos: number, x: bigint, quoted: boolean): number {
  if (x >= -MAX_SAFE_N && x <= MAX_SAFE_N) return putHex(buf, pos, Number(x), true, quoted);
  const bits = BigInt.asUintN(64, x);
  return putHexBits(buf, pos, Number(bits >> 32n), Number(bits & 0xffff_ffffn), true, quoted);
}

/** The most bytes putJsonString writes for one UTF-16 unit of its text (`\u001f`). */
export const JSON_BYTES_PER_UNIT = 6;

const SHORT_ESCAPES: Record<number, number> = { 8: 98, 9: 116, 10: 110, 12: 102, 13: 114 }; // \b \t \n \f \r

/**
 * `s` as JSON.stringify writes it, quotes included, encoded in UTF-8: `"` and `\` escaped, the
 * control characters as \b \t \n \f \r or \u00xx. Text past U+07FF (which an ELF name, read as
 * Latin-1, never has) goes through JSON.stringify and Buffer, for its surrogates and long forms.
 */
export function putJsonString(buf: Uint8Array, pos: number, s: string): number {
  const start = pos;
  buf[pos++] = 34;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x80) {
      if (c === 34 || c === 92) buf[pos++] = 92;
      buf[pos++] = c;
    } else if (c < 0x20) {
      buf[pos++] = 92;
      const short = SHORT_ESCAPES[c];
      if (short !== undefined) buf[pos++] = short;
      else {
        buf[pos++] = 117; // u
        buf[pos++] = 48;
        buf[pos++] = 48;
        buf[pos++] = HEX_DIGITS[c >> 4]!;
        buf[pos++] = HEX_DIGITS[c & 15]!;
      }
    } else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else {
      const b = Buffer.from(JSON.stringify(s), "utf8");
      buf.set(b, start);
      return start + b.length;
    }
  }
  buf[pos++] = 34;
  return pos;
}

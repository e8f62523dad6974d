// Character classes the readers test one code unit at a time (a regexp per character would make an
// object per character on inputs of hundreds of kilobytes).

/** The white space above U+00A0 that JavaScript's `\s` and String.prototype.trim match. */
export function isWideSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * A defect in the input object. `where` names the structure and file offset that is wrong, so a
 * user can find it with `readelf` or a hex editor; the message says what is wrong in plain words.
 */
export class ElfFormatError extends Error {
  constructor(
    message: string,
    readonly where: string,
  ) {
    super(`${message} (${where})`);
    this.name = "ElfFormatError";
  }
}

export function hex(v: bigint | number): string {
  return "0x" + v.toString(16);
}

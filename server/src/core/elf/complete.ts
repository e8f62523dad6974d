// Whether the bytes of an object are a whole ELF object, judged from its structure alone. A build
// writes purgatory.ro in pieces (GNU ld writes the ELF header last, at offset 0; a writer that sizes
// the file first leaves zeros behind), so an editor that reads it half-way must be able to tell
// without waiting for the file to settle: the ELF header, the section header table and every
// section's contents must lie inside the file, and each symbol table must agree with its string
// table. A file that passes is not proof of a finished write (a writer can still be rewriting bytes
// in place), which is why the language server also compares size and mtime around its read.
import { SHN_LORESERVE, SHT_DYNSYM, SHT_NOBITS, SHT_NULL, SHT_STRTAB, SHT_SYMTAB } from "./constants";
import { ElfFormatError } from "./errors";
import { readElf, SYM_SIZE } from "./reader";
import type { ElfFile, SectionHeader } from "./types";

export type Completeness =
  { readonly complete: true } | { readonly complete: false; readonly reason: string };

/** Whole (every structure inside the file and consistent), or the first thing that is not. */
export function elfCompleteness(bytes: Uint8Array): Completeness {
  let elf: ElfFile;
  try {
    elf = readElf(bytes);
  } catch (e) {
    if (e instanceof ElfFormatError) return { complete: false, reason: e.message };
    throw e;
  }
  const incomplete = (reason: string): Completeness => ({ complete: false, reason });
  const names = elf.sections[elf.shstrndx]!;
  if (!endsInNul(elf, names))
    return incomplete(`the section name table (section ${names.index}) does not end in a NUL byte`);
  for (const tab of elf.sections) {
    if (tab.sh_type !== SHT_SYMTAB && tab.sh_type !== SHT_DYNSYM) continue;
    const why = symbolTableProblem(elf, tab);
    if (why !== undefined) return incomplete(`symbol table ${tab.name || tab.index}: ${why}`);
  }
  return { complete: true };
}

/** A string table's last byte is NUL (a table cut short, or not written yet, is not). */
function endsInNul(elf: ElfFile, s: SectionHeader): boolean {
  if (s.sh_type === SHT_NOBITS || s.sh_type === SHT_NULL) return false;
  if (s.sh_size === 0n) return true;
  return elf.bytes[Number(s.sh_offset + s.sh_size) - 1] === 0;
}

/** What makes a symbol table disagree with its string table or the section count, if anything. */
function symbolTableProblem(elf: ElfFile, tab: SectionHeader): string | undefined {
  const size = SYM_SIZE[elf.header.bits];
  if (tab.sh_size % BigInt(size) !== 0n)
    return `its ${tab.sh_size} bytes are not a whole number of ${size}-byte symbols`;
  const strtab = elf.sections[tab.sh_link]!;
  if (strtab.sh_type !== SHT_STRTAB) return `its sh_link ${tab.sh_link} is not a string table`;
  if (strtab.sh_size === 0n || !endsInNul(elf, strtab))
    return `its string table (section ${strtab.index}) is empty or does not end in a NUL byte`;
  const le = elf.header.littleEndian;
  const view = new DataView(elf.bytes.buffer, elf.bytes.byteOffset, elf.bytes.byteLength);
  const base = Number(tab.sh_offset);
  const count = Number(tab.sh_size) / size;
  const strSize = Number(strtab.sh_size);
  const shnum = elf.sections.length;
  // st_name is the first word in both classes; st_shndx is the last half-word of ELF32's 16 bytes
  // and at offset 6 of ELF64's 24.
  const shndxAt = elf.header.bits === 64 ? 6 : 14;
  for (let k = 0; k < count; k++) {
    const o = base + k * size;
    const st_name = view.getUint32(o, le);
    if (st_name >= strSize)
      return `symbol ${k}'s name offset ${st_name} is past its ${strSize}-byte string table`;
    const st_shndx = view.getUint16(o + shndxAt, le);
    if (st_shndx >= shnum && st_shndx < SHN_LORESERVE)
      return `symbol ${k} is in section ${st_shndx}, but there are ${shnum} sections`;
  }
  return undefined;
}

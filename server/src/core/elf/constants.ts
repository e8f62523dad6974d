// ELF constants from the System V gABI and the x86-64/s390x/RISC-V/PowerPC psABIs.
// Only what the loaders and the reports use; names are the specification's own.

export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;

export const ET_NONE = 0;
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_HASH = 5;
export const SHT_DYNAMIC = 6;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_DYNSYM = 11;
export const SHT_INIT_ARRAY = 14;
export const SHT_FINI_ARRAY = 15;
export const SHT_GROUP = 17;
export const SHT_SYMTAB_SHNDX = 18;
export const SHT_LLVM_ADDRSIG = 0x6fff4c03;
export const SHT_GNU_ATTRIBUTES = 0x6ffffff5;
export const SHT_X86_64_UNWIND = 0x70000001;

export const SHF_WRITE = 0x1n;
export const SHF_ALLOC = 0x2n;
export const SHF_EXECINSTR = 0x4n;
export const SHF_MERGE = 0x10n;
export const SHF_STRINGS = 0x20n;
export const SHF_INFO_LINK = 0x40n;
export const SHF_LINK_ORDER = 0x80n;
export const SHF_GROUP = 0x200n;
export const SHF_TLS = 0x400n;
export const SHF_EXCLUDE = 0x80000000n;
/** x86-64 psABI: section holds data or code placed by the large code model (`.ltext`, `.ldata`). */
export const SHF_X86_64_LARGE = 0x10000000n;

export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;

export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;

export const EM_386 = 3;
export const EM_PPC = 20;
export const EM_PPC64 = 21;
export const EM_S390 = 22;
export const EM_ARM = 40;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;
export const EM_LOONGARCH = 258;

const MACHINE_NAMES: Record<number, string> = {
  [EM_386]: "i386",
  [EM_PPC]: "ppc",
  [EM_PPC64]: "ppc64",
  [EM_S390]: "s390",
  [EM_ARM]: "arm",
  [EM_X86_64]: "x86_64",
  [EM_AARCH64]: "aarch64",
  [EM_RISCV]: "riscv",
  [EM_LOONGARCH]: "loongarch",
};

export function machineName(em: number): string {
  return MACHINE_NAMES[em] ?? `EM_${em}`;
}

const SECTION_TYPE_NAMES: Record<number, string> = {
  [SHT_NULL]: "NULL",
  [SHT_PROGBITS]: "PROGBITS",
  [SHT_SYMTAB]: "SYMTAB",
  [SHT_STRTAB]: "STRTAB",
  [SHT_RELA]: "RELA",
  [SHT_HASH]: "HASH",
  [SHT_DYNAMIC]: "DYNAMIC",
  [SHT_NOTE]: "NOTE",
  [SHT_NOBITS]: "NOBITS",
  [SHT_REL]: "REL",
  [SHT_DYNSYM]: "DYNSYM",
  [SHT_INIT_ARRAY]: "INIT_ARRAY",
  [SHT_FINI_ARRAY]: "FINI_ARRAY",
  [SHT_GROUP]: "GROUP",
  [SHT_SYMTAB_SHNDX]: "SYMTAB_SHNDX",
  [SHT_LLVM_ADDRSIG]: "LLVM_ADDRSIG",
  [SHT_GNU_ATTRIBUTES]: "GNU_ATTRIBUTES",
  [SHT_X86_64_UNWIND]: "X86_64_UNWIND",
};

export function sectionTypeName(type: number): string {
  return SECTION_TYPE_NAMES[type] ?? `0x${type.toString(16)}`;
}

/** readelf's one-letter flag key, so our section tables read like `readelf -S`. */
const FLAG_LETTERS: readonly (readonly [bigint, string])[] = [
  [SHF_WRITE, "W"],
  [SHF_ALLOC, "A"],
  [SHF_EXECINSTR, "X"],
  [SHF_MERGE, "M"],
  [SHF_STRINGS, "S"],
  [SHF_INFO_LINK, "I"],
  [SHF_LINK_ORDER, "L"],
  [SHF_GROUP, "G"],
  [SHF_TLS, "T"],
  [SHF_EXCLUDE, "E"],
];

/** Letters already worked out, per flags value: an object has few distinct values, many sections. */
const lettersSeen = { x86: new Map<bigint, string>(), other: new Map<bigint, string>() };

export function sectionFlagLetters(flags: bigint, machine: number = EM_X86_64): string {
  // The large-section bit is processor-specific: only x86-64 gives 0x10000000 that meaning.
  const x86 = machine === EM_X86_64;
  const seen = x86 ? lettersSeen.x86 : lettersSeen.other;
  let letters = seen.get(flags);
  if (letters !== undefined) return letters;
  letters = "";
  for (const [bit, l] of FLAG_LETTERS) if ((flags & bit) !== 0n) letters += l;
  if (x86 && (flags & SHF_X86_64_LARGE) !== 0n) letters += "l";
  // Bounded: hostile objects can carry a different value in every header.
  if (seen.size >= 4096) seen.clear();
  seen.set(flags, letters);
  return letters;
}

export function bindName(bind: number): string {
  return ["LOCAL", "GLOBAL", "WEAK"][bind] ?? `BIND_${bind}`;
}

export function symbolTypeName(type: number): string {
  return ["NOTYPE", "OBJECT", "FUNC", "SECTION", "FILE", "COMMON", "TLS"][type] ?? `TYPE_${type}`;
}

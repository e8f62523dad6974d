/** The ELF file header as stored, with 64-bit fields as bigint. */
export interface ElfHeader {
  /** 32 or 64, from e_ident[EI_CLASS]. */
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  readonly osabi: number;
  readonly e_type: number;
  readonly e_machine: number;
  readonly e_version: number;
  readonly e_entry: bigint;
  readonly e_phoff: bigint;
  readonly e_shoff: bigint;
  readonly e_flags: number;
  readonly e_ehsize: number;
  readonly e_phentsize: number;
  readonly e_phnum: number;
  readonly e_shentsize: number;
  /** As stored. 0 with e_shoff != 0 means "see sh_size of section 0" (SHN_XINDEX scheme). */
  readonly e_shnum: number;
  /** As stored. SHN_XINDEX means "see sh_link of section 0". */
  readonly e_shstrndx: number;
}

/** One section header as stored, plus its resolved name. */
export interface SectionHeader {
  readonly index: number;
  readonly name: string;
  readonly sh_name: number;
  readonly sh_type: number;
  readonly sh_flags: bigint;
  readonly sh_addr: bigint;
  readonly sh_offset: bigint;
  readonly sh_size: bigint;
  readonly sh_link: number;
  readonly sh_info: number;
  readonly sh_addralign: bigint;
  readonly sh_entsize: bigint;
}

export interface ElfSymbol {
  /** Index in its symbol table. */
  readonly index: number;
  /** From the table's linked string table; "" when st_name is 0. */
  readonly name: string;
  readonly st_name: number;
  readonly st_info: number;
  readonly st_other: number;
  /** As stored (16 bits): SHN_XINDEX stays SHN_XINDEX here, see `shndx`. */
  readonly st_shndx: number;
  /** The section index with SHN_XINDEX resolved through SHT_SYMTAB_SHNDX. */
  readonly shndx: number;
  readonly st_value: bigint;
  readonly st_size: bigint;
  readonly bind: number;
  readonly type: number;
}

export interface ElfRelocation {
  /** Index of the entry in its relocation section. */
  readonly index: number;
  readonly r_offset: bigint;
  readonly r_info: bigint;
  readonly sym: number;
  readonly type: number;
  /** r_addend for RELA; 0 for REL (the implicit addend sits in the section contents). */
  readonly r_addend: bigint;
}

export interface ElfFile {
  readonly bytes: Uint8Array;
  readonly header: ElfHeader;
  /** Every section header, with the real count when the SHN_XINDEX scheme is used. */
  readonly sections: readonly SectionHeader[];
  /** The section name string table index after SHN_XINDEX resolution. */
  readonly shstrndx: number;
  /** Things a strict reader noticed that do not stop it (the loaders decide what they mean). */
  readonly warnings: readonly string[];
}

export type ParseResult =
  { ok: true; elf: ElfFile } | { ok: false; error: { message: string; where: string } };

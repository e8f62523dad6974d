// build_elf_rel_info(): what kexec-tools' generic ELF reader (kexec/kexec-elf.c build_elf_info) and
// its relocatable-object checks refuse before anything is loaded. Most refusals are silent (their
// fprintf sits behind a probe_debug that is compiled as 0); the caller then dies with
// "ELF rel parse failed". Only the entsize and note checks print.

import { kernelSections } from "../kexec/purgatory";
import {
  ELFCLASS32,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  ET_REL,
  SHT_DYNAMIC,
  SHT_NOBITS,
  SHT_NOTE,
  SHT_REL,
  SHT_RELA,
  SHT_SYMTAB,
} from "../elf/constants";
import type { ElfFile } from "../elf/types";
import type { KexecToolsVersion } from "./version";
import type { KtArch } from "./types";

export interface ElfRelCheck {
  /** Lines the reader prints to stderr on the way (fprintf without probe_debug). */
  readonly stderr: string[];
  /** Why build_elf_rel_info returns -1; undefined when it accepts the object. */
  readonly refused?: string;
}

const EV_CURRENT = 1;

/** sizeof(Elf{32,64}_{Sym,Rela,Dyn,Rel}) the entsize check compares against. */
function entsizeFor(type: number, bits: 32 | 64): bigint | undefined {
  switch (type) {
    case SHT_SYMTAB:
      return bits === 64 ? 24n : 16n;
    case SHT_RELA:
      return bits === 64 ? 24n : 12n;
    case SHT_DYNAMIC:
      return bits === 64 ? 16n : 8n;
    case SHT_REL:
      return bits === 64 ? 16n : 8n;
    default:
      return undefined;
  }
}

export function checkElfRel(elf: ElfFile, arch: KtArch, version: KexecToolsVersion): ElfRelCheck {
  const stderr: string[] = [];
  const h = elf.header;
  const b = elf.bytes;
  const len = BigInt(b.byteLength);
  if (b[4] !== ELFCLASS32 && b[4] !== ELFCLASS64) return { stderr, refused: "not a supported ELF class" };
  if (b[5] !== ELFDATA2LSB && b[5] !== ELFDATA2MSB)
    return { stderr, refused: "not a supported ELF data format" };
  const ehsize = h.bits === 64 ? 64 : 52;
  if (h.e_ehsize !== ehsize) return { stderr, refused: `e_ehsize is ${h.e_ehsize}, not ${ehsize}` };
  const phentsize = h.bits === 64 ? 56 : 32;
  if (h.e_phnum > 0 && h.e_phentsize !== phentsize) {
    return { stderr, refused: `e_phentsize is ${h.e_phentsize}, not ${phentsize}` };
  }
  const shentsize = h.bits === 64 ? 64 : 40;
  if (h.e_shnum > 0 && h.e_shentsize !== shentsize) {
    return { stderr, refused: `e_shentsize is ${h.e_shentsize}, not ${shentsize}` };
  }
  if (b[6] !== EV_CURRENT || h.e_version !== EV_CURRENT) return { stderr, refused: "unknown ELF version" };
  if (h.e_phoff > 0n && h.e_phnum > 0 && h.e_phoff + BigInt(h.e_phnum * phentsize) > len) {
    return { stderr, refused: "the program headers do not fit in the file" };
  }
  const hasShdrs = h.e_shoff > 0n && h.e_shnum > 0;
  if (hasShdrs) {
    if (h.e_shoff + BigInt(h.e_shnum * shentsize) > len) {
      return { stderr, refused: "the section headers do not fit in the file" };
    }
    const sections = kernelSections(elf);
    for (let n = 0; n < sections.length; n++) {
      const s = sections[n]!;
      const want = entsizeFor(s.sh_type, h.bits);
      if (want !== undefined && s.sh_entsize !== want) {
        stderr.push(`Bad section header(${s.sh_type.toString(16)}) entsize: ${s.sh_entsize}`);
        return {
          stderr,
          refused: `section ${s.index} (${s.name}) has sh_entsize ${s.sh_entsize}, not ${want}`,
        };
      }
      if (s.sh_type !== SHT_NOBITS && s.sh_offset + s.sh_size > len) {
        return { stderr, refused: `section ${s.index} (${s.name}) is not in the file` };
      }
      const wraps = h.bits === 64 ? s.sh_addr + s.sh_size >= 1n << 64n : s.sh_addr + s.sh_size >= 1n << 32n;
      if (wraps) return { stderr, refused: `section ${s.index} (${s.name}): sh_addr + sh_size wraps around` };
    }
    const notes = checkNotes(elf);
    stderr.push(...notes.stderr);
    if (notes.refused) return { stderr, refused: notes.refused };
  }
  if (h.e_type !== ET_REL) return { stderr, refused: `e_type is ${h.e_type}, not ET_REL` };
  if (!hasShdrs) return { stderr, refused: "there are no section headers (e_shoff or e_shnum is 0)" };
  if (!arch.verify(elf, version)) {
    return { stderr, refused: `machine_verify_elf_rel() for ${arch.id} refuses it` };
  }
  return { stderr };
}

/** build_mem_notes over the first SHT_NOTE section (an ET_REL has no PT_NOTE). */
function checkNotes(elf: ElfFile): ElfRelCheck {
  const stderr: string[] = [];
  const note = kernelSections(elf).find((s) => s.sh_type === SHT_NOTE);
  if (!note) return { stderr };
  const b = elf.bytes;
  const le = elf.header.littleEndian;
  const u32 = (at: number): number =>
    le
      ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
      : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  const start = Number(note.sh_offset);
  const end = start + Number(note.sh_size);
  // _ALIGN(n_namesz, 4) is computed in the 32-bit type of the field (it wraps), the sum in
  // unsigned long; in doubles or int32 a huge n_namesz gives a negative or zero step instead.
  const align4 = (n: number): bigint => (BigInt(n) + 3n) & 0xfffffffcn;
  for (let at = start; at < end;) {
    if (at + 12 > b.byteLength) return { stderr, refused: "a note header runs past the end of the file" };
    const namesz = u32(at);
    const descsz = u32(at + 4);
    const size = 12n + align4(namesz) + align4(descsz);
    if (BigInt(at) + size > BigInt(end)) {
      stderr.push("ELF Note corrupted !");
      return { stderr, refused: `the note at file offset 0x${at.toString(16)} runs past its section` };
    }
    if (namesz !== 0 && b[at + 12 + namesz - 1] !== 0)
      stderr.push("Warning: Elf Note name is not null terminated");
    at += Number(size);
  }
  return { stderr };
}

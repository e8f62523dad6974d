// kexec-tools' symbol helpers (elf_rel_find_symbol, elf_rel_get_addr, elf_rel_get_symbol,
// elf_rel_set_symbol). Stricter than the kernel's: a first GLOBAL match with a bad section index is
// fatal, so is a symbol that is missing, and every failure dies with its own message.

import { kernelSections } from "../kexec/purgatory";
import { SHN_UNDEF, SHT_NOBITS, SHT_SYMTAB, STB_GLOBAL } from "../elf/constants";
import { readSymbol, symbolCount } from "../elf/reader";
import type { ElfFile, ElfSymbol } from "../elf/types";
import { u64 } from "../kexec/u64";
import type { KtLayout } from "./layout";
import type { KtSymbolOp } from "./types";

export type KtFind = { found: ElfSymbol } | { die: string } | { missing: true };

export function ktFindSymbol(elf: ElfFile, name: string): KtFind {
  const shnum = elf.header.e_shnum;
  const sections = kernelSections(elf);
  for (let si = 0; si < sections.length; si++) {
    const s = sections[si]!;
    if (s.sh_type !== SHT_SYMTAB || s.sh_link > shnum) continue;
    const n = symbolCount(elf, s.index);
    for (let k = 0; k < n; k++) {
      const sym = readSymbol(elf, s.index, k);
      if (sym.bind !== STB_GLOBAL || sym.name !== name) continue;
      if (sym.st_shndx === SHN_UNDEF || sym.st_shndx > shnum) {
        return { die: `Symbol: ${name} has Bad section index ${sym.st_shndx}` };
      }
      return { found: sym };
    }
  }
  return { missing: true };
}

export type KtSymbolResult =
  | { readonly ok: true; readonly addr: bigint }
  | { readonly ok: false; readonly die: string; readonly why: string }
  | { readonly ok: false; readonly undefinedBehaviour: string };

/** One get / set / addr call. A set's bytes are the loader's run-time values: the buffer is left as relocated. */
export function ktSymbolOp(elf: ElfFile, layout: KtLayout, op: KtSymbolOp): KtSymbolResult {
  const f = ktFindSymbol(elf, op.name);
  if ("die" in f) return { ok: false, die: f.die, why: "bad-section-index" };
  if ("missing" in f) {
    const verb = op.op === "addr" ? "retrive it's address" : op.op === "get" ? "get" : "set";
    return { ok: false, die: `Symbol: ${op.name} not found cannot ${verb}`, why: "not-found" };
  }
  const sym = f.found;
  if (sym.st_shndx === elf.header.e_shnum) {
    return {
      ok: false,
      undefinedBehaviour: `${op.name} has st_shndx ${sym.st_shndx} == e_shnum: kexec-tools reads past its section header array`,
    };
  }
  const sec = layout.sechdrs[sym.st_shndx];
  const addr = sec ? u64(sec.sh_addr + sym.st_value) : sym.st_value;
  if (op.op === "addr") return { ok: true, addr };
  if (sym.st_size !== BigInt(op.size ?? 0)) {
    return { ok: false, die: `Symbol: ${op.name} has size: ${sym.st_size} not ${op.size}`, why: "size" };
  }
  if (!sec) {
    // SHN_ABS and the other reserved indices above e_shnum were refused by find; only e_shnum is left.
    return { ok: false, undefinedBehaviour: `${op.name} has reserved st_shndx ${sym.st_shndx}` };
  }
  // The bss wording is "cannot set" for both get and set.
  if (sec.type === SHT_NOBITS) {
    return { ok: false, die: `Symbol: ${op.name} is in a bss section cannot set`, why: "bss" };
  }
  if (!sec.inBuffer || sym.st_value + BigInt(op.size ?? 0) > sec.size) {
    return {
      ok: false,
      undefinedBehaviour: `${op.name} (${op.size} bytes at ${sec.name}+0x${sym.st_value.toString(16)}) is not inside a loaded section: kexec-tools would access memory outside it`,
    };
  }
  return { ok: true, addr };
}

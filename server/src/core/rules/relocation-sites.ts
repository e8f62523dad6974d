// Where a relocation finding points in the user's files: each relocation's source-level name (the
// symbol, or for a section symbol or a compiler label the function or object its target falls in),
// and the "TYPE symbol" sites the editor matches against the input objects.

import { SHT_SYMTAB } from "../elf/constants";
import { kernelSymbolName } from "../kexec/relocate";
import { readRelocations, readSymbol, readSymbols, symbolCount } from "../elf/reader";
import type { ElfFile, ElfSymbol } from "../elf/types";
import type { RelocationRecord } from "../kexec/relocate";
import { unique } from "./finding";
import type { Attachment } from "./types";

/** How many relocation sites a finding names at most, in its evidence and as source places. */
export const MAX_SITES = 8;

/** A relocation site as the rules hand it to the editor: "TYPE symbol", the symbol as the kernel names it. */
export function relocationSite(typeName: string, symbol: string): string {
  return `${typeName} ${symbol}`;
}

/** Whether the record's symbol is a section symbol (no name of its own, so no source line names it). */
function isSectionSymbol(elf: ElfFile, r: RelocationRecord): boolean {
  return elf.sections[r.symShndx]?.name === r.symbol;
}

/** Labels only the compiler writes (anchors, constants, numbered labels): no source line names them. */
const COMPILER_LABEL = /^\.L(ANCHOR|C|\d)/;

/**
 * The source-level name behind a relocation: the symbol itself, or for a section symbol or a compiler
 * label, the named object or function that the target address (symbol value + addend) falls in.
 * `symbolsOf` gives a symbol table's symbols (read once per call of siteAttachments).
 */
function sourceName(
  elf: ElfFile,
  r: RelocationRecord,
  symbolsOf: (index: number) => readonly ElfSymbol[],
): string | undefined {
  if (!isSectionSymbol(elf, r) && !COMPILER_LABEL.test(r.symbol)) return r.symbol;
  const symtab = elf.sections[elf.sections[r.relSection]?.sh_link ?? -1];
  if (!symtab || symtab.sh_type !== SHT_SYMTAB) return undefined;
  try {
    const target = readSymbol(elf, symtab.index, r.symIndex).st_value + r.A;
    return symbolsOf(symtab.index).find(
      (s) =>
        s.st_shndx === r.symShndx &&
        s.st_name !== 0 &&
        !s.name.startsWith(".L") &&
        s.st_value <= target &&
        target < s.st_value + (s.st_size > 0n ? s.st_size : 1n),
    )?.name;
  } catch {
    return undefined; // a corrupt table: no source place for this one
  }
}

/**
 * Where the relocations come from: each named symbol's references in the sources (the line that needs
 * the relocation), with the sites as evidence so the editor can also point at the objects carrying them.
 * The first MAX_SITES names; each distinct (section, symbol, addend) is looked up once, so forty
 * thousand relocations against one section symbol do not read its table forty thousand times.
 */
export function siteAttachments(elf: ElfFile, recs: readonly RelocationRecord[]): Attachment[] {
  const tables = new Map<number, readonly ElfSymbol[]>();
  const symbolsOf = (index: number): readonly ElfSymbol[] => {
    let list = tables.get(index);
    if (list === undefined) tables.set(index, (list = readSymbols(elf, index)));
    return list;
  };
  const seen = new Set<string>();
  const names = new Set<string>();
  for (const r of recs) {
    const key = `${r.relSection} ${r.symIndex} ${r.A}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const name = sourceName(elf, r, symbolsOf);
    if (name === undefined) continue;
    names.add(name);
    if (names.size === MAX_SITES) break;
  }
  return [...names].map((name) => ({ kind: "symbol", name, role: "reference" }) as const);
}

export function sites(recs: readonly RelocationRecord[]): string[] {
  return unique(recs.map((r) => relocationSite(r.typeName, r.symbol))).slice(0, MAX_SITES);
}

/** Names of the symbols a RELA section's entries use, skipping section symbols (unnamed). */
export function relaSymbols(elf: ElfFile, relIndex: number): string[] {
  const symtab = elf.sections[elf.sections[relIndex]!.sh_link];
  if (!symtab || symtab.sh_type !== SHT_SYMTAB) return [];
  try {
    const n = symbolCount(elf, symtab.index);
    return readRelocations(elf, relIndex)
      .filter((r) => r.sym > 0 && r.sym < n)
      .map((r) => readSymbol(elf, symtab.index, r.sym))
      .filter((sym) => sym.st_name !== 0)
      .map((sym) => kernelSymbolName(elf, sym));
  } catch {
    return []; // a corrupt table: the finding still stands, without source places
  }
}

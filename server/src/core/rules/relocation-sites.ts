// Where a relocation finding points in the user's files: each relocation's source-level name (the
// symbol, or for a section symbol or a compiler label the function or object its target falls in),
// and the "TYPE symbol" sites the editor matches against the input objects.

import { SHT_SYMTAB } from "../elf/constants";
import { kernelSymbolName } from "../kexec/relocate";
import { relocationEntries } from "../elf/relocation-entries";
import { readSymbol, readSymbols, symbolCount } from "../elf/reader";
import type { ElfFile, ElfSymbol } from "../elf/types";
import type { RelocationRecord } from "../kexec/relocate";
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

/** The first MAX_SITES distinct sites, each (type, symbol) pair formatted once. */
export function sites(recs: readonly RelocationRecord[]): string[] {
  const out: string[] = [];
  const pairs = new Map<string, Set<string>>();
  const seen = new Set<string>();
  for (const r of recs) {
    let symbols = pairs.get(r.typeName);
    if (symbols === undefined) pairs.set(r.typeName, (symbols = new Set()));
    if (symbols.has(r.symbol)) continue;
    symbols.add(r.symbol);
    const site = relocationSite(r.typeName, r.symbol);
    if (seen.has(site)) continue;
    seen.add(site);
    out.push(site);
    if (out.length === MAX_SITES) break;
  }
  return out;
}

/**
 * Names of the symbols a RELA section's entries use, each once, in the order of first use, skipping
 * section symbols (unnamed). Each distinct symbol index is read once: a section can hold tens of
 * thousands of entries against a handful of symbols.
 */
export function relaSymbols(elf: ElfFile, relIndex: number): string[] {
  const symtab = elf.sections[elf.sections[relIndex]!.sh_link];
  if (!symtab || symtab.sh_type !== SHT_SYMTAB) return [];
  try {
    const n = symbolCount(elf, symtab.index);
    const { sym: symIdx, count } = relocationEntries(elf, relIndex);
    const seen = new Set<number>();
    const names = new Set<string>();
    for (let i = 0; i < count; i++) {
      const k = symIdx[i]!;
      if (k === 0 || k >= n || seen.has(k)) continue;
      seen.add(k);
      const sym = readSymbol(elf, symtab.index, k);
      if (sym.st_name !== 0) names.add(kernelSymbolName(elf, sym));
    }
    return [...names];
  } catch {
    return []; // a corrupt table: the finding still stands, without source places
  }
}

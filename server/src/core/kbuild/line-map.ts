// Relocation sites to source lines through the object's own DWARF line tables. Each relocation
// patches a field inside an instruction (or datum) at r_offset of its target section; the line table
// row covering that address is the line the compiler emitted it for. Only code has rows: a
// relocation in a data section (a pointer in an initialiser) has no line here.
import { posix } from "node:path";
import { lineAt, readDebugLine } from "../elf/dwarf-line";
import type { ElfFile } from "../elf/types";

/** A relocation as the simulation records it (the fields this needs). */
export interface RelocationAt {
  readonly target: number;
  readonly r_offset: bigint;
  readonly typeName: string;
  readonly symbol: string;
}

export interface RelocationLine {
  readonly symbol: string;
  readonly typeName: string;
  /** One of the purgatory's sources (the line table's file name matched to it). */
  readonly path: string;
  /** 0-based line. */
  readonly line: number;
  /** 0-based column, when the compiler recorded one. */
  readonly column?: number;
}

/**
 * The source a line table's file name stands for: the known source whose path ends with the most of
 * the name's segments (at least the file name). Line tables name files relative to the compilation
 * folder ("arch/x86/purgatory/purgatory.c") or absolutely, possibly where the tree was built elsewhere.
 */
export function matchSource(name: string, sources: readonly string[]): string | undefined {
  const want = posix.normalize(name).split("/").reverse();
  let best: string | undefined;
  let bestScore = 0;
  for (const s of sources) {
    const have = posix.normalize(s).split("/").reverse();
    let k = 0;
    while (k < want.length && k < have.length && want[k] === have[k]) k++;
    if (k > bestScore) {
      best = s;
      bestScore = k;
    }
  }
  return best;
}

/** The source lines of the relocations, for the ones the line tables cover. */
export function relocationLines(
  elf: ElfFile,
  relocations: Iterable<RelocationAt>,
  sources: readonly string[],
): RelocationLine[] {
  const dl = readDebugLine(elf);
  if (dl.tables.length === 0) return [];
  const out: RelocationLine[] = [];
  const seen = new Set<string>();
  for (const r of relocations) {
    const at = lineAt(dl, r.target, r.r_offset);
    if (!at || at.line === 0) continue;
    const path = matchSource(at.path, sources);
    if (!path) continue;
    const key = `${r.typeName} ${r.symbol} ${path}:${at.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      symbol: r.symbol,
      typeName: r.typeName,
      path,
      line: at.line - 1,
      ...(at.column > 0 ? { column: at.column - 1 } : {}),
    });
  }
  return out;
}

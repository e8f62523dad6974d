// The kernel's purgatory symbol helpers: kexec_purgatory_find_symbol, _get_symbol_addr and
// _get_set_symbol, with their messages and their blind spots.

import { STB_GLOBAL, SHN_UNDEF, SHT_NOBITS, SHT_SYMTAB } from "../elf/constants";
import { readSymbol, symbolCount } from "../elf/reader";
import type { ElfFile, ElfSymbol } from "../elf/types";
import type { KernelModel } from "./kernel";
import { PREFIX, type KernelLog } from "./log";
import { kernelSections, type Layout } from "./purgatory";
import { sliceOf } from "./staging";
import { u64 } from "./u64";

export interface FoundSymbol {
  readonly symtab: number;
  readonly sym: ElfSymbol;
}

/**
 * One symbol table as the kernel's lookups walk it, read once per object: every symbol up to the
 * first one that cannot be read (a name outside the string table, SHN_XINDEX without its table).
 * A walk reaching that symbol throws its error, so the symbols after it are never looked at.
 */
interface WalkedTable {
  readonly symtab: number;
  /** Every symbol before `bad`, by name, in table order. */
  readonly byName: Map<string, ElfSymbol[]>;
  /** Where reading stopped, and why. */
  readonly bad: { readonly at: number; readonly error: unknown } | undefined;
}

const walked = new WeakMap<ElfFile, readonly WalkedTable[]>();

/** The SHT_SYMTAB sections the kernel searches (sh_link inside e_shnum), in section order. */
function symbolTables(elf: ElfFile): readonly WalkedTable[] {
  let tables = walked.get(elf);
  if (tables) return tables;
  const shnum = elf.header.e_shnum;
  const list: WalkedTable[] = [];
  const sections = kernelSections(elf);
  for (let si = 0; si < sections.length; si++) {
    const s = sections[si]!;
    if (s.sh_type !== SHT_SYMTAB || s.sh_link >= shnum) continue;
    const byName = new Map<string, ElfSymbol[]>();
    let bad: WalkedTable["bad"];
    const n = symbolCount(elf, s.index);
    for (let k = 0; k < n; k++) {
      let sym: ElfSymbol;
      try {
        sym = readSymbol(elf, s.index, k);
      } catch (error) {
        bad = { at: k, error };
        break;
      }
      const same = byName.get(sym.name);
      if (same) same.push(sym);
      else byName.set(sym.name, [sym]);
    }
    list.push({ symtab: s.index, byName, bad });
  }
  walked.set(elf, (tables = list));
  return tables;
}

/**
 * The first GLOBAL symbol named `name` in any SHT_SYMTAB, in section order. LOCAL and WEAK symbols
 * are skipped; a first match that is undefined or has a reserved/out-of-range st_shndx (SHN_ABS
 * included) ends the search with nothing found and a pr_debug line.
 */
export function findSymbol(elf: ElfFile, name: string, log?: KernelLog): FoundSymbol | undefined {
  const shnum = elf.header.e_shnum;
  for (const t of symbolTables(elf)) {
    const sym = t.byName.get(name)?.find((x) => x.bind === STB_GLOBAL);
    if (t.bad && (!sym || t.bad.at < sym.index)) throw t.bad.error;
    if (!sym) continue;
    if (sym.st_shndx === SHN_UNDEF || sym.st_shndx >= shnum) {
      log?.debug(() => `${PREFIX.kexecFile}Symbol: ${name} has bad section index ${sym.st_shndx}.`);
      return undefined;
    }
    return { symtab: t.symtab, sym };
  }
  return undefined;
}

/** Every symbol named `name` whatever its binding: used to explain why findSymbol missed. */
export function symbolsNamed(elf: ElfFile, name: string): ElfSymbol[] {
  const out: ElfSymbol[] = [];
  for (const t of symbolTables(elf)) {
    if (t.bad) throw t.bad.error;
    out.push(...(t.byName.get(name) ?? []));
  }
  return out;
}

export type SymbolOpResult =
  | { ok: true; bytes?: Uint8Array }
  | { ok: false; reason: "not-found" | "size-mismatch" | "bss" | "out-of-bounds"; detail: string };

/**
 * kexec_purgatory_get_set_symbol(image, name, buf, size, get). Failures return -EINVAL; only the size
 * and bss cases print. Note the kernel prints the ELF st_size as "expected" and the caller's size as
 * "actual". Neither ALLOC nor `st_value + size <= sh_size` is checked: where that would read or write
 * outside the staging buffer we report it instead of touching memory.
 */
export function getSetSymbol(
  elf: ElfFile,
  kernel: KernelModel,
  layout: Layout,
  log: KernelLog,
  name: string,
  size: number,
  get: boolean,
): SymbolOpResult {
  const found = findSymbol(elf, name, log);
  if (!found) return { ok: false, reason: "not-found", detail: `no GLOBAL defined symbol ${name}` };
  const { sym } = found;
  if (sym.st_size !== BigInt(size)) {
    log.err(`${PREFIX.kexecFile}symbol ${name} size mismatch: expected ${sym.st_size} actual ${size}`);
    return { ok: false, reason: "size-mismatch", detail: `st_size ${sym.st_size}, loader wants ${size}` };
  }
  const sec = layout.sechdrs[sym.st_shndx]!;
  if (sec.type === SHT_NOBITS) {
    log.err(`${PREFIX.kexecFile}symbol ${name} is in a bss section. Cannot ${get ? "get" : "set"}`);
    return { ok: false, reason: "bss", detail: `section ${sec.index} (${sec.name}) is SHT_NOBITS` };
  }
  if (!sec.inBuffer && kernel.era !== "E0") {
    return {
      ok: false,
      reason: "out-of-bounds",
      detail:
        `${name} is in section ${sec.index} (${sec.name}), which is not SHF_ALLOC: the kernel would ` +
        `${get ? "read" : "write"} purgatory_buf + its file offset 0x${sec.sh_offset.toString(16)} + st_value, not the symbol`,
    };
  }
  if (!sec.inBuffer) {
    return {
      ok: false,
      reason: "out-of-bounds",
      detail: `${name} is in non-ALLOC section ${sec.name}: a v${kernel.label} kernel would ${get ? "read" : "write"} the built-in read-only purgatory image`,
    };
  }
  const at = u64(sec.sh_offset + sym.st_value);
  if (at + BigInt(size) > BigInt(layout.buffer.byteLength)) {
    return {
      ok: false,
      reason: "out-of-bounds",
      detail: `${name} at buffer offset 0x${at.toString(16)} (+${size}) lies past the ${layout.buffer.byteLength}-byte purgatory buffer`,
    };
  }
  return { ok: true, bytes: get ? sliceOf(layout.buffer, Number(at), Number(at) + size) : undefined };
}

/** kexec_purgatory_get_symbol_addr: sechdrs[st_shndx].sh_addr + st_value, or an error. */
export function getSymbolAddr(
  elf: ElfFile,
  layout: Layout,
  name: string,
  log: KernelLog,
): bigint | undefined {
  const found = findSymbol(elf, name, log);
  if (!found) return undefined;
  return u64(layout.sechdrs[found.sym.st_shndx]!.sh_addr + found.sym.st_value);
}

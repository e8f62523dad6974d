// elf_rel_load()'s second half: the walk over SHT_RELA and SHT_REL sections that hands each entry to
// machine_apply_elf_rel. Unlike the kernel it accepts REL (addend 0), lets an undefined STT_NOTYPE
// symbol through (for ppc64's TOC), compares section indices with `>` where `>=` was meant, and dies
// on the first error: kexec exits, nothing is loaded. After that we keep evaluating the rest with no
// stores ("not reached"), so reports and windows still cover every relocation.

import { kernelSections } from "../kexec/purgatory";
import { SHN_ABS, SHN_COMMON, SHN_UNDEF, SHT_NOBITS, SHT_REL, SHT_RELA, STT_NOTYPE } from "../elf/constants";
import { exactNumber, storeNumberField } from "../arch/common";
import { ElfFormatError } from "../elf/errors";
import { readSymbol, symbolCount } from "../elf/reader";
import { relocationAt, relocationEntries, type RelocationEntries } from "../elf/relocation-entries";
import { scratchOf, type StagingBuffer } from "../kexec/staging";
import type { ElfFile, ElfRelocation, ElfSymbol } from "../elf/types";
import type { KernelLog } from "../kexec/log";
import type { RecordFacts, RelocStatus } from "../kexec/relocate";
import type { RelocationList } from "../kexec/relocation-record";
import { RelocationTable, STATUSES } from "../kexec/relocation-table";
import { REPEATS, RepeatedEntries } from "../kexec/repeated-entries";
import { hex, u64 } from "../kexec/u64";
import type { KtLayout } from "./layout";
import type { KtArch, KtFastCall, KtFastResult } from "./types";
import type { KexecToolsVersion } from "./version";

export interface KtRelocationOutcome {
  readonly records: RelocationList;
  /** die()'s text when the walk dies (already in the log). */
  readonly died: boolean;
  /** Why the behaviour is undefined, when the walk reached such a relocation first. */
  readonly undefinedBehaviour: string[];
}

/** The table's code for status "ok" (its index in STATUSES). */
const OK_CODE = STATUSES.indexOf("ok");

/** The statuses whose relocation stored nothing. */
const STORELESS = new Set<RelocStatus>([
  "undefined-behaviour",
  "unknown-type",
  "undefined-symbol",
  "common-symbol",
  "invalid-section",
]);

/** The name kexec-tools prints: the symbol's, or for st_name 0 its section's (read without checks). */
function ktSymbolName(elf: ElfFile, sym: ElfSymbol): string | undefined {
  if (sym.st_name !== 0) return sym.name;
  return sym.st_shndx < elf.header.e_shnum ? elf.sections[sym.st_shndx]!.name : undefined;
}

export function ktApplyRelocations(
  elf: ElfFile,
  arch: KtArch,
  version: KexecToolsVersion,
  layout: KtLayout,
  bufAddr: bigint,
  log: KernelLog,
): KtRelocationOutcome {
  const shnum = elf.header.e_shnum;
  // Columns, as the kernel's walks keep them: a million records as objects would cost gigabytes.
  const table = new RelocationTable();
  const ub: string[] = [];
  // Type names are made once per type, the way the kernel's walks intern them.
  const typeNames = new Map<number, string>();
  const typeNameOf = (type: number): string => {
    let name = typeNames.get(type);
    if (name === undefined) typeNames.set(type, (name = arch.typeName?.(type) ?? `type ${type}`));
    return name;
  };
  const sectionAddress = (i: number): bigint => layout.sechdrs[i]?.sh_addr ?? 0n;
  const bufferLength = BigInt(layout.buffer.byteLength);
  let live = true;
  let scratch: StagingBuffer | undefined;
  const stop = (message: string | undefined, why?: string): void => {
    if (!live) return;
    if (message !== undefined) log.err(message);
    if (why !== undefined) ub.push(why);
    live = false;
  };

  const bufferLengthN = layout.buffer.byteLength;
  const MAX_SAFE = Number.MAX_SAFE_INTEGER;
  const call: KtFastCall = {
    r_type: 0,
    value: 0.5,
    address: 0.5,
    bufAddr: exactNumber(bufAddr),
    symMoves: false,
    version,
    live: true,
    data: layout.buffer,
    at: 0,
    elfLittleEndian: elf.header.littleEndian,
    toc: NaN,
    st_other: 0,
    e_flags: elf.header.e_flags,
  };
  const toc = arch.applyFast?.tocPointer?.(elf, sectionAddress);
  if (toc !== undefined) call.toc = exactNumber(toc);
  const result: KtFastResult = {
    status: "ok",
    note: undefined,
    width: 0,
    stored: 0.5,
    memCoefficient: 0,
    window: undefined,
  };
  const typeIds: number[] = [];
  const overflowCode = STATUSES.indexOf("overflow");
  let lastWindow: KtFastResult["window"];
  let lastWindowId = -1;
  /** The number path over one section's entries: true when it wrote entry i's row (and store). */
  const numberPath = (
    applyFast: NonNullable<KtArch["applyFast"]>,
    target: KtLayout["sechdrs"][number],
    entries: RelocationEntries,
    nsyms: number,
    symbolAt: (index: number) => KtResolvedSymbol | ElfFormatError,
  ) => {
    const targetAddr = exactNumber(target.sh_addr);
    const targetOffset = exactNumber(target.sh_offset);
    const targetSize = exactNumber(target.size);
    const { r_offset: offsets, r_addend: addends, sym: symIdx, type: types } = entries;
    return (i: number, group: number): boolean => {
      const k = symIdx[i]!;
      if (k >= nsyms) return false;
      const r_offset = offsets[i]!;
      const A = addends[i]!;
      const P = targetAddr + r_offset;
      // NaN (a value past 2^53) fails every comparison: the bigint path takes those.
      if (!(P <= MAX_SAFE && A === A && r_offset < targetSize)) return false;
      const at = targetOffset + r_offset;
      if (!(at < bufferLengthN)) return false;
      const resolved = symbolAt(k);
      if (resolved instanceof ElfFormatError || resolved.failure !== undefined) return false;
      const S = resolved.Sn;
      const value = S + A;
      if (!(value <= MAX_SAFE && value >= -MAX_SAFE)) return false;
      const type = types[i]!;
      call.r_type = type;
      call.value = value;
      call.address = P;
      call.symMoves = resolved.k === 1;
      call.st_other = resolved.sym.st_other;
      call.live = live;
      // Not reached: fields are read from and stored into the scratch copy, as on the bigint path.
      if (!live && scratch === undefined) scratch = scratchOf(layout.buffer);
      call.data = live ? layout.buffer : scratch!;
      call.at = at;
      result.note = undefined;
      if (!applyFast.one(call, result)) return false;
      const width = result.width;
      if (at + width > bufferLengthN) return false;
      if (width > 0 && result.stored === result.stored)
        storeNumberField(call.data, at, result.stored, width, applyFast.littleEndian);
      let typeNameId = typeIds[type];
      if (typeNameId === undefined) typeIds[type] = typeNameId = table.stringId(typeNameOf(type));
      if (result.window !== lastWindow) {
        lastWindow = result.window;
        lastWindowId = table.windowIdOfShared(lastWindow);
      }
      const row = table.addNumbers(
        group,
        i,
        type,
        k,
        resolved.sym.st_shndx,
        resolved.nameId,
        typeNameId,
        r_offset,
        S,
        A,
        P,
        value,
        width > 0 ? result.stored : NaN,
        width,
        result.status === "ok" ? 0 : overflowCode,
        live,
        resolved.k === 1 ? result.memCoefficient : 0,
        lastWindowId,
      );
      if (result.note !== undefined) table.setNote(row, result.note);
      return true;
    };
  };

  const sections = kernelSections(elf);
  for (let n = 0; n < sections.length; n++) {
    const relsec = sections[n]!;
    if (relsec.sh_type !== SHT_RELA && relsec.sh_type !== SHT_REL) continue;
    if (relsec.sh_info > shnum || relsec.sh_link > shnum) {
      stop("Invalid section number");
      continue;
    }
    if (relsec.sh_info === shnum || relsec.sh_link === shnum) {
      stop(
        undefined,
        `relocation section ${relsec.index} (${relsec.name}) has sh_info ${relsec.sh_info} / sh_link ${relsec.sh_link} ` +
          `equal to e_shnum: the \`>\` check lets it through and kexec-tools reads past its section header array`,
      );
      continue;
    }
    const target = layout.sechdrs[relsec.sh_info]!;
    const symtab = elf.sections[relsec.sh_link]!;
    if (!target.alloc) continue;
    if (symtab.sh_link > shnum) continue;
    const nsyms = symbolCount(elf, symtab.index);
    // Relocations name few distinct symbols: read and check each once.
    const symbols = new Map<number, KtResolvedSymbol | ElfFormatError>();
    const symbolAt = (index: number): KtResolvedSymbol | ElfFormatError => {
      let s = symbols.get(index);
      if (s === undefined) {
        try {
          s = resolveSymbol(elf, readSymbol(elf, symtab.index, index), index, layout, table);
        } catch (e) {
          if (!(e instanceof ElfFormatError)) throw e;
          s = e;
        }
        symbols.set(index, s);
      }
      return s;
    };
    let entries: RelocationEntries;
    try {
      entries = relocationEntries(elf, relsec.index);
    } catch (e) {
      if (!(e instanceof ElfFormatError)) throw e;
      stop(undefined, `${e.message}: kexec-tools would read past the end of the file`);
      continue;
    }
    table.reserve(entries.count);
    const group = table.addGroup(relsec, target);
    // The number path: every relocation whose values are exact doubles and that does not stop kexec.
    // It writes the same row and store the bigint path below would (tests compare the two).
    const fastRow =
      arch.applyFast !== undefined && !log.withDebug && target.type !== SHT_NOBITS
        ? numberPath(arch.applyFast, target, entries, nsyms, symbolAt)
        : undefined;
    let rel: ElfRelocation;
    let address: bigint;
    // Not-reached failures of entries that repeat, copied (see RepeatedEntries). Only failures: a
    // not-reached relocation that applies stores into the scratch copy, which a read-modify-write
    // type reads back; where no type reads its field (writeOnly), every not-reached row is copied,
    // and so is a reached one that repeats the entry just applied without dying (it stores the
    // same bytes into the same field, with no store between them).
    const repeats = new RepeatedEntries(elf, relsec.index);
    const entryOf = (row: number): number => table.index[row]!;
    const writeOnly = arch.writeOnly === true && !log.withDebug && REPEATS.copy;
    const firstRow = table.length;
    const push = (r: RecordFacts & { typeName: string; status: RelocStatus }): void => {
      table.add(group, rel, address, r.typeName, r.status, r, live);
      if (!live && (writeOnly || STORELESS.has(r.status))) repeats.add(rel.index, table.length - 1);
    };
    for (let i = 0; i < entries.count; i++) {
      if (live && writeOnly && i > 0) {
        const last = table.length - 1;
        if (
          last >= firstRow &&
          table.index[last] === i - 1 &&
          table.status[last] === OK_CODE &&
          repeats.same(i - 1, i)
        ) {
          REPEATS.copied++;
          table.copyRow(last, i);
          continue;
        }
      }
      if (fastRow !== undefined && fastRow(i, group)) continue;
      if (!live) {
        const row = repeats.rowFor(i, entryOf);
        if (row >= 0) {
          table.copyRow(row, i);
          continue;
        }
      }
      rel = relocationAt(elf, relsec.index, i);
      address = u64(target.sh_addr + rel.r_offset);
      const typeName = typeNameOf(rel.type);
      if (rel.sym >= nsyms) {
        const note = `symbol index ${rel.sym} is past the end of the ${nsyms}-entry symbol table: kexec-tools would read whatever follows it`;
        push({ typeName, status: "undefined-behaviour", symbol: "?", symShndx: -1, note });
        stop(undefined, note);
        continue;
      }
      const resolved = symbolAt(rel.sym);
      if (resolved instanceof ElfFormatError) {
        push({ typeName, status: "undefined-behaviour", symbol: "?", symShndx: -1, note: resolved.message });
        stop(undefined, resolved.message);
        continue;
      }
      const { sym, symbol, failure, k } = resolved;
      // elf_rel_load's first dbgprintf comes before any check of the symbol.
      if (live && log.withDebug) {
        log.debug(
          () =>
            `sym: ${symbol.padStart(10)} info: ${hex2(sym.st_info)} other: ${hex2(sym.st_other)} ` +
            `shndx: ${sym.st_shndx.toString(16)} value: ${sym.st_value.toString(16)} size: ${sym.st_size.toString(16)}`,
        );
      }
      if (failure !== undefined) {
        push({ typeName, symbol, symShndx: sym.st_shndx, status: failure.status, note: failure.note });
        stop(failure.die, failure.note);
        continue;
      }
      const S = resolved.S;
      const value = u64(S + rel.r_addend);
      if (live && log.withDebug) {
        log.debug(() => `sym: ${symbol} value: ${value.toString(16)} addr: ${address.toString(16)}`);
        const applyDebug = arch.applyDebug;
        if (applyDebug) log.debug(() => applyDebug(rel.type));
      }
      const field = fieldFor(target, rel, bufferLength);
      if (typeof field === "string") {
        push({
          typeName,
          symbol,
          symShndx: sym.st_shndx,
          status: "undefined-behaviour",
          S,
          value,
          memCoefficient: k,
          note: field,
        });
        stop(undefined, field);
        continue;
      }
      // Not reached: evaluate on a scratch copy (made once) so nothing lands in the buffer.
      if (!live && scratch === undefined) scratch = scratchOf(layout.buffer);
      const data = live ? layout.buffer : scratch!;
      const r = arch.apply({
        elf,
        version,
        sym,
        symName: symbol,
        r_type: rel.type,
        data,
        at: field,
        address,
        value,
        bufAddr,
        symMoves: k === 1,
        sectionAddress,
      });
      if (field + r.width > data.byteLength) {
        const note = `the ${r.width}-byte field at buffer offset ${hex(BigInt(field))} runs past the end of the ${data.byteLength}-byte buffer: kexec-tools would access memory out of bounds`;
        push({
          typeName: r.typeName,
          symbol,
          symShndx: sym.st_shndx,
          status: "undefined-behaviour",
          S,
          value,
          note,
        });
        stop(undefined, note);
        continue;
      }
      push({
        // The walk's own copy of the name when it is the same text: the table interns names by
        // text, and an equal string it has hashed before is found without hashing it again.
        typeName: r.typeName === typeName ? typeName : r.typeName,
        status: r.status,
        symbol,
        symShndx: sym.st_shndx,
        S,
        value,
        stored: r.stored,
        width: r.width,
        memCoefficient: k === 1 ? r.memCoefficient : 0,
        window: r.window,
        note: r.note,
      });
      // An "undefined-behaviour" result without a die is C-level UB with a known compiled outcome
      // (arm64's folded 32-bit shift): kexec carries on with the stored field; the rules report it.
      if (r.die !== undefined) stop(r.die);
    }
  }
  return { records: table.records(), died: !live && ub.length === 0, undefinedBehaviour: ub };
}

/**
 * What every relocation against one symbol finds, in elf_rel_load's order of checks: the name it
 * prints, and either the check that stops the walk (with die()'s text, or the undefined behaviour)
 * or the symbol's value S and whether it moves with the buffer.
 */
interface KtResolvedSymbol {
  readonly sym: ElfSymbol;
  readonly symbol: string;
  /** The name's id in the walk's table. */
  readonly nameId: number;
  readonly failure?: { readonly status: RelocStatus; readonly die?: string; readonly note?: string };
  readonly S: bigint;
  /** S as an exact double, or NaN when it is above 2^53 - 1 (or the symbol fails). */
  readonly Sn: number;
  readonly k: 0 | 1;
}

function resolveSymbol(
  elf: ElfFile,
  sym: ElfSymbol,
  index: number,
  layout: KtLayout,
  table: RelocationTable,
): KtResolvedSymbol {
  const shnum = elf.header.e_shnum;
  const name = ktSymbolName(elf, sym);
  const symbol = name ?? `<section name read past the section headers: st_shndx ${sym.st_shndx}>`;
  const nameId = table.stringId(symbol);
  const fails = (status: RelocStatus, die?: string, note?: string): KtResolvedSymbol => ({
    sym,
    symbol,
    nameId,
    failure: { status, die, note },
    S: 0n,
    Sn: NaN,
    k: 0,
  });
  if (sym.st_shndx === SHN_UNDEF && sym.type !== STT_NOTYPE)
    return fails("undefined-symbol", `Undefined symbol: ${symbol}`);
  if (sym.st_shndx === SHN_COMMON) return fails("common-symbol", `symbol: '${symbol}' in common section`);
  let secBase = 0n;
  let k: 0 | 1 = 0;
  if (sym.st_shndx !== SHN_ABS) {
    if (sym.st_shndx > shnum)
      return fails("invalid-section", `Invalid section: ${sym.st_shndx} for symbol ${symbol}`);
    if (sym.st_shndx === shnum)
      return fails(
        "undefined-behaviour",
        undefined,
        `symbol ${symbol} has st_shndx ${shnum} == e_shnum: the \`>\` check lets it through and kexec-tools reads past its section header array`,
      );
    const sec = layout.sechdrs[sym.st_shndx]!;
    secBase = sec.sh_addr;
    k = sec.alloc ? 1 : 0;
  }
  if (name === undefined)
    return fails(
      "undefined-behaviour",
      undefined,
      `symbol ${index} has no name and st_shndx ${sym.st_shndx}: kexec-tools reads its section name past the section header array`,
    );
  const S = u64(sym.st_value + secBase);
  return { sym, symbol, nameId, S, Sn: exactNumber(S), k };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

/**
 * The field's offset in the buffer. kexec-tools checks nothing: a NOBITS target still points into the
 * file image (the write is lost), and an r_offset past the section writes wherever it points.
 */
function fieldFor(
  target: KtLayout["sechdrs"][number],
  rel: ElfRelocation,
  bufferLength: bigint,
): number | string {
  if (target.type === SHT_NOBITS) {
    return `the target ${target.name} is SHT_NOBITS: its sh_data still points into the file image, so kexec-tools writes there and the loaded bss never sees it`;
  }
  const at = u64(target.sh_offset + rel.r_offset);
  if (rel.r_offset >= target.size || at >= bufferLength) {
    return `r_offset ${hex(rel.r_offset)} is outside ${target.name} (${target.size} bytes): kexec-tools would write outside the section without a check`;
  }
  return Number(at);
}

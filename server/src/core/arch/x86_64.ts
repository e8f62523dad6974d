// arch/x86/kernel/machine_kexec_64.c: arch_kexec_apply_relocations_add, as the kernel runs it.
// Supported: NONE, 64, 32 (overflow-checked), 32S (overflow-checked), PC32 and PLT32 (truncated
// silently; PLT32 since v4.16). The store happens before the overflow check, and the overflow
// message prints S + A, not S + A - P.

import { SHN_ABS, SHN_COMMON, SHN_UNDEF } from "../elf/constants";
import { ElfFormatError } from "../elf/errors";
import { readRelocations, readSymbol, symbolCount } from "../elf/reader";
import type { ElfRelocation, ElfSymbol } from "../elf/types";
import { PREFIX } from "../kexec/log";
import type { ArchRelocator, RelaContext, RelocationRecord, RelocStatus } from "../kexec/relocate";
import { U32_MASK, hex, s64, u64 } from "../kexec/u64";
import { EVERYWHERE, memRangeFor, type Interval } from "../kexec/windows";
import {
  R_X86_64_32,
  R_X86_64_32S,
  R_X86_64_64,
  R_X86_64_NONE,
  R_X86_64_PC32,
  R_X86_64_PLT32,
  x86RelocName,
} from "./x86_64-types";

const TWO_32 = 1n << 32n;
const S32_LOW = u64(-(1n << 31n));

/** The printk arguments the kernel formats with %02x: at least two hex digits. */
function hex02(n: number | bigint): string {
  return n.toString(16).padStart(2, "0");
}

function writeLE(buf: Uint8Array, at: number, value: bigint, width: number): void {
  let v = value;
  for (let i = 0; i < width; i++) {
    buf[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

interface Computed {
  symbol: string;
  symShndx: number;
  S?: bigint;
  value?: bigint;
  stored?: bigint;
  width?: number;
  memCoefficient?: 0 | 1;
  window?: readonly Interval[];
  note?: string;
}

/** What one relocation does, and the kernel's message if it stops there. */
interface Outcome {
  status: RelocStatus;
  computed: Computed;
  message?: string;
  /** The field to write (little-endian) when the kernel stores one. */
  store?: { at: number; value: bigint; width: number };
}

/** The kernel's per-relocation work, minus the logging and the store. */
function relocateOne(ctx: RelaContext, rel: ElfRelocation, P: bigint, sym: ElfSymbol): Outcome {
  const { elf, kernel, layout, mem, target } = ctx;
  const shnum = elf.header.e_shnum;
  // Unnamed symbols (section symbols) print their section's name, read before any range check.
  const name =
    sym.st_name !== 0
      ? sym.name
      : sym.st_shndx < shnum
        ? elf.sections[sym.st_shndx]!.name
        : `<read past the section headers: st_shndx ${sym.st_shndx}>`;
  const who: Computed = { symbol: name, symShndx: sym.st_shndx };
  if (sym.st_shndx === SHN_UNDEF) {
    return {
      status: "undefined-symbol",
      computed: who,
      message: `${PREFIX.x86Kexec}Undefined symbol: ${name}`,
    };
  }
  if (sym.st_shndx === SHN_COMMON) {
    return {
      status: "common-symbol",
      computed: who,
      message: `${PREFIX.x86Kexec}symbol '${name}' in common section`,
    };
  }
  let secBase = 0n;
  let k: 0 | 1 = 0;
  if (sym.st_shndx !== SHN_ABS) {
    if (sym.st_shndx >= shnum) {
      return {
        status: "invalid-section",
        computed: who,
        message: `${PREFIX.x86Kexec}Invalid section ${sym.st_shndx} for symbol ${name}`,
      };
    }
    const sec = layout.sechdrs[sym.st_shndx]!;
    secBase = sec.sh_addr;
    k = sec.inBuffer || sec.isBss ? 1 : 0;
  }
  const S = u64(sym.st_value + secBase);
  let value = u64(S + rel.r_addend);
  who.S = S;
  who.memCoefficient = k;

  let width = 4;
  switch (rel.type) {
    case R_X86_64_NONE:
      width = 0;
      break;
    case R_X86_64_64:
      width = 8;
      break;
    case R_X86_64_32:
    case R_X86_64_32S:
      break;
    case R_X86_64_PLT32:
      if (!kernel.x86Plt32) {
        return {
          status: "unknown-type",
          computed: who,
          message: `${PREFIX.x86Kexec}Unknown rela relocation: ${rel.type}`,
        };
      }
      value = u64(value - P);
      break;
    case R_X86_64_PC32:
      value = u64(value - P);
      break;
    default:
      return {
        status: "unknown-type",
        computed: who,
        message: `${PREFIX.x86Kexec}Unknown rela relocation: ${rel.type}`,
      };
  }
  who.value = value;
  who.width = width;

  // The field must be inside the staging buffer, in a section the layout copied there.
  const loc = u64(target.sh_offset + rel.r_offset);
  if (width > 0 && (!target.inBuffer || loc + BigInt(width) > BigInt(layout.buffer.byteLength))) {
    who.note = target.inBuffer
      ? `r_offset ${hex(rel.r_offset)} + ${width} is past the end of ${target.name} in the ${layout.buffer.byteLength}-byte buffer: the kernel would write out of bounds`
      : `the target ${target.name} is SHT_NOBITS: its sh_offset was never rewritten, so the kernel would write at purgatory_buf + file offset ${hex(target.sh_offset)}`;
    return { status: "undefined-behaviour", computed: who };
  }
  if (width === 0) return { status: "ok", computed: who };

  const stored = width === 8 ? value : value & U32_MASK;
  who.stored = stored;
  const store = { at: Number(loc), value: stored, width };
  let overflow = false;
  if (rel.type === R_X86_64_32 || rel.type === R_X86_64_32S) {
    const c = u64(value - (k === 1 ? mem : 0n));
    if (rel.type === R_X86_64_32) {
      overflow = value > U32_MASK;
      who.window = k === 1 ? memRangeFor(c, 0n, TWO_32) : overflow ? [] : EVERYWHERE;
    } else {
      overflow = s64(value) !== BigInt.asIntN(32, value);
      who.window = k === 1 ? memRangeFor(c, S32_LOW, TWO_32) : overflow ? [] : EVERYWHERE;
    }
  }
  // The kernel stores first and checks afterwards.
  if (overflow) {
    return {
      status: "overflow",
      computed: who,
      store,
      message: `${PREFIX.x86Kexec}Overflow in relocation type ${rel.type} value ${hex(value)}`,
    };
  }
  return { status: "ok", computed: who, store };
}

export const x86_64Relocator: ArchRelocator = {
  applyRela(ctx: RelaContext, out: RelocationRecord[]): boolean {
    const { elf, kernel, layout, log, target } = ctx;
    const relsec = elf.sections[ctx.relSection]!;
    if (log.withDebug) {
      log.debug(() =>
        kernel.era === "E0"
          ? `${PREFIX.x86Kexec}Applying relocate section ${ctx.relSection} to ${relsec.sh_info}`
          : `${PREFIX.x86Kexec}Applying relocate section ${relsec.name} to ${relsec.sh_info}`,
      );
    }
    const nsyms = symbolCount(elf, ctx.symtab);
    let live = ctx.live;
    let failed = false;
    // Relocations name few distinct symbols: read each once.
    const symbols = new Map<number, ElfSymbol | ElfFormatError>();
    for (const rel of readRelocations(elf, ctx.relSection)) {
      const P = u64(target.sh_addr + rel.r_offset);
      let outcome: Outcome;
      if (rel.sym >= nsyms) {
        // The kernel indexes the symbol table without a bound check.
        outcome = {
          status: "undefined-behaviour",
          computed: {
            symbol: "?",
            symShndx: -1,
            note: `symbol index ${rel.sym} is past the end of the ${nsyms}-entry symbol table: the kernel would read whatever follows it`,
          },
        };
      } else {
        let sym = symbols.get(rel.sym);
        if (sym === undefined) {
          try {
            sym = readSymbol(elf, ctx.symtab, rel.sym);
          } catch (e) {
            if (!(e instanceof ElfFormatError)) throw e;
            sym = e;
          }
          symbols.set(rel.sym, sym);
        }
        if (sym instanceof ElfFormatError) {
          outcome = {
            status: "undefined-behaviour",
            computed: { symbol: "?", symShndx: -1, note: sym.message },
          };
        } else {
          if (live && log.withDebug) {
            const s = sym;
            const name = s.st_name !== 0 ? s.name : (elf.sections[s.st_shndx]?.name ?? "?");
            log.debug(
              () =>
                `${PREFIX.x86Kexec}Symbol: ${name} info: ${hex02(s.st_info)} shndx: ${hex02(s.st_shndx)} ` +
                `value=${s.st_value.toString(16)} size: ${s.st_size.toString(16)}`,
            );
          }
          outcome = relocateOne(ctx, rel, P, sym);
        }
      }
      const c = outcome.computed;
      out.push({
        relSection: ctx.relSection,
        relSectionName: relsec.name,
        target: target.index,
        targetName: target.name,
        index: rel.index,
        r_offset: rel.r_offset,
        type: rel.type,
        typeName: x86RelocName(rel.type),
        symIndex: rel.sym,
        symbol: c.symbol,
        symShndx: c.symShndx,
        S: c.S,
        A: rel.r_addend,
        P,
        value: c.value,
        stored: c.stored,
        width: c.width ?? 0,
        status: outcome.status,
        reached: live,
        memCoefficient: c.memCoefficient ?? 0,
        window: c.window,
        note: c.note,
      });
      if (live && outcome.store)
        writeLE(layout.buffer, outcome.store.at, outcome.store.value, outcome.store.width);
      if (outcome.status !== "ok") {
        if (live) {
          if (outcome.message !== undefined) log.err(outcome.message);
          failed = true;
        }
        live = false;
      }
    }
    return failed;
  },
};

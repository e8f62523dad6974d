// arch/x86/kernel/machine_kexec_64.c: arch_kexec_apply_relocations_add, as the kernel runs it.
// Supported: NONE, 64, 32 (overflow-checked), 32S (overflow-checked), PC32 and PLT32 (truncated
// silently; PLT32 since v4.16). The store happens before the overflow check, and the overflow
// message prints S + A, not S + A - P.

import { SHN_ABS, SHN_COMMON, SHN_UNDEF } from "../elf/constants";
import { ElfFormatError } from "../elf/errors";
import { readRelocations, readSymbol, symbolCount } from "../elf/reader";
import type { ElfSymbol } from "../elf/types";
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
const TWO_31 = 1n << 31n;

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

export const x86_64Relocator: ArchRelocator = {
  applyRela(ctx: RelaContext, out: RelocationRecord[]): boolean {
    const { elf, kernel, layout, mem, log, target } = ctx;
    const shnum = elf.header.e_shnum;
    const relsec = elf.sections[ctx.relSection]!;
    const shstrtab = elf.sections[elf.header.e_shstrndx];
    let live = ctx.live;
    log.debug(() =>
      kernel.era === "E0"
        ? `${PREFIX.x86Kexec}Applying relocate section ${ctx.relSection} to ${relsec.sh_info}`
        : `${PREFIX.x86Kexec}Applying relocate section ${shstrtab ? relsec.name : "?"} to ${relsec.sh_info}`,
    );
    const nsyms = symbolCount(elf, ctx.symtab);
    let failed = false;
    for (const rel of readRelocations(elf, ctx.relSection)) {
      const P = u64(target.sh_addr + rel.r_offset);
      const base = {
        relSection: ctx.relSection,
        relSectionName: relsec.name,
        target: target.index,
        targetName: target.name,
        index: rel.index,
        r_offset: rel.r_offset,
        type: rel.type,
        typeName: x86RelocName(rel.type),
        symIndex: rel.sym,
        A: rel.r_addend,
        P,
      };
      const record = (
        status: RelocStatus,
        extra: Partial<RelocationRecord> & { symbol: string; symShndx: number },
      ): RelocationRecord => ({
        S: undefined,
        value: undefined,
        stored: undefined,
        width: 0,
        memCoefficient: 0,
        window: undefined,
        ...base,
        ...extra,
        status,
        reached: live,
      });
      const fail = (r: RelocationRecord, message?: string): void => {
        if (live && message !== undefined) log.err(message);
        out.push(r);
        if (live) failed = true;
        live = false;
      };

      // The kernel indexes the symbol table without a bound check.
      if (rel.sym >= nsyms) {
        fail(
          record("undefined-behaviour", {
            symbol: "?",
            symShndx: -1,
            note: `symbol index ${rel.sym} is past the end of the ${nsyms}-entry symbol table: the kernel would read whatever follows it`,
          }),
        );
        continue;
      }
      let sym: ElfSymbol;
      try {
        sym = readSymbol(elf, ctx.symtab, rel.sym);
      } catch (e) {
        if (!(e instanceof ElfFormatError)) throw e;
        fail(record("undefined-behaviour", { symbol: "?", symShndx: -1, note: e.message }));
        continue;
      }
      // Unnamed symbols (section symbols) print their section's name, read before any range check.
      const name =
        sym.st_name !== 0
          ? sym.name
          : sym.st_shndx < shnum
            ? elf.sections[sym.st_shndx]!.name
            : `<read past the section headers: st_shndx ${sym.st_shndx}>`;
      log.debug(
        () =>
          `${PREFIX.x86Kexec}Symbol: ${name} info: ${hex02(sym.st_info)} shndx: ${hex02(sym.st_shndx)} ` +
          `value=${sym.st_value.toString(16)} size: ${sym.st_size.toString(16)}`,
      );
      const who = { symbol: name, symShndx: sym.st_shndx };
      if (sym.st_shndx === SHN_UNDEF) {
        fail(record("undefined-symbol", who), `${PREFIX.x86Kexec}Undefined symbol: ${name}`);
        continue;
      }
      if (sym.st_shndx === SHN_COMMON) {
        fail(record("common-symbol", who), `${PREFIX.x86Kexec}symbol '${name}' in common section`);
        continue;
      }
      let secBase: bigint;
      let k: 0 | 1 = 0;
      if (sym.st_shndx === SHN_ABS) secBase = 0n;
      else if (sym.st_shndx >= shnum) {
        fail(
          record("invalid-section", who),
          `${PREFIX.x86Kexec}Invalid section ${sym.st_shndx} for symbol ${name}`,
        );
        continue;
      } else {
        const sec = layout.sechdrs[sym.st_shndx]!;
        secBase = sec.sh_addr;
        k = sec.inBuffer || sec.isBss ? 1 : 0;
      }
      const S = u64(sym.st_value + secBase);
      let value = u64(S + rel.r_addend);
      const withValue = { ...who, S, memCoefficient: k };

      let width: number;
      let check: "none" | "u32" | "s32" = "none";
      switch (rel.type) {
        case R_X86_64_NONE:
          width = 0;
          break;
        case R_X86_64_64:
          width = 8;
          break;
        case R_X86_64_32:
          width = 4;
          check = "u32";
          break;
        case R_X86_64_32S:
          width = 4;
          check = "s32";
          break;
        case R_X86_64_PLT32:
          if (!kernel.x86Plt32) {
            fail(record("unknown-type", withValue), `${PREFIX.x86Kexec}Unknown rela relocation: ${rel.type}`);
            continue;
          }
          value = u64(value - P);
          width = 4;
          break;
        case R_X86_64_PC32:
          value = u64(value - P);
          width = 4;
          break;
        default:
          fail(record("unknown-type", withValue), `${PREFIX.x86Kexec}Unknown rela relocation: ${rel.type}`);
          continue;
      }

      // The field must be inside the staging buffer, and in a section the layout copied there.
      const loc = u64(target.sh_offset + rel.r_offset);
      if (width > 0 && (!target.inBuffer || loc + BigInt(width) > BigInt(layout.buffer.byteLength))) {
        fail(
          record("undefined-behaviour", {
            ...withValue,
            value,
            width,
            note: target.inBuffer
              ? `r_offset ${hex(rel.r_offset)} + ${width} is past the end of ${target.name} in the ${layout.buffer.byteLength}-byte buffer: the kernel would write out of bounds`
              : `the target ${target.name} is SHT_NOBITS: its sh_offset was never rewritten, so the kernel would write at purgatory_buf + file offset ${hex(target.sh_offset)}`,
          }),
        );
        continue;
      }

      const stored = width === 8 ? value : width === 4 ? value & U32_MASK : undefined;
      if (live && stored !== undefined) writeLE(layout.buffer, Number(loc), stored, width);
      const c = u64(value - (k === 1 ? mem : 0n));
      let window: readonly Interval[] | undefined;
      let overflow = false;
      if (check === "u32") {
        overflow = value !== (value & U32_MASK);
        window = k === 1 ? memRangeFor(c, 0n, TWO_32) : overflow ? [] : EVERYWHERE;
      } else if (check === "s32") {
        overflow = s64(value) !== BigInt.asIntN(32, value);
        window = k === 1 ? memRangeFor(c, u64(-TWO_31), TWO_32) : overflow ? [] : EVERYWHERE;
      }
      const r = record(overflow ? "overflow" : "ok", { ...withValue, value, stored, width, window });
      if (overflow) {
        fail(r, `${PREFIX.x86Kexec}Overflow in relocation type ${rel.type} value ${hex(value)}`);
        continue;
      }
      out.push(r);
    }
    return failed;
  },
};

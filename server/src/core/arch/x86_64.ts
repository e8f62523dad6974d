// arch/x86/kernel/machine_kexec_64.c: arch_kexec_apply_relocations_add, as the kernel runs it.
// Supported: NONE, 64, 32 (overflow-checked), 32S (overflow-checked), PC32 and PLT32 (truncated
// silently; PLT32 since v4.16). The store happens before the overflow check, and the overflow
// message prints S + A, not S + A - P.

import { SHN_ABS, SHN_COMMON, SHN_UNDEF } from "../elf/constants";
import type { ElfRelocation, ElfSymbol } from "../elf/types";
import { PREFIX } from "../kexec/log";
import type { ArchRelocator, RelaContext, RelocationRecord } from "../kexec/relocate";
import { U32_MASK, hex, s64, u64 } from "../kexec/u64";
import { EVERYWHERE, memRangeFor } from "../kexec/windows";
import { applyRelaWith, fieldOffset, type Computed, type Outcome, type RelaHook } from "./common";
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

/** The kernel's per-relocation work, minus the logging and the store. */
function relocateOne(ctx: RelaContext, rel: ElfRelocation, P: bigint, sym: ElfSymbol, name: string): Outcome {
  const { elf, kernel, layout, mem } = ctx;
  const shnum = elf.header.e_shnum;
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
  const at = width > 0 ? fieldOffset(ctx, rel, width) : 0;
  if (typeof at === "string") {
    who.note = at;
    return { status: "undefined-behaviour", computed: who };
  }
  if (width === 0) return { status: "ok", computed: who };

  const stored = width === 8 ? value : value & U32_MASK;
  who.stored = stored;
  const store = { at, value: stored, width };
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

const x86Hook: RelaHook = {
  littleEndian: true,
  typeName: x86RelocName,
  one: relocateOne,
  stops: () => true,
  sectionDebug: (ctx) => {
    const relsec = ctx.elf.sections[ctx.relSection]!;
    return ctx.kernel.era === "E0"
      ? `${PREFIX.x86Kexec}Applying relocate section ${ctx.relSection} to ${relsec.sh_info}`
      : `${PREFIX.x86Kexec}Applying relocate section ${relsec.name} to ${relsec.sh_info}`;
  },
  symbolDebug: (s, name) =>
    `${PREFIX.x86Kexec}Symbol: ${name} info: ${hex02(s.st_info)} shndx: ${hex02(s.st_shndx)} ` +
    `value=${s.st_value.toString(16)} size: ${s.st_size.toString(16)}`,
};

export const x86_64Relocator: ArchRelocator = {
  applyRela: (ctx: RelaContext, out: RelocationRecord[]) => applyRelaWith(x86Hook, ctx, out),
};

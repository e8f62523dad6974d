// arch/s390/kernel/machine_kexec_file.c arch_kexec_apply_relocations_add + machine_kexec_reloc.c
// arch_kexec_do_relocs, as the kernel runs them: big-endian stores, no overflow checks, and
// R_390_PLT32DBL handled as R_390_PC32DBL since 5.16-rc6.
//
// Two eras (specification 2.2):
// - v4.19 (s390 kexec_file) to v5.15: undefined / common / out-of-range symbols return -ENOEXEC
//   without a message, and arch_kexec_do_relocs()'s result is ignored, so an unknown type (R_390_PLT32DBL
//   from gcc >= 11.3 or clang) is skipped silently and its branch is left unrelocated.
// - v5.16 on ("s390/kexec_file: fix error handling when applying relocations", "print some more error
//   messages", "handle R_390_PLT32DBL rela"): every case prints with pr_fmt "kexec: ", unknown types
//   fail with the MAPPED type number.
// R_390_GLOB_DAT was added in v5.4 (ac49303d9ef0), R_390_JMP_SLOT around v5.7 (4c1cbcbd6c56).

import { SHN_ABS, SHN_COMMON, SHN_UNDEF } from "../elf/constants";
import type { ElfRelocation, ElfSymbol } from "../elf/types";
import type { KernelVersion } from "../kexec/kernel";
import type { ArchRelocator, RelaContext, RelocationRecord } from "../kexec/relocate";
import { u64 } from "../kexec/u64";
import { applyRelaWith, atLeast, fieldOffset, readField, type Outcome, type RelaHook } from "./common";

export const R_390_NONE = 0;
export const R_390_8 = 1;
export const R_390_12 = 2;
export const R_390_16 = 3;
export const R_390_32 = 4;
export const R_390_PC32 = 5;
export const R_390_GLOB_DAT = 10;
export const R_390_JMP_SLOT = 11;
export const R_390_RELATIVE = 12;
export const R_390_PC16 = 16;
export const R_390_PC16DBL = 17;
export const R_390_PC32DBL = 19;
export const R_390_PLT32DBL = 20;
export const R_390_64 = 22;
export const R_390_PC64 = 23;
export const R_390_20 = 57;

const NAMES = [
  "NONE", "8", "12", "16", "32", "PC32", "GOT12", "GOT32", "PLT32", "COPY",
  "GLOB_DAT", "JMP_SLOT", "RELATIVE", "GOTOFF32", "GOTPC", "GOT16", "PC16", "PC16DBL", "PLT16DBL", "PC32DBL",
  "PLT32DBL", "GOTPCDBL", "64", "PC64", "GOT64", "PLT64", "GOTENT", "GOTOFF16", "GOTOFF64", "GOTPLT12",
  "GOTPLT16", "GOTPLT32", "GOTPLT64", "GOTPLTENT", "PLTOFF16", "PLTOFF32", "PLTOFF64", "TLS_LOAD", "TLS_GDCALL", "TLS_LDCALL",
  "TLS_GD32", "TLS_GD64", "TLS_GOTIE12", "TLS_GOTIE32", "TLS_GOTIE64", "TLS_LDM32", "TLS_LDM64", "TLS_IE32", "TLS_IE64", "TLS_IEENT",
  "TLS_LE32", "TLS_LE64", "TLS_LDO32", "TLS_LDO64", "TLS_DTPMOD", "TLS_DTPOFF", "TLS_TPOFF", "20", "GOT20", "GOTPLT20",
  "TLS_GOTIE20", "IRELATIVE", "PC12DBL", "PLT12DBL", "PC24DBL", "PLT24DBL",
]; // prettier-ignore

export function s390RelocName(type: number): string {
  const n = NAMES[type];
  return n ? `R_390_${n}` : `R_390_${type}`;
}

/** The s390 behaviour a kernel release has. */
export interface S390Era {
  /** 5.16+: symbol problems and unknown types print and fail; before, the former fail silently and
   *  the latter are skipped. */
  readonly checked: boolean;
  /** 5.16+: R_390_PLT32DBL is mapped to R_390_PC32DBL. */
  readonly plt32dbl: boolean;
  readonly globDat: boolean;
  readonly jmpSlot: boolean;
}

export function s390Era(v: KernelVersion): S390Era {
  const checked = atLeast(v, 5, 16);
  return { checked, plt32dbl: checked, globDat: atLeast(v, 5, 4), jmpSlot: atLeast(v, 5, 7) };
}

/** pr_fmt of arch/s390/kernel/machine_kexec_file.c (added with the 5.16 messages). */
const S390_PREFIX = "kexec: ";

/** arch_kexec_do_relocs: the field width and the value stored, or undefined for "returns 1". */
function doRelocs(
  type: number,
  era: S390Era,
  val: bigint,
  addr: bigint,
  old: (width: number) => bigint,
): { width: number; stored: bigint; value: bigint } | undefined {
  const d = u64(val - addr);
  switch (type) {
    case R_390_NONE:
      return { width: 0, stored: 0n, value: val };
    case R_390_8:
      return { width: 1, stored: val & 0xffn, value: val };
    case R_390_12:
      return { width: 2, stored: (old(2) & 0xf000n) | (val & 0xfffn), value: val };
    case R_390_16:
      return { width: 2, stored: val & 0xffffn, value: val };
    case R_390_20:
      return {
        width: 4,
        stored: (old(4) & 0xf00000ffn) | ((val & 0xfffn) << 16n) | ((val & 0xff000n) >> 4n),
        value: val,
      };
    case R_390_32:
      return { width: 4, stored: val & 0xffffffffn, value: val };
    case R_390_GLOB_DAT:
      return era.globDat ? { width: 8, stored: val, value: val } : undefined;
    case R_390_JMP_SLOT:
      return era.jmpSlot ? { width: 8, stored: val, value: val } : undefined;
    case R_390_64:
    case R_390_RELATIVE:
      return { width: 8, stored: val, value: val };
    case R_390_PC16:
      return { width: 2, stored: d & 0xffffn, value: d };
    case R_390_PC16DBL:
      return { width: 2, stored: (d >> 1n) & 0xffffn, value: d };
    case R_390_PC32DBL:
      return { width: 4, stored: (d >> 1n) & 0xffffffffn, value: d };
    case R_390_PC32:
      return { width: 4, stored: d & 0xffffffffn, value: d };
    case R_390_PC64:
      return { width: 8, stored: d, value: d };
    default:
      return undefined;
  }
}

function s390Hook(era: S390Era): RelaHook {
  return {
    littleEndian: false,
    typeName: s390RelocName,
    stops: (status) => status !== "ignored",
    one(ctx: RelaContext, rel: ElfRelocation, P: bigint, sym: ElfSymbol, name: string): Outcome {
      const { elf, layout } = ctx;
      const who = { symbol: name, symShndx: sym.st_shndx };
      const say = (text: string): string | undefined => (era.checked ? `${S390_PREFIX}${text}` : undefined);
      if (sym.st_shndx === SHN_UNDEF) {
        return { status: "undefined-symbol", computed: who, message: say(`Undefined symbol: ${name}`) };
      }
      if (sym.st_shndx === SHN_COMMON) {
        return { status: "common-symbol", computed: who, message: say(`symbol '${name}' in common section`) };
      }
      let secBase = 0n;
      let k: 0 | 1 = 0;
      if (sym.st_shndx !== SHN_ABS) {
        if (sym.st_shndx >= elf.header.e_shnum) {
          return {
            status: "invalid-section",
            computed: who,
            message: say(`Invalid section ${sym.st_shndx} for symbol ${name}`),
          };
        }
        const sec = layout.sechdrs[sym.st_shndx]!;
        secBase = sec.sh_addr;
        k = sec.inBuffer || sec.isBss ? 1 : 0;
      }
      const S = u64(sym.st_value + secBase);
      const val = u64(S + rel.r_addend);
      const type = era.plt32dbl && rel.type === R_390_PLT32DBL ? R_390_PC32DBL : rel.type;
      const computed = { ...who, S, memCoefficient: k };
      // Only the store needs the field; read it (for the read-modify-write types) if it is in range.
      let oob: string | undefined;
      const old = (width: number): bigint => {
        const at = fieldOffset(ctx, rel, width);
        if (typeof at === "string") {
          oob = at;
          return 0n;
        }
        return readField(layout.buffer, at, width, false);
      };
      const r = doRelocs(type, era, val, P, old);
      if (!r) {
        if (!era.checked) {
          return {
            status: "ignored",
            computed: {
              ...computed,
              note: `${s390RelocName(rel.type)} is not handled by this kernel and is skipped without a message: the field keeps its unrelocated bytes`,
            },
          };
        }
        return {
          status: "unknown-type",
          computed,
          message: `${S390_PREFIX}Unknown rela relocation: ${type}`,
        };
      }
      const done = {
        ...computed,
        value: r.value,
        width: r.width,
        memCoefficient: (type === R_390_PC16 ||
        type === R_390_PC16DBL ||
        type === R_390_PC32DBL ||
        type === R_390_PC32 ||
        type === R_390_PC64
          ? 0
          : k) as 0 | 1,
      };
      if (r.width === 0) return { status: "ok", computed: done };
      const at = oob === undefined ? fieldOffset(ctx, rel, r.width) : oob;
      if (typeof at === "string") return { status: "undefined-behaviour", computed: { ...done, note: at } };
      return {
        status: "ok",
        computed: { ...done, stored: r.stored },
        store: { at, value: r.stored, width: r.width },
      };
    },
  };
}

export function s390xRelocator(v: KernelVersion): ArchRelocator {
  const hook = s390Hook(s390Era(v));
  return { applyRela: (ctx: RelaContext, out: RelocationRecord[]) => applyRelaWith(hook, ctx, out) };
}

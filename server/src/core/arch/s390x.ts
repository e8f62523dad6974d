// s390x as a KernelArch. The loader (arch/s390/kernel/machine_kexec_file.c) picks the purgatory's
// address itself, directly after the kernel and the initrd in the image it builds from physical 0 (or
// from the crashkernel base): `buf.mem = ALIGN(data->memsz, PAGE_SIZE)`, so kexec_locate_mem_hole()
// returns at once and buf_align / top_down play no part. It then sets kernel_entry and kernel_type
// (u64 each) and, for kdump, crash_start and crash_size. Failures in this path are returned without a
// message of the loader's own.
//
// The RELA hook is arch_kexec_apply_relocations_add + machine_kexec_reloc.c arch_kexec_do_relocs, as
// the kernel runs them: big-endian stores, no overflow checks, and
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

import { EM_S390, SHN_ABS, SHN_COMMON, SHN_UNDEF } from "../elf/constants";
import type { ElfRelocation, ElfSymbol } from "../elf/types";
import type { KernelVersion } from "../kexec/kernel";
import { runSymbolOps } from "../kexec/load";
import { PAGE_SIZE } from "../kexec/purgatory";
import type { ArchRelocator, RelaContext } from "../kexec/relocate";
import { WIDE, type RelocationTable } from "../kexec/relocation-table";
import { ALIGN, hex, u64 } from "../kexec/u64";
import { cappedMap, finding, firstAttempt, OBJECT_TARGET, unique } from "../rules/finding";
import {
  stepsPurgatorySymbol,
  stepsUndefinedBehaviour,
  stepsUndefinedSymbol,
  unknownTypeRule,
} from "../rules/loader-steps";
import { siteAttachments, sites } from "../rules/relocation-sites";
import type { Rule } from "../rules/rule";
import type { KernelArch } from "./types";
import {
  applyRelaWith,
  hookForEra,
  atLeast,
  fieldOffset,
  readField,
  readWord,
  sectionSymbol,
  type Computed,
  type FastOutcome,
  type FastRela,
  type FastSymbol,
  type Outcome,
  type RelaHook,
  type SymbolFailure,
} from "./common";
import { entryWords, placeWordsField, setWords, symbolWords } from "./words";

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

/** The symbol checks, made before the type is looked at; from 5.16 each prints, before it fails silently. */
function s390SymbolFailure(
  ctx: RelaContext,
  sym: ElfSymbol,
  name: string,
  era: S390Era,
): SymbolFailure | undefined {
  const say = (text: string): string | undefined => (era.checked ? `${S390_PREFIX}${text}` : undefined);
  if (sym.st_shndx === SHN_UNDEF)
    return { status: "undefined-symbol", message: say(`Undefined symbol: ${name}`) };
  if (sym.st_shndx === SHN_COMMON) {
    return { status: "common-symbol", message: say(`symbol '${name}' in common section`) };
  }
  if (sym.st_shndx !== SHN_ABS && sym.st_shndx >= ctx.elf.header.e_shnum) {
    return { status: "invalid-section", message: say(`Invalid section ${sym.st_shndx} for symbol ${name}`) };
  }
  return undefined;
}

function s390Hook(era: S390Era): RelaHook {
  return {
    littleEndian: false,
    typeName: s390RelocName,
    stops: (status) => status !== "ignored",
    one(ctx: RelaContext, rel: ElfRelocation, P: bigint, sym: ElfSymbol, name: string): Outcome {
      const { layout } = ctx;
      const who = { symbol: name, symShndx: sym.st_shndx };
      const failure = s390SymbolFailure(ctx, sym, name, era);
      if (failure) return { status: failure.status, computed: who, message: failure.message };
      let secBase = 0n;
      let k: 0 | 1 = 0;
      if (sym.st_shndx !== SHN_ABS) {
        const sec = layout.sechdrs[sym.st_shndx]!;
        secBase = sec.sh_addr;
        k = sec.inBuffer || sec.isBss ? 1 : 0;
      }
      const S = u64(sym.st_value + secBase);
      const val = u64(S + rel.r_addend);
      const type = era.plt32dbl && rel.type === R_390_PLT32DBL ? R_390_PC32DBL : rel.type;
      // One record object, filled in as the checks pass (object spreads cost microseconds each).
      const computed: Computed = { symbol: name, symShndx: sym.st_shndx, S, memCoefficient: k };
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
          computed.note = skippedNote(rel.type);
          return { status: "ignored", computed };
        }
        return {
          status: "unknown-type",
          computed,
          message: `${S390_PREFIX}Unknown rela relocation: ${type}`,
        };
      }
      computed.value = r.value;
      computed.width = r.width;
      if (
        type === R_390_PC16 ||
        type === R_390_PC16DBL ||
        type === R_390_PC32DBL ||
        type === R_390_PC32 ||
        type === R_390_PC64
      )
        computed.memCoefficient = 0;
      if (r.width === 0) return { status: "ok", computed };
      const at = oob === undefined ? fieldOffset(ctx, rel, r.width) : oob;
      if (typeof at === "string") {
        computed.note = at;
        return { status: "undefined-behaviour", computed };
      }
      computed.stored = r.stored;
      return {
        status: "ok",
        computed,
        store: { at, value: r.stored, width: r.width },
      };
    },
  };
}

/**
 * arch_kexec_do_relocs on 32-bit words (no value leaves them, whatever the object holds), with the
 * failures decided by the type and the field's place: a type the era does not handle, a field
 * outside the buffer. Declines only a SHT_NOBITS target.
 */
function s390Fast(era: S390Era): FastRela<FastSymbol> {
  return {
    symbol: sectionSymbol,
    one(ctx, sym, entries, i, _targetAddr, _live, out) {
      let type = entries.type[i]!;
      if (era.plt32dbl && type === R_390_PLT32DBL) type = R_390_PC32DBL;
      const width = s390Width(type, era);
      if (width > 0 && !ctx.target.inBuffer) return false;
      const w = entryWords(ctx, entries, i, out);
      const S = sym.S;
      out.S = S;
      out.note = undefined;
      out.window = undefined;
      out.stored = NaN;
      if (width < 0) return unhandled(entries.type[i]!, type, era, sym.k, out);
      // val = S + A and d = val - P, mod 2^64.
      symbolWords(w, S);
      const { vHi, vLo, dHi, dLo } = w;
      const pcRel = PC_RELATIVE.has(type);
      const hi = pcRel ? dHi : vHi;
      const lo32 = pcRel ? dLo : vLo;
      out.memCoefficient = pcRel ? 0 : sym.k;
      if (!placeWordsField(ctx, w, out, hi, lo32, width)) return true;
      const at = out.at;
      const buf = ctx.layout.buffer;
      switch (type) {
        case R_390_8:
          out.stored = vLo & 0xff;
          break;
        case R_390_12:
          out.stored = (readWord(buf, at, 2, false) & 0xf000) | (vLo & 0xfff);
          break;
        case R_390_16:
          out.stored = vLo & 0xffff;
          break;
        case R_390_20:
          out.stored =
            ((readWord(buf, at, 4, false) & 0xf00000ff) | ((vLo & 0xfff) << 16) | ((vLo & 0xff000) >>> 4)) >>>
            0;
          break;
        case R_390_32:
          out.stored = vLo;
          break;
        case R_390_PC16:
          out.stored = dLo & 0xffff;
          break;
        case R_390_PC16DBL:
          out.stored = (dLo >>> 1) & 0xffff;
          break;
        case R_390_PC32DBL:
          // (d >> 1) & 0xffffffff: bit 0 of the high word moves into bit 31.
          out.stored = ((dLo >>> 1) | (dHi << 31)) >>> 0;
          break;
        case R_390_PC32:
          out.stored = dLo;
          break;
        default:
          // The 64-bit fields store the whole value (val, or d for PC64).
          out.stored = out.value;
          if (out.stored !== out.stored) setWords(out, WIDE.stored, hi, lo32);
      }
      return true;
    },
  };
}

const PC_RELATIVE = new Set([R_390_PC16, R_390_PC16DBL, R_390_PC32DBL, R_390_PC32, R_390_PC64]);

/** The field width the era writes for `type` (after the PLT32DBL mapping), or -1 for none it handles. */
function s390Width(type: number, era: S390Era): number {
  switch (type) {
    case R_390_NONE:
      return 0;
    case R_390_8:
      return 1;
    case R_390_12:
    case R_390_16:
    case R_390_PC16:
    case R_390_PC16DBL:
      return 2;
    case R_390_20:
    case R_390_32:
    case R_390_PC32:
    case R_390_PC32DBL:
      return 4;
    case R_390_GLOB_DAT:
      return era.globDat ? 8 : -1;
    case R_390_JMP_SLOT:
      return era.jmpSlot ? 8 : -1;
    case R_390_64:
    case R_390_RELATIVE:
    case R_390_PC64:
      return 8;
    default:
      return -1;
  }
}

const skippedNotes = new Map<number, string>();
const unknownMessages = new Map<number, string>();

/**
 * A type the era does not handle: before 5.16 skipped without a message (the walk goes on), from
 * 5.16 "Unknown rela relocation" (printed with the type after the PLT32DBL mapping) and a failure.
 */
function unhandled(type: number, mapped: number, era: S390Era, k: 0 | 1, out: FastOutcome): boolean {
  out.value = NaN;
  out.width = 0;
  out.memCoefficient = k;
  if (era.checked) {
    let message = unknownMessages.get(mapped);
    if (message === undefined)
      unknownMessages.set(mapped, (message = `${S390_PREFIX}Unknown rela relocation: ${mapped}`));
    out.status = "unknown-type";
    out.message = message;
    return true;
  }
  let note = skippedNotes.get(type);
  if (note === undefined) skippedNotes.set(type, (note = skippedNote(type)));
  out.status = "ignored";
  out.note = note;
  return true;
}

function skippedNote(type: number): string {
  return `${s390RelocName(type)} is not handled by this kernel and is skipped without a message: the field keeps its unrelocated bytes`;
}

const hooks = new Map<string, RelaHook>();

/** The era's hook: with its number path and symbol checks, or (for tests) the bigint path alone. */
export function s390RelaHook(era: S390Era, numberPath = true): RelaHook {
  if (!numberPath) return s390Hook(era);
  return hookForEra(hooks, era, () => ({
    ...s390Hook(era),
    symbolFailure: (ctx, sym, name) => s390SymbolFailure(ctx, sym, name, era),
    fast: s390Fast(era) as FastRela<unknown>,
  }));
}

function s390xRelocator(v: KernelVersion): ArchRelocator {
  const hook = s390RelaHook(s390Era(v));
  return { applyRela: (ctx: RelaContext, out: RelocationTable) => applyRelaWith(hook, ctx, out) };
}

/** The address kexec_file_add_purgatory() gives the purgatory after `imageSize` bytes of kernel + initrd. */
export function s390PurgatoryAddress(imageSize: bigint, crashBase = 0n): bigint {
  return ALIGN(imageSize, PAGE_SIZE) + crashBase;
}

/** Default simulated loads: a normal kexec and a kdump load, each after a 32 MiB kernel + initrd. */
export const S390_DEFAULT_IMAGE = 32n << 20n;
export const S390_DEFAULT_CRASH_BASE = 256n << 20n;

/** Before 5.16 an unknown type is skipped: the load succeeds with the branch unrelocated. */
const unrelocatedBranch: Rule = {
  id: "s390-unrelocated-branch",
  evaluate(ctx) {
    const ignored = (firstAttempt(ctx)?.relocations ?? []).filter((r) => r.status === "ignored");
    if (ignored.length === 0) return [];
    const where = cappedMap(
      ignored,
      (r) => `${r.targetName}+0x${r.r_offset.toString(16)} (${r.typeName} → ${r.symbol})`,
    );
    return [
      finding({
        id: "s390-unrelocated-branch",
        severity: "error",
        title: `this kernel would jump to an unrelocated branch: ${ignored.length} ${unique(ignored.map((r) => r.typeName)).join(", ")} relocation${ignored.length === 1 ? "" : "s"} silently skipped`,
        message: `s390 kernels before 5.16 ignore the result of arch_kexec_do_relocs(): kexec_file_load succeeds without a message, but the fields keep their unrelocated bytes, and the purgatory loops or jumps to the wrong place when kexec runs.`,
        cause:
          "gcc >= 11.3 and clang emit R_390_PLT32DBL for every call (brasl sym@PLT), even to static functions, and so does hand-written assembly that says @PLT; `ld -r` keeps them, and these kernels do not handle the type.",
        fix: 'Run a 5.16 or later kernel, or backport "s390/kexec: handle R_390_PLT32DBL rela in arch_kexec_apply_relocations_add()" to this one. No compiler flag turns the PLT calls off; in assembly, call without @PLT (GNU as then emits R_390_PC32DBL, which every s390 kernel applies); in C, only a compiler older than gcc 11.3 avoids them.',
        evidence: { fields: where, relocations: sites(ignored) },
        attach: [...siteAttachments(ctx.elf, ignored), OBJECT_TARGET],
      }),
    ];
  },
};

export const S390X: KernelArch = {
  id: "s390x",
  e_machine: EM_S390,
  since: { major: 4, minor: 19 },
  pageSize: PAGE_SIZE,
  byteOrders: [false],
  relocator: (kernel) => s390xRelocator(kernel.version),
  loadFailed: () => [],
  setSymbols: (w, options) =>
    runSymbolOps(
      w,
      [
        { name: "kernel_entry", op: "set", size: 8 },
        { name: "kernel_type", op: "set", size: 8 },
        ...(options.crash
          ? [
              { name: "crash_start", op: "set" as const, size: 8 },
              { name: "crash_size", op: "set" as const, size: 8 },
            ]
          : []),
      ],
      { lines: [], fatal: true },
    ),
  bufMin: 0n,
  placesItself: true,
  refusesOtherLayouts: true,
  defaultLoads: () => [
    {
      label: "normal",
      why: `right after a ${S390_DEFAULT_IMAGE >> 20n} MiB kernel + initrd loaded at 0 (s390 places the purgatory itself)`,
      mem: s390PurgatoryAddress(S390_DEFAULT_IMAGE),
      crash: false,
    },
    {
      label: "crash",
      why: `kdump: the same image from a crashkernel base of ${hex(S390_DEFAULT_CRASH_BASE)} (also sets crash_start/crash_size)`,
      mem: s390PurgatoryAddress(S390_DEFAULT_IMAGE, S390_DEFAULT_CRASH_BASE),
      crash: true,
    },
  ],
  objectFormat: "an ELF64 big-endian s390x relocatable object (-m64, ld -r)",
  rules: [
    stepsUndefinedBehaviour,
    unknownTypeRule({
      fixFor: (r) => (r.type === R_390_PLT32DBL ? "R_390_PLT32DBL is handled since 5.16" : undefined),
    }),
    unrelocatedBranch,
    stepsUndefinedSymbol(
      "s390 kernels before 5.16 return -ENOEXEC here without any message: kexec_file_load fails silently.",
    ),
    stepsPurgatorySymbol,
  ],
  relocName: s390RelocName,
};

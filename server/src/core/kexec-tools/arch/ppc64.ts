// kexec-tools on ppc64: machine_verify_elf_rel and machine_apply_elf_rel
// (kexec/arch/ppc64/kexec-elf-rel-ppc64.c, the same in 2.0.25, 2.0.29 and 2.0.32), and what
// elf_ppc64_load (kexec-elf-ppc64.c, the kexec_load path) does around elf_rel_build_load.
// Stores are native (the object's byte order, as kexec-tools is built for the same endianness).
// Its quirks, all modelled:
// - r2 ("my_r2") is the first non-empty section named .toc, plus 0x8000; with none, every TOC and
//   REL16 relocation, and the loader's own my_toc, die("TOC reloc without a toc section?");
// - verify raises .toc's sh_addralign to 256 (a side effect on the layout: ktPpc64AlignOverrides);
// - REL64 stores the absolute value, like ADDR64 (no "- address");
// - REL32 subtracts the low 32 bits of kexec's own heap pointer to the field, not its address;
// - REL16_HA/LO rewrite the ELFv2 prologue `addis 2,12,.TOC.-0b@ha; addi 2,2,.TOC.-0b@l` into
//   `lis 2,r2@h; addi 2,2,r2@l` (absolute) and die on any other instruction; the lis takes @h, not
//   @ha, so r2 comes out 0x10000 low when its bit 15 is set;
// - REL24 adds the callee's ELFv2 local entry offset (kexec-tools built with _CALL_ELF == 2).

import { ELFCLASS64, EM_PPC64 } from "../../elf/constants";
import type { ElfFile } from "../../elf/types";
import { lowBits, readField, readWord, writeField } from "../../arch/common";
import { U32_MASK, U64_MASK, u64 } from "../../kexec/u64";
import type {
  KtArch,
  KtFastApply,
  KtFastCall,
  KtFastResult,
  KtLoadOptions,
  KtPlacement,
  KtRelocCall,
  KtRelocResult,
  KtSymbolOp,
} from "../types";

const NAMES: Record<number, string> = {
  0: "NONE",
  1: "ADDR32",
  4: "ADDR16_LO",
  5: "ADDR16_HI",
  6: "ADDR16_HA",
  10: "REL24",
  26: "REL32",
  38: "ADDR64",
  39: "ADDR16_HIGHER",
  41: "ADDR16_HIGHEST",
  44: "REL64",
  47: "TOC16",
  48: "TOC16_LO",
  49: "TOC16_HI",
  50: "TOC16_HA",
  51: "TOC",
  57: "ADDR16_LO_DS",
  63: "TOC16_DS",
  64: "TOC16_LO_DS",
  116: "REL24_NOTOC",
  132: "PCREL34",
  250: "REL16_LO",
  252: "REL16_HA",
};

export function ktPpc64RelocName(type: number): string {
  return `R_PPC64_${NAMES[type] ?? type}`;
}

/** The section kexec-tools' toc_section() finds: the first non-empty one named ".toc". */
export function ktPpc64TocSection(elf: ElfFile): number | undefined {
  // Asked per TOC relocation: found once per object (its section table may be thousands long).
  if (tocSections.has(elf)) return tocSections.get(elf);
  const n = elf.header.e_shnum;
  let index: number | undefined;
  for (let i = 0; i < n && i < elf.sections.length; i++) {
    const sh = elf.sections[i]!;
    if (sh.sh_size !== 0n && sh.name === ".toc") {
      index = i;
      break;
    }
  }
  tocSections.set(elf, index);
  return index;
}

const tocSections = new WeakMap<ElfFile, number | undefined>();

/** machine_verify_elf_rel's edit: .toc's sh_addralign becomes at least 256 (section index -> align). */
export function ktPpc64AlignOverrides(elf: ElfFile): ReadonlyMap<number, bigint> {
  const toc = ktPpc64TocSection(elf);
  if (toc === undefined || elf.sections[toc]!.sh_addralign >= 256n) return new Map();
  return new Map([[toc, 256n]]);
}

export const KT_PPC64_NO_TOC = "TOC reloc without a toc section?";

/** my_r2(): .toc's final address + 0x8000, given the loader's section addresses. */
export function ktPpc64R2(elf: ElfFile, sectionAddress: (index: number) => bigint): bigint | undefined {
  const toc = ktPpc64TocSection(elf);
  return toc === undefined ? undefined : u64(sectionAddress(toc) + 0x8000n);
}

/** machine_apply_elf_rel needs the .toc section's final address: the loader passes its layout. */
export interface KtPpc64RelocCall extends KtRelocCall {
  /** sh_addr of section `index` after elf_rel_load placed it. */
  readonly sectionAddress?: (index: number) => bigint;
}

type Result = KtRelocResult;

function apply(call: KtPpc64RelocCall): Result {
  const { r_type, data, at, address, elf } = call;
  const le = elf.header.littleEndian;
  const typeName = ktPpc64RelocName(r_type);
  const store = (value: bigint, width: number, memCoefficient: 0 | 1, note?: string): Result => {
    const stored = value & ((1n << BigInt(width * 8)) - 1n);
    writeField(data, { at, value: stored, width }, le);
    return { typeName, status: "ok", width, stored, memCoefficient, note };
  };
  const die = (text: string, status: Result["status"] = "overflow"): Result => ({
    typeName,
    status,
    width: 0,
    memCoefficient: 0,
    die: text,
  });
  const r2 = (): bigint | undefined =>
    call.sectionAddress
      ? ktPpc64R2(elf, call.sectionAddress)
      : ktPpc64R2(elf, (i) => elf.sections[i]!.sh_addr);
  if (TOC_RELATIVE.has(r_type)) {
    const toc = r2();
    if (toc === undefined) return die(KT_PPC64_NO_TOC, "unknown-type");
    return tocRelative(call, toc, store, die);
  }
  let value = call.value;
  switch (r_type) {
    case 1:
      return store(value, 4, 1);
    case 38:
      return store(value, 8, 1);
    case 44:
      return store(value, 8, 1, REL64_NOTE);
    case 26:
      // value - (uint32_t)location: location is kexec's malloc'd staging buffer, not `address`.
      return { typeName, status: "ok", width: 4, memCoefficient: 0, note: REL32_NOTE };
    case 10: {
      value = u64(value + localEntryOffset(call));
      value = u64(value - address);
      if (u64(value + 0x2000000n) > 0x3ffffffn || (value & 3n) !== 0n) {
        return die(`REL24 ${BigInt.asIntN(64, value)} out of range!`);
      }
      const old = readField(data, at, 4, le);
      return store((old & ~0x03fffffcn & U32_MASK) | (value & 0x03fffffcn), 4, 0);
    }
    case 4:
      return store(value & 0xffffn, 2, 1);
    case 5:
      return store((value >> 16n) & 0xffffn, 2, 1);
    case 6:
      return store((u64(value + 0x8000n) >> 16n) & 0xffffn, 2, 1);
    case 39:
      return store((value >> 32n) & 0xffffn, 2, 1);
    case 41:
      return store((value >> 48n) & 0xffffn, 2, 1);
  }
  return die(`Unknown rela relocation: ${r_type}`, "unknown-type");
}

/** PPC64_LOCAL_ENTRY_OFFSET(st_other) for ELFv2 objects (e_flags 2); ELFv1 builds use 0. */
function localEntryOffset(call: KtRelocCall): bigint {
  return BigInt(localEntry(call.elf.header.e_flags, call.sym.st_other));
}

function localEntry(e_flags: number, st_other: number): number {
  if ((e_flags & 3) !== 2) return 0;
  return ((1 << ((st_other & 0xe0) >> 5)) >> 2) << 2;
}

/** The types that need r2: TOC, TOC16 and its _LO, _HI, _HA, _DS, _LO_DS, REL16_HA/LO. */
const TOC_RELATIVE = new Set([51, 47, 63, 48, 64, 49, 50, 252, 250]);

type Store = (value: bigint, width: number, memCoefficient: 0 | 1, note?: string) => Result;
type Die = (text: string, status?: Result["status"]) => Result;

/** apply() for the types of TOC_RELATIVE, given r2. */
function tocRelative(call: KtRelocCall, toc: bigint, store: Store, die: Die): Result {
  const { r_type, data, at, elf } = call;
  const le = elf.header.littleEndian;
  const value = call.value;
  const rel = u64(value - toc);
  // do_relative_toc(): the signed-range and low-bits checks, then a masked 16-bit store.
  const relativeToc = (v: bigint, mask: bigint, complainSigned: boolean): Result => {
    if (complainSigned && u64(v + 0x8000n) > 0xffffn) return die(`TOC16 relocation overflows (${v})`);
    if ((~mask & 0xffffn & v) !== 0n) return die(`bad TOC16 relocation (${v})`);
    const old = readField(data, at, 2, le);
    return store((old & ~mask & 0xffffn) | (v & mask), 2, 0);
  };
  switch (r_type) {
    case 51:
      return store(toc, 8, 1);
    case 47:
      return relativeToc(rel, 0xffffn, true);
    case 63:
      return relativeToc(rel, 0xfffcn, true);
    case 48:
      return relativeToc(rel, 0xffffn, false);
    case 64:
      return relativeToc(rel, 0xfffcn, false);
    case 49:
      return relativeToc(rel >> 16n, 0xffffn, false);
    case 50:
      return relativeToc(u64(rel + 0x8000n) >> 16n, 0xffffn, false);
    case 252: {
      if ((readField(data, at, 4, le) & 0xffff0000n) !== 0x3c4c0000n) {
        return die("Unexpected instruction for  R_PPC64_REL16_HA", "unknown-type");
      }
      const v = u64(value + toc);
      const note = (v & 0x8000n) !== 0n ? REL16_HA_NOTE : undefined;
      return store(0x3c400000n + ((v >> 16n) & 0xffffn), 4, 1, note);
    }
    default: {
      // 250 REL16_LO
      if ((readField(data, at, 4, le) & 0xffff0000n) !== 0x38420000n) {
        return die("Unexpected instruction for R_PPC64_REL16_LO", "unknown-type");
      }
      return store(u64(value + toc - 4n) & 0xffffn, 2, 1);
    }
  }
}

function placement(): KtPlacement {
  return {
    min: 0n,
    max: U64_MASK,
    end: 1,
    why: "elf_ppc64_load: bottom-up anywhere (0 to max_addr = ULONG_MAX), after the kernel and crash segments",
  };
}

function symbolOps(_v: unknown, options: KtLoadOptions): KtSymbolOp[] {
  const crash: KtSymbolOp[] = options.crash
    ? [
        { name: "panic_kernel", op: "set", size: 4 },
        { name: "backup_start", op: "set", size: 8 },
        { name: "run_at_load", op: "get", size: 4 },
        { name: "run_at_load", op: "set", size: 4 },
      ]
    : [];
  return [
    // Only on OPAL (PowerNV) machines, where /proc/device-tree/ibm,opal has the properties.
    { name: "opal_base", op: "set", size: 8 },
    { name: "opal_entry", op: "set", size: 8 },
    { name: "kernel", op: "set", size: 8 },
    { name: "dt_offset", op: "set", size: 8 },
    // The first 256 bytes at purgatory_start get the new kernel's slave code.
    { name: "purgatory_start", op: "get", size: 256 },
    { name: "purgatory_start", op: "set", size: 256 },
    ...crash,
    { name: "stack", op: "set", size: 8 },
    // my_toc's value is my_r2(): without a .toc this dies "TOC reloc without a toc section?".
    {
      name: "my_toc",
      op: "set",
      size: 8,
      check: (elf) => (ktPpc64TocSection(elf) === undefined ? KT_PPC64_NO_TOC : undefined),
    },
    { name: "debug", op: "set", size: 4 },
    // Read back for the debug printout, on every load.
    { name: "opal_base", op: "get", size: 8 },
    { name: "opal_entry", op: "get", size: 8 },
    { name: "kernel", op: "get", size: 8 },
    { name: "dt_offset", op: "get", size: 8 },
    { name: "run_at_load", op: "get", size: 4 },
    { name: "panic_kernel", op: "get", size: 4 },
    { name: "backup_start", op: "get", size: 8 },
    { name: "stack", op: "get", size: 8 },
    { name: "my_toc", op: "get", size: 8 },
    { name: "debug", op: "get", size: 4 },
    // update_purgatory (arch_update_purgatory is empty on ppc64).
    { name: "sha256_regions", op: "set", size: 256 },
    { name: "sha256_digest", op: "set", size: 32 },
  ];
}

const REL64_NOTE = "kexec-tools stores the absolute value for REL64, not value - address";
const REL32_NOTE =
  "kexec-tools subtracts the low 32 bits of its own heap pointer to the field, so the stored value is unpredictable (harmless in .eh_frame, which nothing reads)";

/**
 * apply() with doubles for a little-endian object (ppc64le): the absolute types, REL24, and the
 * TOC-relative ones given r2 once per load. Big-endian objects, the types kexec-tools does not know
 * and every relocation kexec dies on stay with apply().
 */
const applyFast: KtFastApply = {
  littleEndian: true,
  tocPointer: (elf, sectionAddress) => ktPpc64R2(elf, sectionAddress),
  one(call: KtFastCall, out: KtFastResult): boolean {
    if (!call.elfLittleEndian) return false;
    const { r_type, value } = call;
    if (TOC_RELATIVE.has(r_type)) return tocRelativeFast(call, out);
    if (r_type === 10) return rel24Fast(call, out);
    let width = 2;
    let stored: number;
    switch (r_type) {
      case 1:
        width = 4;
        stored = lowBits(value, 32);
        break;
      case 38:
      case 44:
        width = 8;
        stored = value;
        out.note = r_type === 44 ? REL64_NOTE : undefined;
        break;
      case 4:
        stored = lowBits(value, 16);
        break;
      case 5:
        stored = hi16(value);
        break;
      case 6:
        stored = ha16(value);
        break;
      case 39:
        stored = Math.floor(value / 0x1_0000_0000) & 0xffff;
        break;
      case 41:
        stored = (Math.floor(value / 0x1_0000_0000) >>> 16) & 0xffff;
        break;
      case 26:
        // A field whose value is unknown (see REL32_NOTE): nothing is stored in the model.
        width = 4;
        stored = NaN;
        out.note = REL32_NOTE;
        break;
      default:
        return false;
    }
    if (call.at + width > call.data.byteLength) return false;
    return stores(out, width, stored, r_type === 26 ? 0 : 1);
  },
};

const REL16_HA_NOTE =
  "kexec-tools loads r2 with lis (@h, not @ha): bit 15 of the TOC pointer is set, so r2 ends up 0x10000 too low";

/** tocRelative() in numbers: declines where kexec dies (apply() prints the message). */
function tocRelativeFast(call: KtFastCall, out: KtFastResult): boolean {
  const { r_type, value, toc, data, at } = call;
  if (!(toc === toc)) return false;
  // value - r2 as a signed double: exact below 2^53 in magnitude (NaN-free from here on).
  const rel = value - toc;
  if (!(rel <= MAX_SAFE && rel >= -MAX_SAFE)) return false;
  const width = r_type === 51 ? 8 : r_type === 252 ? 4 : 2;
  // REL16_LO stores 2 bytes but first reads the whole instruction.
  if (at + (r_type === 250 ? 4 : width) > data.byteLength) return false;
  let stored: number;
  let memCoefficient: 0 | 1 = 0;
  out.note = undefined;
  switch (r_type) {
    case 51:
      stored = toc;
      memCoefficient = 1;
      break;
    case 47:
    case 48:
      // TOC16 also checks the signed 16-bit range; the mask keeps every bit, so nothing of the old field stays.
      if (r_type === 47 && !(rel >= -0x8000 && rel <= 0x7fff)) return false;
      stored = lowBits(rel, 16);
      break;
    case 63:
    case 64:
      if (r_type === 63 && !(rel >= -0x8000 && rel <= 0x7fff)) return false;
      if (lowBits(rel, 2) !== 0) return false;
      stored = (readWord(data, at, 2, true) & 3) | lowBits(rel, 16);
      break;
    case 49:
      stored = hi16(rel);
      break;
    case 50:
      stored = ha16(rel);
      break;
    case 252: {
      if (readWord(data, at, 4, true) >>> 16 !== 0x3c4c) return false;
      const v = value + toc;
      if (!(v <= MAX_SAFE)) return false;
      stored = 0x3c400000 + hi16(v);
      memCoefficient = 1;
      out.note = (lowBits(v, 16) & 0x8000) !== 0 ? REL16_HA_NOTE : undefined;
      break;
    }
    default: {
      // 250 REL16_LO
      if (readWord(data, at, 4, true) >>> 16 !== 0x3842) return false;
      const v = value + toc - 4;
      if (!(v <= MAX_SAFE && v >= -MAX_SAFE)) return false;
      stored = lowBits(v, 16);
      memCoefficient = 1;
    }
  }
  return stores(out, width, stored, memCoefficient);
}

/** REL24 in numbers: the branch's 24-bit word offset, declined out of range (kexec dies). */
function rel24Fast(call: KtFastCall, out: KtFastResult): boolean {
  const { data, at } = call;
  const v = call.value + localEntry(call.e_flags, call.st_other) - call.address;
  if (!(v >= -0x2000000 && v <= 0x1ffffff) || lowBits(v, 2) !== 0) return false;
  if (at + 4 > data.byteLength) return false;
  out.note = undefined;
  return stores(
    out,
    4,
    ((readWord(data, at, 4, true) & 0xfc000003) | (lowBits(v, 32) & 0x03fffffc)) >>> 0,
    0,
  );
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** `@h` of an exact double (a negative one meaning 2^64 + it): bits 16-31. */
function hi16(x: number): number {
  return (lowBits(x, 32) >>> 16) & 0xffff;
}

/** `@ha`: ((x + 0x8000) >> 16) & 0xffff on the u64, bits 16-31 of the low word after the carry. */
function ha16(x: number): number {
  return ((lowBits(x, 32) + 0x8000) >>> 16) & 0xffff;
}

/** The number path's result for a field it stores (ppc64's rows have no window). */
function stores(out: KtFastResult, width: number, stored: number, memCoefficient: 0 | 1): true {
  out.status = "ok";
  out.width = width;
  out.stored = stored;
  out.memCoefficient = memCoefficient;
  out.window = undefined;
  return true;
}

export const KT_PPC64: KtArch = {
  id: "ppc64",
  e_machine: EM_PPC64,
  loadsPurgatory: true,
  // Class and machine only: either byte order passes (see ktPpc64AlignOverrides for its side effect).
  verify: (elf: ElfFile) => elf.bytes[4] === ELFCLASS64 && elf.header.e_machine === EM_PPC64,
  typeName: ktPpc64RelocName,
  apply,
  applyFast,
  pageSize: 65536n,
  alignOverrides: ktPpc64AlignOverrides,
  placement,
  symbolOps,
};

// kexec-tools on s390x: machine_verify_elf_rel and machine_apply_elf_rel
// (kexec/arch/s390/kexec-elf-rel-s390.c, the same in 2.0.25, 2.0.29 and 2.0.32), and the one place
// that loads a purgatory: load_crashdump_segments (crashdump-s390.c), i.e. only `kexec -p` with the
// kexec_load syscall. A normal load enters the kernel image directly (info->entry = IMAGE_READ_OFFSET).
// Stores are native (big-endian) and unchecked: every field is silently truncated. R_390_NONE, the
// GOT types (-fPIC) and R_390_PLT32/PLT64 die.

import { ELFCLASS64, ELFDATA2MSB, EM_S390 } from "../../elf/constants";
import type { ElfFile } from "../../elf/types";
import { lowBits, readField, readWord, writeField } from "../../arch/common";
import { hex, u64 } from "../../kexec/u64";
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

const R_390_8 = 1;
const R_390_12 = 2;
const R_390_16 = 3;
const R_390_32 = 4;
const R_390_PC32 = 5;
const R_390_PC16 = 16;
const R_390_PC16DBL = 17;
const R_390_PLT32DBL = 20;
const R_390_PC32DBL = 19;
const R_390_64 = 22;
const R_390_PC64 = 23;
const R_390_20 = 57;

const NAMES: Record<number, string> = {
  0: "NONE",
  [R_390_8]: "8",
  [R_390_12]: "12",
  [R_390_16]: "16",
  [R_390_32]: "32",
  [R_390_PC32]: "PC32",
  [R_390_PC16]: "PC16",
  [R_390_PC16DBL]: "PC16DBL",
  [R_390_PLT32DBL]: "PLT32DBL",
  [R_390_PC32DBL]: "PC32DBL",
  [R_390_64]: "64",
  [R_390_PC64]: "PC64",
  [R_390_20]: "20",
  8: "PLT32",
  18: "PLT16DBL",
  21: "GOTPCDBL",
  25: "PLT64",
  26: "GOTENT",
};

export function ktS390RelocName(type: number): string {
  return `R_390_${NAMES[type] ?? type}`;
}

/** Field width in bytes and whether the type is PC-relative (val -= address), per handled type. */
const FIELDS: Record<number, { width: number; pcrel: boolean }> = {
  [R_390_8]: { width: 1, pcrel: false },
  [R_390_12]: { width: 2, pcrel: false },
  [R_390_16]: { width: 2, pcrel: false },
  [R_390_20]: { width: 4, pcrel: false },
  [R_390_32]: { width: 4, pcrel: false },
  [R_390_64]: { width: 8, pcrel: false },
  [R_390_PC16]: { width: 2, pcrel: true },
  [R_390_PC16DBL]: { width: 2, pcrel: true },
  [R_390_PC32DBL]: { width: 4, pcrel: true },
  [R_390_PLT32DBL]: { width: 4, pcrel: true },
  [R_390_PC32]: { width: 4, pcrel: true },
  [R_390_PC64]: { width: 8, pcrel: true },
};

/** The field's new contents: the low bits of val, merged with the instruction bits 12 and 20 keep. */
function encode(r_type: number, val: bigint, old: bigint): bigint {
  switch (r_type) {
    case R_390_12:
      return (val & 0xfffn) | (old & 0xf000n);
    case R_390_20:
      return (old & 0xf00000ffn) | ((val & 0xfffn) << 16n) | ((val & 0xff000n) >> 4n);
    case R_390_PC16DBL:
    case R_390_PC32DBL:
    case R_390_PLT32DBL:
      return val >> 1n;
    default:
      return val;
  }
}

/** Does val fit the field the way a linker would require (signed for PC-relative, either for absolute)? */
function truncated(r_type: number, val: bigint, width: number): boolean {
  const bits = BigInt(r_type === R_390_12 ? 12 : r_type === R_390_20 ? 20 : width * 8);
  const shift = r_type === R_390_PC16DBL || r_type === R_390_PC32DBL || r_type === R_390_PLT32DBL ? 1n : 0n;
  const s = BigInt.asIntN(64, val) >> shift;
  return s < -(1n << (bits - 1n)) || s >= 1n << bits;
}

function apply(call: KtRelocCall): KtRelocResult {
  const { r_type, data, at, address } = call;
  const typeName = ktS390RelocName(r_type);
  const field = FIELDS[r_type];
  if (!field) {
    return {
      typeName,
      status: "unknown-type",
      width: 0,
      memCoefficient: 0,
      die: `Unknown rela relocation: ${hex(r_type)} ${hex(address)}`,
    };
  }
  const val = field.pcrel ? u64(call.value - address) : call.value;
  const { width } = field;
  const mask = (1n << BigInt(width * 8)) - 1n;
  const old = readField(data, at, width, false);
  const stored = encode(r_type, val, old) & mask;
  writeField(data, { at, value: stored, width }, false);
  const note =
    width < 8 && truncated(r_type, val, width)
      ? `${hex(val)} does not fit the field; kexec-tools does not check and stores its low bits`
      : undefined;
  return { typeName, status: "ok", width, stored, memCoefficient: field.pcrel ? 0 : 1, note };
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * apply() with doubles: the same fields and stores, for a value that fits its field (one that does not
 * gets apply()'s note) and an exact value; an unknown type dies in apply().
 */
const applyFast: KtFastApply = {
  littleEndian: false,
  one(call: KtFastCall, out: KtFastResult): boolean {
    const { r_type } = call;
    const field = FIELDS[r_type];
    if (field === undefined) return false;
    const { width, pcrel } = field;
    if (call.at + width > call.data.byteLength) return false;
    const val = pcrel ? call.value - call.address : call.value;
    if (!(val <= MAX_SAFE && val >= -MAX_SAFE)) return false;
    const dbl = r_type === R_390_PC16DBL || r_type === R_390_PC32DBL || r_type === R_390_PLT32DBL;
    if (width < 8) {
      // truncated(): the signed value (halved for the DBL types) against its field's bits.
      const bits = r_type === R_390_12 ? 12 : r_type === R_390_20 ? 20 : width * 8;
      const v = dbl ? Math.floor(val / 2) : val;
      if (v < -(2 ** (bits - 1)) || v >= 2 ** bits) return false;
    }
    let stored: number;
    if (r_type === R_390_12) {
      stored = lowBits(val, 12) | (readWord(call.data, call.at, 2, false) & 0xf000);
    } else if (r_type === R_390_20) {
      const v = lowBits(val, 20);
      stored =
        ((readWord(call.data, call.at, 4, false) & 0xf00000ff) |
          ((v & 0xfff) << 16) |
          ((v & 0xff000) >>> 4)) >>>
        0;
    } else if (width === 8) stored = dbl ? Math.floor(val / 2) : val;
    else stored = lowBits(dbl ? Math.floor(val / 2) : val, width * 8);
    out.status = "ok";
    out.width = width;
    out.stored = stored;
    out.memCoefficient = pcrel ? 0 : 1;
    out.window = undefined;
    return true;
  },
};

/** The crashkernel region load_crashdump_segments is given (crash_base from /proc/iomem). */
export interface KtS390LoadOptions extends KtLoadOptions {
  readonly crashBase?: bigint;
}

/** Only `kexec -p` loads a purgatory on s390 (load_crashdump_segments); a normal load has none. */
export function ktS390LoadsPurgatory(options: KtLoadOptions): boolean {
  return options.crash === true;
}

function placement(options: KtS390LoadOptions): KtPlacement {
  const base = options.crashBase ?? 0n;
  return {
    min: base + 0x2000n,
    max: base + 0x10000n,
    end: -1,
    why: options.crash
      ? "load_crashdump_segments: top-down in [crash_base + 0x2000, crash_base + 0x10000]"
      : "not loaded: s390 kexec -l enters the kernel directly; only kexec -p (load_crashdump_segments) loads a purgatory",
  };
}

function symbolOps(_v: unknown, options: KtLoadOptions): KtSymbolOp[] {
  if (!options.crash) return [];
  return [
    { name: "crash_base", op: "set", size: 8 },
    { name: "crash_size", op: "set", size: 8 },
    { name: "purgatory_start", op: "addr" },
    // update_purgatory (arch_update_purgatory is empty on s390).
    { name: "sha256_regions", op: "set", size: 256 },
    { name: "sha256_digest", op: "set", size: 32 },
  ];
}

export const KT_S390X: KtArch = {
  id: "s390x",
  e_machine: EM_S390,
  // kexec -p only (load_crashdump_segments); kexec -l enters the kernel directly.
  loadsPurgatory: (options) =>
    ktS390LoadsPurgatory(options)
      ? true
      : {
          why: "s390 kexec -l enters the kernel directly; only kexec -p (load_crashdump_segments) loads the purgatory, so simulate it with --crash",
        },
  verify: (elf: ElfFile) =>
    elf.bytes[5] === ELFDATA2MSB && elf.bytes[4] === ELFCLASS64 && elf.header.e_machine === EM_S390,
  typeName: ktS390RelocName,
  apply,
  applyFast,
  pageSize: 4096n,
  placement,
  symbolOps,
};

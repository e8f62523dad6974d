// kexec-tools on arm64: machine_verify_elf_rel and machine_apply_elf_rel (both in
// kexec/arch/arm64/kexec-arm64.c), where arm64_load_other_segments puts the purgatory and the symbols
// it sets. The same code in 2.0.25, 2.0.29 and 2.0.32. Its quirks, all modelled:
// - instruction fields are added to (`*loc32 + imm`), not replaced: a non-zero field is carried into;
// - R_AARCH64_NONE is in its enum but not its switch, so it dies like any unknown type;
// - get_bits() takes a uint32_t, so MOVW_UABS_G2_NC/G3 shift a 32-bit value by 32/48: undefined in C,
//   and gcc and clang at -O2 fold it to 0 (checked with aarch64-linux-gnu-gcc 12 and clang 19): those
//   fields keep their 0 and the address is right only below 4 GiB (G2) / 256 TiB (G3);
// - ADR_PREL_LO21 demands a 4-byte-aligned target (die), then encodes like LD_PREL_LO19;
// - no range checks: PREL32, LD_PREL_LO19, ADR_*, JUMP26/CALL26 truncate silently.

import { EM_AARCH64 } from "../../elf/constants";
import type { ElfFile } from "../../elf/types";
import { lowBits, readField, readWord, writeField } from "../../arch/common";
import { EVERYWHERE, memRangeFor, window32, window48, type Interval } from "../../kexec/windows";
import { U32_MASK, U64_MASK, hex, u64 } from "../../kexec/u64";
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

/** The relocation types machine_apply_elf_rel handles, with the names its dbgprintf uses. */
const HANDLED: Record<number, string> = {
  257: "ABS64",
  261: "PREL32",
  264: "MOVW_UABS_G0_NC",
  266: "MOVW_UABS_G1_NC",
  268: "MOVW_UABS_G2_NC",
  269: "MOVW_UABS_G3",
  273: "LD_PREL_LO19",
  274: "ADR_PREL_LO21",
  275: "ADR_PREL_PG_HI21",
  277: "ADD_ABS_LO12_NC",
  282: "JUMP26",
  283: "CALL26",
  286: "LDST64_ABS_LO12_NC",
  299: "LDST128_ABS_LO12_NC",
};

/** ELF names of types compilers emit that kexec-tools lacks (for reports only: it prints the number). */
const UNHANDLED: Record<number, string> = {
  0: "NONE",
  258: "ABS32",
  260: "PREL64",
  278: "LDST8_ABS_LO12_NC",
  284: "LDST16_ABS_LO12_NC",
  285: "LDST32_ABS_LO12_NC",
  311: "ADR_GOT_PAGE",
  312: "LD64_GOT_LO12_NC",
};

export function ktArm64RelocName(type: number): string {
  const name = HANDLED[type] ?? UNHANDLED[type];
  return name ? `R_AARCH64_${name}` : `R_AARCH64_${type}`;
}

const FN = "machine_apply_elf_rel";
const TWO_32 = 1n << 32n;
const TWO_48 = 1n << 48n;

/** What an unchecked PC-relative field can reach: [-2^(bits-1), 2^(bits-1)) bytes, as a note when out. */
function reachNote(delta: bigint, bits: bigint, what: string): string | undefined {
  const d = BigInt.asIntN(64, delta);
  const half = 1n << (bits - 1n);
  return d < -half || d >= half
    ? `${what}: the distance ${d} does not fit in ${bits} bits; kexec-tools does not check and stores its low bits`
    : undefined;
}

function apply(call: KtRelocCall): KtRelocResult {
  const { r_type, data, at, address, value } = call;
  const typeName = ktArm64RelocName(r_type);
  const name = HANDLED[r_type];
  if (name === undefined) {
    return {
      typeName,
      status: "unknown-type",
      width: 0,
      memCoefficient: 0,
      die: `${FN}: ERROR Unknown type: ${r_type}`,
    };
  }
  const elfLE = call.elf.header.littleEndian;
  // Data relocations use the object's byte order (cpu_to_elf64/32); instruction words are always LE.
  if (r_type === 257) {
    writeField(data, { at, value, width: 8 }, elfLE);
    return { typeName, status: "ok", width: 8, stored: value, memCoefficient: 1 };
  }
  if (r_type === 261) {
    const stored = u64(value - address) & U32_MASK;
    writeField(data, { at, value: stored, width: 4 }, elfLE);
    const note = reachNote(u64(value - address), 32n, "PREL32");
    return { typeName, status: "ok", width: 4, stored, memCoefficient: 0, note };
  }
  const unaligned = (mask: bigint): KtRelocResult => ({
    typeName,
    status: "overflow",
    width: 0,
    memCoefficient: 1,
    // The buffer is page-aligned, so the target's alignment does not change with where it goes.
    window: [],
    die: `${FN}: ERROR Unaligned value: ${value.toString(16)}`,
    note: `the target ${hex(value)} is not ${mask + 1n}-byte aligned`,
  });
  if (r_type === 274 && (value & 3n) !== 0n) return unaligned(3n);
  if (r_type === 286 && (value & 7n) !== 0n) return unaligned(7n);
  if (r_type === 299 && (value & 15n) !== 0n) return unaligned(15n);

  const old = readField(data, at, 4, true);
  const { add, memCoefficient, note, window, wrong } = instructionAddend(r_type, value, address, call);
  const stored = (old + add) & U32_MASK;
  writeField(data, { at, value: stored, width: 4 }, true);
  const status = wrong ? "undefined-behaviour" : "ok";
  return { typeName, status, width: 4, stored, memCoefficient, note, window };
}

interface Addend {
  add: bigint;
  memCoefficient: 0 | 1;
  note?: string;
  window?: readonly Interval[];
  /** The field ends up wrong (the G2/G3 folding with a value that needs those bits). */
  wrong?: boolean;
}

/** What kexec-tools adds to the instruction word for each instruction-field type. */
function instructionAddend(r_type: number, value: bigint, address: bigint, call: KtRelocCall): Addend {
  const delta = u64(value - address);
  switch (r_type) {
    case 264:
      return { add: (value & 0xffffn) << 5n, memCoefficient: 1 };
    case 266:
      return { add: ((value >> 16n) & 0xffffn) << 5n, memCoefficient: 1 };
    case 268:
    case 269:
      return foldedHighBits(r_type === 268 ? TWO_32 : TWO_48, value, call);
    case 273:
      return {
        add: u64(delta << 3n) & 0xffffe0n,
        memCoefficient: 0,
        note: reachNote(delta, 21n, "LD_PREL_LO19"),
      };
    case 274:
      return {
        add: u64(delta << 3n) & 0xffffe0n,
        memCoefficient: 0,
        note: reachNote(delta, 21n, "ADR_PREL_LO21"),
      };
    case 275: {
      const imm = u64((value & ~0xfffn) - (address & ~0xfffn)) >> 12n;
      const add = ((imm & 3n) << 29n) + ((imm & 0x1ffffcn) << 3n);
      return { add, memCoefficient: 0, note: reachNote(imm, 21n, "ADR_PREL_PG_HI21 (in pages)") };
    }
    case 277:
      return { add: (value & 0xfffn) << 10n, memCoefficient: 1 };
    case 282:
    case 283:
      return {
        add: (delta >> 2n) & 0x3ffffffn,
        memCoefficient: 0,
        note: reachNote(delta, 28n, HANDLED[r_type]!),
      };
    case 286:
      return { add: (value & 0xff8n) << 7n, memCoefficient: 1 };
    default: // 299
      return { add: (value & 0xff0n) << 6n, memCoefficient: 1 };
  }
}

/** MOVW_UABS_G2_NC / G3 as compiled: the 32-bit shift folds to 0, so nothing is added. */
function foldedHighBits(limit: bigint, value: bigint, call: KtRelocCall): Addend {
  const moves = call.symMoves !== false;
  const c = u64(value - (moves ? call.bufAddr : 0n));
  const window = moves ? memRangeFor(c, 0n, limit) : value < limit ? [...EVERYWHERE] : [];
  const wrong = value >= limit;
  const note =
    foldedNote(limit === TWO_32 ? "32-47" : "48-63") +
    (wrong ? `, but ${hex(value)} needs those bits, so the purgatory gets a wrong address` : "");
  return { add: 0n, memCoefficient: 1, note, window, wrong };
}

function foldedNote(bits: string): string {
  return (
    `get_bits() takes a uint32_t, so bits ${bits} of the value are shifted out of a 32-bit copy ` +
    `(undefined in C; gcc and clang -O2 fold it to 0): the field keeps 0`
  );
}

const FOLDED_G2 = foldedNote("32-47");
const FOLDED_G3 = foldedNote("48-63");
const EVERYWHERE_COPY: readonly Interval[] = [...EVERYWHERE];

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Signed `x` in [-2^(bits-1), 2^(bits-1)): reachNote() has nothing to say. */
function reaches(x: number, bits: number): boolean {
  const half = 2 ** (bits - 1);
  return x >= -half && x < half;
}

/**
 * apply() with doubles, for a little-endian object: every handled type but MOVW_UABS_G2_NC/G3
 * (whose note and window stay with apply()), for values that reach their field (those that do not
 * get apply()'s note) and targets aligned as apply() demands (it dies on the others).
 */
const applyFast: KtFastApply = {
  littleEndian: true,
  one(call: KtFastCall, out: KtFastResult): boolean {
    const { r_type, value, address } = call;
    if (!call.elfLittleEndian) return false;
    const width = r_type === 257 ? 8 : 4;
    if (call.at + width > call.data.byteLength) return false;
    const delta = value - address;
    if (!(delta <= MAX_SAFE && delta >= -MAX_SAFE)) return false;
    out.status = "ok";
    out.width = width;
    out.window = undefined;
    out.memCoefficient = 1;
    if (r_type === 257) {
      out.stored = value;
      return true;
    }
    if (r_type === 261) {
      if (!reaches(delta, 32)) return false;
      out.stored = lowBits(delta, 32);
      out.memCoefficient = 0;
      return true;
    }
    const lo = lowBits(value, 32);
    const dLo = lowBits(delta, 32);
    let add: number;
    switch (r_type) {
      case 264:
        add = (lo & 0xffff) << 5;
        break;
      case 266:
        add = ((lo >>> 16) & 0xffff) << 5;
        break;
      case 273:
      case 274:
        // ADR_PREL_LO21 encodes as LD_PREL_LO19, once its target is aligned.
        if (r_type === 274 && (lo & 3) !== 0) return false;
        if (!reaches(delta, 21)) return false;
        add = (dLo << 3) & 0xffffe0;
        out.memCoefficient = 0;
        break;
      case 275: {
        // The page difference, shifted as an unsigned 64-bit value: a negative one has no note-free form.
        const pages = (value - lowBits(value, 12) - (address - lowBits(address, 12))) / 4096;
        if (!(pages >= 0 && pages < 2 ** 20)) return false;
        add = ((pages & 3) << 29) + ((pages & 0x1ffffc) << 3);
        out.memCoefficient = 0;
        break;
      }
      case 277:
        add = (lo & 0xfff) << 10;
        break;
      case 282:
      case 283:
        if (!reaches(delta, 28)) return false;
        add = (dLo >>> 2) & 0x3ffffff;
        out.memCoefficient = 0;
        break;
      case 286:
        if ((lo & 7) !== 0) return false;
        add = (lo & 0xff8) << 7;
        break;
      case 299:
        if ((lo & 15) !== 0) return false;
        add = (lo & 0xff0) << 6;
        break;
      case 268:
      case 269: {
        // foldedHighBits(): nothing added; a value that needs the folded bits is apply()'s to explain.
        const g2 = r_type === 268;
        if (value < 0 || value >= (g2 ? 2 ** 32 : 2 ** 48)) return false;
        if (call.symMoves) {
          const c = value - call.bufAddr;
          if (!(c <= MAX_SAFE && c >= -MAX_SAFE)) return false;
          out.window = g2 ? window32(c, false) : window48(c);
        } else out.window = EVERYWHERE_COPY;
        out.note = g2 ? FOLDED_G2 : FOLDED_G3;
        add = 0;
        break;
      }
      default:
        return false;
    }
    out.stored = (readWord(call.data, call.at, 4, true) + add) % 0x1_0000_0000;
    return true;
  },
};

/** The inputs arm64_load_other_segments derives the purgatory's bounds from. */
export interface KtArm64LoadOptions extends KtLoadOptions {
  /** image_base + arm64_mem.image_size: hole_min for the initrd, dtb and purgatory (default 0). */
  readonly kernelEnd?: bigint;
  /** kexec -p: crash_reserved_mem[last].end, the end of the last crashkernel range (hole_max). */
  readonly crashEnd?: bigint;
}

function placement(options: KtArm64LoadOptions): KtPlacement {
  const min = options.kernelEnd ?? 0n;
  const max = options.crash ? (options.crashEnd ?? U64_MASK) : U64_MASK;
  return {
    min,
    max,
    end: 1,
    why: options.crash
      ? "arm64_load_other_segments: bottom-up above the kernel image, up to the end of the last crashkernel range"
      : "arm64_load_other_segments: bottom-up above the kernel image (image_base + image_size), no upper bound",
  };
}

function symbolOps(): KtSymbolOp[] {
  return [
    // arm64_load_other_segments, right after elf_rel_build_load.
    { name: "purgatory_start", op: "addr" },
    { name: "arm64_sink", op: "set", size: 8 },
    { name: "arm64_kernel_entry", op: "set", size: 8 },
    { name: "arm64_dtb_addr", op: "set", size: 8 },
    // update_purgatory (arch_update_purgatory is empty on arm64).
    { name: "sha256_regions", op: "set", size: 256 },
    { name: "sha256_digest", op: "set", size: 32 },
  ];
}

export const KT_ARM64: KtArch = {
  id: "arm64",
  e_machine: EM_AARCH64,
  loadsPurgatory: true,
  // Only the machine: either byte order and either class pass.
  verify: (elf: ElfFile) => elf.header.e_machine === EM_AARCH64,
  typeName: ktArm64RelocName,
  apply,
  applyFast,
  pageSize: 4096n,
  // QEMU's virt machine: DRAM from 1 GiB.
  memoryMap: (ramSize) => [{ start: 0x40000000n, end: 0x40000000n + ramSize - 1n }],
  placement,
  symbolOps,
};

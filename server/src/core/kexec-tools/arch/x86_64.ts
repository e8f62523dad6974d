// kexec-tools on x86_64: machine_verify_elf_rel and machine_apply_elf_rel
// (kexec/arch/x86_64/kexec-elf-rel-x86_64.c), where bzImage64_load puts the purgatory, and the
// symbols it and arch_update_purgatory set. Handled: NONE, 64, 32 and 32S (stored, then checked),
// PC32 and PLT32 (PLT32 since 2.0.18, commit b9de21e); anything else dies with its name.

import { ELFCLASS32, ELFCLASS64, ELFDATA2LSB, EM_X86_64 } from "../../elf/constants";
import type { ElfFile } from "../../elf/types";
import { writeField } from "../../arch/common";
import { U32_MASK, U64_MASK, s64, u64 } from "../../kexec/u64";
import { EVERYWHERE, memRangeFor, window32 } from "../../kexec/windows";
import type { Interval } from "../../kexec/windows";
import type {
  KtArch,
  KtFastCall,
  KtFastResult,
  KtLoadOptions,
  KtRelocCall,
  KtRelocResult,
  KtSymbolOp,
} from "../types";
import { ktAtLeast, type KexecToolsVersion } from "../version";

/** reloc_name()'s table: 0..23 by name, anything above as "R_X86_64_<decimal>". */
const NAMES = [
  "NONE", "64", "PC32", "GOT32", "PLT32", "COPY", "GLOB_DAT", "JUMP_SLOT", "RELATIVE", "GOTPCREL",
  "32", "32S", "16", "PC16", "8", "PC8", "DTPMOD64", "DTPOFF64", "TPOFF64", "TLSGD",
  "TLSLD", "DTPOFF32", "GOTTPOFF", "TPOFF32",
]; // prettier-ignore

export function ktX86RelocName(type: number): string {
  return type < NAMES.length ? `R_X86_64_${NAMES[type]}` : `R_X86_64_${type}`;
}

const TWO_32 = 1n << 32n;
const S32_LOW = u64(-(1n << 31n));

/** bzImage64_load: elf_rel_build_load(..., min 0x3000, max -1, end -1): top-down anywhere above 12 KiB. */
export const KT_X86_BZIMAGE_MIN = 0x3000n;

function apply(call: KtRelocCall): KtRelocResult {
  const { r_type, data, at, address, value } = call;
  const typeName = ktX86RelocName(r_type);
  const moves: 0 | 1 = call.symMoves === false ? 0 : 1;
  switch (r_type) {
    case 0:
      return { typeName, status: "ok", width: 0, memCoefficient: 0 };
    case 1:
      writeField(data, { at, value, width: 8 }, true);
      return { typeName, status: "ok", width: 8, stored: value, memCoefficient: 1 };
    case 10:
    case 11: {
      const stored = value & U32_MASK;
      writeField(data, { at, value: stored, width: 4 }, true);
      const c = u64(value - (moves ? call.bufAddr : 0n));
      const fits = r_type === 10 ? value === stored : s64(value) === BigInt.asIntN(32, stored);
      const window = moves
        ? memRangeFor(c, r_type === 10 ? 0n : S32_LOW, TWO_32)
        : fits
          ? [...EVERYWHERE]
          : [];
      if (fits) return { typeName, status: "ok", width: 4, stored, memCoefficient: 1, window };
      return {
        typeName,
        status: "overflow",
        width: 4,
        stored,
        memCoefficient: 1,
        window,
        die: `overflow in relocation type ${typeName} val ${value.toString(16)}`,
      };
    }
    case 2:
    case 4: {
      if (r_type === 4 && !ktAtLeast(call.version, 2, 0, 18)) break;
      const stored = u64(value - address) & U32_MASK;
      writeField(data, { at, value: stored, width: 4 }, true);
      return { typeName, status: "ok", width: 4, stored, memCoefficient: 0 };
    }
  }
  return {
    typeName,
    status: "unknown-type",
    width: 0,
    memCoefficient: 0,
    die: `Unhandled rela relocation: ${typeName}`,
  };
}

const TWO_32_N = 0x1_0000_0000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const NO_WINDOW: readonly Interval[] = [];

/** An exact double modulo 2^32 (a negative one stands for 2^64 + it, which has the same low word). */
function low32(x: number): number {
  return x - Math.floor(x / TWO_32_N) * TWO_32_N;
}

/** apply() in doubles: the same cases, declining the dies and anything not exact below 2^53. */
function applyFast(call: KtFastCall, out: KtFastResult): boolean {
  const { r_type, value } = call;
  out.status = "ok";
  out.window = undefined;
  switch (r_type) {
    case 0:
      out.width = 0;
      out.memCoefficient = 0;
      return true;
    case 1:
      out.width = 8;
      out.stored = value;
      out.memCoefficient = 1;
      return true;
    case 10:
    case 11: {
      // For an exact double, value == (u32)value and s64(value) == (s32)value read as ranges.
      const fits =
        r_type === 10 ? value >= 0 && value <= 0xffffffff : value >= -0x8000_0000 && value <= 0x7fff_ffff;
      if (!fits && call.live) return false;
      if (call.symMoves) {
        const c = value - call.bufAddr;
        if (!(c <= MAX_SAFE && c >= -MAX_SAFE)) return false;
        out.window = window32(c, r_type === 11);
      } else out.window = fits ? EVERYWHERE : NO_WINDOW;
      out.status = fits ? "ok" : "overflow";
      out.width = 4;
      out.stored = low32(value);
      out.memCoefficient = 1;
      return true;
    }
    case 2:
    case 4: {
      if (r_type === 4 && !ktAtLeast(call.version, 2, 0, 18)) return false;
      const pcRel = value - call.address;
      if (!(pcRel <= MAX_SAFE && pcRel >= -MAX_SAFE)) return false;
      out.width = 4;
      out.stored = low32(pcRel);
      out.memCoefficient = 0;
      return true;
    }
  }
  return false;
}

function symbolOps(_version: KexecToolsVersion, options: KtLoadOptions): KtSymbolOp[] {
  return [
    // bzImage64_load, after the kernel and setup segments are placed.
    { name: "entry64_regs", op: "get", size: 136 },
    { name: "stack_end", op: "addr" },
    { name: "entry64_regs", op: "set", size: 136 },
    { name: "cmdline_end", op: "set", size: 8 },
    // update_purgatory -> arch_update_purgatory (sizes of struct arch_options_t's fields).
    { name: "reset_vga", op: "set", size: 1 },
    { name: "serial_base", op: "set", size: 2 },
    { name: "serial_baud", op: "set", size: 4 },
    { name: "console_vga", op: "set", size: 1 },
    { name: "console_serial", op: "set", size: 1 },
    { name: "backup_src_start", op: "set", size: 8 },
    { name: "backup_src_size", op: "set", size: 8 },
    ...(options.crash ? [{ name: "backup_start", op: "set" as const, size: 8 }] : []),
    { name: "panic_kernel", op: "set", size: 1 },
    // update_purgatory: the digest over every other segment (16 struct sha256_region, then 32 bytes).
    { name: "sha256_regions", op: "set", size: 256 },
    { name: "sha256_digest", op: "set", size: 32 },
  ];
}

export const KT_X86_64: KtArch = {
  id: "x86_64",
  e_machine: EM_X86_64,
  loadsPurgatory: true,
  verify(elf: ElfFile, version: KexecToolsVersion): boolean {
    const cls = elf.bytes[4];
    // ELFCLASS32 (x32) accepted since commit 6b5667d, released in 2.0.21.
    const classOk = cls === ELFCLASS64 || (cls === ELFCLASS32 && ktAtLeast(version, 2, 0, 21));
    return elf.bytes[5] === ELFDATA2LSB && classOk && elf.header.e_machine === EM_X86_64;
  },
  typeName: ktX86RelocName,
  applyDebug: ktX86RelocName,
  apply,
  // Every type computes its field from S, A and the address: none reads what is there.
  writeOnly: true,
  applyFast: { littleEndian: true, one: applyFast },
  pageSize: 4096n,
  placement: (options) => ({
    min: KT_X86_BZIMAGE_MIN,
    max: U64_MASK,
    end: -1,
    why: options.crash
      ? "kexec -p bzImage: bzImage64_load, top-down; kexec confines it to the crashkernel region (mem_min/mem_max), which the default does not model: give its address with --load"
      : "kexec -l bzImage: bzImage64_load, top-down from the top of RAM (min 0x3000)",
  }),
  // elf_x86_64_load (kexec -l vmlinux): after the kernel's own segments, bottom-up from 0.
  otherPlacements: () => [
    { min: 0n, max: U64_MASK, end: 1, why: "kexec -l vmlinux (ELF): elf_x86_64_load, bottom-up from 0" },
  ],
  symbolOps,
};

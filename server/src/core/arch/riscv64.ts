// riscv64 as a KernelArch. The loader (arch/riscv/kernel/elf_kexec.c, later machine_kexec_file.c's
// load_extra_segments) asks for kbuf.buf_min = the end of the loaded kernel, buf_max = ULONG_MAX,
// top_down, mem = KEXEC_BUF_MEM_UNKNOWN; on failure "Error loading purgatory ret=%d". Then
// riscv_kernel_entry (u64) is set; if that fails the loader prints "Error update purgatory ret=%d" and
// goes on (the error is overwritten by the next step), so the load still succeeds.
//
// The riscv kexec_file purgatory relocator (arch_kexec_apply_relocations_add), first in
// arch/riscv/kernel/elf_kexec.c (v5.19, pr_fmt "kexec_image: "), later in machine_kexec_file.c (no
// pr_fmt). Little-endian read-modify-write of instruction immediates, no overflow checks, and no
// SHN_UNDEF / SHN_COMMON check: an undefined symbol silently resolves through sechdrs[0] (sh_addr 0).
//
// Which types a release handles (specification 2.4, Debian's linux 6.12 changelog for the stable
// backports):
// - original list: BRANCH, JAL, CALL, PCREL_HI20, RVC_BRANCH, RVC_JUMP, ADD32, SUB32, and
//   PCREL_LO12_I / ALIGN / RELAX ignored;
// - R_RISCV_CALL_PLT: "riscv: kexec: handle R_RISCV_CALL_PLT relocation type", v6.5 (stable 6.4.11);
// - ADD16 / SUB16: "riscv: kexec: Fix relocation type R_RISCV_ADD16 and R_RISCV_SUB16", v6.12 (stable
//   6.11.4);
// - R_RISCV_64: "riscv/kexec_file: Handle R_RISCV_64 in purgatory relocator", ≈v6.15 (stable 6.12.23);
// - the move to machine_kexec_file.c drops the "kexec_image: " prefix: "riscv: kexec_file: Split the
//   loading of kernel and others", stable 6.12.111; mainline ≈v6.17 (UNVERIFIED).

import { EM_RISCV, SHN_ABS } from "../elf/constants";
import type { ElfRelocation, ElfSymbol } from "../elf/types";
import type { KernelVersion } from "../kexec/kernel";
import { EINVAL, runSymbolOps } from "../kexec/load";
import { topDownFit } from "../kexec/memory-hole";
import { PAGE_SIZE } from "../kexec/purgatory";
import type { ArchRelocator, RelaContext } from "../kexec/relocate";
import { WIDE, wordsValue, type RelocationTable } from "../kexec/relocation-table";
import { U64_MASK, hex, u64 } from "../kexec/u64";
import { finding, firstAttempt, listed, unique } from "../rules/finding";
import {
  stepsPurgatorySymbol,
  stepsUndefinedBehaviour,
  stepsUndefinedSymbol,
  unknownTypeRule,
} from "../rules/loader-steps";
import type { Rule } from "../rules/rule";
import type { KernelArch } from "./types";
import {
  applyRelaWith,
  hookForEra,
  atLeast,
  fieldOffset,
  lowBits,
  readField,
  readWord,
  stableFrom,
  symbolAddress,
  type Computed,
  type FastRela,
  type FastSymbol,
  type Outcome,
  type RelaHook,
  type SymbolFailure,
} from "./common";
import { setWords } from "./words";

export const R_RISCV_64 = 2;
export const R_RISCV_BRANCH = 16;
export const R_RISCV_JAL = 17;
export const R_RISCV_CALL = 18;
export const R_RISCV_CALL_PLT = 19;
export const R_RISCV_PCREL_HI20 = 23;
export const R_RISCV_PCREL_LO12_I = 24;
export const R_RISCV_ADD16 = 34;
export const R_RISCV_ADD32 = 35;
export const R_RISCV_SUB16 = 38;
export const R_RISCV_SUB32 = 39;
export const R_RISCV_ALIGN = 43;
export const R_RISCV_RVC_BRANCH = 44;
export const R_RISCV_RVC_JUMP = 45;
export const R_RISCV_RELAX = 51;

const NAMES = [
  "NONE", "32", "64", "RELATIVE", "COPY", "JUMP_SLOT", "TLS_DTPMOD32", "TLS_DTPMOD64", "TLS_DTPREL32", "TLS_DTPREL64",
  "TLS_TPREL32", "TLS_TPREL64", "TLSDESC", "", "", "", "BRANCH", "JAL", "CALL", "CALL_PLT",
  "GOT_HI20", "TLS_GOT_HI20", "TLS_GD_HI20", "PCREL_HI20", "PCREL_LO12_I", "PCREL_LO12_S", "HI20", "LO12_I", "LO12_S", "TPREL_HI20",
  "TPREL_LO12_I", "TPREL_LO12_S", "TPREL_ADD", "ADD8", "ADD16", "ADD32", "ADD64", "SUB8", "SUB16", "SUB32",
  "SUB64", "GOT32_PCREL", "", "ALIGN", "RVC_BRANCH", "RVC_JUMP", "RVC_LUI", "GPREL_I", "GPREL_S", "TPREL_I",
  "TPREL_S", "RELAX", "SUB6", "SET6", "SET8", "SET16", "SET32", "32_PCREL", "IRELATIVE", "PLT32",
  "SET_ULEB128", "SUB_ULEB128", "TLSDESC_HI20", "TLSDESC_LOAD_LO12", "TLSDESC_ADD_LO12", "TLSDESC_CALL",
]; // prettier-ignore

export function riscvRelocName(type: number): string {
  const n = NAMES[type];
  return n ? `R_RISCV_${n}` : `R_RISCV_${type}`;
}

export interface RiscvEra {
  readonly callPlt: boolean;
  readonly add16: boolean;
  readonly r64: boolean;
  /** pr_fmt of the file holding the relocator and the purgatory loading: "kexec_image: " or "". */
  readonly prefix: string;
}

export function riscvEra(v: KernelVersion): RiscvEra {
  return {
    callPlt: atLeast(v, 6, 5) || stableFrom(v, 6, 4, 11),
    add16: atLeast(v, 6, 12) || stableFrom(v, 6, 11, 4),
    r64: atLeast(v, 6, 15) || stableFrom(v, 6, 12, 23),
    prefix: atLeast(v, 6, 17) || stableFrom(v, 6, 12, 111) ? "" : "kexec_image: ",
  };
}

// The kernel's immediate encoders (RV_X(x, s, n) = (x >> s) & ((1 << n) - 1)), on unsigned 64-bit.
const RV_X = (x: bigint, s: bigint, n: bigint): bigint => (u64(x) >> s) & ((1n << n) - 1n);
const HIGH = (x: bigint): bigint => u64(x + 0x800n) & u64(~0xfffn);
const LOW = (x: bigint): bigint => u64(x - HIGH(x));
export const ENCODE_ITYPE = (x: bigint): bigint => RV_X(x, 0n, 12n) << 20n;
export const ENCODE_BTYPE = (x: bigint): bigint =>
  (RV_X(x, 1n, 4n) << 8n) | (RV_X(x, 5n, 6n) << 25n) | (RV_X(x, 11n, 1n) << 7n) | (RV_X(x, 12n, 1n) << 31n);
export const ENCODE_UTYPE = (x: bigint): bigint => RV_X(x, 12n, 20n) << 12n;
export const ENCODE_JTYPE = (x: bigint): bigint =>
  (RV_X(x, 1n, 10n) << 21n) |
  (RV_X(x, 11n, 1n) << 20n) |
  (RV_X(x, 12n, 8n) << 12n) |
  (RV_X(x, 20n, 1n) << 31n);
export const ENCODE_CBTYPE = (x: bigint): bigint =>
  (RV_X(x, 1n, 2n) << 3n) |
  (RV_X(x, 3n, 2n) << 10n) |
  (RV_X(x, 5n, 1n) << 2n) |
  (RV_X(x, 6n, 2n) << 5n) |
  (RV_X(x, 8n, 1n) << 12n);
export const ENCODE_CJTYPE = (x: bigint): bigint =>
  (RV_X(x, 1n, 3n) << 3n) |
  (RV_X(x, 4n, 1n) << 11n) |
  (RV_X(x, 5n, 1n) << 2n) |
  (RV_X(x, 6n, 1n) << 7n) |
  (RV_X(x, 7n, 1n) << 6n) |
  (RV_X(x, 8n, 2n) << 9n) |
  (RV_X(x, 10n, 1n) << 8n) |
  (RV_X(x, 11n, 1n) << 12n);
export const ENCODE_UJTYPE = (x: bigint): bigint => ENCODE_UTYPE(HIGH(x)) | (ENCODE_ITYPE(LOW(x)) << 32n);
const ENCODE_UITYPE = (x: bigint): bigint => ENCODE_UTYPE(x) | (ENCODE_ITYPE(x) << 32n);
const clean = (encode: (x: bigint) => bigint, w: bigint): bigint => u64(~encode(U64_MASK)) & w;

function riscvHook(era: RiscvEra): RelaHook {
  return {
    littleEndian: true,
    typeName: riscvRelocName,
    stops: () => true,
    one(ctx: RelaContext, rel: ElfRelocation, P: bigint, sym: ElfSymbol, name: string): Outcome {
      const { layout } = ctx;
      const who = { symbol: name, symShndx: sym.st_shndx };
      let secBase = 0n;
      let k: 0 | 1 = 0;
      let note: string | undefined;
      const failure = riscvSymbolFailure(ctx, sym, name, era);
      if (failure) return { status: failure.status, computed: who, message: failure.message };
      if (sym.st_shndx !== SHN_ABS) {
        const sec = layout.sechdrs[sym.st_shndx]!;
        secBase = sec.sh_addr;
        k = sec.inBuffer || sec.isBss ? 1 : 0;
        if (sym.st_shndx === 0 && rel.sym !== 0) note = undefinedNote(ctx, name);
      }
      const S = u64(sym.st_value + secBase);
      const val = u64(S + rel.r_addend);
      const d = u64(val - P);
      // One record object, filled in as the checks pass (object spreads cost microseconds each).
      const base: Computed = { symbol: name, symShndx: sym.st_shndx, S, memCoefficient: k };
      if (note) base.note = note;

      // [width, new field from the old one, value shown, moves with mem]
      let op: { width: number; value: bigint; abs: boolean; apply: (old: bigint) => bigint } | undefined;
      switch (rel.type) {
        case R_RISCV_BRANCH:
          op = { width: 4, value: d, abs: false, apply: (w) => clean(ENCODE_BTYPE, w) | ENCODE_BTYPE(d) };
          break;
        case R_RISCV_JAL:
          op = { width: 4, value: d, abs: false, apply: (w) => clean(ENCODE_JTYPE, w) | ENCODE_JTYPE(d) };
          break;
        case R_RISCV_PCREL_HI20:
        case R_RISCV_CALL:
        case R_RISCV_CALL_PLT:
          // The LO12_I partner is assumed to be the very next instruction: both are patched at once.
          if (rel.type === R_RISCV_CALL_PLT && !era.callPlt) break;
          op = { width: 8, value: d, abs: false, apply: (w) => clean(ENCODE_UITYPE, w) | ENCODE_UJTYPE(d) };
          break;
        case R_RISCV_RVC_BRANCH:
          op = {
            width: 4,
            value: d,
            abs: false,
            apply: (w) => (clean(ENCODE_CBTYPE, w) | ENCODE_CBTYPE(d)) & 0xffffffffn,
          };
          break;
        case R_RISCV_RVC_JUMP:
          op = {
            width: 4,
            value: d,
            abs: false,
            apply: (w) => (clean(ENCODE_CJTYPE, w) | ENCODE_CJTYPE(d)) & 0xffffffffn,
          };
          break;
        case R_RISCV_ADD16:
        case R_RISCV_SUB16:
          if (!era.add16) break;
          op = {
            width: 2,
            value: val,
            abs: true,
            apply: (w) => (rel.type === R_RISCV_ADD16 ? w + val : w - val) & 0xffffn,
          };
          break;
        case R_RISCV_ADD32:
        case R_RISCV_SUB32:
          op = {
            width: 4,
            value: val,
            abs: true,
            apply: (w) => (rel.type === R_RISCV_ADD32 ? w + val : w - val) & 0xffffffffn,
          };
          break;
        case R_RISCV_PCREL_LO12_I:
        case R_RISCV_ALIGN:
        case R_RISCV_RELAX:
          base.value = val;
          base.width = 0;
          return { status: "ok", computed: base };
        case R_RISCV_64:
          if (!era.r64) break;
          op = { width: 8, value: val, abs: true, apply: () => val };
          break;
      }
      if (!op) {
        return {
          status: "unknown-type",
          computed: base,
          message: `${era.prefix}Unknown rela relocation: ${rel.type}`,
        };
      }
      base.value = op.value;
      base.width = op.width;
      base.memCoefficient = op.abs ? k : 0;
      const at = fieldOffset(ctx, rel, op.width);
      if (typeof at === "string") {
        base.note = at;
        return { status: "undefined-behaviour", computed: base };
      }
      const stored = op.apply(readField(layout.buffer, at, op.width, true));
      base.stored = stored;
      return { status: "ok", computed: base, store: { at, value: stored, width: op.width } };
    },
  };
}

/** The relocator's only symbol check: a section index past e_shnum (SHN_UNDEF is not checked). */
function riscvSymbolFailure(
  ctx: RelaContext,
  sym: ElfSymbol,
  name: string,
  era: RiscvEra,
): SymbolFailure | undefined {
  if (sym.st_shndx !== SHN_ABS && sym.st_shndx >= ctx.elf.header.e_shnum) {
    return {
      status: "invalid-section",
      message: `${era.prefix}Invalid section ${sym.st_shndx} for symbol ${name}`,
    };
  }
  return undefined;
}

/**
 * S as the relocator computes it, with no SHN_UNDEF or SHN_COMMON check: any index below e_shnum
 * names a section (0 included). Declines an undefined named symbol (the bigint path notes it), an
 * index the relocator refuses, and an S past 2^53.
 */
/** S and k, and for an undefined symbol (not entry 0) the note one() gives its rows. */
interface RiscvSymbol extends FastSymbol {
  readonly note: string | undefined;
}

function riscvSymbol(ctx: RelaContext, sym: ElfSymbol, index: number, name: string): RiscvSymbol | undefined {
  const s = symbolAddress(ctx, sym);
  if (s === undefined) return undefined;
  return { S: s.S, k: s.k, note: sym.st_shndx === 0 && index !== 0 ? undefinedNote(ctx, name) : undefined };
}

/** The relocator takes an undefined symbol's st_shndx (0) as a section index like any other. */
function undefinedNote(ctx: RelaContext, name: string): string {
  return `${name} is undefined: the riscv relocator does not check, and resolves it as sechdrs[0].sh_addr (${ctx.layout.sechdrs[0]!.sh_addr}) + st_value`;
}

// The immediate encoders again, on the low 32 bits of the value (every bit they take is below 2^21).
const rvX = (x: number, s: number, n: number): number => (x >>> s) & ((1 << n) - 1);
const encodeB = (x: number): number =>
  ((rvX(x, 1, 4) << 8) | (rvX(x, 5, 6) << 25) | (rvX(x, 11, 1) << 7) | (rvX(x, 12, 1) << 31)) >>> 0;
const encodeJ = (x: number): number =>
  ((rvX(x, 1, 10) << 21) | (rvX(x, 11, 1) << 20) | (rvX(x, 12, 8) << 12) | (rvX(x, 20, 1) << 31)) >>> 0;
const encodeCB = (x: number): number =>
  (rvX(x, 1, 2) << 3) |
  (rvX(x, 3, 2) << 10) |
  (rvX(x, 5, 1) << 2) |
  (rvX(x, 6, 2) << 5) |
  (rvX(x, 8, 1) << 12);
const encodeCJ = (x: number): number =>
  (rvX(x, 1, 3) << 3) |
  (rvX(x, 4, 1) << 11) |
  (rvX(x, 5, 1) << 2) |
  (rvX(x, 6, 1) << 7) |
  (rvX(x, 7, 1) << 6) |
  (rvX(x, 8, 2) << 9) |
  (rvX(x, 10, 1) << 8) |
  (rvX(x, 11, 1) << 12);
/** The bits of a 32-bit instruction an encoder leaves alone (clean() on the low word). */
const keepOf = (encode: (x: number) => number): number => ~encode(0xffff_ffff) >>> 0;
const KEEP_B = keepOf(encodeB);
const KEEP_J = keepOf(encodeJ);
const KEEP_CB = keepOf(encodeCB);
const KEEP_CJ = keepOf(encodeCJ);

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * The relocator with doubles, for relocations whose values are exact below 2^53 and whose field lies
 * in the buffer. The auipc + jalr pair (CALL, PCREL_HI20) is patched as two 32-bit words.
 */
function riscvFast(era: RiscvEra): FastRela<RiscvSymbol> {
  return {
    symbol: riscvSymbol,
    one(ctx, sym, entries, i, targetAddr, _live, out) {
      const r_offset = entries.r_offset[i]!;
      const A = entries.r_addend[i]!;
      const P = targetAddr + r_offset;
      // NaN (an entry or address past 2^53) fails both comparisons.
      if (!(P <= MAX_SAFE && A === A)) return false;
      const S = sym.S;
      const val = S + A;
      const d = val - P;
      if (!(val <= MAX_SAFE && val >= -MAX_SAFE && d <= MAX_SAFE && d >= -MAX_SAFE)) return false;
      const type = entries.type[i]!;
      let width: number;
      let abs = false;
      switch (type) {
        case R_RISCV_BRANCH:
        case R_RISCV_JAL:
        case R_RISCV_RVC_BRANCH:
        case R_RISCV_RVC_JUMP:
        case R_RISCV_ADD32:
        case R_RISCV_SUB32:
          width = 4;
          abs = type === R_RISCV_ADD32 || type === R_RISCV_SUB32;
          break;
        case R_RISCV_CALL_PLT:
          if (!era.callPlt) return false;
          width = 8;
          break;
        case R_RISCV_PCREL_HI20:
        case R_RISCV_CALL:
          width = 8;
          break;
        case R_RISCV_ADD16:
        case R_RISCV_SUB16:
          if (!era.add16) return false;
          width = 2;
          abs = true;
          break;
        case R_RISCV_64:
          if (!era.r64) return false;
          width = 8;
          abs = true;
          break;
        case R_RISCV_PCREL_LO12_I:
        case R_RISCV_ALIGN:
        case R_RISCV_RELAX:
          width = 0;
          abs = true;
          break;
        default:
          return false;
      }
      out.status = "ok";
      out.note = sym.note;
      out.P = P;
      out.S = S;
      out.value = abs ? val : d;
      out.width = width;
      out.memCoefficient = abs ? sym.k : 0;
      out.window = undefined;
      out.stored = NaN;
      if (width === 0) return true;
      const target = ctx.target;
      if (!target.inBuffer) return false;
      const at = Number(target.sh_offset) + r_offset;
      const buf = ctx.layout.buffer;
      if (at + width > buf.byteLength) return false;
      out.at = at;
      const lo = lowBits(d, 32);
      switch (type) {
        case R_RISCV_BRANCH:
          out.stored = ((readWord(buf, at, 4, true) & KEEP_B) | encodeB(lo)) >>> 0;
          break;
        case R_RISCV_JAL:
          out.stored = ((readWord(buf, at, 4, true) & KEEP_J) | encodeJ(lo)) >>> 0;
          break;
        case R_RISCV_RVC_BRANCH:
          out.stored = ((readWord(buf, at, 4, true) & KEEP_CB) | encodeCB(lo)) >>> 0;
          break;
        case R_RISCV_RVC_JUMP:
          out.stored = ((readWord(buf, at, 4, true) & KEEP_CJ) | encodeCJ(lo)) >>> 0;
          break;
        case R_RISCV_ADD16:
        case R_RISCV_SUB16: {
          const w = readWord(buf, at, 2, true);
          const v = lowBits(val, 16);
          out.stored = (type === R_RISCV_ADD16 ? w + v : w - v) & 0xffff;
          break;
        }
        case R_RISCV_ADD32:
        case R_RISCV_SUB32: {
          const w = readWord(buf, at, 4, true);
          const v = lowBits(val, 32);
          out.stored = (type === R_RISCV_ADD32 ? w + v : w - v) >>> 0;
          break;
        }
        case R_RISCV_64:
          out.stored = val;
          break;
        default: {
          // auipc takes HIGH(d) (d + 0x800 with the low 12 bits cleared), jalr/addi the low 12 bits.
          const loWord = ((readWord(buf, at, 4, true) & 0xfff) | (((lo + 0x800) >>> 0) & 0xffff_f000)) >>> 0;
          const hiWord = ((readWord(buf, at + 4, 4, true) & 0xf_ffff) | ((lo & 0xfff) << 20)) >>> 0;
          out.stored = wordsValue(hiWord, loWord);
          if (out.stored !== out.stored) setWords(out, WIDE.stored, hiWord, loWord);
        }
      }
      return true;
    },
  };
}

const hooks = new Map<string, RelaHook>();

/** The era's hook: with its number path and symbol check, or (for tests) the bigint path alone. */
export function riscvRelaHook(era: RiscvEra, numberPath = true): RelaHook {
  if (!numberPath) return riscvHook(era);
  return hookForEra(hooks, era, () => ({
    ...riscvHook(era),
    symbolFailure: (ctx, sym, name) => riscvSymbolFailure(ctx, sym, name, era),
    fast: riscvFast(era) as FastRela<unknown>,
  }));
}

function riscv64Relocator(v: KernelVersion): ArchRelocator {
  const hook = riscvRelaHook(riscvEra(v));
  return { applyRela: (ctx: RelaContext, out: RelocationTable) => applyRelaWith(hook, ctx, out) };
}

/** A typical RISC-V board: DRAM from 0x80000000, the kernel at 0x80200000, 32 MiB long. */
export const RISCV_DRAM_BASE = 0x80000000n;
export const RISCV_KERNEL_START = 0x80200000n;
export const RISCV_KERNEL_LEN = 32n << 20n;
const RISCV_KERNEL_END = RISCV_KERNEL_START + RISCV_KERNEL_LEN;

/** Absolute-address types that only riscv's medlow code model (the compiler default) emits. */
const MEDLOW_TYPES = new Set([26, 27, 28]); // R_RISCV_HI20, LO12_I, LO12_S

/** Which release (mainline, and the stable backport we know of) first handles a riscv type. */
function fixedIn(type: number): string | undefined {
  if (type === R_RISCV_ADD16 || type === R_RISCV_SUB16) return "6.12 (stable 6.11.4)";
  if (type === R_RISCV_64) return "≈6.15 (stable 6.12.23)";
  if (type === R_RISCV_CALL_PLT) return "6.5 (stable 6.4.11)";
  return undefined;
}

/** The relocator has no SHN_UNDEF check: an undefined symbol is relocated as address 0. */
const undefinedAsZero: Rule = {
  id: "riscv-undefined-symbol",
  evaluate(ctx) {
    const recs = (firstAttempt(ctx)?.relocations ?? []).filter(
      (r) => r.symIndex !== 0 && r.symShndx === 0 && r.status === "ok" && r.width > 0,
    );
    if (recs.length === 0) return [];
    const names = unique(recs.map((r) => r.symbol));
    return [
      finding({
        id: "riscv-undefined-symbol",
        severity: "error",
        title: `undefined symbol${names.length === 1 ? "" : "s"} relocated as address 0: ${listed(names)}`,
        message:
          "The riscv relocator has no SHN_UNDEF check: it takes sechdrs[0].sh_addr (0) as the section base, so kexec_file_load succeeds and the purgatory calls or reads address 0 + addend.",
        cause: "The purgatory references a symbol it does not define; `ld -r` does not complain.",
        fix: "Define the symbol in the purgatory or remove the reference; link a purgatory.chk (the same link without -r) to catch it at build time.",
        evidence: { symbols: names },
        attach: names.map((name) => ({ kind: "symbol", name, role: "reference" }) as const),
      }),
    ];
  },
};

export const RISCV64: KernelArch = {
  id: "riscv64",
  e_machine: EM_RISCV,
  since: { major: 5, minor: 19 },
  pageSize: PAGE_SIZE,
  byteOrders: [true],
  relocator: (kernel) => riscv64Relocator(kernel.version),
  loadFailed: (kernel, ret) => [`${riscvEra(kernel.version).prefix}Error loading purgatory ret=${ret}`],
  loaded: (kernel, mem) => `${riscvEra(kernel.version).prefix}Loaded purgatory at ${hex(mem)}`,
  setSymbols: (w) =>
    runSymbolOps(w, [{ name: "riscv_kernel_entry", op: "set", size: 8 }], {
      lines: [`${riscvEra(w.kernel.version).prefix}Error update purgatory ret=${EINVAL}`],
      fatal: false,
    }),
  bufMin: RISCV_KERNEL_END,
  refusesOtherLayouts: true,
  defaultLoads: ({ plan, kernel, ramSize, crash }) => {
    const range = { start: RISCV_DRAM_BASE, end: RISCV_DRAM_BASE + ramSize - 1n };
    const mem = topDownFit(range, plan.memsz, plan.buf_align, RISCV_KERNEL_END, kernel);
    return mem === undefined
      ? []
      : [
          {
            label: "high",
            why: `top of ${ramSize >> 30n} GiB of DRAM from ${hex(RISCV_DRAM_BASE)}, above a kernel ending at ${hex(RISCV_KERNEL_END)} (buf_min)`,
            mem,
            crash,
          },
        ];
  },
  objectFormat: "an ELF64 little-endian RISC-V relocatable object (-mcmodel=medany, ld -r)",
  rules: [
    stepsUndefinedBehaviour,
    unknownTypeRule({
      fixFor: (r) => {
        const f = fixedIn(r.type);
        return f ? `${r.typeName} is handled since ${f}` : undefined;
      },
      cause:
        "The compiler or assembler emitted a relocation the kernel's short list does not cover (label differences in alternatives give ADD16/SUB16, EXPORT_SYMBOL data gives R_RISCV_64).",
      codeModel: {
        types: MEDLOW_TYPES,
        cause:
          "Without -mcmodel=medany, riscv compilers use the medlow code model: absolute addresses built with lui/addi (R_RISCV_HI20/LO12), which the kernel's relocator does not handle because the purgatory can be placed anywhere in RAM.",
        fix: "R_RISCV_HI20/LO12_I/LO12_S come from the medlow code model: build the purgatory with -mcmodel=medany, as arch/riscv/purgatory/Makefile does",
        attach: [
          // The Makefile line that chooses medlow, or where the missing -mcmodel=medany belongs.
          { kind: "flag", flag: "-mcmodel=medlow", present: true },
          { kind: "flag", flag: "-mcmodel=medany", present: false },
        ],
      },
    }),
    stepsUndefinedSymbol(),
    undefinedAsZero,
    stepsPurgatorySymbol,
  ],
  relocName: riscvRelocName,
};

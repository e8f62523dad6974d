// x86_64 as a KernelArch: bzImage64_load's purgatory handling (arch/x86/kernel/kexec-bzimage64.c),
// the RELA hook arch_kexec_apply_relocations_add (arch/x86/kernel/machine_kexec_64.c), the PC's
// placements and the rules about x86-64 relocations.
//
// The hook supports NONE, 64, 32 (overflow-checked), 32S (overflow-checked), PC32 and PLT32 (truncated
// silently; PLT32 since v4.16). The store happens before the overflow check, and the overflow
// message prints S + A, not S + A - P.

import { EM_X86_64, SHN_ABS, SHN_COMMON, SHN_UNDEF } from "../elf/constants";
import type { ElfFile, ElfRelocation, ElfSymbol } from "../elf/types";
import { defaultPlacements } from "../kexec/memory-hole";
import { PAGE_SIZE } from "../kexec/purgatory";
import type { LoadAttempt } from "../kexec/attempt";
import type { KernelModel } from "../kexec/kernel";
import type { SymbolWork } from "../kexec/load";
import { PREFIX } from "../kexec/log";
import type { ArchRelocator, RelaContext, RelocationRecord } from "../kexec/relocate";
import {
  distinctWindows,
  scanRelocations,
  WIDE,
  wordsValue,
  type RelocationTable,
} from "../kexec/relocation-table";
import type { RelocationEntries } from "../elf/relocation-entries";
import { U32_MASK, hex, s64, u64 } from "../kexec/u64";
import { EVERYWHERE, intersect, memRangeFor, placeable, window32, type Interval } from "../kexec/windows";
import { finding, firstAttempt, logLines, PIC_FIX } from "../rules/finding";
import type { Rule } from "../rules/rule";
import type { Attachment, Finding } from "../rules/types";
import {
  applyRelaWith,
  exactNumber,
  fieldOffset,
  type Computed,
  sectionSymbol,
  type FastOutcome,
  type FastRela,
  type FastSymbol,
  type Outcome,
  type RelaHook,
  type SymbolFailure,
} from "./common";
import { entryWords, placeWordsField, setWords, symbolWords } from "./words";
import type { KernelArch } from "./types";
import {
  GOT_TYPES,
  R_X86_64_32,
  R_X86_64_32S,
  R_X86_64_64,
  R_X86_64_NONE,
  R_X86_64_PC32,
  R_X86_64_PLT32,
  x86RelocName,
} from "../elf/x86_64-relocs";

const TWO_32 = 1n << 32n;
const S32_LOW = u64(-(1n << 31n));

/** The printk arguments the kernel formats with %02x: at least two hex digits. */
function hex02(n: number | bigint): string {
  return n.toString(16).padStart(2, "0");
}

/** The kernel's per-relocation work, minus the logging and the store. */
/** The kernel's checks of the symbol, made before it looks at the relocation's type. */
function x86SymbolFailure(ctx: RelaContext, sym: ElfSymbol, name: string): SymbolFailure | undefined {
  if (sym.st_shndx === SHN_UNDEF) {
    return { status: "undefined-symbol", message: `${PREFIX.x86Kexec}Undefined symbol: ${name}` };
  }
  if (sym.st_shndx === SHN_COMMON) {
    return { status: "common-symbol", message: `${PREFIX.x86Kexec}symbol '${name}' in common section` };
  }
  if (sym.st_shndx !== SHN_ABS && sym.st_shndx >= ctx.elf.header.e_shnum) {
    return {
      status: "invalid-section",
      message: `${PREFIX.x86Kexec}Invalid section ${sym.st_shndx} for symbol ${name}`,
    };
  }
  return undefined;
}

function relocateOne(ctx: RelaContext, rel: ElfRelocation, P: bigint, sym: ElfSymbol, name: string): Outcome {
  const { kernel, layout, mem } = ctx;
  const who: Computed = { symbol: name, symShndx: sym.st_shndx };
  const failure = x86SymbolFailure(ctx, sym, name);
  if (failure) return { status: failure.status, computed: who, message: failure.message };
  let secBase = 0n;
  let k: 0 | 1 = 0;
  if (sym.st_shndx !== SHN_ABS) {
    const sec = layout.sechdrs[sym.st_shndx]!;
    secBase = sec.sh_addr;
    k = sec.inBuffer || sec.isBss ? 1 : 0;
  }
  const S = u64(sym.st_value + secBase);
  let value = u64(S + rel.r_addend);
  who.S = S;
  who.memCoefficient = k;

  const field = x86Field(rel.type, kernel);
  if (!field) {
    return {
      status: "unknown-type",
      computed: who,
      message: `${PREFIX.x86Kexec}Unknown rela relocation: ${rel.type}`,
    };
  }
  const width = field.width;
  if (field.pcRel) value = u64(value - P);
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

/** The field a relocation type writes: its width in bytes, and whether P is subtracted (S + A - P). */
interface X86Field {
  readonly width: 0 | 4 | 8;
  readonly pcRel: boolean;
}

const FIELD_NONE: X86Field = { width: 0, pcRel: false };
const FIELD_64: X86Field = { width: 8, pcRel: false };
const FIELD_32: X86Field = { width: 4, pcRel: false };
const FIELD_PC32: X86Field = { width: 4, pcRel: true };

/**
 * The field `type` writes under this kernel, or undefined for a type it does not know ("Unknown rela
 * relocation"; R_X86_64_PLT32 before the kernels that handle it). Both the bigint and the number
 * path ask here, so they cannot disagree on a type.
 */
function x86Field(type: number, kernel: KernelModel): X86Field | undefined {
  switch (type) {
    case R_X86_64_NONE:
      return FIELD_NONE;
    case R_X86_64_64:
      return FIELD_64;
    case R_X86_64_32:
    case R_X86_64_32S:
      return FIELD_32;
    case R_X86_64_PLT32:
      return kernel.x86Plt32 ? FIELD_PC32 : undefined;
    case R_X86_64_PC32:
      return FIELD_PC32;
    default:
      return undefined;
  }
}

const TWO_32_N = 0x1_0000_0000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * relocateOne() with doubles. It takes the relocations that succeed (or, once the kernel has
 * stopped, overflow unreached) with every value exact below 2^53, which is every relocation of a
 * purgatory that loads below 8 PiB; everything else goes to relocateOne().
 */
// A module-level object, not one made per call: optimised code that calls it keeps one call target.
// Windows depend on the type and on c = value - k·mem only (window32 keeps one array per c).
let fastMemFor: bigint | undefined;
let fastMemN = NaN;

const X86_FAST: FastRela<FastSymbol> = {
  symbol: sectionSymbol,
  one(ctx, sym, entries, i, targetAddr, live, out) {
    const r_offset = entries.r_offset[i]!;
    const A = entries.r_addend[i]!;
    const P = targetAddr + r_offset;
    const type = entries.type[i]!;
    const field = x86Field(type, ctx.kernel);
    // NaN (an entry or address past 2^53) fails both comparisons.
    if (field === undefined || !(P <= MAX_SAFE && A === A))
      return x86Words(ctx, sym, entries, i, live, out, field);
    const { S, k } = sym;
    let value = S + A;
    // Each step exact: S + A past 2^53 would round before P is taken off.
    if (value > MAX_SAFE || value < -MAX_SAFE) return x86Words(ctx, sym, entries, i, live, out, field);
    const width = field.width;
    if (field.pcRel) value -= P;
    if (value > MAX_SAFE || value < -MAX_SAFE) return x86Words(ctx, sym, entries, i, live, out, field);
    out.P = P;
    out.S = S;
    out.value = value;
    out.width = width;
    out.memCoefficient = k;
    out.window = undefined;
    out.status = "ok";
    out.note = undefined;
    if (width === 0) return true;
    const target = ctx.target;
    if (!target.inBuffer) return false;
    const at = Number(target.sh_offset) + r_offset;
    if (at + width > ctx.layout.buffer.byteLength) return false;
    out.at = at;
    // value mod 2^32 for a 4-byte field; the 8-byte field takes the whole (wrapped) value.
    out.stored = width === 8 ? value : value - Math.floor(value / TWO_32_N) * TWO_32_N;
    if (type === R_X86_64_32 || type === R_X86_64_32S) {
      // For an exact double, u64(value) > U32_MASK and s64(value) != (s32)value read as ranges.
      const overflow =
        type === R_X86_64_32 ? value < 0 || value > 0xffffffff : value < -0x8000_0000 || value > 0x7fff_ffff;
      if (overflow && live) return false;
      out.status = overflow ? "overflow" : "ok";
      if (k === 1) {
        if (fastMemFor !== ctx.mem) {
          fastMemFor = ctx.mem;
          fastMemN = exactNumber(ctx.mem);
        }
        const c = value - fastMemN;
        if (!(c <= MAX_SAFE && c >= -MAX_SAFE)) return false;
        out.window = window32(c, type === R_X86_64_32S);
      } else out.window = overflow ? NO_WINDOW : EVERYWHERE;
    }
    return true;
  },
};

const NO_WINDOW: readonly Interval[] = [];

const unknownMessages = new Map<number, string>();
let wordsMemFor: bigint | undefined;
let memHi = 0;
let memLo = 0;

/**
 * relocateOne() on 32-bit words, for what the doubles cannot hold: offsets and addends past 2^53
 * (a hostile or corrupt object's), values that wrap, and the failures decided by the type or the
 * field's place (an unknown type, a field outside the buffer). Declines only the reported overflow
 * of a live relocation, a SHT_NOBITS target, and a window whose constant has no exact double.
 */
function x86Words(
  ctx: RelaContext,
  sym: FastSymbol,
  entries: RelocationEntries,
  i: number,
  live: boolean,
  out: FastOutcome,
  field: X86Field | undefined,
): boolean {
  if (!ctx.target.inBuffer && field !== undefined && field.width > 0) return false;
  const type = entries.type[i]!;
  const w = entryWords(ctx, entries, i, out);
  const { S, k } = sym;
  out.S = S;
  out.memCoefficient = k;
  out.window = undefined;
  out.note = undefined;
  out.stored = NaN;
  if (field === undefined) {
    let message = unknownMessages.get(type);
    if (message === undefined)
      unknownMessages.set(type, (message = `${PREFIX.x86Kexec}Unknown rela relocation: ${type}`));
    out.status = "unknown-type";
    out.message = message;
    out.value = NaN;
    out.width = 0;
    return true;
  }
  // value = S + A, minus P for the PC-relative types, mod 2^64.
  symbolWords(w, S);
  const hi = field.pcRel ? w.dHi : w.vHi;
  const lo = field.pcRel ? w.dLo : w.vLo;
  const width = field.width;
  if (!placeWordsField(ctx, w, out, hi, lo, width)) return true;
  if (width === 8) {
    out.stored = out.value;
    if (out.stored !== out.stored) setWords(out, WIDE.stored, hi, lo);
  } else out.stored = lo;
  if (type === R_X86_64_32 || type === R_X86_64_32S) {
    const overflow =
      type === R_X86_64_32
        ? hi !== 0
        : !(hi === 0 ? lo < 0x8000_0000 : hi === 0xffff_ffff && lo >= 0x8000_0000);
    if (overflow && live) return false;
    out.status = overflow ? "overflow" : "ok";
    if (k === 1) {
      // The window's constant c = value - mem, mod 2^64, as an exact double.
      if (wordsMemFor !== ctx.mem) {
        wordsMemFor = ctx.mem;
        const m = BigInt.asUintN(64, ctx.mem);
        memHi = Number(m >> 32n);
        memLo = Number(m & 0xffff_ffffn);
      }
      const d = lo - memLo;
      const c = wordsValue((hi - memHi - (d < 0 ? 1 : 0)) >>> 0, d >>> 0);
      if (c !== c) return false;
      out.window = window32(c, type === R_X86_64_32S);
    } else out.window = overflow ? NO_WINDOW : EVERYWHERE;
  }
  return true;
}

/** The hook with the bigint path only (tests compare the number path against it). */
export const x86Hook: RelaHook = {
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

/** The hook with its number path and symbol checks (what the kernel model runs). */
export const x86HookWithFast: RelaHook = {
  ...x86Hook,
  symbolFailure: x86SymbolFailure,
  fast: X86_FAST as FastRela<unknown>,
};

const x86_64Relocator: ArchRelocator = {
  applyRela: (ctx: RelaContext, out: RelocationTable) => applyRelaWith(x86HookWithFast, ctx, out),
};

/** Lowest address bzImage64_load lets the purgatory go (MIN_PURGATORY_ADDR). */
export const X86_BUF_MIN = 0x3000n;

/** The x86-64 `struct kexec_entry64_regs`: 17 u64 registers. */
export const ENTRY64_REGS_SIZE = 136;

/** Problems that make E1+ kernels misread the object entirely (they validate nothing). */
function unreadableByKernel(elf: ElfFile): string | undefined {
  const h = elf.header;
  if (h.bits !== 64 || !h.littleEndian) {
    return `the object is ELF${h.bits} ${h.littleEndian ? "LSB" : "MSB"}; an x86_64 kernel reads it as ELF64 little-endian`;
  }
  if (h.e_machine !== EM_X86_64) return `e_machine is ${h.e_machine}, not EM_X86_64 (62)`;
  return undefined;
}

/** bzImage64_load: read entry64_regs, find stack_end, write entry64_regs back. */
function setSymbols(w: SymbolWork): LoadAttempt | undefined {
  let r = w.step("entry64_regs", "get", ENTRY64_REGS_SIZE);
  if (!r.ok) return w.stepFailed("entry64_regs", r);
  if (w.addr("stack_end") === undefined) {
    w.log.err(`${PREFIX.bzImage64}Could not find address of symbol stack_end`);
    return w.fail("stack_end");
  }
  r = w.step("entry64_regs", "set", ENTRY64_REGS_SIZE);
  if (!r.ok) return w.stepFailed("entry64_regs", r);
  return undefined;
}

function describeWindows(ws: readonly Interval[]): string {
  if (ws.length === 0) return "no load address";
  return ws.map((w) => `${hex(w.from)}–${hex(w.to)}`).join(", ");
}

function sameWindows(a: readonly Interval[], b: readonly Interval[]): boolean {
  return a.length === b.length && a.every((w, i) => w.from === b[i]!.from && w.to === b[i]!.to);
}

/** The rules about x86-64 relocations: 32-bit overflow, types the hook lacks, PC-relative truncation. */
const X86_RULES: Rule[] = [
  {
    id: "reloc-overflow",
    evaluate(ctx) {
      const a = firstAttempt(ctx);
      if (!a) return [];
      const out: Finding[] = [];
      for (const type of [R_X86_64_32, R_X86_64_32S]) {
        const checked = (r: RelocationRecord) => r.type === type && r.window !== undefined;
        let movable = 0;
        const movableSymbols = new Set<string>();
        scanRelocations(a.relocations, (r) => {
          if (checked(r) && r.memCoefficient === 1) {
            movable++;
            movableSymbols.add(r.symbol);
          }
        });
        if (movable === 0) continue;
        const failing = ctx.loads.filter((l) =>
          l.attempt.relocations.some((r) => r.type === type && r.status === "overflow"),
        );
        const typeName = type === R_X86_64_32 ? "R_X86_64_32" : "R_X86_64_32S";
        const limit = type === R_X86_64_32 ? "4 GiB" : "2 GiB";
        // Report only when some address the kernel could choose fails for this type.
        let fits: Interval[] = [...EVERYWHERE];
        for (const w of distinctWindows(a.relocations, checked)) fits = intersect(fits, w);
        const { buf_align, memsz } = ctx.plan;
        const typeWindows = placeable(fits, buf_align, ctx.bufMin, memsz);
        const domain = placeable(EVERYWHERE, buf_align, ctx.bufMin, memsz);
        if (sameWindows(typeWindows, domain)) continue;
        const ltext = ctx.elf.sections.some((s) => s.name === ".ltext" || s.name.startsWith(".ltext."));
        const cause =
          type === R_X86_64_32S
            ? "-mcmodel=kernel (or a missing -mcmodel flag inherited from the kernel's CFLAGS) makes absolute references 32-bit sign-extended: they only reach the top and bottom 2 GiB."
            : ltext
              ? "With -mcmodel=large, LLVM 18.1.0–18.1.4 treated globals in an explicit section (the .kexec-purgatory arrays) as small data and addressed them with 32-bit absolute moves (R_X86_64_32, fixed by LLVM #89101); they only reach the low 4 GiB."
              : "Code built without -fpic in the small code model uses 32-bit absolute addresses (R_X86_64_32) for its data; they only reach the low 4 GiB.";
        const attach: Attachment[] = [];
        if (type === R_X86_64_32S) attach.push({ kind: "flag", flag: "-mcmodel=kernel", present: true });
        else if (ltext) attach.push({ kind: "flag", flag: "-mcmodel=large", present: true });
        else attach.push({ kind: "flag", flag: "-fpic", present: false });
        const symbols = [...movableSymbols];
        for (const s of symbols.slice(0, 8)) attach.push({ kind: "symbol", name: s, role: "reference" });
        const failedAt = [...new Set(failing.map((l) => `${l.label} (${hex(l.attempt.mem)})`))];
        out.push(
          finding({
            id: "reloc-overflow",
            severity: failing.length > 0 ? "error" : "warning",
            title: `${movable} ${typeName} relocation${movable === 1 ? "" : "s"} overflow once the purgatory is loaded above ${limit}`,
            message:
              `The kernel stores S + A in a 32-bit field and fails with "Overflow in relocation type ${type}" when it does not fit. ` +
              `These fit only for kbuf.mem in ${describeWindows(typeWindows)}.` +
              (failedAt.length > 0 ? ` The simulated load fails at: ${failedAt.join(", ")}.` : ""),
            cause,
            fix: `Build with \`${PIC_FIX}\`: position-independent code reaches its data PC-relatively, and the load address no longer matters.`,
            kernelMessages: logLines(ctx, (t) => t.includes("Overflow in relocation")),
            evidence: {
              type: typeName,
              count: movable,
              symbols,
              windows: describeWindows(typeWindows),
            },
            attach,
          }),
        );
      }
      return out;
    },
  },
  {
    id: "reloc-unknown-type",
    evaluate(ctx) {
      const a = firstAttempt(ctx);
      if (!a) return [];
      const unknown = a.relocations.filter((r) => r.status === "unknown-type");
      if (unknown.length === 0) return [];
      const types = [...new Set(unknown.map((r) => r.type))];
      const got = types.filter((t) => GOT_TYPES.has(t));
      const plt = types.includes(R_X86_64_PLT32);
      const names = [...new Set(unknown.map((r) => r.typeName))];
      const symbols = [...new Set(unknown.filter((r) => GOT_TYPES.has(r.type)).map((r) => r.symbol))];
      const attach: Attachment[] = [];
      let cause: string;
      let fix: string;
      if (got.length > 0) {
        const largePic = types.some((t) => t === 25 || t === 29);
        cause = largePic
          ? `Position-independent code in the large model (a compiler that defaults to -fPIE, without -fno-PIE) addresses data relative to the GOT (${names.join(", ")}); the purgatory has no GOT and the kernel's relocator knows none of these types.`
          : `PIC code refers to symbols with default visibility through the GOT (${names.join(", ")}); the purgatory has no GOT and the kernel's relocator knows none of these types.`;
        fix = largePic
          ? `Add -fno-PIE to a large-model build, or switch to \`${PIC_FIX}\` (the kernel's flags since 2024).`
          : `Add -fvisibility=hidden (the kernel builds with \`${PIC_FIX}\`), or mark the referenced symbols hidden.`;
        attach.push(
          largePic
            ? { kind: "flag", flag: "-fno-PIE", present: false }
            : { kind: "flag", flag: "-fvisibility=hidden", present: false },
        );
        for (const s of symbols.slice(0, 8)) attach.push({ kind: "symbol", name: s, role: "reference" });
      } else if (plt) {
        cause =
          "binutils 2.31 and later emit R_X86_64_PLT32 for calls; kernels before 4.16 (without the stable backport of b21ebf2fb4cd) do not handle it.";
        fix =
          "Use a kernel with b21ebf2fb4cd (4.16, backported to stable), or an older binutils for the purgatory.";
      } else {
        cause = `The object uses relocation types the x86_64 purgatory relocator does not support (${names.join(", ")}); it handles only NONE, 64, PC32, PLT32, 32 and 32S.`;
        fix =
          "Find the code that needs them (readelf -r) and build it so it does not (no TLS, no GOT, no 64-bit PC-relative data).";
      }
      const count = (t: number) => unknown.filter((r) => r.type === t).length;
      return [
        finding({
          id: "reloc-unknown-type",
          severity: "error",
          title: `Unsupported relocation type${types.length > 1 ? "s" : ""} ${names.join(", ")}`,
          message: `The kernel stops at the first one with "Unknown rela relocation: ${types[0]}" and the purgatory does not load, at any address.`,
          cause,
          fix,
          kernelMessages: logLines(ctx, (t) => t.includes("Unknown rela relocation")),
          evidence: { types: types.map((t) => `${t} (${count(t)}×)`), symbols },
          attach,
        }),
      ];
    },
  },
  {
    id: "pc-relative-to-absolute",
    evaluate(ctx) {
      const a = firstAttempt(ctx);
      if (!a) return [];
      const bad = a.relocations.filter(
        (r) =>
          (r.type === R_X86_64_PC32 || r.type === R_X86_64_PLT32) &&
          r.status === "ok" &&
          r.memCoefficient === 0 &&
          r.symShndx !== SHN_ABS,
      );
      const absRefs = a.relocations.filter(
        (r) =>
          (r.type === R_X86_64_PC32 || r.type === R_X86_64_PLT32) &&
          r.status === "ok" &&
          r.symShndx === SHN_ABS,
      );
      const all = [...bad, ...absRefs];
      if (all.length === 0) return [];
      return [
        finding({
          id: "pc-relative-to-absolute",
          severity: "warning",
          title: `${all.length} PC-relative relocation${all.length === 1 ? "" : "s"} against symbols that do not move with the purgatory`,
          message:
            "S + A − P then depends on the load address, and the kernel truncates it to 32 bits without an overflow check: the stored displacement is silently wrong wherever it does not fit.",
          cause: `References to absolute symbols or to sections the kernel does not load (${[...new Set(all.map((r) => r.symbol))].slice(0, 5).join(", ")}).`,
          fix: "Reference such values through data, or keep the referenced symbols in loaded sections.",
          evidence: { count: all.length },
          attach: [...new Set(all.map((r) => r.symbol))]
            .slice(0, 8)
            .map((s) => ({ kind: "symbol", name: s, role: "reference" }) as const),
        }),
      ];
    },
  },
];

export const X86_64: KernelArch = {
  id: "x86_64",
  e_machine: EM_X86_64,
  since: { major: 3, minor: 17 },
  pageSize: PAGE_SIZE,
  byteOrders: [true],
  e0ChecksByteOrder: true,
  unreadable: unreadableByKernel,
  relocator: () => x86_64Relocator,
  loadFailed: () => [`${PREFIX.bzImage64}Loading purgatory failed`],
  loaded: (_kernel, mem) => `${PREFIX.bzImage64}Loaded purgatory at ${hex(mem)}`,
  setSymbols,
  bufMin: X86_BUF_MIN,
  refusesOtherLayouts: false,
  defaultLoads: ({ plan, kernel, ramSize }) =>
    defaultPlacements(ramSize, plan.memsz, plan.buf_align, X86_BUF_MIN, kernel).map((p) => ({
      ...p,
      crash: false,
    })),
  objectFormat: "an ELF64 x86-64 relocatable object (gcc/clang -m64, ld -r)",
  e0Refusal: 'print only "Loading purgatory failed"',
  symbolNeeds: () => [
    {
      name: "entry64_regs",
      size: ENTRY64_REGS_SIZE,
      role: "bzImage64_load reads and writes the entry registers here",
    },
    { name: "stack_end", size: undefined, role: "bzImage64_load points the purgatory's stack at it" },
  ],
  rules: X86_RULES,
  relocName: x86RelocName,
};

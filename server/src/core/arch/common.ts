// What the x86_64, s390 and riscv RELA hooks share: walking one SHT_RELA section, reading each
// entry's symbol without the bound checks the kernel also lacks, naming it the way the kernel prints
// it, recording it, and storing the field into the staging buffer. The per-type arithmetic and the
// checks each hook makes live in the architecture's own module.

import type { Interval } from "../kexec/windows";
import { ElfFormatError } from "../elf/errors";
import { readRelocations, readSymbol, symbolCount } from "../elf/reader";
import type { ElfRelocation, ElfSymbol } from "../elf/types";
import type { KernelVersion } from "../kexec/kernel";
import {
  kernelSymbolName,
  relocationRecord,
  type RelaContext,
  type RelocationRecord,
  type RelocStatus,
} from "../kexec/relocate";
import { byteAt, setByteAt, type StagingBuffer } from "../kexec/staging";
import { hex, u64 } from "../kexec/u64";

/** v >= major.minor.patch, where an unspecified stable patch counts as .0. */
export function atLeast(v: KernelVersion, major: number, minor: number, patch = 0): boolean {
  return (v.major - major || v.minor - minor || (v.patch ?? 0) - patch) >= 0;
}

/** True for a stable release of series major.minor at or after .patch. */
export function stableFrom(v: KernelVersion, major: number, minor: number, patch: number): boolean {
  return v.major === major && v.minor === minor && (v.patch ?? 0) >= patch;
}

/** A field the kernel writes: `width` bytes at buffer offset `at`, in the object's byte order. */
export interface Store {
  readonly at: number;
  readonly value: bigint;
  readonly width: number;
}

export interface Computed {
  symbol: string;
  symShndx: number;
  S?: bigint;
  value?: bigint;
  stored?: bigint;
  width?: number;
  memCoefficient?: 0 | 1;
  /** For overflow-checked types: the kbuf.mem values for which this relocation fits. */
  window?: readonly Interval[];
  note?: string;
}

export interface Outcome {
  status: RelocStatus;
  computed: Computed;
  /** The kernel's pr_err line, if it prints one here. */
  message?: string;
  store?: Store;
}

export function readField(buf: StagingBuffer, at: number, width: number, littleEndian: boolean): bigint {
  let v = 0n;
  for (let i = 0; i < width; i++) {
    const b = BigInt(byteAt(buf, littleEndian ? at + width - 1 - i : at + i));
    v = (v << 8n) | b;
  }
  return v;
}

export function writeField(buf: StagingBuffer, s: Store, littleEndian: boolean): void {
  let v = s.value;
  for (let i = 0; i < s.width; i++) {
    setByteAt(buf, littleEndian ? s.at + i : s.at + s.width - 1 - i, Number(v & 0xffn));
    v >>= 8n;
  }
}

/**
 * The field at r_offset in the target section, or why touching it is undefined behaviour: the kernel
 * checks neither that it lies inside the section nor that the section was copied into the buffer.
 */
export function fieldOffset(ctx: RelaContext, rel: ElfRelocation, width: number): number | string {
  const { target, layout } = ctx;
  const loc = u64(target.sh_offset + rel.r_offset);
  if (!target.inBuffer) {
    return `the target ${target.name} is SHT_NOBITS: its sh_offset was never rewritten, so the kernel would write at purgatory_buf + file offset ${hex(target.sh_offset)}`;
  }
  if (loc + BigInt(width) > BigInt(layout.buffer.byteLength)) {
    return `r_offset ${hex(rel.r_offset)} + ${width} is past the end of ${target.name} in the ${layout.buffer.byteLength}-byte buffer: the kernel would access memory out of bounds`;
  }
  return Number(loc);
}

export interface RelaHook {
  readonly littleEndian: boolean;
  typeName(type: number): string;
  /** One relocation: checks, arithmetic, and the store (read-modify-write reads the buffer as it is). */
  one(ctx: RelaContext, rel: ElfRelocation, P: bigint, sym: ElfSymbol, name: string): Outcome;
  /** Whether a non-"ok" status stops the kernel (s390 before 5.16 carries on past unknown types). */
  stops(status: RelocStatus): boolean;
  /** The pr_debug line the hook prints before walking the section (x86: "Applying relocate section"). */
  sectionDebug?(ctx: RelaContext): string;
  /** The pr_debug line the hook prints for each relocation's symbol (x86: "Symbol: … info: …"). */
  symbolDebug?(sym: ElfSymbol, name: string): string;
}

/** Applies one RELA section with `hook`, appending records; true when the kernel failed on it. */
export function applyRelaWith(hook: RelaHook, ctx: RelaContext, out: RelocationRecord[]): boolean {
  const { elf, layout, log, target } = ctx;
  const relsec = elf.sections[ctx.relSection]!;
  const nsyms = symbolCount(elf, ctx.symtab);
  let live = ctx.live;
  let failed = false;
  const sectionDebug = hook.sectionDebug;
  if (sectionDebug && log.withDebug) log.debug(() => sectionDebug(ctx));
  // Relocations name few distinct symbols: read each once.
  const symbols = new Map<number, ElfSymbol | ElfFormatError>();
  for (const rel of readRelocations(elf, ctx.relSection)) {
    const P = u64(target.sh_addr + rel.r_offset);
    let outcome: Outcome;
    if (rel.sym >= nsyms) {
      outcome = {
        status: "undefined-behaviour",
        computed: {
          symbol: "?",
          symShndx: -1,
          note: `symbol index ${rel.sym} is past the end of the ${nsyms}-entry symbol table: the kernel would read whatever follows it`,
        },
      };
    } else {
      let sym = symbols.get(rel.sym);
      if (sym === undefined) {
        try {
          sym = readSymbol(elf, ctx.symtab, rel.sym);
        } catch (e) {
          if (!(e instanceof ElfFormatError)) throw e;
          sym = e;
        }
        symbols.set(rel.sym, sym);
      }
      if (sym instanceof ElfFormatError) {
        outcome = {
          status: "undefined-behaviour",
          computed: { symbol: "?", symShndx: -1, note: sym.message },
        };
      } else {
        const name = kernelSymbolName(elf, sym);
        const symbolDebug = hook.symbolDebug;
        if (live && symbolDebug && log.withDebug) {
          const s = sym;
          log.debug(() => symbolDebug(s, name));
        }
        outcome = hook.one(ctx, rel, P, sym, name);
      }
    }
    out.push(
      relocationRecord(
        relsec,
        target,
        rel,
        P,
        hook.typeName(rel.type),
        outcome.status,
        outcome.computed,
        live,
      ),
    );
    if (live && outcome.store) writeField(layout.buffer, outcome.store, hook.littleEndian);
    if (outcome.status !== "ok" && hook.stops(outcome.status)) {
      if (live) {
        if (outcome.message !== undefined) log.err(outcome.message);
        failed = true;
      }
      live = false;
    }
  }
  return failed;
}

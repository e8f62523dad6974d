// The generic half of the kernel's purgatory loader (kernel/kexec_file.c): sizing the buffer
// (kexec_purgatory_setup_kbuf + kexec_add_buffer's adjustments) and laying the sections out while
// deriving image->start (kexec_purgatory_setup_sechdrs, or __kexec_load_purgatory before 4.17).
// The arithmetic is the kernel's, including ALIGN(x, 0) == 0 and non-power-of-two masks.

import { SHF_ALLOC, SHF_EXECINSTR, SHT_NOBITS } from "../elf/constants";
import type { ElfFile, SectionHeader } from "../elf/types";
import type { KernelModel } from "./kernel";
import type { KernelLog, LogLine } from "./log";
import { copySections, type Copier } from "./section-copies";
import type { StagingBuffer } from "./staging";
import { addU64, ALIGN, alignU64, bigU64, isPowerOfTwo, narrow, subU64, u64, type U64 } from "./u64";

export const PAGE_SIZE = 4096n;

/** The purgatory's kexec_buf before placement, exactly as the kernel sizes it. */
export interface KbufPlan {
  /** Bytes of the staging buffer (vzalloc'ed) and the segment's bufsz. */
  readonly bufsz: bigint;
  /** memsz after kexec_add_buffer rounded it up to PAGE_SIZE. */
  readonly memsz: bigint;
  /** memsz before that rounding (bufsz + bss). */
  readonly rawMemsz: bigint;
  /** buf_align after kexec_add_buffer raised it to at least PAGE_SIZE. */
  readonly buf_align: bigint;
  /** buf_align as setup_kbuf computed it (the largest section alignment). */
  readonly rawBufAlign: bigint;
  readonly bss_align: bigint;
  readonly bss_sz: bigint;
  /** Offset from kbuf.mem where the first NOBITS section goes (E1+: bufsz; E0: buf_sz + bss_pad). */
  readonly bssOffset: bigint;
  /** ALLOC sections whose sh_addralign is 0 (ALIGN(x, 0) is 0: the offset is reset). */
  readonly zeroAlign: readonly number[];
  /** ALLOC sections whose sh_addralign is not a power of two (the mask gives garbage). */
  readonly oddAlign: readonly number[];
}

/** The section headers the kernel reads: it takes e_shnum as stored (no SHN_XINDEX support). */
export function kernelSections(elf: ElfFile): readonly SectionHeader[] {
  let sections = kernelSectionsOf.get(elf);
  if (sections === undefined)
    kernelSectionsOf.set(elf, (sections = elf.sections.slice(0, elf.header.e_shnum)));
  return sections;
}

// The loaders ask for them per load and per symbol lookup: one copy per object.
const kernelSectionsOf = new WeakMap<ElfFile, readonly SectionHeader[]>();

/** The sums both loaders make over the ALLOC sections before placing anything. */
export interface SectionFootprint {
  /** The largest alignment of a section with contents. */
  readonly bufAlign: bigint;
  readonly bssAlign: bigint;
  /** Bytes of the sections with contents, each aligned: bss padding not included. */
  readonly bufsz: bigint;
  readonly bssSz: bigint;
  readonly zeroAlign: readonly number[];
  readonly oddAlign: readonly number[];
}

/**
 * The kernel's kexec_purgatory_setup_kbuf loop, which kexec-tools' elf_rel_load shares (both come
 * from the same code): each section aligned with the mask formula, `alignOf` giving its alignment.
 */
export function sectionFootprint(
  sections: readonly SectionHeader[],
  alignOf: (s: SectionHeader) => bigint,
): SectionFootprint {
  let bufAlign = 1n;
  let bssAlign = 1n;
  let bufsz: U64 = 0;
  let bssSz: U64 = 0;
  const zeroAlign: number[] = [];
  const oddAlign: number[] = [];
  for (let n = 0; n < sections.length; n++) {
    const s = sections[n]!;
    if ((s.sh_flags & SHF_ALLOC) === 0n) continue;
    const align = alignOf(s);
    if (align === 0n) zeroAlign.push(s.index);
    else if (!isPowerOfTwo(align)) oddAlign.push(s.index);
    if (s.sh_type !== SHT_NOBITS) {
      if (bufAlign < align) bufAlign = align;
      bufsz = addU64(alignU64(bufsz, align), s.sh_size);
    } else {
      if (bssAlign < align) bssAlign = align;
      bssSz = addU64(alignU64(bssSz, align), s.sh_size);
    }
  }
  return { bufAlign, bssAlign, bufsz: bigU64(bufsz), bssSz: bigU64(bssSz), zeroAlign, oddAlign };
}

/** `pageSize` is the architecture's PAGE_SIZE (kexec_add_buffer rounds memsz and buf_align to it). */
export function setupKbuf(elf: ElfFile, kernel: KernelModel, pageSize: bigint = PAGE_SIZE): KbufPlan {
  const {
    bufsz,
    bssSz,
    bssAlign,
    zeroAlign,
    oddAlign,
    bufAlign: contentAlign,
  } = sectionFootprint(kernelSections(elf), (s) => s.sh_addralign);
  // The buffer is aligned for the bss too.
  const bufAlign = contentAlign < bssAlign ? bssAlign : contentAlign;
  // E1+ folds the padding before the bss into bufsz; E0 kept it out of the segment's bufsz but
  // counted it in memsz. The loaded image is the same, the segment's bufsz is not.
  const padded = ALIGN(bufsz, bssAlign);
  const e0Pad = (bufsz & (bssAlign - 1n)) !== 0n ? bssAlign - (bufsz & (bssAlign - 1n)) : 0n;
  const segmentBufsz = kernel.era === "E0" ? bufsz : padded;
  const bssOffset = kernel.era === "E0" ? u64(bufsz + e0Pad) : padded;
  const rawMemsz = u64(bssOffset + bssSz);
  return {
    bufsz: segmentBufsz,
    rawMemsz,
    memsz: ALIGN(rawMemsz, pageSize),
    rawBufAlign: bufAlign,
    buf_align: bufAlign > pageSize ? bufAlign : pageSize,
    bss_align: bssAlign,
    bss_sz: bssSz,
    bssOffset,
    zeroAlign,
    oddAlign,
  };
}

/** The kernel's writable copy of one section header after layout. */
export interface LoadedSection {
  readonly index: number;
  readonly name: string;
  readonly flags: bigint;
  readonly type: number;
  readonly size: bigint;
  readonly align: bigint;
  /** sh_addr in the object (0 in an `ld -r` output). */
  readonly origAddr: bigint;
  /** sh_offset in the object. */
  readonly fileOffset: bigint;
  /** sh_addr after layout: the final physical address for ALLOC sections. */
  sh_addr: bigint;
  /** sh_offset after layout: an offset into the staging buffer for ALLOC PROGBITS sections; for
   *  every other section it stays the file offset (the kernel never rewrites it). */
  sh_offset: bigint;
  /** True when the layout moved it into the buffer (ALLOC, not NOBITS). */
  readonly inBuffer: boolean;
  /** SHF_ALLOC and SHF_EXECINSTR, tested per section by the layout loops. */
  readonly alloc: boolean;
  readonly executable: boolean;
  readonly isBss: boolean;
}

export interface EntryMatch {
  readonly index: number;
  readonly name: string;
  /** What this section did to image->start. */
  readonly effect: "set" | "added" | "warned" | "ignored" | "symbol";
}

export interface Layout {
  readonly sechdrs: LoadedSection[];
  readonly buffer: StagingBuffer;
  readonly imageStart: bigint;
  /** Executable sections that contained e_entry (or purgatory_start's section), in index order. */
  readonly entryMatches: readonly EntryMatch[];
  /** The purgatory_start symbol E3 used, if any. */
  readonly entrySymbol: { shndx: number; value: bigint } | undefined;
  /** Reasons the kernel's behaviour is undefined here (the simulation stops if non-empty). */
  readonly undefinedBehaviour: readonly string[];
}

/** A section as the loader first copies its header, before placement, with the alignment it uses. */
export function loadedSection(s: SectionHeader, align: bigint): LoadedSection {
  const alloc = (s.sh_flags & SHF_ALLOC) !== 0n;
  return {
    index: s.index,
    name: s.name,
    flags: s.sh_flags,
    type: s.sh_type,
    size: s.sh_size,
    align,
    origAddr: s.sh_addr,
    fileOffset: s.sh_offset,
    sh_addr: s.sh_addr,
    sh_offset: s.sh_offset,
    inBuffer: alloc && s.sh_type !== SHT_NOBITS,
    isBss: alloc && s.sh_type === SHT_NOBITS,
    alloc,
    executable: (s.sh_flags & SHF_EXECINSTR) !== 0n,
  };
}

function copySechdrs(elf: ElfFile): LoadedSection[] {
  return kernelSections(elf).map((s) => loadedSection(s, s.sh_addralign));
}

const KERNEL_COPIER: Copier = { who: "the kernel", bufferName: "purgatory buffer" };

/** NOBITS sections go after the buffer, each aligned; every era does the same. Returns the next address. */
function placeBss(s: LoadedSection, bssAddr: U64): U64 {
  const at = alignU64(bssAddr, s.align);
  s.sh_addr = bigU64(at);
  return addU64(at, s.size);
}

/** `e_entry >= sh_addr && e_entry < sh_addr + sh_size` in unsigned long arithmetic, for SHF_EXECINSTR. */
function holdsEntry(s: LoadedSection, eEntry: bigint): boolean {
  if (!s.executable || eEntry < s.origAddr) return false;
  // Below 2^52 the sum is exact on doubles and cannot wrap; an object of thousands of sections
  // asks this of each, and the bigint sum made two bigints a section.
  if (s.origAddr < SMALL && s.size < SMALL) return Number(eEntry) < Number(s.origAddr) + Number(s.size);
  return eEntry < u64(s.origAddr + s.size);
}

const SMALL = 1n << 52n;

export interface EntrySymbolLookup {
  (name: string): { shndx: number; value: bigint } | undefined;
}

/**
 * Lays the sections out at kbuf.mem = `mem`, copies their bytes into a staging buffer of
 * `plan.bufsz` bytes, and computes image->start per the kernel's era. Logs the E2 WARN.
 */
export function setupSechdrs(
  elf: ElfFile,
  kernel: KernelModel,
  plan: KbufPlan,
  mem: bigint,
  log: KernelLog,
  findPurgatoryStart: EntrySymbolLookup,
): Layout {
  const sechdrs = copySechdrs(elf);
  const eEntry = elf.header.e_entry;
  const matches: EntryMatch[] = [];
  let bssAddr = addU64(narrow(mem), plan.bssOffset);
  let start = eEntry;
  // The sections with contents and their buffer offsets, in the order the kernel copies them.
  const placed: LoadedSection[] = [];
  const offsets: U64[] = [];
  const copied = () => copySections(elf, plan.bufsz, placed, offsets, KERNEL_COPIER);

  if (kernel.era === "E0") {
    // A separate pass before layout: the first ALLOC executable section holding e_entry.
    let entrySec: LoadedSection | undefined;
    for (let n = 0; n < sechdrs.length; n++) {
      const s = sechdrs[n]!;
      if (!s.alloc || !holdsEntry(s, eEntry)) continue;
      entrySec = s;
      matches.push({ index: s.index, name: s.name, effect: "set" });
      break;
    }
    const base = narrow(mem);
    let curr: U64 = base;
    for (let n = 0; n < sechdrs.length; n++) {
      const s = sechdrs[n]!;
      if (s.isBss) {
        bssAddr = placeBss(s, bssAddr);
        continue;
      }
      if (!s.inBuffer) continue;
      curr = alignU64(curr, s.align);
      const offset = subU64(curr, base);
      placed.push(s);
      offsets.push(offset);
      s.sh_addr = bigU64(curr);
      s.sh_offset = bigU64(offset); // a kernel pointer to purgatory_buf + offset in E0; same meaning here
      curr = addU64(curr, s.size);
    }
    if (entrySec) start = u64(eEntry - entrySec.origAddr + entrySec.sh_addr);
    const { buffer, undefinedBehaviour } = copied();
    return {
      sechdrs,
      buffer,
      imageStart: start,
      entryMatches: matches,
      entrySymbol: undefined,
      undefinedBehaviour,
    };
  }

  const entrySymbol = kernel.era === "E3" ? findPurgatoryStart("purgatory_start") : undefined;
  // Sections already in `matches` (a set: an object can have thousands of entry-holding sections).
  const matched = new Set<number>();
  let startFixed = false;
  const base = narrow(mem);
  let offsetU: U64 = 0;
  for (let n = 0; n < sechdrs.length; n++) {
    const s = sechdrs[n]!;
    if (s.isBss) {
      bssAddr = placeBss(s, bssAddr);
      continue;
    }
    if (!s.inBuffer) continue;
    offsetU = alignU64(offsetU, s.align);
    // sh_offset, and the entry arithmetic below on bigints.
    const offsetBig = bigU64(offsetU);
    switch (kernel.era) {
      case "E1":
        if (holdsEntry(s, eEntry)) {
          matches.push({ index: s.index, name: s.name, effect: matches.length === 0 ? "set" : "added" });
          start = u64(start - s.origAddr + mem + offsetBig);
        }
        break;
      case "E2":
        if (holdsEntry(s, eEntry)) {
          if (start !== eEntry) {
            matches.push({ index: s.index, name: s.name, effect: "warned" });
            emitWarn(log, kernel);
          } else {
            matches.push({ index: s.index, name: s.name, effect: "set" });
            start = u64(start - s.origAddr + mem + offsetBig);
          }
        }
        break;
      case "E3": {
        if (
          !startFixed &&
          entrySymbol &&
          s.index === entrySymbol.shndx &&
          s.executable &&
          entrySymbol.value < s.size
        ) {
          start = u64(mem + offsetBig + entrySymbol.value);
          startFixed = true;
          matches.push({ index: s.index, name: s.name, effect: "symbol" });
          matched.add(s.index);
        }
        if (holdsEntry(s, eEntry)) {
          if (!startFixed && start === eEntry) {
            start = u64(start - s.origAddr + mem + offsetBig);
            startFixed = true;
            matches.push({ index: s.index, name: s.name, effect: "set" });
            matched.add(s.index);
          } else if (!matched.has(s.index)) {
            matches.push({ index: s.index, name: s.name, effect: "ignored" });
            matched.add(s.index);
          }
        }
        break;
      }
    }
    placed.push(s);
    offsets.push(offsetU);
    s.sh_addr = bigU64(addU64(base, offsetU));
    s.sh_offset = offsetBig;
    offsetU = addU64(offsetU, s.size);
  }
  const { buffer, undefinedBehaviour } = copied();
  return { sechdrs, buffer, imageStart: start, entryMatches: matches, entrySymbol, undefinedBehaviour };
}

/** The WARN_ON splat's framing lines; CPU, PID and code offsets depend on the machine. */
function emitWarn(log: KernelLog, kernel: KernelModel): void {
  for (const line of warnSplat(kernel)) log.add(line);
}

const splats = new WeakMap<KernelModel, readonly LogLine[]>();

/**
 * The WARN_ON splat's lines for this kernel, made once: a load can WARN once per section (15,000 in
 * an object fuzzing found), and the same line objects repeated are cheaper to keep and to compare.
 */
function warnSplat(kernel: KernelModel): readonly LogLine[] {
  let lines = splats.get(kernel);
  if (lines === undefined) {
    const where = `kernel/kexec_file.c:${kernel.warnLine ?? "?"}`;
    const texts = [
      "------------[ cut here ]------------",
      kernel.warnFormat === "6.19"
        ? `WARNING: ${where} at kexec_load_purgatory+0x?/0x?, CPU#?: kexec/?`
        : `WARNING: CPU: ? PID: ? at ${where} kexec_load_purgatory+0x?/0x?`,
      "---[ end trace 0000000000000000 ]---",
    ];
    lines = texts.map((text) => Object.freeze({ level: "warn" as const, text }));
    splats.set(kernel, lines);
  }
  return lines;
}

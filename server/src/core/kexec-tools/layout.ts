// elf_rel_load()'s first half: the entry section, the buffer's size and alignment, and where each
// SHF_ALLOC section goes once add_buffer has chosen buf_addr. Differences from the kernel: the entry is
// the first executable section holding e_entry (a separate pass before layout), the padding before the
// bss stays outside bufsz, and since 2.0.24 sh_addralign 0 counts as 1 (before, _ALIGN(x, 0) is 0).

import { SHF_ALLOC, SHF_EXECINSTR } from "../elf/constants";
import type { ElfFile, SectionHeader } from "../elf/types";
import {
  kernelSections,
  loadedSection,
  sectionFootprint,
  type KbufPlan,
  type LoadedSection,
} from "../kexec/purgatory";
import { copySections, type Copier } from "../kexec/section-copies";
import type { StagingBuffer } from "../kexec/staging";
import { addU64, ALIGN, alignU64, bigU64, narrow, subU64, u64, type U64 } from "../kexec/u64";
import { ktAtLeast, type KexecToolsVersion } from "./version";

/** Section index -> sh_addralign as the loader rewrote it before layout. */
export type AlignOverrides = ReadonlyMap<number, bigint>;

/** get_section_addralign(): 0 reads as 1 since 2.0.24. */
export function sectionAlign(
  s: SectionHeader,
  version: KexecToolsVersion,
  overrides?: AlignOverrides,
): bigint {
  const align = overrides?.get(s.index) ?? s.sh_addralign;
  return align === 0n && ktAtLeast(version, 2, 0, 24) ? 1n : align;
}

/** The buffer elf_rel_load asks add_buffer for, in the kernel model's KbufPlan terms. */
export function ktPlan(
  elf: ElfFile,
  version: KexecToolsVersion,
  pageSize: bigint,
  overrides?: AlignOverrides,
): KbufPlan {
  const {
    bufsz,
    bssSz: bsssz,
    bssAlign,
    zeroAlign,
    oddAlign,
    bufAlign: contentAlign,
  } = sectionFootprint(kernelSections(elf), (s) => sectionAlign(s, version, overrides));
  // The buffer is aligned for the bss too.
  const bufAlign = contentAlign < bssAlign ? bssAlign : contentAlign;
  const rem = bufsz & u64(bssAlign - 1n);
  const bssPad = rem !== 0n ? u64(bssAlign - rem) : 0n;
  const rawMemsz = u64(bufsz + bssPad + bsssz);
  return {
    bufsz,
    rawMemsz,
    // add_buffer_phys_virt rounds memsz to the page size; locate_hole raises the alignment to it.
    memsz: ALIGN(rawMemsz, pageSize),
    rawBufAlign: bufAlign,
    buf_align: bufAlign > pageSize ? bufAlign : pageSize,
    bss_align: bssAlign,
    bss_sz: bsssz,
    bssOffset: u64(bufsz + bssPad),
    zeroAlign,
    oddAlign,
  };
}

export interface KtLayout {
  readonly sechdrs: LoadedSection[];
  /** The bufsz bytes kexec-tools copies the sections into (xmalloc'ed, so not zeroed: gaps hold garbage). */
  readonly buffer: StagingBuffer;
  /** The first ALLOC+EXECINSTR section holding e_entry, found before layout. */
  readonly entrySection: number | undefined;
  /** info->entry: e_entry moved with its section, or e_entry unchanged when no section holds it. */
  readonly entry: bigint;
  readonly undefinedBehaviour: string[];
}

export function ktLayout(
  elf: ElfFile,
  version: KexecToolsVersion,
  plan: KbufPlan,
  bufAddr: bigint,
  overrides?: AlignOverrides,
): KtLayout {
  // kexec-tools, like the kernel, takes e_shnum as stored.
  const sections = kernelSections(elf);
  const eEntry = elf.header.e_entry;
  const entrySec = sections.find(
    (s) =>
      (s.sh_flags & SHF_ALLOC) !== 0n &&
      (s.sh_flags & SHF_EXECINSTR) !== 0n &&
      s.sh_addr <= eEntry &&
      u64(s.sh_addr + s.sh_size) > eEntry,
  );
  const sechdrs: LoadedSection[] = sections.map((s) => loadedSection(s, sectionAlign(s, version, overrides)));
  // The sections with contents and their buffer offsets, in the order kexec-tools copies them.
  const placed: LoadedSection[] = [];
  const offsets: U64[] = [];
  const base = narrow(bufAddr);
  let dataAddr: U64 = base;
  let bssAddr = addU64(base, plan.bssOffset);
  for (let n = 0; n < sechdrs.length; n++) {
    const s = sechdrs[n]!;
    if (s.isBss) {
      bssAddr = alignU64(bssAddr, s.align);
      s.sh_addr = bigU64(bssAddr);
      bssAddr = addU64(bssAddr, s.size);
      continue;
    }
    if (!s.inBuffer) continue;
    dataAddr = alignU64(dataAddr, s.align);
    const off = subU64(dataAddr, base);
    // A copy lands past the end of the buffer only with sh_addralign 0 before 2.0.24 or a non-power-of-two one.
    placed.push(s);
    offsets.push(off);
    s.sh_addr = bigU64(dataAddr);
    s.sh_offset = bigU64(off);
    dataAddr = addU64(dataAddr, s.size);
  }
  const entrySection = entrySec?.index;
  const entry = entrySec ? u64(eEntry - entrySec.sh_addr + sechdrs[entrySec.index]!.sh_addr) : eEntry;
  const { buffer, undefinedBehaviour } = copySections(elf, plan.bufsz, placed, offsets, KT_COPIER);
  return { sechdrs, buffer, entrySection, entry, undefinedBehaviour };
}

const KT_COPIER: Copier = { who: "kexec-tools", bufferName: "buffer" };

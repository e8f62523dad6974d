// kexec_apply_relocations(): the generic walk over relocation sections that hands each RELA section
// to the architecture's hook. After the first error the kernel returns; we keep evaluating the rest
// ("not reached") so the load windows and the reports cover every relocation.

import { SHF_ALLOC, SHT_REL, SHT_RELA } from "../elf/constants";
import type { ElfFile, ElfRelocation, ElfSymbol, SectionHeader } from "../elf/types";
import type { KernelModel } from "./kernel";
import { PREFIX, type KernelLog } from "./log";
import { kernelSections, type KbufPlan, type Layout, type LoadedSection } from "./purgatory";
import type { Interval } from "./windows";

/** The name the kernel prints for a relocation's symbol: its own, or its section's when unnamed. */
export function kernelSymbolName(elf: ElfFile, sym: ElfSymbol): string {
  if (sym.st_name !== 0) return sym.name;
  return sym.st_shndx < elf.header.e_shnum
    ? elf.sections[sym.st_shndx]!.name
    : `<read past the section headers: st_shndx ${sym.st_shndx}>`;
}

export type RelocStatus =
  | "ok"
  | "overflow"
  | "unknown-type"
  | "undefined-symbol"
  | "common-symbol"
  | "invalid-section"
  | "undefined-behaviour"
  /** The kernel skipped it without a message and carried on (s390 before 5.16, unknown types). */
  | "ignored";

export interface RelocationRecord {
  readonly relSection: number;
  readonly relSectionName: string;
  readonly target: number;
  readonly targetName: string;
  /** Index of the entry within its relocation section. */
  readonly index: number;
  readonly r_offset: bigint;
  readonly type: number;
  readonly typeName: string;
  readonly symIndex: number;
  /** The name the kernel prints: the symbol's, or its section's for unnamed (section) symbols. */
  readonly symbol: string;
  readonly symShndx: number;
  /** S = st_value + sec_base (undefined when the symbol has no usable section). */
  readonly S: bigint | undefined;
  readonly A: bigint;
  /** P = the final physical address of the relocated field. */
  readonly P: bigint;
  /** The value the kernel computes (S + A, or S + A - P), modulo 2^64. */
  readonly value: bigint | undefined;
  /** What lands in the field (value truncated to the field's width). */
  readonly stored: bigint | undefined;
  /** Field width in bytes (0 for NONE and for failures before the store). */
  readonly width: number;
  readonly status: RelocStatus;
  /** False when an earlier error had already stopped the kernel: evaluated for the report only. */
  readonly reached: boolean;
  /** Whether the computed value moves with kbuf.mem (1) or not (0). */
  readonly memCoefficient: 0 | 1;
  /** For overflow-checked types: the kbuf.mem values for which this relocation fits. */
  readonly window: readonly Interval[] | undefined;
  /** Why the result is undefined behaviour, or other facts for the findings. */
  readonly note?: string;
}

/** What a loader learned about one relocation, beside the entry's own fields. */
export interface RecordFacts {
  readonly symbol: string;
  readonly symShndx: number;
  readonly S?: bigint;
  readonly value?: bigint;
  readonly stored?: bigint;
  readonly width?: number;
  readonly memCoefficient?: 0 | 1;
  readonly window?: readonly Interval[];
  readonly note?: string;
}

/**
 * One record, built field by field in one fixed order: every record then has the same object shape
 * (spreading a base object per relocation made V8 churn through hidden classes, 8x slower at 1M).
 */
export function relocationRecord(
  relsec: SectionHeader,
  target: { readonly index: number; readonly name: string },
  rel: ElfRelocation,
  P: bigint,
  typeName: string,
  status: RelocStatus,
  f: RecordFacts,
  reached: boolean,
): RelocationRecord {
  return {
    relSection: relsec.index,
    relSectionName: relsec.name,
    target: target.index,
    targetName: target.name,
    index: rel.index,
    r_offset: rel.r_offset,
    type: rel.type,
    typeName,
    symIndex: rel.sym,
    symbol: f.symbol,
    symShndx: f.symShndx,
    S: f.S,
    A: rel.r_addend,
    P,
    value: f.value,
    stored: f.stored,
    width: f.width ?? 0,
    status,
    reached,
    memCoefficient: f.memCoefficient ?? 0,
    window: f.window,
    note: f.note,
  };
}

export interface RelaContext {
  readonly elf: ElfFile;
  readonly kernel: KernelModel;
  readonly plan: KbufPlan;
  readonly layout: Layout;
  readonly mem: bigint;
  readonly log: KernelLog;
  readonly relSection: number;
  readonly target: LoadedSection;
  readonly symtab: number;
  /** False once the kernel has stopped: records only, no log, no stores. */
  readonly live: boolean;
}

export interface ArchRelocator {
  /** Applies one SHT_RELA section, appending its records to `out`; true when the kernel failed on it. */
  applyRela(ctx: RelaContext, out: RelocationRecord[]): boolean;
}

export interface RelocationOutcome {
  readonly records: RelocationRecord[];
  readonly failed: boolean;
  /** Silent failures and unsupported-section cases, for the findings. */
  readonly notes: string[];
}

export function applyRelocations(
  elf: ElfFile,
  kernel: KernelModel,
  plan: KbufPlan,
  layout: Layout,
  mem: bigint,
  log: KernelLog,
  arch: ArchRelocator | undefined,
): RelocationOutcome {
  const shnum = elf.header.e_shnum;
  const sections = kernelSections(elf);
  const records: RelocationRecord[] = [];
  const notes: string[] = [];
  let failed = false;
  for (const relsec of sections) {
    if (relsec.sh_type !== SHT_RELA && relsec.sh_type !== SHT_REL) continue;
    if (relsec.sh_info >= shnum || relsec.sh_link >= shnum) {
      if (!failed) {
        notes.push(
          `relocation section ${relsec.index} (${relsec.name}) has sh_info ${relsec.sh_info} / sh_link ${relsec.sh_link} ` +
            `not below e_shnum ${shnum}: the kernel returns -ENOEXEC without a message`,
        );
        failed = true;
      }
      continue;
    }
    const target = layout.sechdrs[relsec.sh_info]!;
    const symtab = sections[relsec.sh_link]!;
    if ((target.flags & SHF_ALLOC) === 0n) continue;
    if (symtab.sh_link >= shnum) continue;
    if (relsec.sh_type === SHT_REL) {
      // No architecture defines a REL hook: the generic one prints and fails.
      if (!failed) {
        log.err(`${PREFIX.kexecFile}REL relocation unsupported.`);
        notes.push(`SHT_REL section ${relsec.index} (${relsec.name}) targets ALLOC section ${target.name}`);
        failed = true;
      }
      continue;
    }
    if (!arch) {
      if (!failed) {
        log.err(`${PREFIX.kexecFile}RELA relocation unsupported.`);
        notes.push(`RELA section ${relsec.index} (${relsec.name}) targets ALLOC section ${target.name}`);
        failed = true;
      }
      continue;
    }
    const sectionFailed = arch.applyRela(
      {
        elf,
        kernel,
        plan,
        layout,
        mem,
        log,
        relSection: relsec.index,
        target,
        symtab: symtab.index,
        live: !failed,
      },
      records,
    );
    if (sectionFailed) failed = true;
  }
  return { records, failed, notes };
}

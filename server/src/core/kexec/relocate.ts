// kexec_apply_relocations(): the generic walk over relocation sections that hands each RELA section
// to the architecture's hook. After the first error the kernel returns; we keep evaluating the rest
// ("not reached") so the load windows and the reports cover every relocation.

import { SHT_REL, SHT_RELA } from "../elf/constants";
import type { ElfFile, ElfSymbol } from "../elf/types";
import type { KernelModel } from "./kernel";
import { PREFIX, type KernelLog } from "./log";
import { kernelSections, type KbufPlan, type Layout, type LoadedSection } from "./purgatory";
import type { RelocationList } from "./relocation-record";
import { RelocationTable } from "./relocation-table";

export {
  relocationRecord,
  type RecordFacts,
  type RelocationList,
  type RelocationRecord,
  type RelocStatus,
} from "./relocation-record";

/** The name the kernel prints for a relocation's symbol: its own, or its section's when unnamed. */
export function kernelSymbolName(elf: ElfFile, sym: ElfSymbol): string {
  if (sym.st_name !== 0) return sym.name;
  return sym.st_shndx < elf.header.e_shnum
    ? elf.sections[sym.st_shndx]!.name
    : `<read past the section headers: st_shndx ${sym.st_shndx}>`;
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
  applyRela(ctx: RelaContext, out: RelocationTable): boolean;
}

export interface RelocationOutcome {
  readonly records: RelocationList;
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
  const table = new RelocationTable();
  const notes: string[] = [];
  let failed = false;
  for (let n = 0; n < sections.length; n++) {
    const relsec = sections[n]!;
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
    if (!target.alloc) continue;
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
      table,
    );
    if (sectionFailed) failed = true;
  }
  return { records: table.records(), failed, notes };
}

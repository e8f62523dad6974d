// ppc64 as a KernelArch: powerpc64's kexec_file purgatory handling (arch/powerpc/kexec/elf_64.c,
// file_load.c and, 5.10+, file_load_64.c). No RELA hook exists, so any relocation against an
// allocated section fails in the generic stub ("kexec_file: RELA relocation unsupported."), and
// elf64_load prints "kexec_elf: Loading purgatory failed.". The purgatory goes top-down below
// ppc64_rma_size (buf_min 0). After the device tree, setup_purgatory() reads purgatory_start (256
// bytes), writes it back with the new kernel's slave code, sets kernel and dt_offset; from 5.10
// setup_purgatory_ppc64() then sets run_at_load (kdump), backup_start, and on PowerNV opal_base and
// opal_entry, printing "Failed to setup purgatory symbols" (no newline, no prefix) on error;
// elf64_load adds "kexec_elf: Error setting up the purgatory.".

import { EM_PPC64, SHF_ALLOC, SHT_RELA } from "../elf/constants";
import { runSymbolOps, type SymbolOp } from "../kexec/load";
import { topDownFit } from "../kexec/memory-hole";
import { kernelSections } from "../kexec/purgatory";
import { hex } from "../kexec/u64";
import { errorLines, finding, listed, OBJECT_TARGET, unique } from "../rules/finding";
import {
  stepsPurgatorySymbol,
  stepsUndefinedBehaviour,
  stepsUndefinedSymbol,
  unknownTypeRule,
} from "../rules/loader-steps";
import { MAX_SITES, relaSymbols } from "../rules/relocation-sites";
import type { Rule } from "../rules/rule";
import { atLeast } from "./common";
import type { KernelArch } from "./types";

/** ppc64 kernels are commonly built with 64 KiB pages (Debian's ppc64el config included). */
export const PPC64_PAGE_SIZE = 0x10000n;
/** ppc64_rma_size on a typical hash-MMU pseries guest: 1 GiB (buf_max of the purgatory's kbuf). */
export const PPC64_RMA_SIZE = 1n << 30n;

/** powerpc cannot apply any RELA section against an allocated section. */
const relaUnsupported: Rule = {
  id: "rela-unsupported",
  evaluate(ctx) {
    const sections = kernelSections(ctx.elf);
    const relas = sections.filter(
      (s) =>
        s.sh_type === SHT_RELA &&
        s.sh_info < sections.length &&
        (sections[s.sh_info]!.sh_flags & SHF_ALLOC) !== 0n,
    );
    if (relas.length === 0) return [];
    // The kernel stops before reading an entry, so the records are empty: name the symbols from the table.
    const symbols = unique(relas.flatMap((s) => relaSymbols(ctx.elf, s.index)));
    return [
      finding({
        id: "rela-unsupported",
        severity: "error",
        title: `${listed(relas.map((s) => s.name))}: relocations against allocated sections, which powerpc cannot apply`,
        message:
          'powerpc defines no arch_kexec_apply_relocations_add(): the generic stub prints "RELA relocation unsupported." and kexec_file_load fails.',
        cause:
          "The trampoline gained a relocation (an absolute address, a call or a reference to another object) instead of staying position independent.",
        fix: "Keep the purgatory position independent: compute addresses relative to the PC (bcl 20,31,$+4; mflr) and label differences, as trampoline_64.S does.",
        kernelMessages: errorLines(ctx.loads, (t) => t.includes("RELA relocation unsupported")),
        evidence: { sections: relas.map((s) => s.name), symbols: symbols.slice(0, MAX_SITES) },
        attach: [
          ...symbols
            .slice(0, MAX_SITES)
            .map((name) => ({ kind: "symbol", name, role: "reference" }) as const),
          OBJECT_TARGET,
        ],
      }),
    ];
  },
};

export const PPC64: KernelArch = {
  id: "ppc64",
  e_machine: EM_PPC64,
  since: { major: 4, minor: 10 },
  pageSize: PPC64_PAGE_SIZE,
  byteOrders: [true, false],
  relocator: () => undefined,
  loadFailed: () => ["kexec_elf: Loading purgatory failed."],
  loaded: (_kernel, mem) => `kexec_elf: Loaded purgatory at ${hex(mem)}`,
  setSymbols: (w, options) => {
    const ops: SymbolOp[] = [
      { name: "purgatory_start", op: "get", size: 256 },
      { name: "purgatory_start", op: "set", size: 256 },
      { name: "kernel", op: "set", size: 8 },
      { name: "dt_offset", op: "set", size: 8 },
    ];
    const v510 = atLeast(w.kernel.version, 5, 10);
    if (v510) {
      if (options.crash) ops.push({ name: "run_at_load", op: "set", size: 4 });
      ops.push({ name: "backup_start", op: "set", size: 8 });
      if (options.opal !== false) {
        ops.push({ name: "opal_base", op: "set", size: 8 }, { name: "opal_entry", op: "set", size: 8 });
      }
    }
    return runSymbolOps(w, ops, {
      lines: [
        ...(v510 ? ["Failed to setup purgatory symbols"] : []),
        "kexec_elf: Error setting up the purgatory.",
      ],
      fatal: true,
    });
  },
  bufMin: 0n,
  refusesOtherLayouts: true,
  defaultLoads: ({ plan, kernel, crash }) => {
    const mem = topDownFit({ start: 0n, end: PPC64_RMA_SIZE - 1n }, plan.memsz, plan.buf_align, 0n, kernel);
    return mem === undefined
      ? []
      : [
          {
            label: "high",
            why: `top of a ${PPC64_RMA_SIZE >> 20n} MiB RMA (buf_max = ppc64_rma_size, top-down)`,
            mem,
            crash,
          },
        ];
  },
  objectFormat: "an ELF64 powerpc64 relocatable object (-m64, ld -r)",
  rules: [
    stepsUndefinedBehaviour,
    unknownTypeRule(),
    stepsUndefinedSymbol(),
    relaUnsupported,
    stepsPurgatorySymbol,
  ],
  // No relocator, so no record names a type; relocation sites name the number.
  relocName: (type) => `type ${type}`,
};

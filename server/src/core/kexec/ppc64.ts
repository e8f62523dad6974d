// powerpc64's kexec_file purgatory handling (arch/powerpc/kexec/elf_64.c, file_load.c and, 5.10+,
// file_load_64.c). No RELA hook exists, so any relocation against an allocated section fails in the
// generic stub ("kexec_file: RELA relocation unsupported."), and elf64_load prints
// "kexec_elf: Loading purgatory failed.". The purgatory goes top-down below ppc64_rma_size
// (buf_min 0). After the device tree, setup_purgatory() reads purgatory_start (256 bytes), writes it
// back with the new kernel's slave code, sets kernel and dt_offset; from 5.10 setup_purgatory_ppc64()
// then sets run_at_load (kdump), backup_start, and on PowerNV opal_base and opal_entry, printing
// "Failed to setup purgatory symbols" (no newline, no prefix) on error; elf64_load adds
// "kexec_elf: Error setting up the purgatory.".

import { EM_PPC64 } from "../elf/constants";
import { atLeast } from "../arch/common";
import type { ArchLoader, ArchSymbolOp } from "./arch-load";
import { hex } from "./u64";

/** ppc64 kernels are commonly built with 64 KiB pages (Debian's ppc64el config included). */
export const PPC64_PAGE_SIZE = 0x10000n;
/** ppc64_rma_size on a typical hash-MMU pseries guest: 1 GiB (buf_max of the purgatory's kbuf). */
export const PPC64_RMA_SIZE = 1n << 30n;

export const PPC64_LOADER: ArchLoader = {
  id: "ppc64",
  e_machine: EM_PPC64,
  since: { major: 4, minor: 10 },
  pageSize: PPC64_PAGE_SIZE,
  byteOrders: [true, false],
  relocator: () => undefined,
  loadFailed: () => ["kexec_elf: Loading purgatory failed."],
  symbolOps: (kernel, options) => {
    const ops: ArchSymbolOp[] = [
      { name: "purgatory_start", op: "get", size: 256 },
      { name: "purgatory_start", op: "set", size: 256 },
      { name: "kernel", op: "set", size: 8 },
      { name: "dt_offset", op: "set", size: 8 },
    ];
    if (atLeast(kernel.version, 5, 10)) {
      if (options.crash) ops.push({ name: "run_at_load", op: "set", size: 4 });
      ops.push({ name: "backup_start", op: "set", size: 8 });
      if (options.opal !== false) {
        ops.push({ name: "opal_base", op: "set", size: 8 }, { name: "opal_entry", op: "set", size: 8 });
      }
    }
    return ops;
  },
  symbolFailed: (kernel) => ({
    lines: [
      ...(atLeast(kernel.version, 5, 10) ? ["Failed to setup purgatory symbols"] : []),
      "kexec_elf: Error setting up the purgatory.",
    ],
    fatal: true,
  }),
  loaded: (_kernel, mem) => `kexec_elf: Loaded purgatory at ${hex(mem)}`,
};

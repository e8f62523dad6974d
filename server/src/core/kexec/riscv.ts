// riscv's kexec_file purgatory handling (arch/riscv/kernel/elf_kexec.c, later machine_kexec_file.c's
// load_extra_segments): kbuf.buf_min = the end of the loaded kernel, buf_max = ULONG_MAX, top_down,
// mem = KEXEC_BUF_MEM_UNKNOWN; on failure "Error loading purgatory ret=%d". Then riscv_kernel_entry
// (u64) is set; if that fails the loader prints "Error update purgatory ret=%d" and goes on (the
// error is overwritten by the next step), so the load still succeeds.

import { EM_RISCV } from "../elf/constants";
import { riscv64Relocator, riscvEra } from "../arch/riscv64";
import type { ArchLoader } from "./arch-load";
import { PAGE_SIZE } from "./purgatory";
import { hex } from "./u64";

export const RISCV_LOADER: ArchLoader = {
  id: "riscv64",
  e_machine: EM_RISCV,
  since: { major: 5, minor: 19 },
  pageSize: PAGE_SIZE,
  byteOrders: [true],
  relocator: (kernel) => riscv64Relocator(kernel.version),
  loadFailed: (kernel, ret) => [`${riscvEra(kernel.version).prefix}Error loading purgatory ret=${ret}`],
  symbolOps: () => [{ name: "riscv_kernel_entry", op: "set", size: 8 }],
  symbolFailed: (kernel, ret) => ({
    lines: [`${riscvEra(kernel.version).prefix}Error update purgatory ret=${ret}`],
    fatal: false,
  }),
  loaded: (kernel, mem) => `${riscvEra(kernel.version).prefix}Loaded purgatory at ${hex(mem)}`,
};

/** A typical RISC-V board: DRAM from 0x80000000, the kernel at 0x80200000, 32 MiB long. */
export const RISCV_DRAM_BASE = 0x80000000n;
export const RISCV_KERNEL_START = 0x80200000n;
export const RISCV_KERNEL_LEN = 32n << 20n;

// s390's kexec_file purgatory handling (arch/s390/kernel/machine_kexec_file.c): the loader picks the
// purgatory's address itself, directly after the kernel and the initrd in the image it builds from
// physical 0 (or from the crashkernel base): `buf.mem = ALIGN(data->memsz, PAGE_SIZE)`, so
// kexec_locate_mem_hole() returns at once and buf_align / top_down play no part. It then sets
// kernel_entry and kernel_type (u64 each) and, for kdump, crash_start and crash_size. Failures in
// this path are returned without a message of the loader's own.

import { EM_S390 } from "../elf/constants";
import { s390xRelocator } from "../arch/s390x";
import type { ArchLoader } from "./arch-load";
import { PAGE_SIZE } from "./purgatory";
import { ALIGN } from "./u64";

export const S390_LOADER: ArchLoader = {
  id: "s390x",
  e_machine: EM_S390,
  since: { major: 4, minor: 19 },
  pageSize: PAGE_SIZE,
  byteOrders: [false],
  relocator: (kernel) => s390xRelocator(kernel.version),
  loadFailed: () => [],
  symbolOps: (_kernel, options) => [
    { name: "kernel_entry", op: "set", size: 8 },
    { name: "kernel_type", op: "set", size: 8 },
    ...(options.crash
      ? [
          { name: "crash_start", op: "set" as const, size: 8 },
          { name: "crash_size", op: "set" as const, size: 8 },
        ]
      : []),
  ],
  symbolFailed: () => ({ lines: [], fatal: true }),
};

/** The address kexec_file_add_purgatory() gives the purgatory after `imageSize` bytes of kernel + initrd. */
export function s390PurgatoryAddress(imageSize: bigint, crashBase = 0n): bigint {
  return ALIGN(imageSize, PAGE_SIZE) + crashBase;
}

/** Default simulated loads: a normal kexec and a kdump load, each after a 32 MiB kernel + initrd. */
export const S390_DEFAULT_IMAGE = 32n << 20n;
export const S390_DEFAULT_CRASH_BASE = 256n << 20n;

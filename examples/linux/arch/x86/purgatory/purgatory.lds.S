/* SPDX-License-Identifier: MIT */
/*
 * A linker script for purgatory.ro in the making (`ld -r -T purgatory.lds`), not yet in the
 * Makefile: it names the sections the loader cares about but, like scripts written before
 * LLVM 18, not `.ltext`, which clang puts large-model code in. Purgatory Lens predicts where every
 * input section of the current objects would land and flags the orphans.
 */
#include <asm-generic/vmlinux.lds.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(purgatory_start)

SECTIONS
{
	.text : {
		*(.text)
	}
	.rodata : { *(.rodata) *(.rodata.*) *(.lrodata) }
	.kexec-purgatory : { *(.kexec-purgatory) }
	.data : { *(.data) }
	.bss : { *(.bss) *(COMMON) }
	/DISCARD/ : { *(.note.GNU-stack) *(.note.gnu.property) *(.comment) *(.llvm_addrsig) }
}

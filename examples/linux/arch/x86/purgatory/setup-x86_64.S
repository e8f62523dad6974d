/*
 * setup-x86_64.S - entry point of the Purgatory Lens example purgatory.
 *
 * relocate_kernel jumps here (the loader's image->start) in 64-bit mode with paging set up by
 * the old kernel. We install our own GDT, switch to a private stack, run the C check in
 * purgatory.c and continue in entry64. Written for Purgatory Lens; layout follows the kernel's
 * x86 purgatory (gdt in .rodata, a 4 KiB lstack in .bss).
 */

#define GDT_CS	0x10		/* 64-bit code descriptor */
#define GDT_DS	0x18		/* flat data descriptor */

	.text
	.balign	16
	.globl	purgatory_start
	.type	purgatory_start, @function
purgatory_start:
	lgdt	gdt(%rip)

	movl	$GDT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

	/* The loader-provided stack (stack_end) belongs to entry64; C runs on lstack. */
	leaq	lstack_end(%rip), %rsp

	/* Reload %cs from our GDT with a far return. */
	leaq	.Lnew_cs(%rip), %rax
	pushq	$GDT_CS
	pushq	%rax
	lretq
.Lnew_cs:
	call	purgatory
	jmp	entry64
	.size	purgatory_start, . - purgatory_start

	.section .rodata
	.balign	16
gdt:
	/* Slot 0 is never used as a descriptor, so it doubles as the lgdt operand. */
	.word	gdt_end - gdt - 1
	.quad	gdt			/* absolute address: an R_X86_64_64 for the loader */
	.word	0, 0, 0
	.quad	0x0000000000000000	/* 0x08: unused */
	.quad	0x00af9a000000ffff	/* 0x10: code, 64-bit, DPL 0 */
	.quad	0x00cf92000000ffff	/* 0x18: data, flat 4 GiB, writable */
gdt_end:
	.size	gdt, . - gdt

	.bss
	.balign	4096
lstack:
	.skip	4096
lstack_end:
	.size	lstack, . - lstack

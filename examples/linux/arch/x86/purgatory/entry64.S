/*
 * entry64.S - leave the purgatory for the next kernel.
 *
 * The kexec_file loader reads entry64_regs, fills in rsi (boot_params), rsp (stack_end) and rip
 * (kernel entry), and writes it back; here we load every register from that block and jump.
 * Written for Purgatory Lens; the 17-quadword layout is the one the x86 loader expects
 * (rax rcx rdx rbx rsp rbp rsi rdi r8-r15 rip = 136 bytes).
 */

#define E64_CS	0x10
#define E64_DS	0x18

	.text
	.balign	16
	.globl	entry64
	.type	entry64, @function
entry64:
	lgdt	entry64_gdt(%rip)

	movl	$E64_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

	leaq	.Lflat_cs(%rip), %rax
	pushq	$E64_CS
	pushq	%rax
	lretq
.Lflat_cs:
	movq	entry64_regs +   8(%rip), %rcx
	movq	entry64_regs +  16(%rip), %rdx
	movq	entry64_regs +  24(%rip), %rbx
	movq	entry64_regs +  32(%rip), %rsp
	movq	entry64_regs +  40(%rip), %rbp
	movq	entry64_regs +  48(%rip), %rsi
	movq	entry64_regs +  56(%rip), %rdi
	movq	entry64_regs +  64(%rip), %r8
	movq	entry64_regs +  72(%rip), %r9
	movq	entry64_regs +  80(%rip), %r10
	movq	entry64_regs +  88(%rip), %r11
	movq	entry64_regs +  96(%rip), %r12
	movq	entry64_regs + 104(%rip), %r13
	movq	entry64_regs + 112(%rip), %r14
	movq	entry64_regs + 120(%rip), %r15
	movq	entry64_regs +   0(%rip), %rax
	jmpq	*entry64_regs + 128(%rip)
	.size	entry64, . - entry64

	/* Default rip if the loader never set one: stop here rather than run off. */
	.type	entry64_halt, @function
entry64_halt:
	cli
	hlt
	jmp	entry64_halt
	.size	entry64_halt, . - entry64_halt

	.data
	.balign	8
	.globl	entry64_regs
	.type	entry64_regs, @object
entry64_regs:
	.quad	0		/* rax */
	.quad	0		/* rcx */
	.quad	0		/* rdx */
	.quad	0		/* rbx */
	.quad	0		/* rsp: loader sets &stack_end */
	.quad	0		/* rbp */
	.quad	0		/* rsi: loader sets boot_params */
	.quad	0		/* rdi */
	.quad	0, 0, 0, 0	/* r8  - r11 */
	.quad	0, 0, 0, 0	/* r12 - r15 */
	.quad	entry64_halt	/* rip: absolute address, an R_X86_64_64 */
	.size	entry64_regs, . - entry64_regs

	.section .rodata
	.balign	16
entry64_gdt:
	.word	entry64_gdt_end - entry64_gdt - 1
	.quad	entry64_gdt		/* R_X86_64_64 */
	.word	0, 0, 0
	.quad	0x0000000000000000	/* 0x08 */
	.quad	0x00af9a000000ffff	/* 0x10: code, 64-bit */
	.quad	0x00cf92000000ffff	/* 0x18: data */
entry64_gdt_end:
	.size	entry64_gdt, . - entry64_gdt

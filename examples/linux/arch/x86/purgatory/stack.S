/*
 * stack.S - the stack handed to the next kernel's entry (entry64_regs.rsp = &stack_end).
 *
 * In .data, not .bss, so it is part of the loaded image. The x86 kexec_file loader looks up the
 * GLOBAL symbol stack_end; -DNO_GLOBAL_STACK_END keeps the label LOCAL to show what happens when
 * it cannot. Written for Purgatory Lens.
 */
	.data
	.balign	4096
	.globl	stack
	.type	stack, @object
stack:
	.skip	4096
	.size	stack, . - stack

#ifndef NO_GLOBAL_STACK_END
	.globl	stack_end
#endif
	.type	stack_end, @object
stack_end:
	.size	stack_end, 0

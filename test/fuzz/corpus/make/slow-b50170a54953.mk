# arch/powerpc/purgatory/Makefile - Purgatory Lens example tree (ppc64le)
#
# A kbuild-style Makefile for the miniature powerpc purgatory in this direct$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,$(call f,xory, laid out like the
# kernel's: one position-independent assembly file, trampoline_$(BITS).S, linked `-r` into
# purgatory.ro by a rule of its own (no purgatory-y list). powerpc has no purgatory relocator, so
# purgatory.ro must carry no relocation against an allocated section; trampoline_64.S deliberately
# stores an absolute address, and kexec_file_load fails with "RELA relocation unsupported.".
# test/fixtures/trees/ppc64/build.sh runs what kbuild would run for this Makefile and records the
# command lines in .<target>.cmd files.
#
# Written for Purgatory Lens. It follows kbuild conventions; it is not the kernel's Makefile.

targets += trampoline_$(BITS).o purgatory.ro

# Profile-guided builds split code into several executable sections.
KBUILD_CFLAGS := $(filter-out -fprofile-sample-use=% -fprofile-use=%,$(KBUILD_CFLAGS))

# Relocatable, entered at purgatory_start, and nothing left undefined.
LDFLAGS_purgatory.ro := -e purgatory_start -r --no-undefined

$(obj)/purgatory.ro: $(obj)/trampoline_$(BITS).o FORCE
	$(call if_changed,ld)

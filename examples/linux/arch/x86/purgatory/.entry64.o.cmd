savedcmd_arch/x86/purgatory/entry64.o := clang-19 -nostdinc -I arch/x86/purgatory -m64 -D__ASSEMBLY__ -Wa,--noexecstack -g0 -c -o arch/x86/purgatory/entry64.o arch/x86/purgatory/entry64.S

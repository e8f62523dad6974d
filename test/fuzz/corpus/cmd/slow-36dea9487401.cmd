savedcmd_arch/powerpc/purgatory/purgatory.ro := powerpc64le-linux-gnu-ld -EL -m elf64lppc -e purgatory_start -r --no-undefined -o arch/powerpc/purgatory/purgatory.ro arch/powerpc/purgatory/trampoline_64.o

deps_x := \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linu\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
$(wildcard \
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
\
x/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \
  include/linux/x.h \


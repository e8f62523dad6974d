#!/usr/bin/env bash
# Rebuilds a copy of examples/linux's purgatory the way kbuild would after its Makefile changed:
# kbuild's recorded commands (.<target>.cmd), with the code-model flags the Makefile's
# PURGATORY_CFLAGS now starts with in place of the recorded -mcmodel=large, then the -r link.
# The .cmd files are rewritten with the commands run, as kbuild does. Needs clang-19 and ld.lld-19.
# Usage: rebuild-example.sh TREE
set -euo pipefail
tree=$1
dir=arch/x86/purgatory
cd "$tree"
model=$(sed -n 's/^PURGATORY_CFLAGS := //p' "$dir/Makefile")
for o in purgatory stack setup-x86_64 sha256 entry64 string; do
	cmdfile="$dir/.$o.o.cmd"
	cmd=$(sed -n 's/^savedcmd_[^ ]* := //p' "$cmdfile")
	cmd=${cmd//-mcmodel=large/$model}
	eval "$cmd"
	printf 'savedcmd_%s/%s.o := %s\n' "$dir" "$o" "$cmd" >"$cmdfile"
done
eval "$(sed -n 's/^savedcmd_[^ ]* := //p' "$dir/.purgatory.ro.cmd")"

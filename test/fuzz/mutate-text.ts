// Structure-aware text mutations for linker scripts (token splicing, nesting, long lines) and for
// Makefiles and kbuild .cmd files (continuations, nested calls, variable expansions).

import type { Rng } from "./rng";

const LDS_TOKENS = [
  "SECTIONS", "{", "}", "(", ")", ";", ".", "=", "+=", "-=", "*=", "/=", "<<=", ">>=", "&=", "|=",
  "ALIGN(", "ALIGN(0x1000)", "KEEP(", "*(", ".text", ".data", ".bss", ".rodata*", "*(.text .text.*)",
  "*(.text[z-a])", "*(.text[a-z])", "*(.t?xt)", "*(EXCLUDE_FILE(*.o) .data)", "SORT(", "/DISCARD/",
  "ENTRY(purgatory_start)", "ASSERT(", ", \"msg\")", "PROVIDE(", "HIDDEN(", "MEMORY", "PHDRS",
  "OVERLAY", "INCLUDE", "DEFINED(", "SIZEOF(", "ADDR(", "LOADADDR(", "MAX(", "MIN(", "?", ":", "-",
  "~", "!", "0", "0x1000", "4K", "1M", "0xffffffffffffffff", "-1", "a", "b", "_end", "#if", "#endif",
  "/*", "*/", "\"", "\n", ">", "AT(", "ORIGIN(", "LENGTH(", ">ram", ":text", "NOLOAD", "INFO",
  "ONLY_IF_RO", "FILL(0x90)", "BYTE(1)", "QUAD(", "CONSTRUCTORS", "..", "* ", "**", "[!a]",
]; // prettier-ignore

const MAKE_TOKENS = [
  "$(", ")", "${", "}", "$(call ", "$(call f,", "$(subst a,b,", "$(patsubst %.o,%.c,", "$(filter ",
  "$(filter-out ", "$(foreach v,", "$(if ", "$(eval ", "$(shell ", "$(wildcard ", "$(addprefix $(obj)/,",
  "$(obj)/", "purgatory-y", "PURGATORY_OBJS", "targets", "+=", ":=", "?=", "=", "\\\n", "\n", "\t",
  "KBUILD_CFLAGS", "PURGATORY_CFLAGS", "-mcmodel=large", "-fpic", "ifeq (", "ifdef ", "else", "endif",
  "define ", "endef", "include ", "$(BITS)", "$$", "#", ":", "%.o: %.c", "$@", "$<", "$^", ",", " ",
  "purgatory.o", "entry64.o", "$(CONFIG_X)", "-y", "-$(CONFIG_KEXEC)",
]; // prettier-ignore

const CMD_TOKENS = [
  "cmd_", "savedcmd_", "deps_", "source_", ":=", "\\\n", "\n", "  ", "gcc", "-Wp,-MMD,", "-c", "-o",
  "-mcmodel=large", "-fpic", "-I", "-include", "$(wildcard ", ")", "include/config/", ".h", ".c", ".S",
  "\\#", "\\$$", "'", "\"", ";", "arch/x86/purgatory/purgatory.o", "$(deps_", "-D__ASSEMBLY__",
]; // prettier-ignore

function insertAt(text: string, at: number, s: string): string {
  return text.slice(0, at) + s + text.slice(at);
}

function splice(rng: Rng, text: string, tokens: readonly string[]): string {
  const at = rng.int(text.length + 1);
  switch (rng.int(5)) {
    case 0:
      return insertAt(text, at, rng.pick(tokens));
    case 1: {
      const end = Math.min(text.length, at + rng.int(32));
      return text.slice(0, at) + text.slice(end);
    }
    case 2: {
      // Copy a chunk of the input elsewhere (splices real constructs into new contexts).
      const from = rng.int(text.length + 1);
      const chunk = text.slice(from, from + 1 + rng.int(80));
      return insertAt(text, rng.int(text.length + 1), chunk);
    }
    case 3: {
      const end = Math.min(text.length, at + 1 + rng.int(8));
      return text.slice(0, at) + rng.pick(tokens) + text.slice(end);
    }
    default:
      return insertAt(text, at, String.fromCharCode(rng.int(128)));
  }
}

/** Deep nesting: `depth` copies of an opener, something inside, and (sometimes) the closers. */
function nest(rng: Rng, text: string, open: string, close: string, inner: string): string {
  // Mostly shallow (cheap, so the run covers more inputs); now and then deep enough to find the limits.
  const depth = rng.chance(0.05) ? rng.pick([3000, 20000]) : rng.pick([2, 10, 50, 100, 600]);
  const closed = rng.chance(0.7);
  const s = open.repeat(depth) + inner + (closed ? close.repeat(depth) : "");
  return insertAt(text, rng.int(text.length + 1), s);
}

export function mutateLds(rng: Rng, seed: string): string {
  let t = seed;
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    switch (rng.int(10)) {
      case 0:
        t = nest(rng, t, "(", ")", "1");
        break;
      case 1:
        t = nest(rng, t, rng.pick(["-", "~", "!", "1 ? "]), "", "1");
        break;
      case 2:
        t = nest(rng, t, "SECTIONS { .a : { ", "} } ", "*(.text)");
        break;
      case 3: {
        // A long line: a huge name or pattern.
        const n = rng.chance(0.1) ? 100000 : rng.pick([10, 100, 5000]);
        t = insertAt(t, rng.int(t.length + 1), rng.pick(["a", "*", ".text", "x*"]).repeat(n));
        break;
      }
      case 4:
        t = insertAt(t, rng.int(t.length + 1), `*(${"*".repeat(1 + rng.int(rng.chance(0.2) ? 24 : 6))}x)`);
        break;
      default:
        t = splice(rng, t, LDS_TOKENS);
    }
  }
  return t;
}

export function mutateMakefile(rng: Rng, seed: string): string {
  let t = seed;
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    switch (rng.int(10)) {
      case 0:
        t = nest(rng, t, "$(call f,", ")", "x");
        break;
      case 1: {
        // Exponential expansion: each level references the previous one several times.
        const levels = 2 + rng.int(12);
        const fan = 2 + rng.int(9);
        const lines = ["V0 := purgatory.o entry64.o"];
        for (let i = 1; i <= levels; i++) lines.push(`V${i} = ${`$(V${i - 1}) `.repeat(fan)}`);
        lines.push(`purgatory-y += $(V${levels})`);
        t = insertAt(t, 0, lines.join("\n") + "\n");
        break;
      }
      case 2: {
        const n = rng.chance(0.1) ? 30000 : rng.pick([2, 10, 1000]);
        t = insertAt(t, rng.int(t.length + 1), "a \\\n".repeat(n));
        break;
      }
      case 3:
        t = insertAt(t, rng.int(t.length + 1), `X = $(X) $(X)\npurgatory-y += $(X)\n`);
        break;
      default:
        t = splice(rng, t, MAKE_TOKENS);
    }
  }
  return t;
}

export function mutateCmd(rng: Rng, seed: string): string {
  let t = seed;
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    switch (rng.int(8)) {
      case 0: {
        const n = rng.chance(0.1) ? rng.pick([8000, 40000]) : rng.pick([2, 10, 1000]);
        t += "\ndeps_x := \\\n" + "  include/linux/x.h \\\n".repeat(n) + "\n";
        break;
      }
      case 1:
        t = insertAt(t, rng.int(t.length + 1), "\\\n".repeat(rng.pick([10, 5000])));
        break;
      default:
        t = splice(rng, t, CMD_TOKENS);
    }
  }
  return t;
}

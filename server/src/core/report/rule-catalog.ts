// One line and one paragraph per rule id, for reports that describe their rules up front (SARIF's
// tool.driver.rules). The README's "Rules" section has the same ids as anchors (rule-<id>), which is
// where each rule's help link points; a test keeps the two lists equal.
import type { Severity } from "../rules/types";

export interface RuleDescription {
  readonly id: string;
  readonly short: string;
  readonly full: string;
  /** The severity the rule usually has (a finding may be raised or lowered by the kernel era). */
  readonly level: Severity;
}

const r = (id: string, level: Severity, short: string, full: string): RuleDescription => ({
  id,
  level,
  short,
  full,
});

export const RULES: readonly RuleDescription[] = [
  r("not-loadable", "error", "The object is not ELF64 for the loader's machine", "The kernel's purgatory loader only takes a 64-bit ELF object for its own architecture. Kernels before 4.17 reject anything else without a message; later ones would misread it."),
  r("not-relocatable", "warning", "The object is not ET_REL", "The purgatory must be a relocatable object (ld -r). Kernels before 4.17 reject other types; later kernels load the sections anyway."),
  r("section-count-extended", "error", "e_shnum is 0 (SHN_XINDEX scheme)", "With more than 65,279 sections ELF stores the count elsewhere; the kernel reads e_shnum and sees no sections."),
  r("entry-multiple-sections", "warning", "Several executable sections contain the entry point", "LLVM 18 and later put -mcmodel=large C code in .ltext besides .text, and PGO, LTO or -ffunction-sections add .text.hot or .text.* sections. Kernels 4.17 to 6.3 add up every match and jump to the wrong address, 6.4 to 6.19 WARN, 7.0 and later take purgatory_start."),
  r("entry-wrong", "error", "image->start is not purgatory_start", "The address the kernel jumps to after kexec is not where purgatory_start landed, or no executable section contains e_entry."),
  r("reloc-overflow", "error", "32-bit relocations overflow above 4 GiB or 2 GiB", "R_X86_64_32 and R_X86_64_32S fields only reach the low 4 GiB (2 GiB signed): -mcmodel=kernel, small-model code without PIC, or LLVM 18.1.0 to 18.1.4 large-model code fail once the loader places the purgatory higher. The finding gives the exact load windows."),
  r("reloc-unknown-type", "error", "A relocation type the kernel does not handle", "The architecture's purgatory relocator fails on relocation types it does not know: GOT types from PIC without hidden visibility, PLT32 before 4.16, riscv's medlow HI20/LO12, and others per architecture."),
  r("undefined-symbol", "error", "A symbol no purgatory object defines", "The purgatory runs alone between two kernels: calls to memcpy, __stack_chk_fail, sanitizer, tracing or retpoline helpers have nothing to call. Each case names the flag that brings the reference in."),
  r("s390-unrelocated-branch", "error", "s390 before 5.16 skips R_390_PLT32DBL", "Kernels before 5.16 skip R_390_PLT32DBL relocations without a message, so the call keeps its unrelocated target."),
  r("riscv-undefined-symbol", "error", "riscv relocates an undefined symbol as address 0", "The riscv loader has no SHN_UNDEF check: a reference to an undefined symbol is relocated against address 0 and the load succeeds."),
  r("rela-unsupported", "error", "powerpc has no purgatory relocator", "Any RELA section against an allocated section fails with \"RELA relocation unsupported.\"."),
  r("common-symbol", "error", "A SHN_COMMON symbol (-fcommon)", "The kernel cannot place common symbols: the relocation against one fails."),
  r("purgatory-symbol", "error", "A symbol the loader reads or writes is missing or wrong", "entry64_regs, stack_end, purgatory_sha_regions or purgatory_sha256_digest (or kexec-tools' own names) is missing, not global, of the wrong size, or in bss."),
  r("section-alignment", "warning", "A section alignment of 0 or not a power of two", "sh_addralign 0 resets the kernel's layout offset to 0; an alignment that is not a power of two rounds wrongly."),
  r("pc-relative-to-absolute", "error", "A PC-relative relocation against a symbol that does not move", "PC32 or PLT32 against an absolute symbol is silently truncated by the kernel."),
  r("undefined-behaviour", "error", "The kernel would read or write out of bounds", "The object makes the loader access memory outside the buffers it allocated; the simulation stops there."),
  r("silent-failure", "error", "kexec_file_load fails without a message", "The load fails and the kernel prints nothing: the finding says why."),
  r("malformed-object", "error", "A table the rules read is corrupt", "A section, symbol or relocation table of the object cannot be read as ELF says it should be."),
  r("no-load-address", "error", "No address to simulate: the buffer fits nowhere", "The purgatory's buffer (memsz aligned to buf_align) leaves no room on a machine of the simulated RAM size, so no load can succeed."),
  r("buffer-too-large", "error", "The staging buffer cannot be allocated (-ENOMEM)", "kexec_purgatory_setup_kbuf() vzalloc()s bufsz bytes first and vmalloc refuses more pages than the machine has; a huge sh_addralign is the usual cause."),
  r("load-fails", "error", "A load fails and no other rule explains it", "The finding names the loader's stage that failed and quotes the loader's own lines (for example a kexec-tools refusal such as \"Invalid section number\")."),
  r("kt-parse-failed", "error", "kexec-tools refuses the object (ELF rel parse failed)", "build_elf_rel_info() rejects the class, byte order, machine, entry sizes or type; kexec usually does not say why."),
  r("kt-zero-align", "error", "kexec-tools and an sh_addralign of 0", "Before 2.0.24 kexec-tools copies such a section out of bounds; from 2.0.24 it reads 0 as 1, which the kernel never did."),
  r("kt-placement", "error", "kexec-tools finds no free range large enough", "locate_hole finds no free memory range for the purgatory segment."),
  r("kt-undefined-as-zero", "error", "kexec-tools lets an undefined symbol through as 0", "An undefined STT_NOTYPE symbol is relocated as address 0: the load succeeds and the call jumps to 0 at kexec time."),
  r("kt-ppc64-r2-high-half", "error", "ppc64 r2 comes out 0x10000 too low", "kexec-tools rewrites the ELFv2 prologue to lis/addi; when bit 15 of r2 is set, r2 is 0x10000 too low."),
  r("lds-syntax", "error", "A linker-script syntax error", "The script does not parse with GNU ld's vocabulary."),
  r("lds-orphan-section", "warning", "An allocated input section no rule places", "GNU ld and ld.lld place orphan sections by their own heuristics; the message says where each would put it."),
  r("lds-entry-undefined", "error", "ENTRY names a symbol no input defines", "The linker script's ENTRY(sym) names a symbol that no input object defines."),
  r("lds-location-backwards", "error", "An assignment moves the location counter backwards", "Inside an output section, . may not move backwards."),
  r("lds-duplicate-output-section", "warning", "An output section is defined twice", "The second definition does not extend the first as it may seem to."),
  r("lds-assert-fails", "error", "An ASSERT fails", "An ASSERT in the linker script fails for the current objects."),
  r("lds-include-missing", "error", "An INCLUDEd file does not exist", "The linker script includes a file that cannot be found."),
  r("lds-lld-incompatible", "info", "A construct ld.lld rejects or reads differently", "GNU ld accepts it, but ld.lld 19 rejects it or reads it differently: a switch of linker breaks or changes the link."),
]; // prettier-ignore

export function ruleDescription(id: string): RuleDescription | undefined {
  return RULES.find((x) => x.id === id);
}

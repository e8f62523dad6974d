// Rules for the s390x, riscv64 and ppc64 purgatory loaders: facts from the object and the simulated
// loads in, findings out. The x86_64 rules (x86.ts) are separate and unchanged.

import { SHF_ALLOC, SHT_RELA, SHT_SYMTAB } from "../elf/constants";
import { readRelocations, readSymbol, readSymbols, symbolCount } from "../elf/reader";
import type { ElfFile } from "../elf/types";
import { kernelSymbolName } from "../arch/common";
import { R_390_PLT32DBL } from "../arch/s390x";
import { R_RISCV_64, R_RISCV_ADD16, R_RISCV_CALL_PLT, R_RISCV_SUB16 } from "../arch/riscv64";
import type { ArchId } from "../kexec/arch-load";
import type { LoadAttempt } from "../kexec/bzimage64";
import type { KernelModel } from "../kexec/kernel";
import { kernelSections, type KbufPlan } from "../kexec/purgatory";
import type { RelocationRecord } from "../kexec/relocate";
import type { Interval } from "../kexec/windows";
import { errorLines, finding, OBJECT_TARGET, unique } from "./finding";
import type { Attachment, Finding } from "./types";

export interface ArchRuleContext {
  readonly arch: ArchId;
  readonly elf: ElfFile;
  readonly kernel: KernelModel;
  readonly plan: KbufPlan;
  readonly loads: readonly { label: string; attempt: LoadAttempt }[];
  readonly loadWindows: readonly Interval[];
  readonly bufMin: bigint;
}

function first(ctx: ArchRuleContext): LoadAttempt | undefined {
  return ctx.loads[0]?.attempt;
}

/** Absolute-address types that only riscv's medlow code model (the compiler default) emits. */
const RISCV_MEDLOW_TYPES = new Set([26, 27, 28]); // R_RISCV_HI20, LO12_I, LO12_S

/** How many relocation sites a finding names at most, in its evidence and as source places. */
const MAX_SITES = 8;

/** A relocation site as the rules hand it to the editor: "TYPE symbol", the symbol as the kernel names it. */
export function relocationSite(typeName: string, symbol: string): string {
  return `${typeName} ${symbol}`;
}

/** Whether the record's symbol is a section symbol (no name of its own, so no source line names it). */
function isSectionSymbol(ctx: ArchRuleContext, r: RelocationRecord): boolean {
  return ctx.elf.sections[r.symShndx]?.name === r.symbol;
}

/** Labels only the compiler writes (anchors, constants, numbered labels): no source line names them. */
const COMPILER_LABEL = /^\.L(ANCHOR|C|\d)/;

/**
 * The source-level name behind a relocation: the symbol itself, or for a section symbol or a compiler
 * label, the named object or function that the target address (symbol value + addend) falls in.
 */
function sourceName(ctx: ArchRuleContext, r: RelocationRecord): string | undefined {
  if (!isSectionSymbol(ctx, r) && !COMPILER_LABEL.test(r.symbol)) return r.symbol;
  const symtab = ctx.elf.sections[ctx.elf.sections[r.relSection]?.sh_link ?? -1];
  if (!symtab || symtab.sh_type !== SHT_SYMTAB) return undefined;
  try {
    const target = readSymbol(ctx.elf, symtab.index, r.symIndex).st_value + r.A;
    return readSymbols(ctx.elf, symtab.index).find(
      (s) =>
        s.st_shndx === r.symShndx &&
        s.st_name !== 0 &&
        !s.name.startsWith(".L") &&
        s.st_value <= target &&
        target < s.st_value + (s.st_size > 0n ? s.st_size : 1n),
    )?.name;
  } catch {
    return undefined; // a corrupt table: no source place for this one
  }
}

/**
 * Where the relocations come from: each named symbol's references in the sources (the line that needs
 * the relocation), with the sites as evidence so the editor can also point at the objects carrying them.
 */
function siteAttachments(ctx: ArchRuleContext, recs: readonly RelocationRecord[]): Attachment[] {
  const names = unique(recs.map((r) => sourceName(ctx, r)).filter((n) => n !== undefined));
  return names.slice(0, MAX_SITES).map((name) => ({ kind: "symbol", name, role: "reference" }) as const);
}

function sites(recs: readonly RelocationRecord[]): string[] {
  return unique(recs.map((r) => relocationSite(r.typeName, r.symbol))).slice(0, MAX_SITES);
}

/** Which release (mainline, and the stable backport we know of) first handles a riscv type. */
function riscvFixedIn(type: number): string | undefined {
  if (type === R_RISCV_ADD16 || type === R_RISCV_SUB16) return "6.12 (stable 6.11.4)";
  if (type === R_RISCV_64) return "≈6.15 (stable 6.12.23)";
  if (type === R_RISCV_CALL_PLT) return "6.5 (stable 6.4.11)";
  return undefined;
}

function unknownTypes(ctx: ArchRuleContext): Finding[] {
  const a = first(ctx);
  const unknown = (a?.relocations ?? []).filter((r) => r.status === "unknown-type");
  if (unknown.length === 0) return [];
  const names = unique(unknown.map((r) => r.typeName));
  const medlow = ctx.arch === "riscv64" && unknown.some((r) => RISCV_MEDLOW_TYPES.has(r.type));
  const fixes = unique(
    unknown.map((r) => {
      if (ctx.arch === "s390x" && r.type === R_390_PLT32DBL) return "R_390_PLT32DBL is handled since 5.16";
      if (medlow && RISCV_MEDLOW_TYPES.has(r.type))
        return "R_RISCV_HI20/LO12_I/LO12_S come from the medlow code model: build the purgatory with -mcmodel=medany, as arch/riscv/purgatory/Makefile does";
      const f = ctx.arch === "riscv64" ? riscvFixedIn(r.type) : undefined;
      return f ? `${r.typeName} is handled since ${f}` : `no kernel handles ${r.typeName}`;
    }),
  );
  const attach: Attachment[] = medlow
    ? [
        // The Makefile line that chooses medlow, or where the missing -mcmodel=medany belongs.
        { kind: "flag", flag: "-mcmodel=medlow", present: true },
        { kind: "flag", flag: "-mcmodel=medany", present: false },
      ]
    : [];
  attach.push(...siteAttachments(ctx, unknown), OBJECT_TARGET);
  return [
    finding({
      id: "reloc-unknown-type",
      severity: "error",
      title: `${unknown.length} relocation${unknown.length === 1 ? "" : "s"} of a type this ${ctx.arch} kernel does not handle: ${names.join(", ")}`,
      message: `The ${ctx.arch} purgatory relocator of ${ctx.kernel.label} stops at the first one with -ENOEXEC, so kexec_file_load fails.`,
      cause: medlow
        ? "Without -mcmodel=medany, riscv compilers use the medlow code model: absolute addresses built with lui/addi (R_RISCV_HI20/LO12), which the kernel's relocator does not handle because the purgatory can be placed anywhere in RAM."
        : ctx.arch === "riscv64"
          ? "The compiler or assembler emitted a relocation the kernel's short list does not cover (label differences in alternatives give ADD16/SUB16, EXPORT_SYMBOL data gives R_RISCV_64)."
          : "The toolchain emitted a relocation type the kernel's arch_kexec_do_relocs() does not cover.",
      fix: `${fixes.join("; ")}. Otherwise change the purgatory so the type is not emitted.`,
      kernelMessages: errorLines(ctx.loads, (t) => t.includes("Unknown rela relocation")),
      evidence: { types: names, count: unknown.length, relocations: sites(unknown) },
      attach,
    }),
  ];
}

function s390Ignored(ctx: ArchRuleContext): Finding[] {
  if (ctx.arch !== "s390x") return [];
  const ignored = (first(ctx)?.relocations ?? []).filter((r) => r.status === "ignored");
  if (ignored.length === 0) return [];
  const where = ignored.map(
    (r) => `${r.targetName}+0x${r.r_offset.toString(16)} (${r.typeName} → ${r.symbol})`,
  );
  return [
    finding({
      id: "s390-unrelocated-branch",
      severity: "error",
      title: `this kernel would jump to an unrelocated branch: ${ignored.length} ${unique(ignored.map((r) => r.typeName)).join(", ")} relocation${ignored.length === 1 ? "" : "s"} silently skipped`,
      message: `s390 kernels before 5.16 ignore the result of arch_kexec_do_relocs(): kexec_file_load succeeds without a message, but the fields keep their unrelocated bytes, and the purgatory loops or jumps to the wrong place when kexec runs.`,
      cause:
        "gcc >= 11.3 and clang emit R_390_PLT32DBL for every call (brasl sym@PLT), even to static functions, and so does hand-written assembly that says @PLT; `ld -r` keeps them, and these kernels do not handle the type.",
      fix: 'Run a 5.16 or later kernel, or backport "s390/kexec: handle R_390_PLT32DBL rela in arch_kexec_apply_relocations_add()" to this one. No compiler flag turns the PLT calls off; in assembly, call without @PLT (GNU as then emits R_390_PC32DBL, which every s390 kernel applies); in C, only a compiler older than gcc 11.3 avoids them.',
      evidence: { fields: where, relocations: sites(ignored) },
      attach: [...siteAttachments(ctx, ignored), OBJECT_TARGET],
    }),
  ];
}

function symbolProblems(ctx: ArchRuleContext): Finding[] {
  const recs = (first(ctx)?.relocations ?? []).filter(
    (r) =>
      r.reached &&
      (r.status === "undefined-symbol" || r.status === "common-symbol" || r.status === "invalid-section"),
  );
  const riscvUndef = (first(ctx)?.relocations ?? []).filter(
    (r: RelocationRecord) =>
      ctx.arch === "riscv64" && r.symIndex !== 0 && r.symShndx === 0 && r.status === "ok" && r.width > 0,
  );
  const out: Finding[] = [];
  if (recs.length > 0) {
    const names = unique(recs.map((r) => r.symbol));
    const silent =
      ctx.arch === "s390x" && ctx.loads.every((l) => l.attempt.log.every((x) => x.level !== "err"));
    out.push(
      finding({
        id: "undefined-symbol",
        severity: "error",
        title: `relocation against a symbol with no usable section: ${names.join(", ")}`,
        message: silent
          ? "s390 kernels before 5.16 return -ENOEXEC here without any message: kexec_file_load fails silently."
          : "The RELA hook refuses it and kexec_file_load fails.",
        cause:
          "The purgatory references a symbol it does not define (a compiler helper, instrumentation) or a common symbol.",
        fix: "Link the definition into the purgatory, or build with the flags that stop the reference (-fno-stack-protector, -fno-common, no sanitizers).",
        kernelMessages: errorLines(ctx.loads, (t) =>
          /Undefined symbol|common section|Invalid section/.test(t),
        ),
        evidence: { symbols: names },
        attach: names.map((name) => ({ kind: "symbol", name, role: "reference" }) as const),
      }),
    );
  }
  if (riscvUndef.length > 0) {
    const names = unique(riscvUndef.map((r) => r.symbol));
    out.push(
      finding({
        id: "riscv-undefined-symbol",
        severity: "error",
        title: `undefined symbol${names.length === 1 ? "" : "s"} relocated as address 0: ${names.join(", ")}`,
        message:
          "The riscv relocator has no SHN_UNDEF check: it takes sechdrs[0].sh_addr (0) as the section base, so kexec_file_load succeeds and the purgatory calls or reads address 0 + addend.",
        cause: "The purgatory references a symbol it does not define; `ld -r` does not complain.",
        fix: "Define the symbol in the purgatory or remove the reference; link a purgatory.chk (the same link without -r) to catch it at build time.",
        evidence: { symbols: names },
        attach: names.map((name) => ({ kind: "symbol", name, role: "reference" }) as const),
      }),
    );
  }
  return out;
}

function relaUnsupported(ctx: ArchRuleContext): Finding[] {
  if (ctx.arch !== "ppc64") return [];
  const sections = kernelSections(ctx.elf);
  const relas = sections.filter(
    (s) =>
      s.sh_type === SHT_RELA &&
      s.sh_info < sections.length &&
      (sections[s.sh_info]!.sh_flags & SHF_ALLOC) !== 0n,
  );
  if (relas.length === 0) return [];
  // The kernel stops before reading an entry, so the records are empty: name the symbols from the table.
  const symbols = unique(relas.flatMap((s) => relaSymbols(ctx.elf, s.index)));
  return [
    finding({
      id: "rela-unsupported",
      severity: "error",
      title: `${relas.map((s) => s.name).join(", ")}: relocations against allocated sections, which powerpc cannot apply`,
      message:
        'powerpc defines no arch_kexec_apply_relocations_add(): the generic stub prints "RELA relocation unsupported." and kexec_file_load fails.',
      cause:
        "The trampoline gained a relocation (an absolute address, a call or a reference to another object) instead of staying position independent.",
      fix: "Keep the purgatory position independent: compute addresses relative to the PC (bcl 20,31,$+4; mflr) and label differences, as trampoline_64.S does.",
      kernelMessages: errorLines(ctx.loads, (t) => t.includes("RELA relocation unsupported")),
      evidence: { sections: relas.map((s) => s.name), symbols: symbols.slice(0, MAX_SITES) },
      attach: [
        ...symbols.slice(0, MAX_SITES).map((name) => ({ kind: "symbol", name, role: "reference" }) as const),
        OBJECT_TARGET,
      ],
    }),
  ];
}

/** Names of the symbols a RELA section's entries use, skipping section symbols (unnamed). */
function relaSymbols(elf: ElfFile, relIndex: number): string[] {
  const symtab = elf.sections[elf.sections[relIndex]!.sh_link];
  if (!symtab || symtab.sh_type !== SHT_SYMTAB) return [];
  try {
    const n = symbolCount(elf, symtab.index);
    return readRelocations(elf, relIndex)
      .filter((r) => r.sym > 0 && r.sym < n)
      .map((r) => readSymbol(elf, symtab.index, r.sym))
      .filter((sym) => sym.st_name !== 0)
      .map((sym) => kernelSymbolName(elf, sym));
  } catch {
    return []; // a corrupt table: the finding still stands, without source places
  }
}

function symbolSteps(ctx: ArchRuleContext): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const l of ctx.loads) {
    for (const s of l.attempt.symbolSteps) {
      if (s.result.ok || seen.has(s.name)) continue;
      seen.add(s.name);
      const fatal = !l.attempt.ok;
      out.push(
        finding({
          id: "purgatory-symbol",
          severity: fatal ? "error" : "warning",
          title: `the ${ctx.arch} loader cannot ${s.op} ${s.name}${s.size ? ` (${s.size} bytes)` : ""}: ${s.result.detail}`,
          message: fatal
            ? `kexec_purgatory_get_set_symbol() fails with -EINVAL and the ${l.label} load fails.`
            : "The loader prints the error and carries on: the purgatory runs with the symbol unset.",
          cause:
            "The purgatory does not define the symbol as a GLOBAL object of the size the loader uses, in a section with contents.",
          fix: `Define ${s.name} GLOBAL, with .size ${s.size ?? "as the loader expects"}, in .data or .text (not .bss).`,
          kernelMessages: errorLines(ctx.loads, (t) => t.includes(s.name) || /purgatory/.test(t)),
          evidence: { symbol: s.name, op: s.op, size: s.size ?? 0 },
          attach: [{ kind: "symbol", name: s.name, role: "definition" }],
        }),
      );
    }
  }
  return out;
}

function undefinedBehaviour(ctx: ArchRuleContext): Finding[] {
  const ub = unique(ctx.loads.flatMap((l) => l.attempt.undefinedBehaviour));
  if (ub.length === 0) return [];
  return [
    finding({
      id: "undefined-behaviour",
      severity: "error",
      title: "the kernel's behaviour with this object is undefined",
      message: ub.join("; "),
      cause: "The kernel trusts the built-in purgatory completely and checks none of this.",
      fix: "Rebuild the purgatory as a well-formed ELF64 relocatable object for this architecture.",
      attach: [OBJECT_TARGET],
    }),
  ];
}

export function evaluateArchRules(ctx: ArchRuleContext): Finding[] {
  return [
    ...undefinedBehaviour(ctx),
    ...unknownTypes(ctx),
    ...s390Ignored(ctx),
    ...symbolProblems(ctx),
    ...relaUnsupported(ctx),
    ...symbolSteps(ctx),
  ];
}

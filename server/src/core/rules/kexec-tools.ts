// Rules for kexec-tools' loader (`--loader kexec-tools`): facts from the object and the simulated
// loads in, findings out. Ids shared with the kernel rules keep their meaning; kt-* ids are
// kexec-tools' own behaviour.

import type { ArchId } from "../arch/names";
import type { ElfFile } from "../elf/types";
import { ktAtLeast, type KexecToolsVersion } from "../kexec-tools/version";
import type { LoadAttempt } from "../kexec/attempt";
import type { KbufPlan } from "../kexec/purgatory";
import { U64_MASK, hex } from "../kexec/u64";
import type { Interval } from "../kexec/windows";
import { scanRelocations } from "../kexec/relocation-table";
import { GOT_TYPES } from "../elf/x86_64-relocs";
import { errorLines, finding, listed, OBJECT_TARGET, undefinedBehaviourFindings, unique } from "./finding";
import type { Attachment, Finding } from "./types";

export interface KexecToolsRuleContext {
  readonly arch: ArchId;
  readonly elf: ElfFile;
  readonly version: KexecToolsVersion;
  readonly plan: KbufPlan;
  readonly loads: readonly { label: string; attempt: LoadAttempt }[];
  readonly loadWindows: readonly Interval[];
  readonly bufMin: bigint;
}

function kt(ctx: KexecToolsRuleContext): string {
  return `kexec-tools ${ctx.version.label}`;
}

function parseFailed(ctx: KexecToolsRuleContext): Finding[] {
  const a = ctx.loads.find((l) => l.attempt.failedAt === "validate")?.attempt;
  if (!a) return [];
  return [
    finding({
      id: "kt-parse-failed",
      severity: "error",
      title: `${kt(ctx)} refuses the object before loading it: ELF rel parse failed`,
      message: `build_elf_rel_info() returns -1 and kexec dies. ${a.silent.join("; ")}.`,
      cause: "The object is not what kexec-tools' generic ELF reader and machine_verify_elf_rel() accept.",
      fix: `Build the purgatory as an ELF relocatable object (ld -r) for ${ctx.arch}, with the standard entry sizes.`,
      kernelMessages: a.log.filter((l) => l.level === "err").map((l) => l.text),
      attach: [OBJECT_TARGET],
    }),
  ];
}

function unhandled(ctx: KexecToolsRuleContext): Finding[] {
  const recs = (ctx.loads[0]?.attempt.relocations ?? []).filter((r) => r.status === "unknown-type");
  if (recs.length === 0) return [];
  const names = unique(recs.map((r) => r.typeName));
  const fixes: string[] = [];
  const attach: Attachment[] = [OBJECT_TARGET];
  if (ctx.arch === "x86_64") {
    if (recs.some((r) => r.type === 4) && !ktAtLeast(ctx.version, 2, 0, 18)) {
      fixes.push(
        "kexec-tools 2.0.18 handles R_X86_64_PLT32 (commit b9de21e, after binutils 2.31 started emitting it for calls)",
      );
    }
    if (recs.some((r) => GOT_TYPES.has(r.type))) {
      fixes.push(
        "build without PIC/PIE (kexec-tools' own purgatory Makefile forces -fno-PIC -fno-PIE since 2015) so no GOT relocation is emitted",
      );
      attach.push({ kind: "flag", flag: "-fno-PIE", present: false });
    }
  }
  if (fixes.length === 0)
    fixes.push(`change the purgatory so ${names.join(", ")} is not emitted (${kt(ctx)} does not handle it)`);
  return [
    finding({
      id: "reloc-unknown-type",
      severity: "error",
      title: `${recs.length} relocation${recs.length === 1 ? "" : "s"} of a type ${kt(ctx)} does not handle on ${ctx.arch}: ${names.join(", ")}`,
      message:
        "machine_apply_elf_rel() dies at the first one: kexec exits with status 1 and nothing is loaded.",
      cause:
        "The compiler or assembler emitted a relocation kexec-tools' short per-architecture list does not cover.",
      fix: fixes.join("; ") + ".",
      kernelMessages: errorLines(ctx.loads, (t) => t.startsWith("Unhandled") || t.startsWith("Unknown")),
      evidence: { types: names, count: recs.length },
      attach,
    }),
  ];
}

/** Named symbols of the relocations that overflow (or are left wrong) at some simulated load. */
function overflowingSymbols(ctx: KexecToolsRuleContext): string[] {
  const sections = new Set(ctx.elf.sections.map((s) => s.name));
  const names = new Set<string>();
  for (const l of ctx.loads)
    scanRelocations(l.attempt.relocations, (r) => {
      if ((r.status === "overflow" || r.status === "undefined-behaviour") && r.window) {
        if (r.symbol !== "" && !sections.has(r.symbol)) names.add(r.symbol);
      }
    });
  return [...names];
}

function overflow(ctx: KexecToolsRuleContext): Finding[] {
  const failing = ctx.loads.filter((l) =>
    l.attempt.relocations.some(
      (r) => (r.status === "overflow" || r.status === "undefined-behaviour") && r.reached && r.window,
    ),
  );
  // Over the first load's records with a window that moves with the buffer: whether one is not
  // "everywhere", and the type names (of the split windows first).
  let constrained = false;
  const splitTypes = new Set<string>();
  const movingTypes = new Set<string>();
  scanRelocations(ctx.loads[0]?.attempt.relocations ?? [], (r) => {
    const w = r.window;
    if (w === undefined || r.memCoefficient !== 1) return;
    movingTypes.add(r.typeName);
    if (w.length !== 1) splitTypes.add(r.typeName);
    if (!(w.length === 1 && w[0]!.from === 0n && w[0]!.to === U64_MASK)) constrained = true;
  });
  if (failing.length === 0 && !constrained) return [];
  const limited = [...(splitTypes.size > 0 ? splitTypes : movingTypes)];
  const windows = ctx.loadWindows.map((w) => `${hex(w.from)}–${hex(w.to)}`);
  const x86 = ctx.arch === "x86_64";
  const at = failing.map((l) => `${l.label} (${hex(l.attempt.mem)})`).join(", ");
  return [
    finding({
      id: "reloc-overflow",
      severity: failing.length > 0 ? "error" : "warning",
      title: `${limited.join(", ")} relocations only fit when the purgatory loads in ${windows.length > 0 ? windows.join(", ") : "no address at all"}`,
      message:
        failing.length > 0
          ? x86
            ? `At ${at} the value does not fit its 32-bit field: kexec dies after storing it.`
            : `At ${at} the value does not fit, and kexec-tools does not check: the field silently gets a wrong address.`
          : "The simulated placement fits, but a larger machine or another segment layout moves the purgatory out of the window.",
      cause: x86
        ? "Absolute 32-bit relocations (small or kernel code model) cannot reach a purgatory placed high in memory; kexec-tools places it top-down from the top of RAM."
        : "The relocation only encodes part of the address (on arm64, kexec-tools drops MOVW_UABS_G2/G3's bits: its get_bits() takes a 32-bit value).",
      fix: x86
        ? 'Build the purgatory with -mcmodel=large, as kexec-tools\' own x86_64 purgatory is (commit b4f9f85, "make purgatory relocatable anywhere in the 64bit address space").'
        : "Build with the small code model (gcc's default: literal pools and ADRP, no MOVW_UABS_G2/G3), or keep the purgatory below the window's end.",
      kernelMessages: errorLines(ctx.loads, (t) => t.startsWith("overflow in relocation")),
      evidence: { windows, types: limited },
      attach: [
        x86
          ? { kind: "flag", flag: "-mcmodel=large", present: false }
          : { kind: "flag", flag: "-mcmodel=large", present: true },
        // The references that need the address: named symbols only (section symbols have no line).
        ...overflowingSymbols(ctx).map((name) => ({ kind: "symbol", name, role: "reference" }) as const),
      ],
    }),
  ];
}

function zeroAlign(ctx: KexecToolsRuleContext): Finding[] {
  const zero = ctx.elf.sections.filter((s) => s.sh_addralign === 0n && (s.sh_flags & 2n) !== 0n);
  if (zero.length === 0) return [];
  const old = !ktAtLeast(ctx.version, 2, 0, 24);
  return [
    finding({
      id: "kt-zero-align",
      severity: old ? "error" : "info",
      title: `ALLOC section${zero.length === 1 ? "" : "s"} with sh_addralign 0: ${listed(zero.map((s) => s.name))}`,
      message: old
        ? `${kt(ctx)} computes _ALIGN(x, 0) = 0: the section is copied to offset 0 - buf_addr, far outside the buffer.`
        : `${kt(ctx)} reads alignment 0 as 1 (since 2.0.24), so this loads; the kernel's loader does not (its ALIGN(x, 0) is 0).`,
      cause:
        "A hand-written section or a tool that leaves sh_addralign 0 (the ELF spec allows 0 to mean no constraint).",
      fix: "Give the section an explicit alignment (.balign or .section ... with an alignment) so every loader agrees.",
      evidence: { sections: zero.map((s) => s.name) },
      attach: [OBJECT_TARGET],
    }),
  ];
}

function placement(ctx: KexecToolsRuleContext): Finding[] {
  const a = ctx.loads.find((l) => l.attempt.failedAt === "placement");
  if (!a) return [];
  return [
    finding({
      id: "kt-placement",
      severity: "error",
      title: `locate_hole finds no room for the ${hex(ctx.plan.memsz)}-byte purgatory`,
      message: 'add_buffer dies with "locate_hole failed".',
      cause: "The purgatory (with its bss) is larger than any free RAM range between the loader's bounds.",
      fix: "Shrink the purgatory's bss and data, or give the machine more memory.",
      kernelMessages: a.attempt.log.map((l) => l.text),
      attach: [OBJECT_TARGET],
    }),
  ];
}

function undefinedSymbols(ctx: KexecToolsRuleContext): Finding[] {
  const recs = (ctx.loads[0]?.attempt.relocations ?? []).filter(
    (r) => r.status === "undefined-symbol" || r.status === "common-symbol" || r.status === "invalid-section",
  );
  if (recs.length === 0) return [];
  const names = unique(recs.map((r) => r.symbol));
  return [
    finding({
      id: "undefined-symbol",
      severity: "error",
      title: `relocation against a symbol with no usable section: ${listed(names)}`,
      message:
        "elf_rel_load() dies at the first one (undefined symbols of type NOTYPE are let through as 0, for ppc64's TOC).",
      cause:
        "The purgatory references a symbol it does not define (a compiler helper such as memcpy or __stack_chk_fail, instrumentation) or a common symbol.",
      fix: "Link the definition into the purgatory, or build with the flags that stop the reference (-fno-stack-protector, -fno-builtin, -fno-common).",
      kernelMessages: errorLines(ctx.loads, (t) => /Undefined symbol|common section|Invalid section/.test(t)),
      evidence: { symbols: names },
      attach: names.map((name) => ({ kind: "symbol", name, role: "reference" }) as const),
    }),
  ];
}

/** Undefined STT_NOTYPE symbols: kexec-tools relocates against them as if they were 0. */
function undefinedAsZero(ctx: KexecToolsRuleContext): Finding[] {
  // On ppc64 the linker-defined .TOC. is meant to come through as 0: the TOC relocations use r2.
  const recs = (ctx.loads[0]?.attempt.relocations ?? []).filter(
    (r) =>
      r.symIndex !== 0 &&
      r.symShndx === 0 &&
      r.status !== "undefined-symbol" &&
      !(ctx.arch === "ppc64" && r.symbol === ".TOC."),
  );
  if (recs.length === 0) return [];
  const names = unique(recs.map((r) => r.symbol));
  return [
    finding({
      id: "kt-undefined-as-zero",
      severity: "error",
      title: `undefined symbol${names.length === 1 ? "" : "s"} relocated as address 0 without a message: ${listed(names)}`,
      message:
        "elf_rel_load() lets an undefined symbol of type NOTYPE through (meant for ppc64's TOC base) and uses 0 as its value: kexec loads the purgatory, which then calls or reads address 0 at kexec time. Loaded above 2 GiB, a 32-bit PC-relative displacement to 0 does not even fit and is truncated without a check.",
      cause:
        "A reference the compiler emitted on its own (__stack_chk_fail from -fstack-protector, memcpy/memset from struct copies or loops) with nothing in the purgatory defining it.",
      fix: "Build with -fno-stack-protector and -ffreestanding -fno-builtin, and link the purgatory's own string functions; kexec-tools' Makefile does both.",
      evidence: { symbols: names, count: recs.length },
      attach: names.map((name) => ({ kind: "symbol", name, role: "reference" }) as const),
    }),
  ];
}

/** ppc64: the ELFv2 prologue rewritten to `lis 2,r2@h`, which is 0x10000 low when bit 15 of r2 is set. */
function ppc64R2(ctx: KexecToolsRuleContext): Finding[] {
  if (ctx.arch !== "ppc64") return [];
  const recs = (ctx.loads[0]?.attempt.relocations ?? []).filter(
    (r) => r.typeName === "R_PPC64_REL16_HA" && r.note !== undefined && r.reached,
  );
  if (recs.length === 0) return [];
  return [
    finding({
      id: "kt-ppc64-r2-high-half",
      severity: "error",
      title: `${recs.length} function prologue${recs.length === 1 ? "" : "s"} would load r2 0x10000 too low`,
      message:
        "kexec-tools replaces `addis 2,12,.TOC.-0b@ha; addi 2,2,.TOC.-0b@l` with `lis 2,r2@h; addi 2,2,r2@l`. With bit 15 of r2 (the .toc address + 0x8000) set, the addi subtracts and @h does not compensate as @ha would: the purgatory runs with a wrong TOC pointer.",
      cause:
        "Where the .toc section lands: the sign of r2's low half depends on the load address and the layout.",
      fix: "Load the purgatory where bit 15 of .toc + 0x8000 is clear, or build it without the ELFv2 global-entry prologue (kexec-tools' own ppc64 purgatory sets r2 itself).",
      evidence: { fields: recs.map((r) => `${r.targetName}+0x${r.r_offset.toString(16)}`) },
      attach: [OBJECT_TARGET],
    }),
  ];
}

function entry(ctx: KexecToolsRuleContext): Finding[] {
  const bad = ctx.loads.filter(
    (l) =>
      l.attempt.sechdrs.length > 0 &&
      l.attempt.purgatoryStart !== undefined &&
      l.attempt.imageStart !== l.attempt.purgatoryStart,
  );
  if (bad.length === 0) return [];
  const a = bad[0]!.attempt;
  return [
    finding({
      id: "entry-wrong",
      severity: "error",
      title: `kexec would start the purgatory at ${hex(a.imageStart!)}, not at purgatory_start (${hex(a.purgatoryStart!)})`,
      message:
        "elf_rel_load() takes the first executable section whose original range holds e_entry; with several sections at address 0 that is the first one in index order.",
      cause:
        "More than one executable section (.text.hot, .text.*, .ltext) in an ld -r output, all at sh_addr 0.",
      fix: "Link the executable sections into one .text (a linker script with *(.text .text.*)), or drop -ffunction-sections and PGO/LTO for the purgatory.",
      evidence: { entrySections: a.entryMatches.map((m) => m.name) },
      attach: [{ kind: "symbol", name: "purgatory_start", role: "definition" }],
    }),
  ];
}

function symbolSteps(ctx: KexecToolsRuleContext): Finding[] {
  const out: Finding[] = [];
  for (const l of ctx.loads) {
    const s = l.attempt.symbolSteps.find((x) => !x.result.ok);
    if (!s || s.result.ok || out.some((f) => f.evidence.symbol === s.name)) continue;
    out.push(
      finding({
        id: "purgatory-symbol",
        severity: "error",
        title: `kexec-tools cannot ${s.op === "addr" ? "find the address of" : s.op} ${s.name}${s.size ? ` (${s.size} bytes)` : ""}`,
        message: `${s.result.detail}: kexec dies and the ${l.label} load fails.`,
        cause:
          "kexec-tools looks its purgatory symbols up by their own names (sha256_regions, entry64_regs, ...), GLOBAL, with the exact size it copies.",
        fix: `Define ${s.name} GLOBAL${s.size ? `, with .size ${s.size}` : ""}, in a section with contents (not .bss).`,
        kernelMessages: [s.result.detail],
        evidence: { symbol: s.name, op: s.op, size: s.size ?? 0 },
        attach: [{ kind: "symbol", name: s.name, role: "definition" }],
      }),
    );
  }
  return out;
}

function undefinedBehaviour(ctx: KexecToolsRuleContext): Finding[] {
  return undefinedBehaviourFindings(ctx.loads, {
    title: `${kt(ctx)}'s behaviour with this object is undefined`,
    cause: "kexec-tools trusts the purgatory it was built with and checks none of this.",
    fix: `Rebuild the purgatory as a well-formed relocatable object for ${ctx.arch}.`,
  });
}

export function evaluateKexecToolsRules(ctx: KexecToolsRuleContext): Finding[] {
  return [
    ...parseFailed(ctx),
    ...placement(ctx),
    ...undefinedBehaviour(ctx),
    ...zeroAlign(ctx),
    ...unhandled(ctx),
    ...undefinedSymbols(ctx),
    ...undefinedAsZero(ctx),
    ...ppc64R2(ctx),
    ...overflow(ctx),
    ...entry(ctx),
    ...symbolSteps(ctx),
  ];
}

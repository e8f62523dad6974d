// The generic kexec_file.c rules, run for every kernel loader: the header checks, the entry point,
// the symbols the loaders and kexec_calculate_store_digests need, section alignment, undefined
// behaviour and silent failures. Each says what the kernel does, why the object makes it do that,
// and what changes fix it. An architecture adds its own rules (its relocator's, mostly) in its
// KernelArch, and may give its own version of a generic rule under the same id.

import { ET_REL, SHF_ALLOC, SHF_EXECINSTR, SHT_NOBITS, STB_GLOBAL } from "../elf/constants";
import { ElfFormatError } from "../elf/errors";
import type { ElfFile } from "../elf/types";
import type { LoadAttempt } from "../kexec/attempt";
import { SHA256_DIGEST_SIZE, SHA_REGIONS_SIZE } from "../kexec/attempt";
import { describeEra } from "../kexec/kernel";
import { kernelSections } from "../kexec/purgatory";
import { findSymbol, symbolsNamed } from "../kexec/symbols";
import { hex } from "../kexec/u64";
import {
  firstAttempt,
  finding,
  listed,
  LISTED_NAMES,
  logLines,
  OBJECT_TARGET,
  PIC_FIX,
  unique,
  capped,
} from "./finding";
import type { Rule, RuleContext, SymbolNeed } from "./rule";
import type { Attachment, Finding } from "./types";

/** How many names an evidence list keeps (its count is given beside it). */
const EVIDENCE_NAMES = 50;

function executableSectionsHoldingEntry(elf: ElfFile): { index: number; name: string }[] {
  const e = elf.header.e_entry;
  return kernelSections(elf)
    .filter(
      (s) =>
        (s.sh_flags & SHF_ALLOC) !== 0n &&
        (s.sh_flags & SHF_EXECINSTR) !== 0n &&
        s.sh_type !== SHT_NOBITS &&
        e >= s.sh_addr &&
        e < s.sh_addr + s.sh_size,
    )
    .map((s) => ({ index: s.index, name: s.name }));
}

/** Where purgatory_start ends up, by the layout of one attempt: what image->start ought to be. */
function intendedEntry(ctx: RuleContext, a: LoadAttempt): bigint | undefined {
  const f = findSymbol(ctx.elf, "purgatory_start");
  if (!f) return undefined;
  const sec = a.sechdrs[f.sym.st_shndx];
  return sec?.inBuffer ? sec.sh_addr + f.sym.st_value : undefined;
}

/** The generic rules, in the order their findings are listed (before sorting by severity). */
export const GENERIC_RULES: readonly Rule[] = [
  {
    id: "not-loadable",
    evaluate(ctx) {
      const why = ctx.arch.unreadableReason(ctx.elf);
      if (!why) return [];
      return [
        finding({
          id: "not-loadable",
          severity: "error",
          title: `The kernel cannot read this object as an ${ctx.arch.id} purgatory`,
          message: `${why}. Kernels since 4.17 do not validate the built-in purgatory at all, so this would be undefined behaviour (kernels before 4.17 reject it with -ENOEXEC and ${ctx.arch.e0Refusal(ctx.kernel)}).`,
          cause: "The object was built for another target or class.",
          fix: `Build the purgatory as ${ctx.arch.objectFormat}.`,
          attach: [OBJECT_TARGET],
        }),
      ];
    },
  },
  {
    id: "not-relocatable",
    evaluate(ctx) {
      if (ctx.elf.header.e_type === ET_REL) return [];
      return [
        finding({
          id: "not-relocatable",
          severity: ctx.kernel.era === "E0" ? "error" : "warning",
          title: `e_type is ${ctx.elf.header.e_type}, not ET_REL`,
          message:
            ctx.kernel.era === "E0"
              ? "Kernels before 4.17 reject anything but ET_REL with -ENOEXEC."
              : "Kernels since 4.17 do not check e_type: they lay out the sections anyway and ignore program headers.",
          cause: "The purgatory was fully linked instead of partially linked.",
          fix: "Link it with `ld -r -e purgatory_start -z nodefaultlib` as kbuild does.",
          attach: [{ kind: "flag", flag: "-r", present: false }],
        }),
      ];
    },
  },
  {
    id: "section-count-extended",
    evaluate(ctx) {
      if (ctx.elf.header.e_shnum !== 0) return [];
      return [
        finding({
          id: "section-count-extended",
          severity: "error",
          title: "e_shnum is 0 (SHN_XINDEX scheme): the kernel sees no sections",
          message:
            "The kernel loops over e_shnum as stored and does not read the extended count from section 0, so it loads an empty buffer and applies no relocation.",
          cause: "The object has 65280 or more sections.",
          fix: "Merge sections (e.g. avoid -ffunction-sections / -fdata-sections) so the count fits in e_shnum.",
          attach: [OBJECT_TARGET],
        }),
      ];
    },
  },
  {
    id: "entry-multiple-sections",
    evaluate(ctx) {
      const holders = executableSectionsHoldingEntry(ctx.elf);
      if (holders.length < 2) return [];
      const names = holders.map((h) => h.name);
      const ltext = names.some((n) => n === ".ltext" || n.startsWith(".ltext."));
      const hot = names.filter((n) => n.startsWith(".text.") || n.startsWith(".ltext."));
      const cause = ltext
        ? "LLVM 18 and later put C code compiled with -mcmodel=large in `.ltext` (flags AXl) while assembly stays in `.text`; in an `ld -r` object both start at address 0, so both contain e_entry."
        : "PGO (`.text.hot.`, `.text.unlikely.`), LTO or -ffunction-sections split the code into several executable sections; in an `ld -r` object all start at address 0, so each contains e_entry.";
      const era = ctx.kernel.era;
      const severity = era === "E1" ? "error" : era === "E2" ? "warning" : "info";
      const effect =
        era === "E0"
          ? "This kernel (before 4.17) takes the first such section, which is right only if purgatory_start is in it."
          : era === "E1"
            ? 'This kernel (4.17–6.3) adds every match\'s displacement to image->start: the entry points into garbage and the machine hangs after "kexec_core: Starting new kernel".'
            : era === "E2"
              ? "This kernel (6.4 on) keeps the first match and hits a WARN_ON for each later one: a WARNING splat, a tainted kernel, and a panic under panic_on_warn. The load itself goes on."
              : "This kernel takes the entry from purgatory_start, so it loads; older kernels would WARN (6.4–6.x) or hang (4.17–6.3).";
      const attach: Attachment[] = [
        {
          kind: "linker-script",
          outputSection: ".text",
          inputSections: unique(names.filter((n) => n !== ".text")),
        },
      ];
      if (ltext) attach.push({ kind: "flag", flag: "-mcmodel=large", present: true });
      if (!ltext && hot.length > 0) attach.push({ kind: "flag", flag: "-fprofile-use", present: true });
      return [
        finding({
          id: "entry-multiple-sections",
          severity,
          title:
            names.length <= LISTED_NAMES
              ? `${names.map((n) => "`" + n + "`").join(" and ")} ${names.length === 2 ? "both" : "all"} contain the entry point`
              : `${names.length} executable sections contain the entry point: ${listed(names.map((n) => "`" + n + "`"))}`,
          message: effect,
          cause,
          fix: ltext
            ? `Build with \`${PIC_FIX}\` (what the kernel does since 2024), or merge \`.ltext .ltext.*\` into \`.text\` with a linker script.`
            : "Filter the PGO/LTO flags out of the purgatory's CFLAGS (as the kernel's Makefile does since 6.4/6.6), or merge `.text.*` into `.text` with a linker script.",
          kernelMessages: logLines(ctx, (t) => t.startsWith("WARNING")),
          evidence: {
            sections: names.length <= EVIDENCE_NAMES ? names : names.slice(0, EVIDENCE_NAMES),
            sectionCount: names.length,
            era: describeEra(era),
            e_entry: hex(ctx.elf.header.e_entry),
          },
          attach,
        }),
      ];
    },
  },
  {
    id: "entry-wrong",
    evaluate(ctx) {
      const out: Finding[] = [];
      for (const l of ctx.loads) {
        const a = l.attempt;
        if (a.imageStart === undefined || a.sechdrs.length === 0) continue;
        const want = intendedEntry(ctx, a);
        const holders = a.entryMatches.filter((m) => m.effect !== "ignored");
        if (holders.length === 0 && want === undefined) {
          out.push(
            finding({
              id: "entry-wrong",
              severity: "error",
              title: "No executable section contains e_entry",
              message: `image->start stays the raw e_entry ${hex(a.imageStart)}: relocate_kernel would jump to that physical address.`,
              cause:
                "e_entry does not fall inside any SHF_EXECINSTR section (wrong -e symbol, or the entry is in a data section).",
              fix: "Link with `-e purgatory_start` and define purgatory_start in `.text`.",
              evidence: { load: l.label, imageStart: hex(a.imageStart) },
              attach: [{ kind: "flag", flag: "-e", present: false }],
            }),
          );
          break;
        }
        if (want !== undefined && a.imageStart !== want) {
          out.push(
            finding({
              id: "entry-wrong",
              severity: "error",
              title: `image->start is ${hex(a.imageStart)}, but purgatory_start is at ${hex(want)}`,
              message: `At kbuf.mem ${hex(a.mem)} the kernel would jump to ${hex(a.imageStart)} instead of the purgatory's entry: a hang or a crash right after "kexec_core: Starting new kernel", with nothing printed.`,
              cause:
                holders.length > 1
                  ? `Several executable sections (${listed(holders.map((h) => h.name))}) contain e_entry and this kernel's entry rule mishandles that.`
                  : "e_entry does not point at purgatory_start's final place.",
              fix: "Keep one executable section (merge `.text.*`/`.ltext` into `.text`), or use a kernel with the purgatory_start entry rule (7.0, 6.12.75, 6.1.165 and later).",
              evidence: {
                load: l.label,
                mem: hex(a.mem),
                imageStart: hex(a.imageStart),
                purgatory_start: hex(want),
              },
              attach: [{ kind: "symbol", name: "purgatory_start", role: "definition" }],
            }),
          );
          break;
        }
      }
      return out;
    },
  },
  {
    id: "undefined-symbol",
    evaluate(ctx) {
      const a = firstAttempt(ctx);
      if (!a) return [];
      const names = [
        ...new Set(a.relocations.filter((r) => r.status === "undefined-symbol").map((r) => r.symbol)),
      ];
      return names.map((name) => {
        const known = explainUndefined(name);
        return finding({
          id: "undefined-symbol",
          severity: "error",
          title: `Undefined symbol: ${name}`,
          message:
            "`ld -r` never reports undefined symbols, so the build succeeded; the kernel's relocator refuses the first relocation against one and the purgatory does not load.",
          cause: known.cause,
          fix: known.fix,
          kernelMessages: logLines(ctx, (t) => t === `kexec: Undefined symbol: ${name}`),
          evidence: { symbol: name },
          attach: [{ kind: "symbol", name, role: "reference" }, ...known.attach],
        });
      });
    },
  },
  {
    id: "common-symbol",
    evaluate(ctx) {
      const a = firstAttempt(ctx);
      const names = [
        ...new Set((a?.relocations ?? []).filter((r) => r.status === "common-symbol").map((r) => r.symbol)),
      ];
      return names.map((name) =>
        finding({
          id: "common-symbol",
          severity: "error",
          title: `Symbol ${name} is a COMMON symbol`,
          message:
            "The kernel refuses relocations against SHN_COMMON symbols: `symbol '…' in common section`.",
          cause:
            "A tentative definition (a global without initializer) compiled with -fcommon stays COMMON after `ld -r`.",
          fix: "Build with -fno-common (the default since GCC 10), or initialize the variable.",
          kernelMessages: logLines(ctx, (t) => t.includes(`symbol '${name}' in common section`)),
          attach: [
            { kind: "symbol", name, role: "definition" },
            { kind: "flag", flag: "-fno-common", present: false },
          ],
        }),
      );
    },
  },
  {
    id: "purgatory-symbol",
    evaluate(ctx) {
      const needs: SymbolNeed[] = [
        ...ctx.arch.symbolNeeds(ctx.kernel),
        {
          name: ctx.kernel.shaRegionsSymbol,
          size: SHA_REGIONS_SIZE,
          role: "kexec_calculate_store_digests writes the 16 segment regions here",
        },
        {
          name: ctx.kernel.sha256DigestSymbol,
          size: SHA256_DIGEST_SIZE,
          role: "kexec_calculate_store_digests writes the SHA-256 digest here",
        },
      ];
      const out: Finding[] = [];
      for (const need of needs) {
        const found = findSymbol(ctx.elf, need.name);
        const named = symbolsNamed(ctx.elf, need.name);
        const attach: Attachment[] = [{ kind: "symbol", name: need.name, role: "definition" }];
        if (!found) {
          const local = named.find((s) => s.bind !== STB_GLOBAL);
          const bad = named.find((s) => s.bind === STB_GLOBAL);
          const silent = need.size !== undefined;
          out.push(
            finding({
              id: "purgatory-symbol",
              severity: "error",
              title: local
                ? `${need.name} is ${local.bind === 2 ? "WEAK" : "LOCAL"}, not GLOBAL`
                : bad
                  ? `${need.name} has no usable section (st_shndx ${bad.st_shndx})`
                  : `${need.name} is not defined`,
              message:
                `${need.role}. The kernel looks up only GLOBAL symbols with an ordinary section index` +
                (silent
                  ? ", so kexec_file_load fails with EINVAL and the kernel prints nothing."
                  : ` and fails with "Could not find address of symbol ${need.name}".`),
              cause: local
                ? "The symbol is static (or weak) in the source."
                : "The object lacks this definition.",
              fix: local
                ? `Make ${need.name} a global definition (no \`static\`; \`.globl\` in assembly).`
                : `Define ${need.name} in the purgatory${need.size ? ` with size ${need.size}` : ""}.`,
              kernelMessages: logLines(ctx, (t) => t.includes(need.name)),
              evidence: { symbol: need.name },
              attach,
            }),
          );
          continue;
        }
        const sec = ctx.elf.sections[found.sym.st_shndx];
        if (need.size !== undefined && found.sym.st_size !== BigInt(need.size)) {
          out.push(
            finding({
              id: "purgatory-symbol",
              severity: "error",
              title: `${need.name} is ${found.sym.st_size} bytes; the kernel wants ${need.size}`,
              message: `${need.role}; a size mismatch fails the whole kexec_file_load with EINVAL.`,
              cause:
                "The definition's type differs from the kernel's structure (array length or struct layout).",
              fix: `Give ${need.name} exactly ${need.size} bytes.`,
              kernelMessages: logLines(ctx, (t) => t.includes(`symbol ${need.name} size mismatch`)),
              evidence: { symbol: need.name, st_size: Number(found.sym.st_size), expected: need.size },
              attach,
            }),
          );
        } else if (need.size !== undefined && sec && sec.sh_type === SHT_NOBITS) {
          out.push(
            finding({
              id: "purgatory-symbol",
              severity: "error",
              title: `${need.name} is in the bss section ${sec.name}`,
              message: `${need.role}, but the staging buffer holds no bss: the kernel refuses with "is in a bss section".`,
              cause: "A zero-initialized definition was placed in .bss.",
              fix: "Build with -fno-zero-initialized-in-bss, or put the symbol in an explicit data section (the kernel uses .kexec-purgatory).",
              kernelMessages: logLines(ctx, (t) => t.includes(`symbol ${need.name} is in a bss section`)),
              attach: [...attach, { kind: "flag", flag: "-fno-zero-initialized-in-bss", present: false }],
            }),
          );
        }
      }
      return out;
    },
  },
  {
    id: "section-alignment",
    evaluate(ctx) {
      const out: Finding[] = [];
      const name = (i: number) => ctx.elf.sections[i]?.name ?? String(i);
      if (ctx.plan.zeroAlign.length > 0) {
        out.push(
          finding({
            id: "section-alignment",
            severity: "warning",
            title: `sh_addralign is 0 for ${listed(ctx.plan.zeroAlign.map(name))}`,
            message:
              "The kernel's ALIGN(x, 0) evaluates to 0, not x: the running offset resets to 0 and the next section is copied over the start of the buffer (kexec-tools treats 0 as 1 since 2.0.24; the kernel never did).",
            cause:
              "An assembler or object tool wrote an alignment of 0 (the ELF spec allows 0 and 1 to mean 'none').",
            fix: "Give every allocated section an alignment of at least 1 (`.balign 1`, or fix the tool that rewrote the headers).",
            evidence: { sections: ctx.plan.zeroAlign.map(name) },
            attach: [OBJECT_TARGET],
          }),
        );
      }
      if (ctx.plan.oddAlign.length > 0) {
        out.push(
          finding({
            id: "section-alignment",
            severity: "warning",
            title: `sh_addralign is not a power of two for ${listed(ctx.plan.oddAlign.map(name))}`,
            message:
              "The kernel aligns with a mask, so a non-power-of-two alignment yields offsets that are not aligned at all.",
            cause: "A malformed section header.",
            fix: "Use power-of-two alignments.",
            evidence: { sections: ctx.plan.oddAlign.map(name) },
            attach: [OBJECT_TARGET],
          }),
        );
      }
      return out;
    },
  },
  {
    id: "undefined-behaviour",
    evaluate(ctx) {
      const notes = capped([...new Set(ctx.loads.flatMap((l) => l.attempt.undefinedBehaviour))]);
      return notes.map((n) =>
        finding({
          id: "undefined-behaviour",
          severity: "error",
          title: "The kernel would misbehave here instead of failing cleanly",
          message: `${n}. The kernel trusts its built-in purgatory and does not check this; the simulation stops here rather than guess what memory corruption would do.`,
          cause: "A malformed or unusual object.",
          fix: "Rebuild the purgatory; check it with `readelf -W -a`.",
          attach: [OBJECT_TARGET],
        }),
      );
    },
  },
  {
    id: "silent-failure",
    evaluate(ctx) {
      const notes = capped([...new Set(ctx.loads.flatMap((l) => l.attempt.silent))]);
      return notes.map((n) =>
        finding({
          id: "silent-failure",
          severity: "error",
          title: "kexec_file_load fails without a kernel message",
          message: `${n}.`,
          cause: "See the message: the kernel returns an error code but prints nothing to explain it.",
          fix: "Correct the object as described.",
          attach: [OBJECT_TARGET],
        }),
      );
    },
  },
];

/** Where an architecture's own rules go in that order: after the entry, before the symbols. */
const ARCH_RULES_AFTER = "entry-wrong";

function explainUndefined(name: string): { cause: string; fix: string; attach: Attachment[] } {
  if (/^(memcpy|memset|memmove|memcmp|strlen|strcmp|strncmp|memzero_explicit)$/.test(name)) {
    return {
      cause: `The compiler or the sources call ${name}, but no object in the purgatory's link defines it (the kernel's purgatory links its own string.o).`,
      fix: `Add the object that defines ${name} (string.o) to the purgatory's object list.`,
      attach: [{ kind: "object-list", missing: "string.o" }],
    };
  }
  if (name === "_GLOBAL_OFFSET_TABLE_") {
    return {
      cause:
        "Position-independent code (a compiler defaulting to -fPIE, or -fpic in the large model) computes the GOT's address; the purgatory is linked with `ld -r` and has no GOT.",
      fix: `Add -fno-PIE to a large-model build, or build with \`${PIC_FIX}\`, which needs no GOT.`,
      attach: [{ kind: "flag", flag: "-fno-PIE", present: false }],
    };
  }
  if (name === "__stack_chk_fail" || name === "__stack_chk_guard") {
    return {
      cause:
        "The compiler's stack protector is on (a distribution default or the kernel's CONFIG_STACKPROTECTOR flags) and the purgatory has no runtime for it.",
      fix: "Add -fno-stack-protector to the purgatory's CFLAGS.",
      attach: [{ kind: "flag", flag: "-fno-stack-protector", present: false }],
    };
  }
  if (name.startsWith("__asan_") || name.startsWith("__kasan_")) {
    return {
      cause: "KASAN instrumentation reached the purgatory.",
      fix: "Set KASAN_SANITIZE := n in the purgatory's Makefile.",
      attach: [{ kind: "flag", flag: "KASAN_SANITIZE", present: false }],
    };
  }
  if (name === "stackleak_track_stack") {
    return {
      cause: "The GCC stackleak plugin instrumented the purgatory.",
      fix: "Add $(DISABLE_STACKLEAK_PLUGIN) to the purgatory's CFLAGS.",
      attach: [{ kind: "flag", flag: "DISABLE_STACKLEAK_PLUGIN", present: false }],
    };
  }
  if (name === "__fentry__" || name === "mcount" || name === "__mcount") {
    return {
      cause: "Ftrace instrumentation (-pg / -mfentry) reached the purgatory.",
      fix: "Remove $(CC_FLAGS_FTRACE) from the purgatory's CFLAGS.",
      attach: [{ kind: "flag", flag: "-pg", present: true }],
    };
  }
  if (name.startsWith("__x86_indirect_thunk") || name.startsWith("__x86_return_thunk")) {
    return {
      cause: "Retpoline / return-thunk mitigations reached the purgatory.",
      fix: "Remove $(RETPOLINE_CFLAGS) and the return-thunk flags from the purgatory's CFLAGS.",
      attach: [{ kind: "flag", flag: "-mfunction-return=thunk-extern", present: true }],
    };
  }
  if (name.startsWith("__sanitizer_cov") || name.startsWith("__ubsan_") || name.startsWith("__tsan_")) {
    return {
      cause: "Sanitizer or coverage instrumentation reached the purgatory.",
      fix: "Disable KCOV/UBSAN/KCSAN for the purgatory (KCOV_INSTRUMENT := n, UBSAN_SANITIZE := n, KCSAN_SANITIZE := n).",
      attach: [],
    };
  }
  return {
    cause: `Something in the purgatory refers to ${name}, which no object in its link defines.`,
    fix: `Define ${name} in the purgatory or stop referring to it.`,
    attach: [],
  };
}

/** The rules that run for a kernel loader: the generic ones, with the architecture's put in. */
export function kernelRules(archRules: readonly Rule[]): Rule[] {
  const own = new Set(archRules.flatMap((r) => [r.id, ...(r.alsoEmits ?? [])]));
  const generic = GENERIC_RULES.filter((r) => !own.has(r.id));
  const at = generic.findIndex((r) => r.id === ARCH_RULES_AFTER) + 1;
  return [...generic.slice(0, at), ...archRules, ...generic.slice(at)];
}

/** Runs `rules`; a rule that reads a malformed table says so instead of failing the whole report. */
export function evaluateRules(rules: readonly Rule[], ctx: RuleContext): Finding[] {
  const order = { error: 0, warning: 1, info: 2 } as const;
  const out: Finding[] = [];
  for (const r of rules) {
    try {
      out.push(...r.evaluate(ctx));
    } catch (e) {
      if (!(e instanceof ElfFormatError)) throw e;
      out.push(malformed(e, r.id));
    }
  }
  return out.sort((a, b) => order[a.severity] - order[b.severity]);
}

/** The finding for a rule that could not read the object. */
export function malformed(e: ElfFormatError, rule: string): Finding {
  return finding({
    id: "malformed-object",
    severity: "error",
    title: "The object is malformed",
    message: `${e.message}. The kernel does not check this and would read out of bounds.`,
    cause: "A corrupt, truncated or hand-edited object.",
    fix: "Rebuild the purgatory; check it with `readelf -W -a`.",
    evidence: { rule },
    attach: [OBJECT_TARGET],
  });
}

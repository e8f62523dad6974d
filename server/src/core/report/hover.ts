// Hover texts (Markdown) for a symbol of the purgatory and for a relocation-relevant compiler flag,
// built from a simulation report. The language server only decides where the cursor is.

import { SHN_ABS, SHN_COMMON, SHN_UNDEF, SHT_SYMTAB, bindName, symbolTypeName } from "../elf/constants";
import { readSymbols } from "../elf/reader";
import type { ElfSymbol } from "../elf/types";
import { hex, signedHex } from "../kexec/u64";
import { placeable, type Interval } from "../kexec/windows";
import type { SimulationReport } from "../simulate";

function symbolsNamed(report: SimulationReport, name: string): ElfSymbol[] {
  const out: ElfSymbol[] = [];
  for (const s of report.elf.sections) {
    if (s.sh_type !== SHT_SYMTAB) continue;
    for (const sym of readSymbols(report.elf, s.index)) if (sym.name === name) out.push(sym);
  }
  return out;
}

function sectionOf(report: SimulationReport, sym: ElfSymbol): string {
  if (sym.shndx === SHN_UNDEF) return "undefined";
  if (sym.shndx === SHN_ABS) return "absolute";
  if (sym.shndx === SHN_COMMON) return "common";
  return report.elf.sections[sym.shndx]?.name ?? `section ${sym.shndx}`;
}

/** A relocation's own window, as the kbuf.mem values the kernel's placement can produce. */
function windows(report: SimulationReport, ws: readonly Interval[] | undefined): string {
  if (!ws) return "any address";
  const placed = placeable(ws, report.plan.buf_align, report.bufMin, report.plan.memsz);
  if (placed.length === 0) return "no address";
  return placed.map((w) => `${hex(w.from)}–${hex(w.to)}`).join(", ");
}

/** Markdown for a symbol name, or undefined when the object neither defines nor references it. */
export function symbolHover(report: SimulationReport, name: string, objectLabel: string): string | undefined {
  const syms = symbolsNamed(report, name);
  const load = report.loads[0];
  const relocs = (load?.attempt.relocations ?? []).filter((r) => r.symbol === name);
  if (syms.length === 0 && relocs.length === 0) return undefined;
  const lines: string[] = [`**${name}** in \`${objectLabel}\` (kernel ${report.kernel.label})`, ""];
  for (const s of syms) {
    const placed = load?.attempt.sechdrs[s.shndx];
    const addr =
      placed && (placed.inBuffer || placed.isBss)
        ? ` → ${hex(placed.sh_addr + s.st_value)} at kbuf.mem ${hex(load!.attempt.mem)}`
        : "";
    lines.push(
      `- ${bindName(s.bind)} ${symbolTypeName(s.type)} in \`${sectionOf(report, s)}\`, value ${hex(s.st_value)}, size ${s.st_size}${addr}`,
    );
  }
  if (relocs.length > 0) {
    lines.push("", `${relocs.length} relocation${relocs.length === 1 ? "" : "s"} against it:`, "");
    lines.push("| type | site | stored | status | fits for kbuf.mem in |", "|---|---|---|---|---|");
    for (const r of relocs.slice(0, 20)) {
      lines.push(
        `| ${r.typeName} | ${r.targetName}+${hex(r.r_offset)} (A ${signedHex(r.A)}) | ${r.stored === undefined ? "–" : hex(r.stored)} | ${r.status}${r.reached ? "" : " (not reached)"} | ${windows(report, r.window)} |`,
      );
    }
    if (relocs.length > 20) lines.push("", `… and ${relocs.length - 20} more`);
  }
  return lines.join("\n");
}

const FLAG_TEXT: [RegExp, string][] = [
  [
    /^-mcmodel=large$/,
    "Large code model: 64-bit absolute addresses (`movabs`, R_X86_64_64). LLVM ≥ 18 also moves C code into `.ltext`, which makes a second executable section containing the entry point.",
  ],
  [
    /^-mcmodel=kernel$/,
    "Kernel code model: absolute references are 32-bit sign-extended (R_X86_64_32S); they overflow once the purgatory is loaded above 2 GiB.",
  ],
  [
    /^-mcmodel=medium$/,
    "Medium code model: code addressed 32-bit, large data 64-bit; small data still gets R_X86_64_32, which overflows above 4 GiB.",
  ],
  [
    /^-mcmodel=small$/,
    "Small code model: with -fpic, data is reached PC-relatively (PC32) and the purgatory loads anywhere; without it, absolute R_X86_64_32 references overflow above 4 GiB.",
  ],
  [
    /^-f(pic|PIC|pie|PIE)$/,
    "Position-independent code: PC-relative data access; symbols with default visibility go through the GOT (GOTPCREL*, unknown to the kernel) unless -fvisibility=hidden.",
  ],
  [
    /^-fno-(pic|PIC|pie|PIE)$/,
    "No position-independent code: absolute relocations whose width depends on the code model.",
  ],
  [
    /^-fvisibility=hidden$/,
    "Hidden visibility: PIC code reaches its own symbols PC-relatively instead of through the GOT.",
  ],
  [/^-fno-stack-protector$/, "No stack protector: the purgatory has no `__stack_chk_fail` to call."],
  [
    /^-fstack-protector/,
    "Stack protector: references `__stack_chk_fail`, which the purgatory does not define (the kernel prints `Undefined symbol: __stack_chk_fail`).",
  ],
  [
    /^-ffunction-sections$/,
    "One section per function (`.text.<name>`): several executable sections contain the entry point in an `ld -r` object.",
  ],
  [
    /^-fprofile-(use|sample-use)/,
    "Profile-guided optimization: hot and cold code move to `.text.hot.`/`.text.unlikely.`, more executable sections containing the entry point.",
  ],
  [/^-flto/, "Link-time optimization implies function sections: many `.text.*` sections."],
];

/** Markdown for a compiler flag: what it does to the purgatory's relocations, with this object's counts. */
export function flagHover(report: SimulationReport, flag: string): string | undefined {
  const text = FLAG_TEXT.find(([re]) => re.test(flag))?.[1];
  if (!text) return undefined;
  const counts = new Map<string, number>();
  for (const r of report.loads[0]?.attempt.relocations ?? [])
    counts.set(r.typeName, (counts.get(r.typeName) ?? 0) + 1);
  const exec = report.elf.sections
    .filter((s) => (s.sh_flags & 0x6n) === 0x6n && s.sh_type !== 8)
    .map((s) => `\`${s.name}\``);
  const lines = [`**${flag}**: ${text}`, ""];
  lines.push(`This object: ${[...counts].map(([n, c]) => `${c}× ${n}`).join(", ") || "no relocations"}.`);
  lines.push(`Executable sections: ${exec.join(", ") || "none"}.`);
  return lines.join("\n");
}

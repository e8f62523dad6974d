// Hover texts (Markdown) for a symbol of the purgatory and for a relocation-relevant compiler flag,
// built from a simulation report. The language server only decides where the cursor is.

import { SHN_ABS, SHN_COMMON, SHN_UNDEF, bindName, symbolTypeName } from "../elf/constants";
import { reportedSymbols, type ReportedSymbol } from "../elf/reader";
import { hex, signedHex } from "../kexec/u64";
import { placeable, type Interval } from "../kexec/windows";
import type { SimulationReport } from "../simulate";

function symbolsNamed(report: SimulationReport, name: string): ReportedSymbol[] {
  return reportedSymbols(report.elf).filter((sym) => sym.name === name);
}

function sectionOf(report: SimulationReport, sym: ReportedSymbol): string {
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

/** "s390x, kexec_file_load, kernel 5.15" or "x86_64, kexec-tools 2.0.32 (kexec_load)": what was simulated. */
export function simulatedBy(report: SimulationReport, kernelFrom?: string): string {
  const how =
    report.loader.kind === "kernel" ? "kexec_file_load" : `kexec-tools ${report.loader.version} (kexec_load)`;
  // With kexec-tools the kernel release plays no part in loading the purgatory.
  return report.loader.kind === "kernel"
    ? `${report.machine}, ${how}, ${kernelFrom ?? `kernel ${report.kernel.label}`}`
    : `${report.machine}, ${how}`;
}

/** Markdown for a symbol name, or undefined when the object neither defines nor references it. */
/** `kernelFrom`: "kernel 6.8.6 (from Makefile)", the modelled release and where it came from. */
export function symbolHover(
  report: SimulationReport,
  name: string,
  objectLabel: string,
  kernelFrom?: string,
): string | undefined {
  const syms = symbolsNamed(report, name);
  const load = report.loads[0];
  const relocs = (load?.attempt.relocations ?? []).filter((r) => r.symbol === name);
  if (syms.length === 0 && relocs.length === 0) return undefined;
  const lines: string[] = [`**${name}** in \`${objectLabel}\` (${simulatedBy(report, kernelFrom)})`, ""];
  for (const s of syms) {
    const placed = load?.attempt.sechdrs[s.shndx];
    const addr =
      placed && (placed.inBuffer || placed.isBss)
        ? ` → ${hex(placed.sh_addr + s.st_value)} at kbuf.mem ${hex(load!.attempt.mem)}`
        : "";
    lines.push(
      `- ${bindName(s.bind)} ${symbolTypeName(s.type)} in \`${sectionOf(report, s)}\`, value ${hex(s.st_value)}, size ${s.st_size}${addr}${s.problem ? ` (${s.problem})` : ""}`,
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

const X86_FLAG_TEXT: [RegExp, string][] = [
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
];

const RISCV_FLAG_TEXT: [RegExp, string][] = [
  [
    /^-mcmodel=medany$/,
    "Medium-any code model (what arch/riscv/purgatory/Makefile uses): every address is built PC-relatively (auipc, R_RISCV_PCREL_HI20/LO12), so the purgatory works wherever the loader puts it.",
  ],
  [
    /^-mcmodel=medlow$/,
    "Medium-low code model (the compiler's default): absolute addresses built with lui (R_RISCV_HI20/LO12_I/LO12_S), which the kernel's riscv relocator does not handle (`Unknown rela relocation: 26`). Use -mcmodel=medany.",
  ],
  [
    /^-mno-relax$/,
    "No linker relaxation: no R_RISCV_RELAX/ALIGN, and label differences across code are resolved by the assembler instead of becoming R_RISCV_ADD/SUB pairs.",
  ],
  [
    /^-f(pic|PIC|pie|PIE)$/,
    "Position-independent code: global symbols go through the GOT (R_RISCV_GOT_HI20), which the kernel's riscv relocator does not handle.",
  ],
];

const S390_FLAG_TEXT: [RegExp, string][] = [
  [
    /^-fno-(pic|PIC|pie|PIE)$/,
    "No position-independent code (as arch/s390/purgatory/Makefile builds): data is reached with larl (R_390_PC32DBL) and calls are brasl; gcc >= 11.3 and clang mark every call @PLT (R_390_PLT32DBL), which kernels before 5.16 skip silently.",
  ],
  [
    /^-f(pic|PIC|pie|PIE)$/,
    "Position-independent code: GOT relocations (R_390_GOTENT, R_390_GOT*), which the s390 relocator does not handle.",
  ],
  [/^-msoft-float$/, "No floating-point registers: nothing to save or restore between the two kernels."],
];

/** Flags whose effect is the same on every architecture. */
const COMMON_FLAG_TEXT: [RegExp, string][] = [
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

const ARCH_FLAG_TEXT: Readonly<Record<string, readonly [RegExp, string][]>> = {
  x86_64: X86_FLAG_TEXT,
  riscv64: RISCV_FLAG_TEXT,
  s390x: S390_FLAG_TEXT,
};

/** Markdown for a compiler flag: what it does to the purgatory's relocations, with this object's counts. */
export function flagHover(report: SimulationReport, flag: string, kernelFrom?: string): string | undefined {
  const table = [...(ARCH_FLAG_TEXT[report.machine] ?? []), ...COMMON_FLAG_TEXT];
  const text = table.find(([re]) => re.test(flag))?.[1];
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
  lines.push(`Simulated: ${simulatedBy(report, kernelFrom)}.`);
  return lines.join("\n");
}

// The report for people: what the kernel would print, the layout, the relocations, the windows and
// the findings, laid out like the tools kernel developers already read (readelf, dmesg).

import { describeEra } from "../kexec/kernel";
import type { LoadAttempt } from "../kexec/attempt";
import { hex, signedHex } from "../kexec/u64";
import type { Finding } from "../rules/types";
import type { SimulationReport } from "../simulate";
import { scanRelocations, tableOf } from "../kexec/relocation-table";
import { writeLogLines, writeSectionLines, writeTableLines } from "./text-lines";

export interface TextOptions {
  /** List every relocation instead of a summary and the failing ones. */
  readonly relocations?: boolean;
  /** "kernel 6.8.6 (from Makefile)": the modelled release and where it came from. */
  readonly kernelFrom?: string;
  /** Said under the kernel line: a release outside the modelled range, or no kernel tree found. */
  readonly kernelNote?: string;
}

/** Lines written through `write` in chunks, so a million relocation lines never form one string. */
class LineSink {
  private pending: string[] = [];
  private size = 0;
  constructor(
    private readonly write: (s: string) => void,
    private readonly writeBytes?: (b: Uint8Array) => void,
  ) {}
  /** Bytes after the lines so far: straight through when the sink takes bytes. */
  bytes(b: Uint8Array): void {
    this.flush();
    if (this.writeBytes) this.writeBytes(b);
    else this.write(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8"));
  }
  push(...lines: string[]): void {
    for (const l of lines) {
      this.pending.push(l);
      this.size += l.length + 1;
    }
    if (this.size >= 1 << 16) this.flush();
  }
  flush(): void {
    if (this.pending.length > 0) this.write(this.pending.join("\n") + "\n");
    this.pending = [];
    this.size = 0;
  }
}

export function reportText(object: string, report: SimulationReport, options: TextOptions = {}): string {
  const parts: string[] = [];
  writeReportText(object, report, options, (s) => parts.push(s));
  return parts.join("");
}

/** The text report, written through `write` as it is produced. */
export function writeReportText(
  object: string,
  report: SimulationReport,
  options: TextOptions,
  write: (s: string) => void,
  /** Where UTF-8 bytes can go directly (stdout); each chunk is handed over, never reused. */
  writeBytes?: (b: Uint8Array) => void,
): void {
  const out = new LineSink(write, writeBytes);
  const h = report.elf.header;
  const p = report.plan;
  out.push(`${object}`);
  out.push(
    `  ELF${h.bits} ${h.littleEndian ? "LSB" : "MSB"} ${h.e_type === 1 ? "relocatable" : `e_type ${h.e_type}`}, ` +
      `${report.machine}, ${report.elf.sections.length} sections, e_entry ${hex(h.e_entry)}`,
  );
  const kt = report.loader.kind === "kexec-tools";
  out.push(
    kt
      ? `  loader: kexec-tools ${report.loader.kind === "kexec-tools" ? report.loader.version : ""} (kexec_load: kexec places, relocates and patches the purgatory itself; its errors go to stderr and exit 1)`
      : `  ${options.kernelFrom ?? `kernel ${report.kernel.label}`}: ${describeEra(report.kernel.era)}`,
  );
  if (!kt && options.kernelNote !== undefined) out.push(`  note: ${options.kernelNote}`);
  out.push(
    `  ${kt ? "buffer" : "kbuf"}: bufsz ${hex(p.bufsz)}  memsz ${hex(p.memsz)}  buf_align ${hex(p.buf_align)}` +
      `  (bss ${hex(p.bss_sz)}, bss_align ${hex(p.bss_align)})`,
  );
  for (const load of report.loads) {
    out.push("");
    out.push(
      `== load at ${kt ? "buf_addr" : "kbuf.mem"} ${hex(load.attempt.mem)}: ${load.label}, ${load.why}`,
    );
    attemptText(load.attempt, report, options, out);
  }
  out.push("");
  out.push(
    report.loadWindows.length === 0
      ? "== load windows: none (no load address lets every relocation apply)"
      : `== load windows (${kt ? "buf_addr" : "kbuf.mem"} where every relocation fits): ${report.loadWindows
          .map((w) => `${hex(w.from)} – ${hex(w.to)}`)
          .join(", ")}`,
  );
  out.push("");
  if (report.findings.length === 0) out.push("== findings: none");
  else {
    out.push(`== findings (${report.findings.length})`);
    for (const f of report.findings) out.push(...findingText(f, kt ? "kexec" : "kernel"));
  }
  out.push("");
  out.push(
    !report.ok
      ? `verdict: FAILS at ${report.loads.filter((l) => !l.attempt.ok).length} of ${report.loads.length} simulated addresses`
      : report.entryOk
        ? `verdict: loads at every simulated address (${report.loads.length})`
        : "verdict: loads, but image->start is not purgatory_start: kexec would jump into garbage",
  );
  out.flush();
}

function attemptText(a: LoadAttempt, report: SimulationReport, options: TextOptions, out: LineSink): void {
  out.push(`  result: ${a.ok ? "loads" : `FAILS (${a.failedAt})`}`);
  // kexec-tools prints to stderr (die() then exit 1), without printk levels.
  const kt = report.loader.kind === "kexec-tools";
  const logName = kt ? "kexec stderr" : "kernel log";
  if (a.log.length > 0) {
    out.push(`  ${logName}:`);
    writeLogLines(a.log, !kt, (b) => out.bytes(b));
  } else out.push(`  ${logName}: (nothing printed)`);
  for (const ub of a.undefinedBehaviour) out.push(`  undefined behaviour: ${ub}`);
  if (a.imageStart !== undefined && a.sechdrs.length > 0) {
    const how = a.entryMatches.map((m) => `${m.name}:${m.effect}`).join(", ");
    out.push(
      `  ${kt ? "info->entry" : "image->start"} ${hex(a.imageStart)}${how ? `  (entry sections: ${how})` : ""}`,
    );
  }
  const placed = a.sechdrs.filter((s) => s.inBuffer || s.isBss);
  if (placed.length > 0) {
    out.push("  sections:  [Nr] name                     flags align   buf offset  address             size");
    writeSectionLines(placed, report.elf.header.e_machine, (b) => out.bytes(b));
  }
  if (a.relocations.length > 0) {
    // With the list's cursor: no record made per row.
    const counts = new Map<string, number>();
    let applied = 0;
    scanRelocations(a.relocations, (r) => {
      counts.set(r.typeName, (counts.get(r.typeName) ?? 0) + 1);
      if (r.reached && r.status === "ok") applied++;
    });
    const summary = [...counts].map(([n, c]) => `${n.replace("R_X86_64_", "")} ×${c}`).join(", ");
    out.push(
      `  relocations: ${a.relocations.length} (${summary}); ${applied} applied before the ${kt ? "loader" : "kernel"} stopped or finished`,
    );
    const shown = options.relocations ? a.relocations : a.relocations.filter((r) => r.status !== "ok");
    if (shown.length > 0) {
      out.push(
        "    section+offset            type             symbol                   S                  A        P                  stored      status",
      );
      const limit = options.relocations ? shown.length : 20;
      const table = options.relocations ? tableOf(a.relocations) : undefined;
      if (table) writeTableLines(table, (b) => out.bytes(b));
      for (let i = table ? limit : 0; i < limit && i < shown.length; i++) {
        const r = shown.at(i)!;
        out.push(
          `    ${`${r.targetName}+${hex(r.r_offset)}`.padEnd(25)} ${r.typeName.padEnd(16)} ${r.symbol.slice(0, 24).padEnd(24)} ` +
            `${(r.S === undefined ? "-" : hex(r.S)).padEnd(18)} ${signedHex(r.A).padEnd(8)} ${hex(r.P).padEnd(18)} ` +
            `${(r.stored === undefined ? "-" : hex(r.stored)).padEnd(11)} ${r.status}${r.reached ? "" : " (not reached)"}`,
        );
      }
      if (shown.length > limit) out.push(`    … ${shown.length - limit} more (use --relocs to list all)`);
    }
  }
  if (a.bufferSha256) out.push(`  buffer sha256 ${a.bufferSha256}`);
}

function findingText(f: Finding, said: "kernel" | "kexec"): string[] {
  const out = [`  ${f.severity.padEnd(7)} [${f.id}] ${f.title}`];
  out.push(`          ${f.message}`);
  out.push(`          cause: ${f.cause}`);
  out.push(`          fix:   ${f.fix}`);
  for (const m of f.kernelMessages) out.push(`          ${said}: ${m}`);
  return out;
}

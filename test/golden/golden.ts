// Golden simulation summaries: one JSON file per fixture object holding, for each kernel release that
// marks a behaviour change of its architecture's loader, what the simulation says at the default
// placements. Produced by our code (`npm run golden:update`), checked for drift by golden.test.ts,
// and confirmed there by final links.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { LoadAttempt } from "../../server/src/core/kexec/attempt";
import { hex } from "../../server/src/core/kexec/u64";
import { simulate, type SimulateOptions } from "../../server/src/core/simulate";
import { repoRoot } from "../helpers";

/**
 * The releases each architecture's goldens are taken at: one per era of its loader.
 * - x86_64: one release per entry-rule era (4.15 is also before R_X86_64_PLT32);
 * - s390x: 5.15 skips unknown types (R_390_PLT32DBL) and fails silently, 5.16 on prints and maps
 *   PLT32DBL to PC32DBL; 7.2 is the newest (entry era E3);
 * - riscv64 (server/src/core/arch/riscv64.ts): 6.4 lacks R_RISCV_CALL_PLT, 6.11 lacks ADD16/SUB16,
 *   6.12 lacks R_RISCV_64, 6.15 has them all (with the "kexec_image: " prefix), 7.2 is the newest;
 * - ppc64: 4.10 (the first, old digest symbol names), 5.4 (before the 5.10 symbol set), 7.2.
 */
export const GOLDEN_KERNELS: Record<string, readonly string[]> = {
  x86_64: ["4.15", "5.10", "6.8", "7.2"],
  s390x: ["5.15", "5.16", "7.2"],
  riscv64: ["6.4", "6.11", "6.12", "6.15", "7.2"],
  ppc64: ["4.10", "5.4", "7.2"],
};

/**
 * kexec-tools' goldens (folder "kexec-tools", one file per object of test/fixtures/kexec-tools): the
 * releases before PLT32 (2.0.17), before the sh_addralign 0 change (2.0.23) and the newest. Taken as
 * `kexec -p` so that s390, which loads a purgatory only then, is covered too.
 */
export const GOLDEN_KEXEC_TOOLS = ["2.0.17", "2.0.23", "2.0.32"] as const;

/** The runs of an object's golden file: its key there and the simulation options. */
export function goldenRuns(arch: string): { key: string; options: SimulateOptions }[] {
  if (arch === "kexec-tools") {
    return GOLDEN_KEXEC_TOOLS.map((v) => ({
      key: `kexec-tools ${v}`,
      options: { loader: "kexec-tools", kexecTools: v, crash: true },
    }));
  }
  return GOLDEN_KERNELS[arch]!.map((kernel) => ({ key: kernel, options: { kernel } }));
}

export function goldenDir(arch: string): string {
  return join(repoRoot, "test", "golden", arch);
}

/** test/golden/<arch>/<object name>.json; the edge objects are x86_64 objects. */
export function goldenPath(object: string, arch = "x86_64"): string {
  return join(goldenDir(arch), basename(object).replace(/\.ro$/, ".json"));
}

/** The per-release part of a golden file. */
export interface GoldenRelease {
  readonly era: string;
  readonly ok: boolean;
  readonly entryOk: boolean;
  readonly bufsz: string;
  readonly memsz: string;
  readonly bufAlign: string;
  readonly loads: readonly GoldenLoad[];
  readonly loadWindows: readonly string[];
  readonly findings: readonly string[];
}

export interface GoldenLoad {
  readonly label: string;
  readonly mem: string;
  readonly ok: boolean;
  readonly failedAt: string | null;
  readonly log: readonly string[];
  readonly imageStart: string | null;
  /** "[index] name sh_addr" of every section the kernel placed (buffer and bss), by index. */
  readonly sections: readonly string[];
  readonly relocations: number;
  /** "type status" -> how many relocation records ended that way ("(not reached)" after a failure). */
  readonly relocationSummary: Readonly<Record<string, number>>;
  readonly bufferSha256: string | null;
}

export function goldenFor(objectPath: string, arch = "x86_64") {
  const bytes = readFileSync(objectPath);
  const out: Record<string, unknown> = { object: objectPath.slice(repoRoot.length + 1) };
  for (const { key, options } of goldenRuns(arch)) {
    const r = simulate(bytes, options);
    if (!r.ok) {
      out[key] = { error: r.error };
      continue;
    }
    const rep = r.report;
    const release: GoldenRelease = {
      era: rep.loader.kind === "kernel" ? rep.kernel.era : `${rep.machine}, kexec-tools`,
      ok: rep.ok,
      entryOk: rep.entryOk,
      bufsz: hex(rep.plan.bufsz),
      memsz: hex(rep.plan.memsz),
      bufAlign: hex(rep.plan.buf_align),
      loads: rep.loads.map((l) => goldenLoad(l.label, l.attempt)),
      loadWindows: rep.loadWindows.map((w) => `${hex(w.from)}-${hex(w.to)}`),
      findings: rep.findings.map((f) => `${f.severity} ${f.id}: ${f.title}`),
    };
    out[key] = release;
  }
  return out;
}

function goldenLoad(label: string, a: LoadAttempt): GoldenLoad {
  const summary: Record<string, number> = {};
  for (const x of a.relocations) {
    const key = `${x.typeName} ${x.status}${x.reached ? "" : " (not reached)"}`;
    summary[key] = (summary[key] ?? 0) + 1;
  }
  return {
    label,
    mem: hex(a.mem),
    ok: a.ok,
    failedAt: a.failedAt ?? null,
    log: a.log.map((x) => `${x.level}: ${x.text}`),
    imageStart: a.imageStart === undefined ? null : hex(a.imageStart),
    sections: a.sechdrs
      .filter((s) => s.inBuffer || s.isBss)
      .map((s) => `[${s.index}] ${s.name} ${hex(s.sh_addr)}`),
    relocations: a.relocations.length,
    relocationSummary: Object.fromEntries(Object.entries(summary).sort(([x], [y]) => (x < y ? -1 : 1))),
    bufferSha256: a.bufferSha256 ?? null,
  };
}

/** The golden file of an object, parsed. */
export function readGolden(objectPath: string, arch = "x86_64"): Record<string, GoldenRelease | string> {
  return JSON.parse(readFileSync(goldenPath(objectPath, arch), "utf8"));
}

// Golden simulation summaries: one JSON file per fixture object holding, for each modelled kernel
// era, what the simulation says at the default placements. Produced by our code (`npm run
// golden:update`), checked for drift by golden.test.ts, and confirmed there by final links.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { hex } from "../../server/src/core/kexec/u64";
import { simulate } from "../../server/src/core/simulate";
import { repoRoot } from "../helpers";

/** One release per entry-rule era, plus the pre-PLT32 boundary. */
export const GOLDEN_KERNELS = ["4.15", "5.10", "6.8", "7.2"];

export const GOLDEN_DIR = join(repoRoot, "test", "golden", "x86_64");

export function goldenPath(object: string): string {
  return join(GOLDEN_DIR, basename(object).replace(/\.ro$/, ".json"));
}

export function goldenFor(objectPath: string) {
  const bytes = readFileSync(objectPath);
  const out: Record<string, unknown> = { object: objectPath.slice(repoRoot.length + 1) };
  for (const kernel of GOLDEN_KERNELS) {
    const r = simulate(bytes, { kernel });
    if (!r.ok) {
      out[kernel] = { error: r.error };
      continue;
    }
    const rep = r.report;
    out[kernel] = {
      era: rep.kernel.era,
      ok: rep.ok,
      entryOk: rep.entryOk,
      bufsz: hex(rep.plan.bufsz),
      memsz: hex(rep.plan.memsz),
      bufAlign: hex(rep.plan.buf_align),
      loads: rep.loads.map((l) => ({
        label: l.label,
        mem: hex(l.attempt.mem),
        ok: l.attempt.ok,
        failedAt: l.attempt.failedAt ?? null,
        log: l.attempt.log.map((x) => `${x.level}: ${x.text}`),
        imageStart: l.attempt.imageStart === undefined ? null : hex(l.attempt.imageStart),
        relocations: l.attempt.relocations.length,
        bufferSha256: l.attempt.bufferSha256 ?? null,
      })),
      loadWindows: rep.loadWindows.map((w) => `${hex(w.from)}-${hex(w.to)}`),
      findings: rep.findings.map((f) => `${f.severity} ${f.id}: ${f.title}`),
    };
  }
  return out;
}

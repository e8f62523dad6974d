// The report's verdicts always come with their explanation: over every fixture object, every --arch
// and one release of every era each architecture's loader went through, no run that `purgatory-lens
// simulate` would exit 1 on lacks an error or warning finding saying why, and entryOk false always
// comes with an entry-* finding. Also for kexec-tools' loader, at the releases its goldens use.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { kernelRuleIds } from "../../server/src/core/arch/index";
import { ARCH_NAMES } from "../../server/src/core/arch/names";
import { simulate, type SimulateOptions, type SimulationReport } from "../../server/src/core/simulate";
import { fixturePath, repoRoot } from "../helpers";

/** Releases across every behaviour change the kernel loaders model (entry eras, relocator eras). */
const KERNELS = [
  "4.10",
  "4.15",
  "5.4",
  "5.10",
  "5.15",
  "5.16",
  "6.3",
  "6.4",
  "6.8",
  "6.11",
  "6.12",
  "6.15",
  "7.2",
];
const KEXEC_TOOLS = ["2.0.17", "2.0.23", "2.0.32"];

function objects(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return objects(p);
    return name.endsWith(".ro") || name.endsWith(".o") ? [p] : [];
  });
}

/** What the CLI's exit code says: 1 unless it loads everywhere, enters right and no error is found. */
function exitsOne(r: SimulationReport): boolean {
  return !(r.ok && r.entryOk && !r.findings.some((f) => f.severity === "error"));
}

/** The broken invariants of one run, in words. */
function broken(r: SimulationReport): string[] {
  const out: string[] = [];
  if (exitsOne(r) && !r.findings.some((f) => f.severity === "error" || f.severity === "warning")) {
    out.push(`exit 1 (ok ${r.ok}, entryOk ${r.entryOk}) with no error or warning finding`);
  }
  if (!r.entryOk && !r.findings.some((f) => f.id.startsWith("entry-"))) {
    out.push(
      `entryOk false without an entry-* finding (${r.findings.map((f) => f.id).join(", ") || "none"})`,
    );
  }
  return out;
}

/** Every finding id the runs below produced. */
const seen = new Set<string>();

function check(runs: readonly SimulateOptions[]): { runs: number; reports: number; failures: string[] } {
  const failures: string[] = [];
  let reports = 0;
  const all = objects(fixturePath());
  assert.ok(all.length > 80, `only ${all.length} fixture objects`);
  for (const path of all) {
    const bytes = readFileSync(path);
    for (const options of runs) {
      const r = simulate(bytes, options);
      if (!r.ok) continue; // refused with a message (exit 2): nothing to explain
      reports++;
      for (const f of r.report.findings) seen.add(f.id);
      for (const b of broken(r.report)) {
        failures.push(`${relative(repoRoot, path)} ${JSON.stringify(options)}: ${b}`);
      }
    }
  }
  return { runs: all.length * runs.length, reports, failures };
}

describe("every verdict is explained by a finding", () => {
  it("the kernel loaders: every fixture × every --arch × every era", () => {
    const runs: SimulateOptions[] = ARCH_NAMES.flatMap((arch) =>
      KERNELS.flatMap((kernel) => [
        { arch, kernel },
        { arch, kernel, crash: true },
      ]),
    );
    // And without --arch: the loader e_machine names.
    runs.push(...KERNELS.map((kernel) => ({ kernel })));
    const { reports, failures } = check(runs);
    assert.ok(reports > 1000, `only ${reports} runs gave a report`);
    assert.deepEqual(failures, []);
  });

  it("kexec-tools' loader: every fixture × every --arch × kexec -l and -p", () => {
    const runs: SimulateOptions[] = ARCH_NAMES.flatMap((arch) =>
      KEXEC_TOOLS.flatMap((kexecTools) => [
        { loader: "kexec-tools" as const, arch, kexecTools },
        { loader: "kexec-tools" as const, arch, kexecTools, crash: true },
      ]),
    );
    const { reports, failures } = check(runs);
    assert.ok(reports > 500, `only ${reports} runs gave a report`);
    assert.deepEqual(failures, []);
  });

  it("Debian-like s390x (-ffunction-sections) at 6.3: exit 1 names entry-multiple-sections and entry-wrong", () => {
    const r = simulate(readFileSync(fixturePath("s390x", "obj", "gcc12-sections.ro")), { kernel: "6.3" });
    assert.ok(r.ok);
    assert.equal(r.report.ok, true);
    assert.equal(r.report.entryOk, false);
    const ids = r.report.findings.map((f) => `${f.severity} ${f.id}`);
    assert.ok(ids.includes("error entry-multiple-sections"), ids.join(", "));
    assert.ok(ids.includes("error entry-wrong"), ids.join(", "));
  });
});

describe("every rule id is documented", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const anchored = (id: string): boolean => readme.includes(`<a id="rule-${id}"></a>`);

  it("each kernel rule id (generic and every architecture's) has its README anchor", () => {
    const ids = kernelRuleIds();
    assert.ok(ids.length >= 18, ids.join(", "));
    assert.deepEqual(
      ids.filter((id) => !anchored(id)),
      [],
    );
  });

  it("each id a finding carried in the runs above has its README anchor", () => {
    assert.ok(seen.size >= 15, [...seen].join(", "));
    assert.deepEqual(
      [...seen].filter((id) => !anchored(id)),
      [],
    );
  });
});

// Our model of kexec-tools against kexec-tools itself (test/kexec-oracle.ts): Debian's kexec binary
// loads its own purgatory for a stand-in bzImage with kexec_load(2) intercepted, and the simulation
// of that same purgatory must agree on where it goes, the segment's sizes, the entry point and every
// relocation's debug lines, character for character.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { locateHole } from "../../server/src/core/kexec-tools/locate-hole";
import { kexecToolsVersion } from "../../server/src/core/kexec-tools/version";
import { U64_MASK } from "../../server/src/core/kexec/u64";
import { simulate } from "../../server/src/core/simulate";
import { OracleUnavailable, oracleMissing, runKexec, type KexecRun } from "../kexec-oracle";

const missing = oracleMissing();

describe("kexec-tools' own x86_64 loader agrees with our model of it", { skip: missing }, () => {
  let run: KexecRun;
  let modelled = true;
  let unavailable: string | undefined;
  it("runs kexec -c -d -l with kexec_load intercepted", (t) => {
    try {
      run = runKexec();
    } catch (e) {
      if (!(e instanceof OracleUnavailable)) throw e;
      unavailable = e.message;
      return t.skip(unavailable);
    }
    try {
      kexecToolsVersion(run.version);
    } catch (e) {
      modelled = false;
      t.diagnostic(`kexec-tools ${run.version}: ${(e as Error).message}`);
    }
    assert.ok(run.purgatoryLines.length > 100, "kexec printed its relocation debug lines");
  });

  it("places the purgatory where locate_hole does", (t) => {
    if (unavailable) return t.skip(unavailable);
    if (!modelled) return t.skip(`kexec-tools ${run.version} is not modelled`);
    const r = simulate(run.purgatory, { loader: "kexec-tools", kexecTools: run.version, loads: [run.purgatoryAddr] });
    assert.ok(r.ok, r.ok ? "" : r.error);
    const plan = r.report.plan;
    // bzImage64_load adds the purgatory first: nothing else is in the way yet.
    const hole = locateHole(run.ram, [], plan.memsz, plan.buf_align, 4096n, 0x3000n, U64_MASK, -1);
    assert.deepEqual(hole, { ok: true, base: run.purgatoryAddr });
    assert.equal(plan.bufsz, run.segment.bufsz);
    assert.equal(plan.memsz, run.segment.memsz);
    assert.equal(r.report.loads[0]!.attempt.imageStart, run.entry);
  });

  it("prints the same relocation debug lines, in the same order", (t) => {
    if (unavailable) return t.skip(unavailable);
    if (!modelled) return t.skip(`kexec-tools ${run.version} is not modelled`);
    const r = simulate(run.purgatory, {
      loader: "kexec-tools",
      kexecTools: run.version,
      loads: [run.purgatoryAddr],
      debug: true,
    });
    assert.ok(r.ok);
    const a = r.report.loads[0]!.attempt;
    assert.ok(a.ok, "kexec loaded it, so must we");
    const ours = a.log.filter((l) => l.level === "debug").map((l) => l.text);
    assert.deepEqual(ours, run.purgatoryLines);
  });
});

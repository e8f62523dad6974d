// Golden summaries: the simulation of every fixture under every era must not drift, and every
// buffer hash in them must be what a real final link (GNU ld, each architecture's own) of the object
// at that address gives.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, it } from "node:test";
import { simulate } from "../../server/src/core/simulate";
import type { CrossTools } from "../linkcheck";
import { checkGolden } from "./check-golden";
import { goldenFor, goldenPath, goldenRuns, readGolden, type GoldenRelease } from "./golden";
import { linkedBuffer } from "./linked-buffer";
import {
  CROSS,
  CROSS_ARCHES,
  archObjects,
  fixtureObjects,
  goldenObjects,
  kexecToolsObjects,
  missing,
} from "./objects";

describe("golden simulation summaries", () => {
  for (const { arch, path } of goldenObjects()) {
    it(`${arch}/${basename(path)}`, () => {
      checkGolden(goldenPath(path, arch), goldenFor(path, arch));
    });
  }
});

/** Every distinct (address, hash) of an object's golden file, with a release that produced it. */
function goldenHashes(path: string, arch: string): { kernel: string; mem: string; sha: string }[] {
  const seen = new Map<string, { kernel: string; mem: string; sha: string }>();
  for (const [kernel, g] of Object.entries(readGolden(path, arch))) {
    // Runs the loader refused ({ error }) have no loads.
    if (kernel === "object" || typeof g === "string" || !("loads" in g)) continue;
    for (const load of (g as GoldenRelease).loads) {
      if (!load.bufferSha256) continue;
      const key = `${load.mem} ${load.bufferSha256}`;
      if (!seen.has(key)) seen.set(key, { kernel, mem: load.mem, sha: load.bufferSha256 });
    }
  }
  return [...seen.values()];
}

function checkHashes(path: string, arch: string, cross?: CrossTools): void {
  const bytes = readFileSync(path);
  const hashes = goldenHashes(path, arch);
  assert.ok(hashes.length > 0, "the golden file has no buffer hash to check");
  const runs = new Map(goldenRuns(arch).map((r) => [r.key, r.options]));
  for (const { kernel, mem, sha } of hashes) {
    const r = simulate(bytes, { ...runs.get(kernel), loads: [BigInt(mem)] });
    assert.ok(r.ok, r.ok ? "" : r.error);
    const link = linkedBuffer(bytes, r.report.loads[0]!.attempt, r.report.plan.bufsz, "bfd", cross);
    assert.ok(link.ok, link.ok ? "" : link.output);
    assert.equal(createHash("sha256").update(link.buffer).digest("hex"), sha, `${kernel} at ${mem}`);
  }
}

/** Objects that get a buffer under some release (the others fail before relocating, or in it). */
const hashed = (path: string, arch: string): boolean =>
  existsSync(goldenPath(path, arch)) && goldenHashes(path, arch).length > 0;

describe("golden buffer hashes equal GNU ld's final link", () => {
  for (const path of fixtureObjects({ forLinking: true }).filter((p) => hashed(p, "x86_64"))) {
    it(`x86_64/${basename(path)}`, () => checkHashes(path, "x86_64"));
  }
  for (const arch of CROSS_ARCHES) {
    const tools = CROSS[arch];
    const skip = missing(tools.ld, tools.objcopy);
    for (const path of archObjects(arch).filter((p) => hashed(p, arch))) {
      it(`${arch}/${basename(path)} (${tools.ld})`, { skip }, () => checkHashes(path, arch, tools));
    }
  }
  // kexec-tools' own purgatories, linked by their architecture's ld. Not ppc64: kexec-tools' REL16_HA
  // takes @h where ld takes @ha and REL32 subtracts its heap pointer, so no link can equal its buffer
  // (kexec-tools-linkcheck.test.ts compares those field by field instead).
  const ktCross: Record<string, CrossTools | undefined> = {
    x86_64: undefined,
    arm64: { ld: "aarch64-linux-gnu-ld", objcopy: "aarch64-linux-gnu-objcopy" },
    s390x: CROSS.s390x,
  };
  for (const path of kexecToolsObjects().filter((p) => hashed(p, "kexec-tools"))) {
    const name = basename(path);
    const machine = name.startsWith("arm64") ? "arm64" : name.startsWith("s390x") ? "s390x" : name.startsWith("x86_64") ? "x86_64" : undefined;
    if (!machine) continue;
    const tools = ktCross[machine];
    const skip = tools ? missing(tools.ld, tools.objcopy) : false;
    it(`kexec-tools/${name}${tools ? ` (${tools.ld})` : ""}`, { skip }, () => checkHashes(path, "kexec-tools", tools));
  }
});

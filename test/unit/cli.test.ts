import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readdirSync, readFileSync } from "node:fs";
import { loadJson, reportJson, stringify } from "../../server/src/core/report/json";
import { simulate } from "../../server/src/core/simulate";
import { fixturePath, runCli as run } from "../helpers";

const edge = (n: string) => fixturePath("edge", "obj", `${n}.ro`);

describe("purgatory-lens simulate", () => {
  it("exits 0 when the load succeeds everywhere", () => {
    const r = run("simulate", edge("plt32"));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /verdict: loads at every simulated address \(2\)/);
  });

  it("exits 1 and prints the kernel's lines when it fails", () => {
    const r = run("simulate", edge("boundary32"));
    assert.equal(r.code, 1);
    assert.match(r.out, /<3>kexec: Overflow in relocation type 10 value 0x103fffffff/);
    assert.match(r.out, /<3>kexec-bzImage64: Loading purgatory failed/);
    assert.match(r.out, /load windows .*: 0x3000 – 0xffffe000/);
  });

  it("exits 1 when the load succeeds but the entry point is wrong (v4.17–v6.3 .text.hot)", () => {
    const r = run("simulate", edge("text-hot"), "--kernel", "5.10");
    assert.equal(r.code, 1);
    assert.match(r.out, /image->start is not purgatory_start/);
  });

  it("exits 1 when an s390 load before 5.16 succeeds with R_390_PLT32DBL fields skipped", () => {
    const obj = fixturePath("s390x", "obj", "gcc12.ro");
    const old = run("simulate", obj, "--kernel", "5.15");
    assert.equal(old.code, 1);
    assert.match(old.out, /verdict: loads at every simulated address/);
    assert.match(old.out, /\[s390-unrelocated-branch\]/);
    assert.equal(run("simulate", obj, "--kernel", "5.16").code, 0);
  });

  it("takes --arch (with aliases), --loader, --kexec-tools and --crash", () => {
    const kt = fixturePath("kexec-tools", "obj", "s390x-gcc.ro");
    assert.equal(run("simulate", kt, "--loader", "kexec-tools").code, 2); // kexec -l loads none on s390
    const crash = run("simulate", kt, "--kexec-tools", "2.0.32", "--crash");
    assert.equal(crash.code, 0, crash.err + crash.out);
    assert.match(crash.out, /loader: kexec-tools 2\.0\.32/);
    const alias = run(
      "simulate",
      fixturePath("kexec-tools", "obj", "arm64-gcc.ro"),
      "--arch",
      "aarch64",
      "--loader",
      "kexec-tools",
    );
    assert.equal(alias.code, 0, alias.err);
    assert.match(run("simulate", kt, "--arch", "sparc").err, /--arch sparc: not one of/);
    assert.match(run("simulate", kt, "--loader", "grub").err, /--loader grub: not kernel or kexec-tools/);
  });

  it("exits 2 on bad input, bad options and misaligned --load", () => {
    assert.equal(run("simulate", fixturePath("edge", "build.sh")).code, 2);
    assert.equal(run("simulate", "/nonexistent/purgatory.ro").code, 2);
    assert.equal(run("simulate", edge("plt32"), "--kernel", "3.10").code, 2);
    assert.equal(run("simulate", edge("plt32"), "--frobnicate").code, 2);
    assert.equal(run("frobnicate").code, 2);
    const mis = run("simulate", edge("plt32"), "--load", "0x100800");
    assert.equal(mis.code, 2);
    assert.match(mis.err, /not aligned to buf_align 0x1000/);
  });

  it("prints one result object for one --load, with the documented fields", () => {
    const r = run("simulate", edge("spec-example"), "--load", "0x47fffc000", "--kernel", "6.8", "--json");
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out);
    for (const key of [
      "object", "machine", "kernel", "mem", "ok", "log", "bufsz", "memsz", "bufAlign", "imageStart",
      "sections", "relocations", "loadWindows", "bufferSha256", "findings",
    ]) assert.ok(key in j, `missing ${key}`); // prettier-ignore
    assert.equal(j.mem, "0x47fffc000");
    assert.equal(j.machine, "x86_64");
    assert.equal(j.kernel, "6.8");
    assert.equal(j.ok, false);
    assert.deepEqual(j.log, [
      { level: "err", text: "kexec: Overflow in relocation type 11 value 0x47fffe000" },
      { level: "err", text: "kexec-bzImage64: Loading purgatory failed" },
    ]);
    assert.equal(j.bufsz, "0x3000");
    assert.equal(j.memsz, "0x4000");
    assert.equal(j.bufAlign, "0x1000");
    assert.equal(j.imageStart, "0x47fffd0f0");
    assert.deepEqual(j.sections[1], {
      index: 3, name: ".rodata", type: "PROGBITS", flags: "A", align: "0x10", addr: "0x47fffd600",
      offset: "0x1600", fileOffset: j.sections[1].fileOffset, size: "0x120",
    }); // prettier-ignore
    const field = (name: string) => j.relocationFields.indexOf(name);
    assert.equal(j.relocations[1][field("typeName")], "R_X86_64_32S");
    assert.equal(j.relocations[1][field("status")], "overflow");
    assert.equal(j.bufferSha256, null, "no buffer after a failed load");
  });

  it("prints a summary with one result per address without --load", () => {
    const r = run("simulate", edge("alltypes"), "--json");
    const j = JSON.parse(r.out);
    assert.equal(j.results.length, 2);
    assert.deepEqual(
      j.results.map((x: { label: string }) => x.label),
      ["low", "high"],
    );
    assert.deepEqual(j.loadWindows, [{ from: "0x3000", to: "0x7ffff000" }]);
    assert.match(j.results[0].bufferSha256, /^[0-9a-f]{64}$/);
  });

  it("streams relocations as rows named by relocationFields: otherwise the document json.ts builds", () => {
    const objects = [
      ...readdirSync(fixturePath("edge", "obj")).map((f) => ["edge", f]),
      ...readdirSync(fixturePath("x86_64", "obj")).map((f) => ["x86_64", f]),
    ].filter(([, f]) => f!.endsWith(".ro"));
    assert.ok(objects.length > 10);
    const cases: [string, string[]][] = objects.map(([d, f]) => [fixturePath(d!, "obj", f!), []]);
    // kexec-tools' loader keeps plain records; one --load prints one result object.
    cases.push(
      [edge("alltypes"), ["--loader", "kexec-tools"]],
      [edge("spec-example"), ["--load", "0x47fffc000"]],
    );
    for (const [object, extra] of cases) {
      const r = run("simulate", object, "--json", ...extra);
      const j = JSON.parse(r.out);
      const fields: string[] = j.relocationFields;
      delete j.relocationFields;
      // A row's window is [[from, to], …]; the object form's is [{ from, to }, …].
      const cell = (f: string, v: unknown) =>
        f === "window" && v !== null ? (v as string[][]).map(([from, to]) => ({ from, to })) : v;
      const asObjects = (rows: unknown[][]) =>
        rows.map((row) => Object.fromEntries(fields.map((f, i) => [f, cell(f, row[i])])));
      for (const result of j.results ?? [j]) result.relocations = asObjects(result.relocations);
      const sim = simulate(readFileSync(object), {
        loader: extra.includes("kexec-tools") ? "kexec-tools" : undefined,
        loads: extra.includes("--load") ? [BigInt(extra[1]!)] : undefined,
      });
      assert.ok(sim.ok);
      // Where the kernel release came from is the CLI's to say (not what this test is about).
      const context = j.kernelSource === undefined ? {} : { kernelSource: j.kernelSource };
      const expected = extra.includes("--load")
        ? loadJson(object, sim.report, sim.report.loads[0]!, context)
        : reportJson(object, sim.report, context);
      assert.deepEqual(j, JSON.parse(stringify(expected)), object);
    }
  });

  it("keeps pr_debug lines only with --debug", () => {
    const r = run("simulate", edge("alltypes"), "--load", "0x100000", "--json", "--debug");
    const j = JSON.parse(r.out);
    const debug = j.log
      .filter((l: { level: string }) => l.level === "debug")
      .map((l: { text: string }) => l.text);
    assert.ok(debug.includes("kexec: Applying relocate section .rela.text to 1"));
    assert.ok(debug.includes("kexec: Symbol: target info: 00 shndx: 03 value=8 size: 0"));
    assert.ok(debug.includes("kexec-bzImage64: Loaded purgatory at 0x100000"));
  });
});

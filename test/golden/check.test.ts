// `purgatory-lens check` on the fixture trees: discovery, each tree's own release, compiler-style
// lines on the causing file, exit status, the JSON and GitHub forms, and SARIF checked against the
// official SARIF 2.1.0 schema (shipped with @microsoft/sarif-multitool) by ajv, and by the official
// validator itself (sarif-multitool validate).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { run } from "../../server/src/cli";
import { runCheck } from "../../server/src/cli/check";
import { FINGERPRINT } from "../../server/src/core/report/sarif";
import { RULES } from "../../server/src/core/report/rule-catalog";
import { copyTree, repoRoot, runCli } from "../helpers";

const P = "arch/x86/purgatory";

async function check(cwd: string, ...argv: string[]) {
  let out = "";
  let err = "";
  const code = await runCheck(
    argv,
    (s) => (out += s),
    (s) => (err += s),
    cwd,
  );
  return { code, out, err };
}

const lineOf = (path: string, needle: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .findIndex((l) => l.includes(needle)) + 1;

describe("purgatory-lens check", () => {
  let large: string;
  let small: string;
  let example: string;
  before(() => {
    large = copyTree("x86-6.8.6");
    small = copyTree("x86-small");
    example = mkdtempSync(join(tmpdir(), "pl-check-example-"));
    cpSync(join(repoRoot, "examples", "linux"), example, { recursive: true });
  });
  after(() => {
    for (const d of [large, small, example]) rmSync(d, { recursive: true, force: true });
  });

  it("prints the 6.8 WARN as `Makefile:LINE:COL: warning:` on -mcmodel=large, with no settings", async () => {
    const r = await check(large);
    assert.equal(r.code, 0, r.out + r.err);
    const mk = join(large, P, "Makefile");
    const line = lineOf(mk, "PURGATORY_CFLAGS := -mcmodel=large");
    const col = readFileSync(mk, "utf8").split("\n")[line - 1]!.indexOf("-mcmodel=large") + 1;
    assert.match(
      r.out,
      new RegExp(
        `^${P}/Makefile:${line}:${col}: warning: \`\\.text\` and \`\\.ltext\` both contain the entry point: .*\\[entry-multiple-sections\\]$`,
        "m",
      ),
    );
    assert.match(
      r.out,
      /^arch\/x86\/purgatory\/purgatory\.ro: kernel 6\.8\.6 \(from Makefile\): loads, 1 warning$/m,
    );
    assert.match(r.out, /: note: kernel: WARNING: CPU: \? PID: \? at kernel\/kexec_file\.c:936 /);
    assert.match(
      r.out,
      /^purgatory-lens: 1 purgatory checked, 0 failing; 0 errors, 1 warning, 0 notes: passed$/m,
    );
    // --fail-on warning makes the same run fail; --kernel 7.2 makes the WARN an info.
    assert.equal((await check(large, "--fail-on", "warning")).code, 1);
    const seven = await check(large, "--kernel", "7.2");
    assert.match(seven.out, /kernel 7\.2 \(from --kernel\)/);
    assert.match(seven.out, /: note: .*\[entry-multiple-sections\]/);
  });

  it("exits 1 on a small-model non-PIC purgatory, with an error: line on the causing file", async () => {
    const r = await check(small);
    assert.equal(r.code, 1, r.out + r.err);
    const line = lineOf(join(small, P, "Makefile"), "PURGATORY_CFLAGS := -mcmodel=small");
    assert.match(
      r.out,
      new RegExp(
        `^${P}/Makefile:${line}:1: error: 2 R_X86_64_32 relocations overflow .*\\[reloc-overflow\\]$`,
        "m",
      ),
    );
    assert.match(r.out, /FAILED$/m);
  });

  it("puts the relocation on the line DWARF names, and never on the #if arm the build skipped", async () => {
    const r = await check(small);
    const c = join(small, P, "purgatory.c");
    const asm = lineOf(c, "movl $purgatory_sha_regions");
    const ret = lineOf(c, "return purgatory_sha_regions;");
    // gcc-12 -Os inlines sha_region_table(): the line table says the call site emits the relocation.
    const lines = readFileSync(c, "utf8").split("\n");
    const dwarf = [
      ...r.out.matchAll(
        /purgatory\.c:(\d+):\d+: note: R_X86_64_32 against purgatory_sha_regions is emitted for this line \(DWARF line table\)/g,
      ),
    ];
    assert.equal(dwarf.length, 1, r.out);
    assert.match(lines[Number(dwarf[0]![1]) - 1]!, /sha_region_table\(\)/);
    assert.match(
      r.out,
      new RegExp(`purgatory\\.c:${ret}:\\d+: note: purgatory_sha_regions is referenced here`),
    );
    assert.doesNotMatch(r.out, new RegExp(`purgatory\\.c:${asm}:`));
  });

  it("gives the example's inactive #else reference no line at all", async () => {
    const r = await check(example);
    assert.equal(r.code, 1);
    const c = join(example, P, "purgatory.c");
    const ret = lineOf(c, "return purgatory_sha_regions;");
    const asm = lineOf(c, "movl $purgatory_sha_regions");
    assert.match(r.out, new RegExp(`purgatory\\.c:${asm}:\\d+: `));
    assert.doesNotMatch(r.out, new RegExp(`purgatory\\.c:${ret}:`));
    // No kernel tree above the example: the newest modelled release, and it says so.
    assert.match(r.out, /purgatory\.ro: kernel 7\.2 \(newest modelled, no kernel tree found\)/);
    assert.match(r.out, /purgatory\.ro: note: no kernel tree found above /);
  });

  it("checks O= build folders with their own release, the object given directly, and --object globs", async () => {
    const tree = mkdtempSync(join(tmpdir(), "pl-check-o-"));
    try {
      const src = join(tree, "linux");
      copyTree("x86-6.8.6", src);
      for (const b of ["build-a", "build-b"]) {
        const pd = join(tree, b, P);
        mkdirSync(pd, { recursive: true });
        for (const f of readdirSync(join(src, P))) {
          if (f.endsWith(".o") || f === "purgatory.ro") cpSync(join(src, P, f), join(pd, f));
          // kbuild in an O= build names the sources by their path in the source tree.
          if (f.endsWith(".cmd"))
            writeFileSync(
              join(pd, f),
              readFileSync(join(src, P, f), "utf8").replace(
                / (arch\/x86\/purgatory\/\w+\.[cS])$/m,
                ` ${src}/$1`,
              ),
            );
        }
        writeFileSync(join(tree, b, "Makefile"), `include ${src}/Makefile\n`);
      }
      mkdirSync(join(tree, "build-a", "include", "config"), { recursive: true });
      writeFileSync(join(tree, "build-a", "include", "config", "kernel.release"), "6.1.10-ci\n");
      // Only the build folders (the sources' own objects removed): two purgatories.
      for (const f of readdirSync(join(src, P)))
        if (f.endsWith(".o") || f === "purgatory.ro" || f.endsWith(".cmd")) rmSync(join(src, P, f));
      const r = await check(tree, "build-a", "build-b");
      assert.match(
        r.out,
        /^build-a\/arch\/x86\/purgatory\/purgatory\.ro: kernel 6\.1\.10 \(from include\/config\/kernel\.release\): loads, but jumps to the wrong entry$/m,
      );
      assert.match(
        r.out,
        /^build-b\/arch\/x86\/purgatory\/purgatory\.ro: kernel 6\.8\.6 \(from Makefile\): loads, 1 warning$/m,
      );
      // Findings land on the shared source tree's Makefile.
      assert.match(r.out, /^linux\/arch\/x86\/purgatory\/Makefile:\d+:\d+: warning: /m);
      assert.equal(r.code, 1);
      const one = await check(tree, `build-b/${P}/purgatory.ro`);
      assert.match(one.out, /1 purgatory checked/);
      cpSync(join(tree, "build-b", P, "purgatory.ro"), join(tree, "build-b", "extra.ro"));
      const glob = await check(tree, "--object", "*.ro", "build-b");
      assert.match(glob.out, /2 purgatories checked/);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it("--format json gives one object per purgatory with kernelSource and the locations", async () => {
    const r = await check(large, "--format", "json");
    const list = JSON.parse(r.out) as {
      object: string;
      kernel: string;
      kernelSource: string;
      findings: { id: string; locations: { path: string; line: number; column: number }[] }[];
      report: { kernel: string; kernelSource: string };
    }[];
    assert.equal(list.length, 1);
    assert.equal(list[0]!.kernel, "6.8.6");
    assert.equal(list[0]!.kernelSource, "Makefile");
    assert.equal(list[0]!.report.kernelSource, "Makefile");
    const loc = list[0]!.findings[0]!.locations[0]!;
    assert.equal(loc.path, `${P}/Makefile`);
    assert.equal(loc.line, lineOf(join(large, P, "Makefile"), "-mcmodel=large"));
  });

  it("--format github gives workflow commands with escaped properties", async () => {
    const r = await check(small, "--format", "github");
    assert.match(
      r.out,
      /^::error file=arch\/x86\/purgatory\/Makefile,line=\d+,col=1,endLine=\d+,endColumn=\d+,title=2 R_X86_64_32 relocations overflow .* \[reloc-overflow\]::.*%0A/m,
    );
    assert.equal(r.code, 1);
  });

  it("exits 2 on bad usage and when there is nothing to check", async () => {
    assert.equal((await check(large, "--format", "xml")).code, 2);
    assert.equal((await check(large, "--fail-on", "note")).code, 2);
    assert.equal((await check(large, "no-such-dir")).code, 2);
    const empty = mkdtempSync(join(tmpdir(), "pl-check-empty-"));
    try {
      const r = await check(empty);
      assert.equal(r.code, 2);
      assert.match(r.err, /no built purgatory/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    assert.match((await check(large, "--help")).out, /usage: purgatory-lens check/);
  });

  describe("SARIF", () => {
    const schemaPath = join(
      dirname(require.resolve("@microsoft/sarif-multitool-linux/package.json")),
      "sarif-2.1.0.json",
    );
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")) as object);

    interface Sarif {
      runs: {
        tool: {
          driver: {
            name: string;
            version: string;
            informationUri: string;
            rules: { id: string; helpUri: string }[];
          };
        };
        results: {
          ruleId: string;
          level: string;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
          relatedLocations?: unknown[];
          partialFingerprints: Record<string, string>;
        }[];
      }[];
    }

    it("validates against the official SARIF 2.1.0 schema, which rejects a broken log", async () => {
      for (const tree of [large, small, example]) {
        const r = await check(tree, "--format", "sarif");
        const log = JSON.parse(r.out) as Sarif;
        assert.ok(validate(log), JSON.stringify(validate.errors));
      }
      const r = await check(small, "--format", "sarif");
      const broken = JSON.parse(r.out) as { runs: { results: Record<string, unknown>[] }[] };
      delete broken.runs[0]!.results[0]!["message"];
      broken.runs[0]!.results[0]!["level"] = "fatal";
      assert.equal(validate(broken), false);
      assert.ok(validate.errors!.some((e) => /message/.test(e.message ?? "")));
    });

    it("describes the tool, its rules with help links, results with regions, related locations and fingerprints", async () => {
      const r = await check(small, "--format", "sarif");
      const run0 = (JSON.parse(r.out) as Sarif).runs[0]!;
      const d = run0.tool.driver;
      assert.equal(d.name, "purgatory-lens");
      assert.equal(
        d.version,
        (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version,
      );
      assert.ok(d.informationUri.startsWith("https://"));
      assert.equal(d.rules.length, RULES.length);
      assert.equal(
        d.rules.find((x) => x.id === "reloc-overflow")!.helpUri,
        `${d.informationUri}#rule-reloc-overflow`,
      );
      const res = run0.results.find((x) => x.ruleId === "reloc-overflow")!;
      assert.equal(res.level, "error");
      assert.equal(res.locations[0]!.physicalLocation.artifactLocation.uri, `${P}/Makefile`);
      assert.ok(res.relatedLocations!.length >= 2);
      assert.match(res.partialFingerprints[FINGERPRINT]!, /^[0-9a-f]{32}$/);
    });

    it("has a description for every rule the README documents, and no other", () => {
      const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
      const anchors = [...readme.matchAll(/<a id="rule-([a-z0-9-]+)"><\/a>/g)].map((m) => m[1]).sort();
      assert.deepEqual(RULES.map((x) => x.id).sort(), anchors);
    });

    it("keeps fingerprints stable across unrelated edits, and changes them with the flagged line", async () => {
      const prints = async () =>
        (JSON.parse((await check(large, "--format", "sarif")).out) as Sarif).runs[0]!.results.map((x) => ({
          fp: x.partialFingerprints[FINGERPRINT],
          line: x.locations[0]!.physicalLocation.region.startLine,
        }));
      const mk = join(large, P, "Makefile");
      const text = readFileSync(mk, "utf8");
      const before = await prints();
      writeFileSync(mk, `# an unrelated comment\n\n${text}`);
      const moved = await prints();
      assert.deepEqual(
        moved.map((x) => x.fp),
        before.map((x) => x.fp),
      );
      assert.deepEqual(
        moved.map((x) => x.line),
        before.map((x) => x.line + 2),
      );
      writeFileSync(
        mk,
        text.replace("PURGATORY_CFLAGS := -mcmodel=large", "PURGATORY_CFLAGS := -mcmodel=large -O2"),
      );
      const changed = await prints();
      assert.notDeepEqual(
        changed.map((x) => x.fp),
        before.map((x) => x.fp),
      );
      writeFileSync(mk, text);
    });

    it("passes the official validator, sarif-multitool validate, with no error, warning or note", async () => {
      const tool = join(
        dirname(require.resolve("@microsoft/sarif-multitool-linux/package.json")),
        "Sarif.Multitool",
      );
      const dir = mkdtempSync(join(tmpdir(), "pl-sarif-"));
      try {
        const errorsIn = (name: string, log: unknown): string[] => {
          const input = join(dir, `${name}.sarif`);
          const output = join(dir, `${name}.validation.sarif`);
          writeFileSync(input, JSON.stringify(log));
          const v = spawnSync(tool, ["validate", input, "-o", output, "--log", "ForceOverwrite"], {
            encoding: "utf8",
            timeout: 120_000,
          });
          assert.equal(v.status, 0, v.stdout + v.stderr);
          const out = JSON.parse(readFileSync(output, "utf8")) as {
            runs: { results?: { level?: string; ruleId: string }[] }[];
          };
          return (out.runs[0]!.results ?? []).map((x) => x.ruleId);
        };
        const r = await check(small, "--format", "sarif");
        const broken = JSON.parse(r.out) as { runs: { results: Record<string, unknown>[] }[] };
        delete broken.runs[0]!.results[0]!["message"];
        // The validator really validates: a result without its required message is an error.
        assert.deepEqual(errorsIn("broken", broken), ["JSON1002"]);
        for (const [k, tree] of [large, small, example].entries()) {
          const log = JSON.parse((await check(tree, "--format", "sarif")).out) as unknown;
          assert.deepEqual(errorsIn(`ours-${k}`, log), [], tree);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe("purgatory-lens simulate and the tree's release", () => {
  let large: string;
  before(() => (large = copyTree("x86-6.8.6")));
  after(() => rmSync(large, { recursive: true, force: true }));
  it("models the tree the object lives in, with --kernel still winning", () => {
    const obj = join(large, P, "purgatory.ro");
    const r = runCli("simulate", obj);
    assert.match(r.out, /^ {2}kernel 6\.8\.6 \(from Makefile\): v6\.4 on: first executable section/m);
    const j = JSON.parse(runCli("simulate", obj, "--json").out) as {
      kernel: string;
      kernelSource: string;
    };
    assert.deepEqual([j.kernel, j.kernelSource], ["6.8.6", "Makefile"]);
    assert.match(runCli("simulate", obj, "--kernel", "5.10").out, /kernel 5\.10 \(from --kernel\)/);
  });

  it("keeps the newest modelled release without a tree, and says so", () => {
    const r = runCli("simulate", join(repoRoot, "examples/linux", P, "purgatory.ro"));
    assert.match(r.out, /kernel 7\.2 \(newest modelled, no kernel tree found\)/);
    assert.match(r.out, /note: no kernel tree found above /);
  });

  it("dispatches check through the CLI entry point", async () => {
    let out = "";
    const code = await run(
      ["check", "--help"],
      (s) => (out += s),
      () => undefined,
    );
    assert.equal(code, 0);
    assert.match(out, /--format F/);
  });

  it(
    "runs as the bundled dist/cli.js",
    { skip: !existsSync(join(repoRoot, "dist", "cli.js")) && "dist/cli.js is not built" },
    () => {
      const out = execFileSync(
        process.execPath,
        [join(repoRoot, "dist", "cli.js"), "check", large],
        { encoding: "utf8" },
      );
      assert.match(out, /1 purgatory checked/);
    },
  );
});

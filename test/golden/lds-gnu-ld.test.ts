// Linker scripts as GNU ld 2.40 and ld.lld 19 read them, on a corpus regenerated from Debian's
// packages at test time (scripts/lds-corpus.mjs: binutils' default scripts for our cross targets and
// `ld --verbose` of each emulation, the kernel's kbuild-generated scripts for x86, arm64, riscv and
// s390, the kernel's plain .lds files). The checked-in manifest (test/golden/lds-corpus/manifest.json)
// lists each script's origin and the linkers' verdicts; GNU ld is run again here and must agree with it.
// Checks: our syntax verdict equals GNU ld's on every script, and the line where both reject; the
// outline lists every output section of every accepted script; `lds-lld-incompatible`'s claims hold
// against ld.lld-19's verdicts; tolerant mode is silent on the kernel's raw *.lds.S.
// `node scripts/lds-corpus.mjs --update` rewrites the manifest.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { documentSymbols } from "../../server/src/core/lds/features";
import { ldVerdict } from "../../server/src/core/lds/ldgram";
import { lldIncompatibilities } from "../../server/src/core/lds/lld-compat";
import { parseScript } from "../../server/src/core/lds/parser";
import { fixturePath, repoRoot } from "../helpers";

interface LdVerdictRecord {
  verdict: "accepted" | "syntax error";
  line?: number;
  message?: string;
  invalidCharLines?: number[];
  hostTarget?: boolean;
}
interface Entry {
  id: string;
  kind: string;
  origin: string;
  copies: number;
  triple: string;
  ld: LdVerdictRecord;
  lld: { accepted: boolean; line?: number; error?: string };
}
interface Manifest {
  total: number;
  unique: number;
  entries: Entry[];
}
interface CorpusModule {
  CORPUS_DIR: string;
  MANIFEST: string;
  collectCorpus(o: { log(s: string): void }): {
    scripts: { id: string; file: string; origin: string; triple: string; kind: string }[];
    total: number;
    timings: Record<string, number>;
  };
  rawKernelLdsS(): string[];
  gnuLd(file: string, triple: string): LdVerdictRecord;
}

const have = (tool: string): boolean => spawnSync(tool, ["--version"]).status === 0;
const skip =
  !existsSync("/usr/src/linux-source-6.1.tar.xz") || !have("ld") || !have("ld.lld-19") || !have("flex")
    ? "needs linux-source-6.1, binutils, lld-19, flex and bison (scripts/system-deps.mjs)"
    : false;

/** Our syntax verdict on a plain script: accepted, or the first error and the line ld would print. */
function ours(text: string): { verdict: "accepted" | "syntax error"; line?: number; message?: string; warnings: number[] } {
  const s = parseScript(text);
  const err = s.errors.find((e) => !e.warning);
  const warnings = s.errors.filter((e) => e.warning).map((e) => e.ldLine ?? e.range.line + 1);
  return err
    ? { verdict: "syntax error", line: err.ldLine ?? err.range.line + 1, message: err.message, warnings }
    : { verdict: "accepted", warnings };
}

function outlineSections(text: string): string[] {
  const out: string[] = [];
  for (const top of documentSymbols(parseScript(text)))
    for (const c of top.children) {
      if (c.kind === "output-section") out.push(c.name);
      if (c.kind === "overlay") for (const o of c.children) out.push(o.name);
    }
  return out;
}

describe("linker scripts vs GNU ld 2.40 and ld.lld 19, on a corpus from Debian's packages", { skip }, () => {
  let mod: CorpusModule;
  let scripts: ReturnType<CorpusModule["collectCorpus"]>["scripts"] = [];
  let manifest: Manifest;
  const byId = new Map<string, Entry>();
  const figures: Record<string, string | number> = {};
  const t0 = Date.now();

  before(async () => {
    mod = (await import(pathToFileURL(join(repoRoot, "scripts", "lds-corpus.mjs")).href)) as CorpusModule;
    const c = mod.collectCorpus({ log: () => {} });
    scripts = c.scripts;
    for (const [k, v] of Object.entries(c.timings)) figures[`${k} (s, 0 = cached)`] = v;
    figures["corpus: scripts (unique)"] = scripts.length;
    figures["corpus: scripts (with identical copies)"] = c.total;
    manifest = JSON.parse(readFileSync(mod.MANIFEST, "utf8")) as Manifest;
    for (const e of manifest.entries) byId.set(e.id, e);
  });

  after(() => {
    figures["tier run time (s)"] = (Date.now() - t0) / 1000;
    console.log(Object.entries(figures).map(([k, v]) => `  ${k}: ${v}`).join("\n"));
  });

  it("the regenerated corpus is the one the manifest lists", () => {
    const ids = scripts.map((s) => s.id).sort();
    assert.deepEqual(ids, manifest.entries.map((e) => e.id).sort(), "refresh with `node scripts/lds-corpus.mjs --update`");
    assert.ok(scripts.length > 800, `corpus of ${scripts.length}`);
    for (const k of ["binutils", "ld --verbose", "kbuild", "kernel .lds"])
      assert.ok(scripts.some((s) => s.kind === k), `has ${k} scripts`);
  });

  it("GNU ld, run now on every script, gives the manifest's verdict", () => {
    for (const s of scripts) assert.deepEqual(mod.gnuLd(s.file, s.triple), byId.get(s.id)!.ld, s.origin);
  });

  it("our verdict equals GNU ld's on every script, and the line where both reject", () => {
    let agree = 0;
    let bothReject = 0;
    let lineAgree = 0;
    const wrong: string[] = [];
    for (const s of scripts) {
      const ld = byId.get(s.id)!.ld;
      const v = ours(readFileSync(s.file, "utf8"));
      if (v.verdict === ld.verdict) agree++;
      else wrong.push(`${s.origin}: ld ${ld.verdict}${ld.line ? ` at ${ld.line}` : ""}, ours ${v.verdict} ${v.line ?? ""} ${v.message ?? ""}`);
      if (v.verdict === "syntax error" && ld.verdict === "syntax error") {
        bothReject++;
        if (v.line === ld.line && v.message === ld.message) lineAgree++;
        else wrong.push(`${s.origin}: ld "${ld.message}" at ${ld.line}, ours "${v.message}" at ${v.line}`);
      }
      assert.deepEqual(v.warnings, ld.invalidCharLines ?? [], `${s.origin}: invalid-character warnings`);
    }
    figures["verdict agreement with GNU ld"] = `${agree}/${scripts.length}`;
    figures["line and message agreement where both reject"] = `${lineAgree}/${bothReject}`;
    assert.deepEqual(wrong, []);
  });

  it("the outline lists every output section of every script GNU ld accepts, and the tree has no gap", () => {
    let complete = 0;
    let accepted = 0;
    for (const s of scripts) {
      if (byId.get(s.id)!.ld.verdict !== "accepted") continue;
      accepted++;
      const text = readFileSync(s.file, "utf8");
      const expected = ldVerdict(text).outputSections;
      assert.deepEqual(outlineSections(text), expected, `${s.origin}: outline`);
      assert.deepEqual((parseScript(text).recoveredErrors ?? []).map((e) => e.message), [], `${s.origin}: tree`);
      complete++;
    }
    figures["complete outline on accepted scripts"] = `${complete}/${accepted}`;
  });

  it("lds-lld-incompatible: each `ld.lld rejects` claim is a script ld.lld-19 rejects at that line, and each ld.lld syntax rejection of a GNU-accepted script is claimed", () => {
    let claimed = 0;
    let confirmedAtLine = 0;
    const LLD_SYNTAX = /expected, but got|unknown directive|malformed number|unexpected EOF/;
    for (const s of scripts) {
      const e = byId.get(s.id)!;
      if (e.ld.verdict !== "accepted") continue;
      const claims = lldIncompatibilities(parseScript(readFileSync(s.file, "utf8"))).filter((c) => c.rejects);
      if (claims.length > 0) {
        claimed++;
        assert.equal(e.lld.accepted, false, `${s.origin}: we claim ld.lld rejects it (${claims[0]!.message})`);
        // ld.lld stops at its first error: our first claim is there, or ld.lld stopped earlier (a format it does not know).
        const first = claims[0]!.range.line + 1;
        if (e.lld.line === first) confirmedAtLine++;
        else assert.ok(e.lld.line === undefined || e.lld.line < first, `${s.origin}: ld.lld line ${e.lld.line}, our claim ${first}`);
      }
      if (!e.lld.accepted && e.lld.error && LLD_SYNTAX.test(e.lld.error))
        assert.ok(
          claims.some((c) => c.range.line + 1 === e.lld.line),
          `${s.origin}: ld.lld says "${e.lld.error}" at ${e.lld.line}; no claim there`,
        );
    }
    figures["scripts with lld-incompatible claims (all rejected by ld.lld-19)"] = claimed;
    figures["claims confirmed at ld.lld's own error line"] = confirmedAtLine;
    figures["scripts ld.lld-19 rejects (any reason)"] = manifest.entries.filter((x) => !x.lld.accepted).length;
  });

  it("mutants (a deleted or inserted brace, parenthesis, `;`, `:`, `=`, `,` or `@`): our verdict and line equal GNU ld's, run now", () => {
    // Scripts the corpus rarely has: broken ones. Seeded mutations of the kernel's scripts and of a
    // sample of binutils' give errors at many places and in every lexer state.
    let seed = 0x5eed;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const dir = mkdtempSync(join(tmpdir(), "lds-mutants-"));
    const bases = [...scripts.filter((s) => s.kind === "kbuild"), ...scripts.filter((s) => s.kind === "binutils").slice(0, 25)];
    let n = 0;
    let agree = 0;
    let rejected = 0;
    const wrong: string[] = [];
    try {
      for (const base of bases) {
        const text = readFileSync(base.file, "utf8");
        for (let k = 0; k < 8; k++) {
          let mutant: string;
          const at = rand(text.length);
          if (k % 2 === 0) {
            const punct = /[{}();:=,]/g;
            punct.lastIndex = at;
            const m = punct.exec(text) ?? punct.exec(text);
            if (!m) continue;
            mutant = text.slice(0, m.index) + text.slice(m.index + 1);
          } else {
            const ws = text.indexOf(" ", at);
            if (ws < 0) continue;
            mutant = text.slice(0, ws) + " " + "}){;:=,@"[rand(8)] + text.slice(ws);
          }
          const file = join(dir, `m${n++}.lds`);
          writeFileSync(file, mutant);
          const ld = mod.gnuLd(file, base.triple);
          const v = ours(mutant);
          if (ld.verdict === "syntax error") rejected++;
          const same = v.verdict === ld.verdict && (ld.verdict === "accepted" || (v.line === ld.line && v.message === ld.message)) && JSON.stringify(v.warnings) === JSON.stringify(ld.invalidCharLines ?? []);
          if (same) agree++;
          else wrong.push(`${base.origin} mutant ${k} (${file}): ld ${JSON.stringify(ld)}, ours ${JSON.stringify(v)}`);
        }
      }
    } finally {
      if (wrong.length === 0) rmSync(dir, { recursive: true, force: true });
    }
    figures["mutants: agreement with GNU ld (verdict, line, warnings)"] = `${agree}/${n} (${rejected} rejected by ld)`;
    assert.deepEqual(wrong, []);
  });

  it("tolerant mode: no syntax error on any raw *.lds.S of the kernel", () => {
    const files = mod.rawKernelLdsS();
    assert.ok(files.length >= 60, `${files.length} raw .lds.S`);
    const noisy = files.filter((f) => parseScript(readFileSync(f, "utf8"), { tolerant: true }).errors.length > 0);
    figures["tolerant mode: raw kernel *.lds.S with a syntax error"] = `${noisy.length}/${files.length}`;
    assert.deepEqual(noisy, []);
  });

  it("every plain fixture script: our verdict equals GNU ld's, run now", () => {
    const dir = fixturePath("lds", "corpus");
    const inc = mkdtempSync(join(tmpdir(), "lds-inc-"));
    try {
      for (const f of ["extra.ld", "more-regions.ld", "missing-file.ld"]) writeFileSync(join(inc, f), "");
      const obj = join(mod.CORPUS_DIR, "obj", "x86_64-linux-gnu.o");
      for (const f of readdirSync(dir).filter((x) => x.endsWith(".lds"))) {
        const r = spawnSync("ld", ["-L", inc, "-T", join(dir, f), obj, "-o", join(inc, "a.out")], { encoding: "utf8" });
        const m = /:(\d+): (syntax error)/.exec(r.stderr);
        const ld = m ? { verdict: "syntax error", line: Number(m[1]) } : /EOF in comment/.test(r.stderr) ? { verdict: "syntax error", line: 0 } : { verdict: "accepted" };
        const v = ours(readFileSync(join(dir, f), "utf8"));
        assert.deepEqual({ verdict: v.verdict, ...(v.line !== undefined ? { line: v.line } : {}) }, ld, f);
      }
    } finally {
      rmSync(inc, { recursive: true, force: true });
    }
  });
});

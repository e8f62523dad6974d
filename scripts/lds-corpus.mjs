// The linker-script corpus, regenerated from Debian's packages (never copied by hand), and the
// linkers' verdicts on it. Used by test/golden/lds-gnu-ld.test.ts; run directly to refresh the
// checked-in manifest: `node scripts/lds-corpus.mjs --update`.
//
// Sources (cached under test/artifacts/lds-corpus/, which git ignores):
// - every default script of the binutils packages installed for our cross targets
//   (/usr/lib/<triple>/ldscripts/*), and `ld -m <emulation> --verbose` of each emulation;
// - the kernel's kbuild-generated scripts from Debian's linux-source package: `make defconfig`, then
//   `make …/vmlinux.lds` and the vDSO and boot scripts, for x86, arm64, riscv (LLVM=-19) and s390;
// - the kernel's plain *.lds files as shipped.
// The oracle: `<triple>-ld -T script tiny.o` (a tiny object of the target), and ld.lld-19 the same
// way. A script that names a machine or format the host's ld cannot represent (OUTPUT_ARCH(m68k)),
// which stops ld before it reads the rest, is checked again with those arguments replaced by the
// host's on the same line, so the rest of the script still gets GNU ld's verdict.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
export const CORPUS_DIR = join(repo, "test", "artifacts", "lds-corpus");
export const MANIFEST = join(repo, "test", "golden", "lds-corpus", "manifest.json");
const LINUX_TARBALL = "/usr/src/linux-source-6.1.tar.xz";
const LINUX_DIR = join(CORPUS_DIR, "linux-source-6.1");

/** Installed cross binutils: ldscripts folder, ld, as. */
export const TRIPLES = [
  { triple: "x86_64-linux-gnu", ld: "ld", as: "as" },
  { triple: "i386-linux-gnu", ld: "i686-linux-gnu-ld", as: "i686-linux-gnu-as" },
  { triple: "aarch64-linux-gnu", ld: "aarch64-linux-gnu-ld", as: "aarch64-linux-gnu-as" },
  { triple: "riscv64-linux-gnu", ld: "riscv64-linux-gnu-ld", as: "riscv64-linux-gnu-as" },
  { triple: "s390x-linux-gnu", ld: "s390x-linux-gnu-ld", as: "s390x-linux-gnu-as" },
  { triple: "powerpc64le-linux-gnu", ld: "powerpc64le-linux-gnu-ld", as: "powerpc64le-linux-gnu-as" },
];

/** The kernel architectures whose kbuild scripts we generate, and the targets. */
export const KERNEL_ARCHES = [
  {
    arch: "x86",
    triple: "x86_64-linux-gnu",
    make: [],
    targets: [
      "arch/x86/kernel/vmlinux.lds",
      "arch/x86/entry/vdso/vdso.lds",
      "arch/x86/entry/vdso/vdso32/vdso32.lds",
      "arch/x86/boot/compressed/vmlinux.lds",
    ],
  },
  {
    arch: "arm64",
    triple: "aarch64-linux-gnu",
    make: ["CROSS_COMPILE=aarch64-linux-gnu-"],
    targets: ["arch/arm64/kernel/vmlinux.lds", "arch/arm64/kernel/vdso/vdso.lds"],
  },
  {
    arch: "riscv",
    triple: "riscv64-linux-gnu",
    make: ["LLVM=-19"],
    targets: ["arch/riscv/kernel/vmlinux.lds", "arch/riscv/kernel/vdso/vdso.lds"],
  },
  {
    arch: "s390",
    triple: "s390x-linux-gnu",
    make: ["CROSS_COMPILE=s390x-linux-gnu-"],
    targets: [
      "arch/s390/kernel/vmlinux.lds",
      "arch/s390/kernel/vdso64/vdso64.lds",
      "arch/s390/boot/vmlinux.lds",
    ],
  },
];

const sh = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 26, ...opts });

function tinyObject(t) {
  const dir = join(CORPUS_DIR, "obj");
  mkdirSync(dir, { recursive: true });
  const obj = join(dir, `${t.triple}.o`);
  if (!existsSync(obj)) {
    const src = join(dir, "tiny.s");
    writeFileSync(src, "\t.text\n\t.globl _start\n_start:\n\t.long 0\n");
    const r = sh(t.as, ["-o", obj, src]);
    if (r.status !== 0) throw new Error(`${t.as}: ${r.stderr}`);
  }
  return obj;
}

/** Extract linux-source once; returns the seconds it took (0 when cached). */
function extractLinux() {
  if (existsSync(join(LINUX_DIR, "Makefile"))) return 0;
  const t0 = Date.now();
  mkdirSync(CORPUS_DIR, { recursive: true });
  // Whole: Kconfig sources files from every folder (Documentation, sound/soc...).
  const r = sh("tar", ["xJf", LINUX_TARBALL, "-C", CORPUS_DIR]);
  if (r.status !== 0) throw new Error(`tar: ${r.stderr}`);
  return (Date.now() - t0) / 1000;
}

function kbuild(k) {
  const out = join(CORPUS_DIR, `build-${k.arch}`);
  const done = join(out, ".lds-corpus-done");
  if (existsSync(done)) return { out, seconds: 0 };
  const t0 = Date.now();
  const base = ["-s", "-C", LINUX_DIR, `O=${out}`, `ARCH=${k.arch}`, ...k.make];
  let r = sh("make", [...base, "defconfig"]);
  if (r.status !== 0) throw new Error(`make defconfig ${k.arch}: ${r.stderr.slice(-2000)}`);
  // -k: a target that needs a full build (realmode's pasyms.h) does not stop the others.
  r = sh("make", [...base, "-k", "-j2", ...k.targets]);
  writeFileSync(done, r.stderr);
  return { out, seconds: (Date.now() - t0) / 1000 };
}

function walkFiles(dir, pred, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walkFiles(p, pred, out);
    else if (pred(p)) out.push(p);
  }
  return out;
}

function verboseScripts(t) {
  const dir = join(CORPUS_DIR, "verbose", t.triple);
  mkdirSync(dir, { recursive: true });
  const v = sh(t.ld, ["-V"]).stdout;
  const emuls = v
    .split("\n")
    .slice(v.split("\n").findIndex((l) => /Supported emulations/.test(l)) + 1)
    .map((l) => l.trim())
    .filter((l) => /^[\w.-]+$/.test(l));
  const files = [];
  for (const m of emuls) {
    const file = join(dir, `${m}.lds`);
    if (!existsSync(file)) {
      const out = sh(t.ld, ["-m", m, "--verbose"]).stdout;
      const parts = out.split(/^={50}$/m);
      if (parts.length < 3) continue;
      writeFileSync(file, parts[1].replace(/^\n/, ""));
    }
    files.push({ file, origin: `\`${t.ld} -m ${m} --verbose\`` });
  }
  return files;
}

/** Every script of the corpus, deduplicated by content: { id, file, origin, triple }. */
export function collectCorpus({ log = () => {} } = {}) {
  const timings = {};
  const items = [];
  for (const t of TRIPLES) {
    const dir = `/usr/lib/${t.triple}/ldscripts`;
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort())
      items.push({ file: join(dir, f), origin: `binutils ${dir}/${f}`, triple: t.triple, kind: "binutils" });
    for (const v of verboseScripts(t)) items.push({ ...v, triple: t.triple, kind: "ld --verbose" });
  }
  timings.extract = extractLinux();
  log(`linux-source extracted in ${timings.extract}s`);
  for (const k of KERNEL_ARCHES) {
    const { out, seconds } = kbuild(k);
    timings[`kbuild-${k.arch}`] = seconds;
    log(`kbuild ${k.arch}: ${seconds}s`);
    for (const target of k.targets) {
      const file = join(out, target);
      if (existsSync(file))
        items.push({
          file,
          origin: `linux-source-6.1 ARCH=${k.arch} ${k.make.join(" ")} defconfig: make ${target}`.replace(
            /  +/g,
            " ",
          ),
          triple: k.triple,
          kind: "kbuild",
        });
    }
  }
  for (const file of walkFiles(LINUX_DIR, (p) => p.endsWith(".lds")).sort())
    items.push({
      file,
      origin: `linux-source-6.1 ${relative(LINUX_DIR, file)}`,
      triple: "x86_64-linux-gnu",
      kind: "kernel .lds",
    });
  const byHash = new Map();
  for (const it of items) {
    const h = createHash("sha1").update(readFileSync(it.file)).digest("hex").slice(0, 12);
    const seen = byHash.get(h);
    if (seen) seen.copies++;
    else byHash.set(h, { ...it, id: h, copies: 1 });
  }
  return { scripts: [...byHash.values()], total: items.length, timings };
}

/** The raw *.lds.S of the kernel tree (tolerant mode is measured on them). */
export function rawKernelLdsS() {
  return walkFiles(LINUX_DIR, (p) => p.endsWith(".lds.S")).sort();
}

const newlines = (s) => "\n".repeat((s.match(/\n/g) ?? []).length);
const FATAL_BEFORE_END = [/cannot represent machine `([^']+)'/, /target (\S+) not found/];

/** GNU ld's verdict: { verdict: "accepted" } or { verdict: "syntax error", line, message }. */
export function gnuLd(script, triple) {
  const t = TRIPLES.find((x) => x.triple === triple) ?? TRIPLES[0];
  const obj = tinyObject(t);
  const tmp = join(CORPUS_DIR, "tmp");
  mkdirSync(tmp, { recursive: true });
  const run = (file) => sh(t.ld, ["-T", file, obj, "-o", join(tmp, "a.out")], { cwd: dirname(file) }).stderr;
  let err = run(script);
  let rewritten = false;
  if (FATAL_BEFORE_END.some((re) => re.test(err))) {
    // OUTPUT_ARCH / OUTPUT_FORMAT / TARGET naming a foreign target: same lines, host arguments.
    const text = readFileSync(script, "utf8")
      .replace(/OUTPUT_ARCH\s*\(([^)]*)\)/g, (m) => "OUTPUT_ARCH(i386:x86-64)" + newlines(m))
      .replace(/(OUTPUT_FORMAT|TARGET)\s*\(([^)]*)\)/g, (m, cmd) => `${cmd}(elf64-x86-64)` + newlines(m));
    const copy = join(tmp, "host-target.lds");
    writeFileSync(copy, text);
    err = run(copy).replaceAll(copy, script);
    rewritten = true;
  }
  const lines = err.split("\n");
  const warnings = lines
    .filter((l) => /ignoring invalid character/.test(l))
    .map((l) => Number(/:(\d+): ignoring/.exec(l)?.[1] ?? 0));
  for (const l of lines) {
    const m = /:(\d+): (syntax error.*)$/.exec(l);
    if (m)
      return {
        verdict: "syntax error",
        line: Number(m[1]),
        message: m[2],
        ...(warnings.length ? { invalidCharLines: warnings } : {}),
        ...(rewritten ? { hostTarget: true } : {}),
      };
    if (/EOF in comment/.test(l))
      return {
        verdict: "syntax error",
        line: 0,
        message: "EOF in comment",
        ...(rewritten ? { hostTarget: true } : {}),
      };
  }
  return {
    verdict: "accepted",
    ...(warnings.length ? { invalidCharLines: warnings } : {}),
    ...(rewritten ? { hostTarget: true } : {}),
  };
}

/** ld.lld-19's first error, if any: { accepted } or { error, line? }. */
export function lld(script, triple) {
  const t = TRIPLES.find((x) => x.triple === triple) ?? TRIPLES[0];
  const obj = tinyObject(t);
  const r = sh("ld.lld-19", ["-T", script, obj, "-o", join(CORPUS_DIR, "tmp", "lld.out")], {
    cwd: dirname(script),
  });
  const first = r.stderr.split("\n").find((l) => / error: /.test(l));
  if (!first) return { accepted: true };
  const msg = first.replace(/^.*? error: /, "");
  const m = /^(.*?):(\d+): (.*)$/.exec(msg);
  const clean = (x) => x.replaceAll(script, "<script>").replaceAll(CORPUS_DIR, "<corpus>");
  return m && m[1] === script
    ? { accepted: false, line: Number(m[2]), error: clean(m[3]) }
    : { accepted: false, error: clean(msg) };
}

/** The manifest: each script's origin and the linkers' verdicts. */
export function buildManifest(log = () => {}) {
  const { scripts, total, timings } = collectCorpus({ log });
  const entries = scripts.map((s) => ({
    id: s.id,
    kind: s.kind,
    origin: s.origin,
    copies: s.copies,
    triple: s.triple,
    ld: gnuLd(s.file, s.triple),
    lld: lld(s.file, s.triple),
  }));
  return {
    generated: "node scripts/lds-corpus.mjs --update",
    total,
    unique: entries.length,
    timings,
    entries,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const m = buildManifest((s) => console.log(s));
  if (process.argv.includes("--update")) {
    mkdirSync(dirname(MANIFEST), { recursive: true });
    const { timings, ...stable } = m;
    void timings;
    writeFileSync(MANIFEST, JSON.stringify(stable, null, 1) + "\n");
  }
  const rejected = m.entries.filter((e) => e.ld.verdict !== "accepted").length;
  console.log(
    `${m.unique} unique scripts (${m.total} with copies), GNU ld rejects ${rejected}; ${((Date.now() - t0) / 1000).toFixed(1)}s`,
  );
}

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { discoverPurgatories, type DiscoveryStats } from "../../server/src/core/kbuild/discover";
import { memoryTreeFs } from "../../server/src/core/kbuild/memory-fs";
import { nodeTreeFs } from "../../server/src/core/kbuild/node-fs";
import { repoRoot } from "../helpers";

const P = "arch/x86/purgatory";
const exampleDir = join(repoRoot, "examples", "linux", P);
const OBJS = ["purgatory", "stack", "setup-x86_64", "sha256", "entry64", "string"];
const SRC_EXT: Record<string, string> = {
  purgatory: "c",
  sha256: "c",
  string: "c",
  stack: "S",
  "setup-x86_64": "S",
  entry64: "S",
};

/** The example's sources and Makefile, placed under `root` (a kernel source tree). */
function sourceTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(exampleDir)) {
    if (/\.(c|S|h)$/.test(name) || name === "Makefile")
      files[`${root}/${P}/${name}`] = readFileSync(join(exampleDir, name), "utf8");
  }
  files[`${root}/Makefile`] = "VERSION = 6\n";
  return files;
}

/** An O= build folder: the .cmd files kbuild writes, with sources named by `srcPath`. */
function buildTree(
  build: string,
  srcPath: (file: string) => string,
  topMakefile?: string,
): Record<string, string> {
  const files: Record<string, string> = {};
  const objs = OBJS.map((o) => `${P}/${o}.o`);
  files[`${build}/${P}/.purgatory.ro.cmd`] =
    `savedcmd_${P}/purgatory.ro := ld -m elf_x86_64 -r -e purgatory_start -z nodefaultlib -o ${P}/purgatory.ro ${objs.join(" ")}\n`;
  files[`${build}/${P}/purgatory.ro`] = "\x7fELF";
  for (const o of OBJS) {
    const src = srcPath(`${P}/${o}.${SRC_EXT[o]}`);
    files[`${build}/${P}/.${o}.o.cmd`] =
      `savedcmd_${P}/${o}.o := gcc -nostdinc -I${srcPath(P)} -I ./${P} -mcmodel=large -c -o ${P}/${o}.o ${src}\n`;
    files[`${build}/${P}/${o}.o`] = "\x7fELF";
  }
  if (topMakefile !== undefined) files[`${build}/Makefile`] = topMakefile;
  return files;
}

describe("purgatory discovery", () => {
  it("finds the example tree's in-tree build on disk, with sources, objects and commands", async () => {
    const root = join(repoRoot, "examples");
    const found = await discoverPurgatories(nodeTreeFs, [root]);
    assert.equal(found.length, 1);
    const p = found[0]!;
    const dir = join(root, "linux", P);
    assert.equal(p.object, join(dir, "purgatory.ro"));
    assert.equal(p.objectExists, true);
    assert.equal(p.dir, dir);
    assert.equal(p.srcDir, dir);
    assert.equal(p.objTree, join(root, "linux"));
    assert.equal(p.srcTree, join(root, "linux"));
    assert.equal(p.buildDir, undefined);
    assert.equal(p.makefile, join(dir, "Makefile"));
    assert.equal(p.cmdFile, join(dir, ".purgatory.ro.cmd"));
    // The Makefile links without -T; the script in the folder is found as the fallback.
    assert.equal(p.linkerScript, join(dir, "purgatory.lds.S"));
    assert.deepEqual(
      p.objects,
      OBJS.map((o) => join(dir, `${o}.o`)),
    );
    assert.deepEqual(
      p.sources,
      OBJS.map((o) => join(dir, `${o}.${SRC_EXT[o]}`)),
    );
    assert.equal(p.link?.entry, "purgatory_start");
    assert.equal(p.compiles[join(dir, "purgatory.o")]?.codeModel, "large");
    assert.equal(Object.keys(p.compiles).length, 6);
    assert.deepEqual(p.notes, []);
  });

  it("maps O= build folders back to the source tree (absolute, relative, and via the top Makefile)", async () => {
    const fs = memoryTreeFs({
      ...sourceTree("/ws/linux"),
      ...buildTree("/ws/out/abs", (f) => `/ws/linux/${f}`),
      ...buildTree("/ws/linux/build", (f) => `../${f}`), // kbuild writes ".." when O= is inside srctree
      // Sources not under a recognisable path: found through "include <srctree>/Makefile".
      ...buildTree(
        "/ws/out/mk",
        (f) => `/elsewhere/${f}`.replace(`/elsewhere/${P}/`, "/ws/other/"),
        "include /ws/linux/Makefile\n",
      ),
    });
    const found = await discoverPurgatories(fs, ["/ws"]);
    assert.deepEqual(
      found.map((p) => p.dir),
      [
        `/ws/linux/${P}`, // the source tree's own purgatory, not built in-tree
        `/ws/linux/build/${P}`,
        `/ws/out/abs/${P}`,
        `/ws/out/mk/${P}`,
      ],
    );
    const [src, rel, abs, mk] = found;
    assert.equal(src!.objectExists, false);
    assert.equal(src!.link, undefined);
    assert.deepEqual(
      src!.sources,
      OBJS.map((o) => `/ws/linux/${P}/${o}.${SRC_EXT[o]}`),
    );
    assert.deepEqual(
      src!.objects,
      OBJS.map((o) => `/ws/linux/${P}/${o}.o`),
    );
    for (const b of [rel!, abs!]) {
      assert.equal(b.srcDir, `/ws/linux/${P}`);
      assert.equal(b.makefile, `/ws/linux/${P}/Makefile`);
      assert.deepEqual(b.sources, src!.sources);
      assert.deepEqual(
        b.objects,
        OBJS.map((o) => `${b.dir}/${o}.o`),
      );
      assert.equal(b.link?.relocatable, true);
    }
    assert.equal(abs!.buildDir, "/ws/out/abs");
    assert.equal(rel!.buildDir, "/ws/linux/build");
    // The compile's source and -I folder do not exist: the top Makefile's include names the tree.
    assert.equal(mk!.srcTree, "/ws/linux");
    assert.equal(mk!.buildDir, "/ws/out/mk");
    assert.equal(mk!.makefile, `/ws/linux/${P}/Makefile`);
  });

  it("uses the top Makefile of the build folder when nothing else names the source tree", async () => {
    const files = buildTree(
      "/b",
      (f) => f,
      "# Automatically generated by /src/Makefile: don't edit\ninclude /src/Makefile\n",
    );
    const fs = memoryTreeFs({ ...sourceTree("/src"), ...files });
    const found = await discoverPurgatories(fs, ["/b"]);
    assert.equal(found.length, 1);
    // Relative sources resolve into the build folder, which has none: the top Makefile names the tree.
    assert.equal(found[0]!.srcTree, "/src");
    assert.deepEqual(
      found[0]!.sources,
      OBJS.map((o) => `/b/${P}/${o}.${SRC_EXT[o]}`),
    ); // as recorded
    const mk = await discoverPurgatories(
      memoryTreeFs({
        ...sourceTree("/src"),
        ...Object.fromEntries(
          Object.entries(files).map(([k, v]) => [
            k,
            v
              .replace(/ -I\S+ -I \S+/, "")
              .replace(/ arch\/x86\/purgatory\/\w+[\w-]*\.(c|S)\n/, " /nowhere/x.c\n"),
          ]),
        ),
      }),
      ["/b"],
    );
    assert.equal(mk[0]!.srcTree, "/src");
    assert.equal(mk[0]!.buildDir, "/b");
  });

  it("takes the linker script from -T, else from a *.lds.S next to the sources; honours extraGlobs", async () => {
    const fs = memoryTreeFs({
      "/k/a/purgatory/.purgatory.ro.cmd":
        "savedcmd_a/purgatory/purgatory.ro := ld -r -T a/purgatory/p.lds -o a/purgatory/purgatory.ro a/purgatory/x.o\n",
      "/k/a/purgatory/.x.o.cmd": "savedcmd_a/purgatory/x.o := gcc -c -o a/purgatory/x.o a/purgatory/x.c\n",
      "/k/a/purgatory/x.c": "int x;\n",
      "/s/purgatory/Makefile": "purgatory-y := head.o\n",
      "/s/purgatory/head.S": "\n",
      "/s/purgatory/purgatory.lds.S": "\n",
      "/s/purgatory/kexec-purgatory.ro": "",
      "/s/node_modules/purgatory/purgatory.ro": "",
      "/s/.git/purgatory/purgatory.ro": "",
      "/s/other/Makefile": "purgatory-y := no.o\n", // not in a folder named purgatory
      "/s/x/purgatory/Makefile": "obj-y += unrelated.o\n", // not the purgatory's Makefile
    });
    const [k] = await discoverPurgatories(fs, ["/k"]);
    assert.equal(k!.linkerScript, "/k/a/purgatory/p.lds");
    assert.deepEqual(k!.sources, ["/k/a/purgatory/x.c"]);
    const s = await discoverPurgatories(fs, ["/s"], { extraGlobs: ["**/kexec-*.ro"] });
    assert.deepEqual(
      s.map((p) => p.object),
      ["/s/purgatory/kexec-purgatory.ro", "/s/purgatory/purgatory.ro"],
    );
    assert.equal(s[1]!.linkerScript, "/s/purgatory/purgatory.lds.S");
    assert.deepEqual(s[1]!.sources, ["/s/purgatory/head.S"]);
  });

  it("follows s390's objcopy to the linker-script link, and takes the .lds.S the script comes from", async () => {
    const d = "/k/arch/s390/purgatory";
    const fs = memoryTreeFs({
      [`${d}/.purgatory.ro.cmd`]:
        "savedcmd_arch/s390/purgatory/purgatory.ro := objcopy -O elf64-s390 --remove-section='*debug*' arch/s390/purgatory/purgatory arch/s390/purgatory/purgatory.ro\n",
      [`${d}/.purgatory.cmd`]:
        "savedcmd_arch/s390/purgatory/purgatory := ld -r -T arch/s390/purgatory/purgatory.lds arch/s390/purgatory/head.o arch/s390/purgatory/purgatory.o -o arch/s390/purgatory/purgatory\n",
      [`${d}/.head.o.cmd`]:
        "savedcmd_arch/s390/purgatory/head.o := gcc -c -o arch/s390/purgatory/head.o arch/s390/purgatory/head.S\n",
      [`${d}/.purgatory.o.cmd`]:
        "savedcmd_arch/s390/purgatory/purgatory.o := gcc -c -o arch/s390/purgatory/purgatory.o arch/s390/purgatory/purgatory.c\n",
      [`${d}/head.S`]: "\n",
      [`${d}/purgatory.c`]: "\n",
      [`${d}/purgatory.lds`]: "\n",
      [`${d}/purgatory.lds.S`]: "\n",
      [`${d}/purgatory.ro`]: "",
      [`${d}/Makefile`]: "purgatory-y := head.o purgatory.o\n",
    });
    const [p] = await discoverPurgatories(fs, ["/k"]);
    assert.equal(p!.cmdFile, `${d}/.purgatory.cmd`);
    assert.deepEqual(p!.objects, [`${d}/head.o`, `${d}/purgatory.o`]);
    assert.deepEqual(p!.sources, [`${d}/head.S`, `${d}/purgatory.c`]);
    assert.equal(p!.linkerScript, `${d}/purgatory.lds.S`);
    assert.equal(p!.objTree, "/k");
  });

  it("lists powerpc's objects from the purgatory.ro rule when nothing is built", async () => {
    const d = "/k/arch/powerpc/purgatory";
    const fs = memoryTreeFs({
      [`${d}/Makefile`]:
        "targets += trampoline_$(BITS).o purgatory.ro\nLDFLAGS_purgatory.ro := -e purgatory_start -r --no-undefined\n\n$(obj)/purgatory.ro: $(obj)/trampoline_$(BITS).o FORCE\n\t$(call if_changed,ld)\n",
      [`${d}/trampoline_64.S`]: "\n",
    });
    const [p] = await discoverPurgatories(fs, ["/k"]);
    assert.equal(p!.objectExists, false);
    assert.deepEqual(p!.objects, [`${d}/trampoline_64.o`]);
    assert.deepEqual(p!.sources, [`${d}/trampoline_64.S`]);
  });

  it("stops at maxFiles and when cancelled", async () => {
    const files: Record<string, string> = sourceTree("/t");
    for (let i = 0; i < 100; i++) for (let k = 0; k < 20; k++) files[`/t/a${i}/f${k}`] = "";
    const stats: DiscoveryStats = { entries: 0, dirs: 0, truncated: false, cancelled: false };
    // The bound is checked after each batch of 32 folders read in parallel.
    const r0 = await discoverPurgatories(memoryTreeFs(files), ["/t"], { maxFiles: 100, stats });
    assert.equal(stats.truncated, true);
    assert.ok(stats.entries < 1000, `${stats.entries}`);
    assert.deepEqual(r0, []); // the purgatory four levels down was never reached
    const cancelled: DiscoveryStats = { entries: 0, dirs: 0, truncated: false, cancelled: false };
    const r = await discoverPurgatories(memoryTreeFs(files), ["/t"], {
      signal: { cancelled: true },
      stats: cancelled,
    });
    assert.deepEqual(r, []);
    assert.equal(cancelled.cancelled, true);
  });

  it("finds 10 build folders and the source purgatory in an 80,000-entry tree, fast", async () => {
    const files: Record<string, string> = sourceTree("/ws/linux");
    for (let b = 0; b < 10; b++)
      Object.assign(
        files,
        buildTree(`/ws/builds/b${b}`, (f) => (b % 2 ? `/ws/linux/${f}` : `../../linux/${f}`)),
      );
    // Filler shaped like a kernel tree: 40 top folders x 40 subfolders x ~50 files, in source and builds.
    let n = Object.keys(files).length;
    for (let t = 0; n < 80_000; t++) {
      for (let s = 0; s < 40 && n < 80_000; s++) {
        const base = t % 3 === 0 ? `/ws/builds/b${t % 10}` : "/ws/linux";
        for (let f = 0; f < 50 && n < 80_000; f++, n++) files[`${base}/dir${t}/sub${s}/file${f}.c`] = "";
      }
    }
    files["/ws/linux/.git/objects/purgatory.ro"] = "";
    const fs = memoryTreeFs(files);
    const stats: DiscoveryStats = { entries: 0, dirs: 0, truncated: false, cancelled: false };
    const t0 = performance.now();
    const found = await discoverPurgatories(fs, ["/ws"], { stats });
    const ms = performance.now() - t0;
    console.log(
      `discovery: ${Object.keys(files).length} files, ${stats.entries} entries, ${stats.dirs} folders: ${ms.toFixed(1)} ms`,
    );
    assert.equal(found.length, 11);
    assert.equal(found.filter((p) => p.buildDir !== undefined).length, 10);
    for (const p of found) assert.equal(p.srcDir, `/ws/linux/${P}`);
    assert.ok(
      found
        .filter((p) => p.buildDir)
        .every((p) => p.sources.length === 6 && p.makefile === `/ws/linux/${P}/Makefile`),
    );
    assert.equal(stats.truncated, false);
  });
});

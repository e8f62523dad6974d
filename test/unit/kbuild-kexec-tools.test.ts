// kexec-tools trees: recognised by their own files, built in place or in a configured build folder,
// the release read from configure.ac, and the sources and objects listed by the purgatory Makefiles.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { discoverPurgatories } from "../../server/src/core/kbuild/discover";
import { kexecToolsRelease, kexecToolsVersionText } from "../../server/src/core/kbuild/kexec-tools-tree";
import { memoryTreeFs } from "../../server/src/core/kbuild/memory-fs";
import { nodeTreeFs } from "../../server/src/core/kbuild/node-fs";
import { modelledRelease } from "../../server/src/lsp/kexec-tools";
import { copyTree } from "../helpers";

/** The stand-in tree, with the sources it takes from test/fixtures/kexec-tools/src. */
const TREE = copyTree("kexec-tools");
after(() => rmSync(TREE, { recursive: true, force: true }));
const fixture = (rel: string) => readFileSync(join(TREE, rel), "utf8");

/** The stand-in tree's source files under `root`, configure.ac with `acInit`, nothing built. */
function sourceTree(root: string, acInit = "AC_INIT([kexec-tools],[2.0.27.git])"): Record<string, string> {
  const files: Record<string, string> = {};
  for (const rel of [
    "kexec/kexec-elf-rel.c",
    "purgatory/Makefile",
    "purgatory/arch/x86_64/Makefile",
    "purgatory/purgatory.c",
    "purgatory/arch/x86_64/entry64.S",
    "purgatory/arch/x86_64/purgatory-x86_64.c",
  ])
    files[`${root}/${rel}`] = fixture(rel);
  files[`${root}/configure.ac`] = `dnl configure.ac\n${acInit}\nAC_PROG_CC\n`;
  return files;
}

/** What configure writes into the folder it runs in (only the lines discovery reads). */
const configured = (srcdir: string, arch = "x86_64") =>
  `PACKAGE_NAME\t= kexec-tools\nARCH\t\t= ${arch}\nsrcdir\t\t= ${srcdir}\n`;

const ELF_X86_64 = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, ...Array(11).fill(0), 62, 0]);

describe("kexec-tools trees", () => {
  it("reads AC_INIT in both quotings, and the release a -git version names", () => {
    assert.equal(kexecToolsVersionText("AC_INIT(kexec-tools, 2.0.25)\n"), "2.0.25");
    assert.equal(kexecToolsVersionText("dnl x\nAC_INIT([kexec-tools],[2.0.32.git])\n"), "2.0.32.git");
    assert.equal(kexecToolsVersionText("AC_INIT([busybox],[1.36])\n"), undefined);
    assert.equal(kexecToolsRelease("2.0.32.git"), "2.0.32");
    assert.equal(kexecToolsRelease("2.0.29-rc1"), "2.0.29");
    assert.equal(kexecToolsRelease("git"), undefined);
  });

  it("finds the stand-in tree, built in place, with both Makefiles, its sources and objects", async () => {
    const [p, ...rest] = await discoverPurgatories(nodeTreeFs, [TREE]);
    assert.equal(rest.length, 0);
    assert.ok(p);
    assert.equal(p.object, join(TREE, "purgatory/purgatory.ro"));
    assert.equal(p.objectExists, true);
    assert.equal(p.makefile, join(TREE, "purgatory/Makefile"));
    assert.deepEqual(p.extraMakefiles, [join(TREE, "purgatory/arch/x86_64/Makefile")]);
    assert.deepEqual(
      p.sources.map((s) => s.slice(TREE.length + 1)),
      [
        "purgatory/purgatory.c",
        "purgatory/arch/x86_64/entry64.S",
        "purgatory/arch/x86_64/purgatory-x86_64.c",
      ],
    );
    assert.deepEqual(
      p.objects.map((s) => s.slice(TREE.length + 1)),
      [
        "purgatory/purgatory.o",
        "purgatory/arch/x86_64/entry64.o",
        "purgatory/arch/x86_64/purgatory-x86_64.o",
      ],
    );
    assert.deepEqual(p.kexecTools, {
      srcRoot: TREE,
      buildRoot: TREE,
      versionText: "2.0.27.git",
      release: "2.0.27",
      arch: "x86_64",
    });
    assert.equal(p.buildDir, undefined);
    assert.deepEqual(p.notes, []);
  });

  it("follows a configured build folder to its source tree, and drops the unbuilt source purgatory", async () => {
    const fs = memoryTreeFs({
      ...sourceTree("/w/kexec-tools"),
      "/w/build/Makefile": configured("../kexec-tools"),
      "/w/build/purgatory/purgatory.ro": ELF_X86_64,
    });
    const found = await discoverPurgatories(fs, ["/w"]);
    assert.deepEqual(
      found.map((p) => p.object),
      ["/w/build/purgatory/purgatory.ro"],
    );
    const p = found[0]!;
    assert.equal(p.buildDir, "/w/build");
    assert.equal(p.makefile, "/w/kexec-tools/purgatory/Makefile");
    assert.equal(p.sources[0], "/w/kexec-tools/purgatory/purgatory.c");
    assert.equal(p.objects[0], "/w/build/purgatory/purgatory.o");
    assert.equal(p.kexecTools?.srcRoot, "/w/kexec-tools");
  });

  it("takes ARCH from the object's e_machine when no configured Makefile says it", async () => {
    const fs = memoryTreeFs({ ...sourceTree("/k"), "/k/purgatory/purgatory.ro": ELF_X86_64 });
    const [p] = await discoverPurgatories(fs, ["/k"]);
    assert.equal(p?.kexecTools?.arch, "x86_64");
    assert.deepEqual(p?.extraMakefiles, ["/k/purgatory/arch/x86_64/Makefile"]);
  });

  it("says so when neither tells the architecture: only purgatory/Makefile is read", async () => {
    const [p] = await discoverPurgatories(memoryTreeFs(sourceTree("/k")), ["/k"]);
    assert.equal(p?.objectExists, false);
    assert.equal(p?.extraMakefiles, undefined);
    assert.deepEqual(
      p?.sources.map((s) => s.slice(3)),
      ["purgatory/purgatory.c"],
    );
    assert.match(p?.notes.join("\n") ?? "", /which ARCH/);
  });

  it("is not fooled by a purgatory folder without kexec-tools' loader, or another package's configure.ac", async () => {
    const noLoader = sourceTree("/a");
    delete noLoader["/a/kexec/kexec-elf-rel.c"];
    const other = sourceTree("/b", "AC_INIT([not-kexec],[1.0])");
    const found = await discoverPurgatories(memoryTreeFs({ ...noLoader, ...other }), ["/a", "/b"]);
    // Both still mention purgatory.ro, so the kernel-tree reading applies: no kexec-tools tree.
    assert.equal(found.length, 2);
    assert.ok(found.every((p) => p.kexecTools === undefined));
  });

  it("models the tree's release, or the nearest modelled one with the core's message", () => {
    assert.deepEqual(modelledRelease("2.0.27", "2.0.27.git"), { label: "2.0.27" });
    const newer = modelledRelease("2.0.40", "2.0.40.git");
    assert.equal(newer.label, "2.0.32");
    assert.match(
      newer.note ?? "",
      /kexec-tools 2\.0\.40 is not modelled \(2\.0\.10 to 2\.0\.32\): simulated as kexec-tools 2\.0\.32/,
    );
    assert.equal(modelledRelease("2.0.9", "2.0.9").label, "2.0.10");
    assert.match(
      modelledRelease(undefined, "git").note ?? "",
      /configure\.ac says "git": simulated as kexec-tools 2\.0\.32/,
    );
  });
});

// The tree's own kernel release (kbuild/release.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { discoverPurgatories } from "../../server/src/core/kbuild/discover";
import { memoryTreeFs } from "../../server/src/core/kbuild/memory-fs";
import {
  chooseKernel,
  describeKernel,
  findTreeRelease,
  findTreeReleaseSync,
  kernelForRelease,
  makefileRelease,
  treeRelease,
  utsRelease,
} from "../../server/src/core/kbuild/release";
import { kernelModel } from "../../server/src/core/kexec/kernel";

const TOP = (v: string, p: string, s: string, e = "") =>
  `# SPDX\nVERSION = ${v}\nPATCHLEVEL = ${p}\nSUBLEVEL = ${s}\nEXTRAVERSION =${e ? ` ${e}` : ""}\nNAME = x\n`;

describe("the tree's kernel release", () => {
  it("reads VERSION, PATCHLEVEL, SUBLEVEL and EXTRAVERSION as kbuild joins them", () => {
    assert.equal(makefileRelease(TOP("6", "8", "6")), "6.8.6");
    assert.equal(makefileRelease(TOP("6", "9", "0", "-rc3")), "6.9.0-rc3");
    assert.equal(makefileRelease("VERSION = 5\nPATCHLEVEL = 10\nSUBLEVEL =\n"), "5.10");
    // kbuild's generated O= stub and other Makefiles are not kernel top-level Makefiles.
    assert.equal(makefileRelease("include /src/linux/Makefile\n"), undefined);
    assert.equal(makefileRelease("VERSION := $(shell git describe)\nPATCHLEVEL = 1\n"), undefined);
    assert.equal(utsRelease('#define UTS_RELEASE "6.8.6-arch1-1"\n'), "6.8.6-arch1-1");
  });

  it("prefers include/config/kernel.release, then utsrelease.h, then the Makefile", async () => {
    const fs = memoryTreeFs({
      "/b/Makefile": TOP("6", "8", "6"),
      "/b/include/generated/utsrelease.h": '#define UTS_RELEASE "6.8.6-uts"\n',
      "/b/include/config/kernel.release": "6.8.6-local\n",
      "/c/Makefile": TOP("6", "8", "6"),
      "/c/include/generated/utsrelease.h": '#define UTS_RELEASE "6.8.6-uts"\n',
      "/d/Makefile": TOP("6", "1", "35"),
    });
    assert.deepEqual(await treeRelease(fs, "/b"), {
      release: "6.8.6-local",
      source: "include/config/kernel.release",
      path: "/b/include/config/kernel.release",
      root: "/b",
    });
    assert.equal((await treeRelease(fs, "/c"))?.source, "utsrelease.h");
    assert.equal((await treeRelease(fs, "/d"))?.release, "6.1.35");
    assert.equal(await treeRelease(fs, "/nowhere"), undefined);
  });

  it("walks up from an object to its tree, on a TreeFs and synchronously", async () => {
    const files = {
      "/src/linux/Makefile": TOP("6", "8", "6"),
      "/src/linux/arch/x86/purgatory/Makefile": "purgatory-y := purgatory.o\n",
      "/src/linux/arch/x86/purgatory/purgatory.ro": "",
    };
    const fs = memoryTreeFs(files);
    const found = await findTreeRelease(fs, "/src/linux/arch/x86/purgatory");
    assert.equal(found?.release, "6.8.6");
    assert.equal(found?.root, "/src/linux");
    const sync = findTreeReleaseSync(
      (p) => (p in files ? files[p as keyof typeof files] : undefined),
      "/src/linux/arch/x86/purgatory",
    );
    assert.deepEqual(sync, found);
    assert.equal(await findTreeRelease(memoryTreeFs({ "/x/y/z.c": "" }), "/x/y"), undefined);
  });

  it("gives discovery the build folder's release before the source tree's", async () => {
    const P = "arch/x86/purgatory";
    const fs = memoryTreeFs({
      "/src/Makefile": TOP("6", "8", "6"),
      [`/src/${P}/Makefile`]: "purgatory-y := purgatory.o\n",
      [`/src/${P}/purgatory.c`]: "int x;\n",
      "/out/Makefile": "include /src/Makefile\n",
      "/out/include/config/kernel.release": "6.8.7-rc1\n",
      [`/out/${P}/purgatory.ro`]: "",
      [`/out/${P}/.purgatory.ro.cmd`]: `savedcmd_${P}/purgatory.ro := ld -r -o ${P}/purgatory.ro ${P}/purgatory.o\n`,
      [`/out/${P}/.purgatory.o.cmd`]: `savedcmd_${P}/purgatory.o := gcc -c -o ${P}/purgatory.o /src/${P}/purgatory.c\n`,
    });
    const found = await discoverPurgatories(fs, ["/src", "/out"]);
    const built = found.find((d) => d.object === `/out/${P}/purgatory.ro`);
    const source = found.find((d) => d.object === `/src/${P}/purgatory.ro`);
    assert.equal(built?.release?.release, "6.8.7-rc1");
    assert.equal(built?.release?.source, "include/config/kernel.release");
    assert.equal(source?.release?.release, "6.8.6");
  });

  it("maps releases to the modelled ones, and outside the range to the nearest era with a warning", () => {
    const at = (release: string) => ({
      release,
      source: "Makefile" as const,
      path: "/t/Makefile",
      root: "/t",
    });
    const c = kernelForRelease(at("6.8.6"));
    assert.deepEqual(c, { kernel: "6.8.6", source: "Makefile", path: "/t/Makefile" });
    assert.equal(kernelModel(c.kernel).era, "E2");
    // The stable-backport table still applies to the tree's point release.
    assert.equal(kernelModel(kernelForRelease(at("6.1.165")).kernel).era, "E3");
    const newer = kernelForRelease(at("8.1.2"));
    assert.equal(newer.kernel, "7.2");
    assert.match(
      newer.warning!,
      /kernel 8\.1\.2 \(from Makefile\) is newer than the newest modelled release, 7\.2/,
    );
    const older = kernelForRelease(at("3.10.0"));
    assert.equal(older.kernel, "3.17");
    assert.match(older.warning!, /predates kexec_file_load/);
    assert.equal(describeKernel("7.2", newer), "kernel 7.2 (from Makefile, nearest to 8.1.2)");
    assert.match(kernelForRelease(at("banana")).warning!, /not a kernel release/);
  });

  it("lets the setting or --kernel win, and says so when there is no tree", () => {
    const found = { release: "6.8.6", source: "Makefile" as const, path: "/t/Makefile", root: "/t" };
    assert.deepEqual(chooseKernel({ kernel: "5.10", source: "--kernel" }, found), {
      kernel: "5.10",
      source: "--kernel",
    });
    assert.equal(describeKernel("6.8.6", chooseKernel(undefined, found)), "kernel 6.8.6 (from Makefile)");
    const none = chooseKernel(undefined, undefined, "/x");
    assert.equal(none.kernel, "7.2");
    assert.match(none.warning!, /no kernel tree found above \/x/);
    assert.equal(describeKernel("7.2", none), "kernel 7.2 (newest modelled, no kernel tree found)");
  });
});

// The language server's pieces for editors other than VS Code: position encodings, the settings an
// editor sends, the simulate command line, and the server's own watch of the build's folders.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { simulateCommandLine } from "../../server/src/lsp/command-line";
import { negotiateEncoding, PositionCodec, utf16Column, utf8Column } from "../../server/src/lsp/encoding";
import { normaliseSettings, sectionGiven, settingsGiven } from "../../server/src/lsp/settings";
import { classify, TreeWatcher, type ChangeKind } from "../../server/src/lsp/watcher";

describe("position encodings", () => {
  const line = '\t/* π→😀 */ asm("movl $sym");';
  it("converts UTF-16 columns to UTF-8 bytes and back, for 1- to 4-byte characters", () => {
    for (let i = 0; i <= line.length; i++) {
      if (i > 0 && /[\uDC00-\uDFFF]/.test(line[i]!)) continue; // inside a surrogate pair
      const bytes = utf8Column(line, i);
      assert.equal(bytes, Buffer.byteLength(line.slice(0, i)));
      assert.equal(utf16Column(line, bytes), i);
    }
    // Past the end of the line, columns carry on one to one (the client's cursor after the text).
    assert.equal(utf8Column("é", 3), 4);
    assert.equal(utf16Column("é", 4), 3);
  });

  it("takes the client's first choice it serves, and UTF-16 otherwise", () => {
    assert.deepEqual(negotiateEncoding({}), { encoding: "utf-16" });
    assert.deepEqual(negotiateEncoding({ general: { positionEncodings: ["utf-32", "utf-8"] } }), {
      encoding: "utf-8",
      via: "positionEncoding",
    });
    assert.deepEqual(negotiateEncoding({ general: { positionEncodings: ["utf-16", "utf-8"] } }), {
      encoding: "utf-16",
      via: "positionEncoding",
    });
    assert.deepEqual(negotiateEncoding({ general: { positionEncodings: ["utf-32"] } }).encoding, "utf-16");
    assert.deepEqual(negotiateEncoding({ offsetEncoding: ["utf-8"] } as never), {
      encoding: "utf-8",
      via: "offsetEncoding",
    });
  });

  it("leaves positions alone in UTF-16 and when the line is unknown", () => {
    const codec = new PositionCodec("utf-8", (_uri, l) => (l === 0 ? "π x" : undefined));
    assert.deepEqual(codec.out("file:///a", { line: 0, character: 2 }), { line: 0, character: 3 });
    assert.deepEqual(codec.in("file:///a", { line: 0, character: 3 }), { line: 0, character: 2 });
    assert.deepEqual(codec.out("file:///a", { line: 5, character: 2 }), { line: 5, character: 2 });
    const same = new PositionCodec("utf-16", () => "π x");
    assert.deepEqual(same.out("file:///a", { line: 0, character: 2 }), { line: 0, character: 2 });
  });
});

describe("settings from editors without VS Code's settings", () => {
  it("reads the VS Code names nested or dotted, and nothing else", () => {
    assert.deepEqual(settingsGiven({ purgatoryLens: { kernelVersion: "6.8", bogus: 1 } }), {
      kernelVersion: "6.8",
    });
    assert.deepEqual(settingsGiven({ "purgatoryLens.ramSize": "16G", trusted: true }), { ramSize: "16G" });
    assert.deepEqual(settingsGiven(null), {});
    assert.deepEqual(settingsGiven([]), {});
    assert.deepEqual(settingsGiven({ purgatoryLens: [] }), {}); // an empty Lua table, as Neovim encodes it
  });

  it("lets a configuration answer override only the names it gives", () => {
    const merged = normaliseSettings({
      ...settingsGiven({ purgatoryLens: { kernelVersion: "6.8", ramSize: "16G" } }),
      ...sectionGiven({ ramSize: "8G", kernelVersion: null }),
    });
    assert.equal(merged.kernelVersion, "6.8");
    assert.equal(merged.ramSize, "8G");
    assert.deepEqual(sectionGiven(null), {});
    assert.deepEqual(sectionGiven("6.8"), {});
  });
});

describe("the simulate command line for editors without the section map", () => {
  const object = "/src/linux/arch/x86/purgatory/purgatory.ro";
  it("repeats the options the server simulated with, relative to the workspace", () => {
    assert.equal(
      simulateCommandLine(object, { kernel: "6.8", ramSize: 11n << 30n }, "/src/linux"),
      "purgatory-lens simulate arch/x86/purgatory/purgatory.ro --kernel 6.8 --ram 11G --relocs",
    );
    assert.equal(
      simulateCommandLine(object, { loads: [0x100000n, 0x2ffffc000n], ramSize: 11n << 30n, arch: "x86_64" }),
      `purgatory-lens simulate ${object} --arch x86_64 --load 0x100000 --load 0x2ffffc000 --relocs`,
    );
    assert.equal(
      simulateCommandLine("/k/purgatory/purgatory.ro", { loader: "kexec-tools", kexecTools: "2.0.23" }, "/k"),
      "purgatory-lens simulate purgatory/purgatory.ro --loader kexec-tools --kexec-tools 2.0.23 --relocs",
    );
  });

  it("quotes paths the shell would split, and keeps paths outside the workspace absolute", () => {
    assert.equal(
      simulateCommandLine("/home/me/my tree/p's.ro", {}, "/src"),
      `purgatory-lens simulate '/home/me/my tree/p'\\''s.ro' --relocs`,
    );
  });
});

describe("the server's own watch of a build's folders", () => {
  it("classifies the names a build writes", () => {
    const kinds: [string, ChangeKind | undefined][] = [
      ["purgatory.ro", "object"],
      ["sha256.o", "object"],
      ["Makefile", "build-input"],
      ["Kbuild", "build-input"],
      [".purgatory.ro.cmd", "build-input"],
      ["purgatory.lds.S", "build-input"],
      ["purgatory.lds", "build-input"],
      ["configure.ac", "build-input"],
      ["purgatory.c", "source"],
      ["entry64.S", "source"],
      ["purgatory.ro.tmp123", undefined],
      [".purgatory.o.d", undefined],
      ["README", undefined],
    ];
    for (const [name, kind] of kinds) assert.equal(classify(name), kind, name);
  });

  it("reports a rebuilt object, and a folder that did not exist when it appears", async () => {
    const root = mkdtempSync(join(tmpdir(), "pl-watch-"));
    const seen: [string, ChangeKind][] = [];
    let wake: () => void = () => undefined;
    const watcher = new TreeWatcher(
      (path, kind) => {
        seen.push([path, kind]);
        wake();
      },
      () => undefined,
    );
    const until = (check: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out: ${JSON.stringify(seen)}`)), 5000);
        const test = () => (check() ? (clearTimeout(timer), resolve()) : (wake = test));
        test();
      });
    try {
      mkdirSync(join(root, "purgatory"));
      const build = join(root, "build", "arch", "x86", "purgatory"); // an O= build not run yet
      watcher.watchDirs([join(root, "purgatory"), build]);
      assert.deepEqual([...watcher.watchedDirs].sort(), [root, join(root, "purgatory")].sort());
      writeFileSync(join(root, "purgatory", "purgatory.ro"), "x");
      await until(() =>
        seen.some(([p, k]) => p === join(root, "purgatory", "purgatory.ro") && k === "object"),
      );
      // A build creates the folders one at a time, each after the watch moved down to its parent.
      for (const d of ["build", "build/arch", "build/arch/x86", "build/arch/x86/purgatory"]) {
        mkdirSync(join(root, d));
        await until(() => watcher.watchedDirs.includes(join(root, d)));
      }
      writeFileSync(join(build, ".purgatory.ro.cmd"), "savedcmd_x := ld -r");
      await until(() => seen.some(([p, k]) => p === join(build, ".purgatory.ro.cmd") && k === "build-input"));
      assert.ok(!watcher.watchedDirs.includes(root), "the stand-in parent is dropped once the folder exists");
    } finally {
      watcher.dispose();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

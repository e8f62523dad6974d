// The committed objects must still come out of their build scripts: each script runs on a copy of
// its sources in a scratch tree, and the rebuilt objects must have the same shape (sections and
// relocation types) as the committed ones -- and the same bytes when the tools are the same versions
// (x86_64, whose manifest records them), always for the edge objects and the s390x, riscv64 and
// ppc64 fixtures (Debian's cross compilers). A missing cross compiler skips its architecture.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readElf, readRelocations } from "../../server/src/core/elf/reader";
import { sectionTypeName, SHT_REL, SHT_RELA } from "../../server/src/core/elf/constants";
import { repoRoot } from "../helpers";
import { CROSS_ARCHES, missing, type CrossArch } from "./objects";

interface ManifestEntry {
  file: string;
  sha256: string;
  compilerVersion: string;
  linkerVersion: string;
  sections: { name: string; type: string; flags: string; align: number; size: number }[];
  relocationTotals: Record<string, number>;
}

const scratch = mkdtempSync(join(tmpdir(), "pl-rebuild-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function copy(rel: string, filter: (src: string) => boolean = () => true): void {
  cpSync(join(repoRoot, rel), join(scratch, rel), { recursive: true, filter });
}

/** Section and relocation facts read by our reader (the readelf tier checks the reader itself). */
function shape(bytes: Uint8Array): string[] {
  const elf = readElf(bytes);
  const out = elf.sections.map(
    (s) => `${s.name} ${sectionTypeName(s.sh_type)} ${s.sh_flags} ${s.sh_addralign} ${s.sh_size}`,
  );
  for (const s of elf.sections) {
    if (s.sh_type !== SHT_RELA && s.sh_type !== SHT_REL) continue;
    const types = readRelocations(elf, s.index).map((r) => r.type);
    out.push(`${s.name}: ${types.join(",")}`);
  }
  return out;
}

describe("x86_64 fixtures rebuild from their sources", () => {
  // Sources only: the objects and command files are what the script must recreate.
  copy("examples/linux/arch/x86/purgatory", (src) => !/\.(o|ro|cmd)$/.test(src));
  copy("test/fixtures/x86_64/build.sh");
  copy("test/fixtures/x86_64/manifest.mjs");
  const run = spawnSync("bash", [join(scratch, "test/fixtures/x86_64/build.sh")], { encoding: "utf8" });
  const committed: ManifestEntry[] = JSON.parse(
    readFileSync(join(repoRoot, "test/fixtures/x86_64/manifest.json"), "utf8"),
  ).objects;

  it("the build script succeeds", () => assert.equal(run.status, 0, run.stderr));

  for (const entry of committed) {
    it(entry.file.replace(/^(\.\.\/)+/, ""), () => {
      const base = join(repoRoot, "test/fixtures/x86_64");
      const ours = readFileSync(join(base, entry.file));
      const rebuilt = readFileSync(join(scratch, "test/fixtures/x86_64", entry.file));
      assert.deepEqual(shape(rebuilt), shape(ours), "section and relocation shape");
      const rebuiltManifest: ManifestEntry[] = JSON.parse(
        readFileSync(join(scratch, "test/fixtures/x86_64/manifest.json"), "utf8"),
      ).objects;
      const now = rebuiltManifest.find((e) => e.file === entry.file)!;
      if (now.compilerVersion === entry.compilerVersion && now.linkerVersion === entry.linkerVersion) {
        assert.equal(now.sha256, entry.sha256, "same tools, same bytes");
      }
    });
  }
});

describe("edge objects rebuild from their sources", () => {
  copy("test/fixtures/edge", (src) => !src.includes("/obj"));
  const run = spawnSync("bash", [join(scratch, "test/fixtures/edge/build.sh")], { encoding: "utf8" });
  it("the build script succeeds", () => assert.equal(run.status, 0, run.stderr));
  for (const f of readdirSync(join(repoRoot, "test/fixtures/edge/obj"))) {
    it(f, () => {
      const ours = readFileSync(join(repoRoot, "test/fixtures/edge/obj", f));
      const rebuilt = readFileSync(join(scratch, "test/fixtures/edge/obj", f));
      assert.deepEqual(shape(rebuilt), shape(ours));
      assert.ok(Buffer.from(rebuilt).equals(ours), "GNU as and ld are deterministic");
    });
  }
});

/** What each cross build script runs (clang-19 -fno-integrated-as assembles with the GNU cross as). */
const REBUILD_TOOLS: Record<CrossArch, string[]> = {
  s390x: [
    "s390x-linux-gnu-gcc-12",
    "s390x-linux-gnu-gcc",
    "s390x-linux-gnu-as",
    "s390x-linux-gnu-ld",
    "s390x-linux-gnu-objcopy",
    "clang-19",
  ],
  riscv64: [
    "riscv64-linux-gnu-gcc-12",
    "riscv64-linux-gnu-gcc",
    "riscv64-linux-gnu-as",
    "riscv64-linux-gnu-ld",
    "riscv64-linux-gnu-objcopy",
    "clang-19",
  ],
  ppc64: [
    "powerpc64le-linux-gnu-gcc-12",
    "powerpc64le-linux-gnu-ld",
    "powerpc64le-linux-gnu-objcopy",
    "clang-19",
  ],
};

/**
 * Runs test/fixtures/<folder>/build.sh on a copy of its sources: it must make exactly the committed
 * objects, each of them the same bytes (and, with `shapeToo`, first the same sections and relocations).
 */
function rebuildsByteForByte(folder: string, shapeToo: boolean): void {
  copy(`test/fixtures/${folder}`, (src) => !src.includes("/obj"));
  const run = spawnSync("bash", [join(scratch, `test/fixtures/${folder}/build.sh`)], { encoding: "utf8" });
  const committedDir = join(repoRoot, `test/fixtures/${folder}/obj`);
  const rebuiltDir = join(scratch, `test/fixtures/${folder}/obj`);
  it("the build script succeeds and makes exactly the committed objects", () => {
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readdirSync(rebuiltDir).sort(), readdirSync(committedDir).sort());
  });
  for (const f of readdirSync(committedDir).filter((x) => x.endsWith(".ro"))) {
    it(f, () => {
      const ours = readFileSync(join(committedDir, f));
      const rebuilt = readFileSync(join(rebuiltDir, f));
      if (shapeToo) assert.deepEqual(shape(rebuilt), shape(ours), "section and relocation shape");
      assert.ok(Buffer.from(rebuilt).equals(ours), "the same bytes: -g0, tree-relative paths, no timestamps");
    });
  }
}

for (const arch of CROSS_ARCHES) {
  describe(`${arch} fixtures rebuild byte for byte`, { skip: missing(...REBUILD_TOOLS[arch]) }, () =>
    rebuildsByteForByte(arch, true),
  );
}

/** What test/fixtures/kexec-tools/build.sh runs (every architecture's kexec-tools-style purgatory). */
const KEXEC_TOOLS_REBUILD = [
  "gcc",
  "strip",
  "clang-19",
  "ld.lld-19",
  "llvm-strip-19",
  "aarch64-linux-gnu-gcc",
  "aarch64-linux-gnu-strip",
  "s390x-linux-gnu-gcc",
  "s390x-linux-gnu-strip",
  "powerpc64le-linux-gnu-gcc",
  "powerpc64le-linux-gnu-strip",
];

describe("kexec-tools-style fixtures rebuild byte for byte", { skip: missing(...KEXEC_TOOLS_REBUILD) }, () =>
  rebuildsByteForByte("kexec-tools", false),
);

// Our fnmatch against GNU ld's own section-pattern matching: one object whose sections have
// distinct power-of-two sizes, linked `ld -r` with `.m : { *(PATTERN) }` for each pattern. The size
// of `.m` says exactly which sections ld matched; fnmatch must pick the same ones.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readElf } from "../../server/src/core/elf/reader";
import { wildcardMatch } from "../../server/src/core/lds/orphans";

const have = (tool: string): boolean => spawnSync(tool, ["--version"]).status === 0;
const skip = !have("as") || !have("ld") ? "needs binutils" : false;
const work = mkdtempSync(join(tmpdir(), "lds-fnmatch-"));
after(() => rmSync(work, { recursive: true, force: true }));

const SECTIONS = [".text.hot", ".text", ".tz", ".t]", ".t-", ".t7", ".ta", ".t*", ".t\\x", ".tb", ".data/x", ".t["];
const PATTERNS = [
  ".t?", ".t[a-c]", ".t[z-a]", ".t[!a]", ".t[^a]", ".t[]]", ".t[a-]", ".t[[:digit:]]", ".t\\*", ".t*",
  "*x", ".text*", ".text.*", "*/*", ".t[", "*[", ".t\\\\x", "*.*.*", ".t[[:alpha:]]",
]; // prettier-ignore

describe("fnmatch vs GNU ld's section patterns", { skip }, () => {
  it("every pattern takes the sections GNU ld takes", () => {
    const src = SECTIONS.map((n, i) => `\t.section "${n.replace(/\\/g, "\\\\")}","a"\n\t.skip ${1 << i}\n`).join("");
    writeFileSync(join(work, "s.s"), src);
    const as = spawnSync("as", ["-o", join(work, "s.o"), join(work, "s.s")], { encoding: "utf8" });
    assert.equal(as.status, 0, as.stderr);
    const names = readElf(readFileSync(join(work, "s.o"))).sections.map((s) => s.name);
    for (const n of SECTIONS) assert.ok(names.includes(n), `assembler kept ${n}`);
    for (const p of PATTERNS) {
      writeFileSync(join(work, "t.lds"), `SECTIONS { .m : { *(${p}) } }\n`);
      const r = spawnSync("ld", ["-r", "-T", join(work, "t.lds"), join(work, "s.o"), "-o", join(work, "out.o")], { encoding: "utf8" });
      assert.equal(r.status, 0, `${p}: ${r.stderr}`);
      const m = readElf(readFileSync(join(work, "out.o"))).sections.find((s) => s.name === ".m");
      const size = m ? Number(m.sh_size) : 0;
      const ldTook = SECTIONS.filter((_, i) => (size & (1 << i)) !== 0);
      const weTake = SECTIONS.filter((n) => wildcardMatch(p, n));
      assert.deepEqual(weTake, ldTook, `pattern ${p}`);
    }
  });
});

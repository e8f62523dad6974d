// Orphan and mapping predictions checked against the real linkers: GNU ld 2.40 (`ld -r -T script
// --orphan-handling=warn -M`) and ld.lld 19 (`ld.lld-19 -r -T script --orphan-handling=warn
// --print-map`), on the example tree's clang-19 -mcmodel=large objects (.ltext, .lrodata) and on
// fixture objects. For each link we compare: the orphan warnings (section, object, output
// section), the output sections readelf finds (names; sizes of allocated sections; GNU ld's order),
// and which output section each input section went to (from the map).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readElf } from "../../server/src/core/elf/reader";
import { parseScript } from "../../server/src/core/lds/parser";
import { placeSections, SHF_ALLOC, SHF_MERGE, type Placement } from "../../server/src/core/lds/orphans";
import { preprocess } from "../../server/src/core/lds/preprocess";
import { fixturePath, have, repoRoot } from "../helpers";
import { EXAMPLE_OBJECTS, EXAMPLE_PURGATORY, loadObjects } from "../lds-helpers";

const skip = !have("ld.bfd") || !have("ld.lld-19") ? "needs GNU ld and ld.lld-19" : false;
const work = mkdtempSync(join(tmpdir(), "lds-link-"));
after(() => rmSync(work, { recursive: true, force: true }));

const example = EXAMPLE_OBJECTS.map((f) => join(EXAMPLE_PURGATORY, f));

interface LinkResult {
  orphans: string[];
  /** Output sections in file order (no rela/symtab/strtab), with size and flags. */
  sections: { name: string; size: bigint; flags: bigint }[];
  /** "object:(section) -> output" from the map. */
  mapping: Set<string>;
}

function link(linker: "bfd" | "lld", script: string, objects: string[]): LinkResult {
  const out = join(work, `out-${linker}.o`);
  const args = linker === "bfd" ? ["-r", "-T", script, "--orphan-handling=warn", "-M", "-o", out, ...objects] : ["-r", "-T", script, "--orphan-handling=warn", "--print-map", "-o", out, ...objects];
  const r = spawnSync(linker === "bfd" ? "ld.bfd" : "ld.lld-19", args, { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const orphans: string[] = [];
  for (const line of r.stderr.split("\n")) {
    let m = /orphan section `([^']+)' from `([^']+)' being placed in section `([^']+)'/.exec(line);
    if (m) orphans.push(`${m[2]}:(${m[1]}) -> ${m[3]}`);
    m = /warning: ([^<][^:]*):\(([^)]+)\) is being placed in '([^']+)'/.exec(line);
    if (m) orphans.push(`${m[1]}:(${m[2]}) -> ${m[3]}`);
  }
  const mapping = new Set<string>();
  let current = "";
  for (const line of r.stdout.split("\n")) {
    if (linker === "bfd") {
      const os = /^(\.[^\s]+|\/DISCARD\/)(\s|$)/.exec(line);
      if (os) current = os[1]!;
      const inp = /^ (\.[^\s*]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+(\S+)$/.exec(line) ?? /^\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+(\/\S+)$/.exec(line);
      if (inp && inp.length === 3 && current) mapping.add(`${inp[2]}:(${inp[1]}) -> ${current}`);
    } else {
      const cols = line.trim().split(/\s+/);
      if (cols.length === 5 && cols[4]!.startsWith(".")) current = cols[4]!;
      const inp = /^\s+\S+\s+\S+\s+\S+\s+\S+\s+(\/[^:]+):\(([^)]+)\)$/.exec(line);
      if (inp && !inp[2]!.startsWith(".rela")) mapping.add(`${inp[1]}:(${inp[2]}) -> ${current}`);
    }
  }
  const elf = readElf(readFileSync(out));
  const sections = elf.sections
    .filter((s) => s.index > 0 && ![2, 3, 4, 9].includes(s.sh_type))
    .map((s) => ({ name: s.name, size: s.sh_size, flags: s.sh_flags }));
  return { orphans, sections, mapping };
}

function predictedOrphans(p: Placement, linker: "bfd" | "lld"): string[] {
  return p.orphans.filter((o) => o.reportedBy.includes(linker)).map((o) => `${o.input.object}:(${o.input.name}) -> ${o.placedIn}`);
}

function predictedMapping(p: Placement): Set<string> {
  return new Set(p.assignments.filter((a) => !a.orphan && a.output !== "/DISCARD/").map((a) => `${a.input.object}:(${a.input.name}) -> ${a.output}`));
}

function compare(scriptText: string, objects: string[], label: string): { bfd: LinkResult; lld: LinkResult; p: Placement } {
  const path = join(work, label + ".lds");
  writeFileSync(path, scriptText);
  const script = parseScript(scriptText);
  assert.deepEqual(script.errors, []);
  const p = placeSections(script, loadObjects(objects));
  const pl = placeSections(script, loadObjects(objects), { linker: "lld" });
  const bfd = link("bfd", path, objects);
  const lld = link("lld", path, objects);
  const sorted = (a: string[]) => [...a].sort();
  assert.deepEqual(sorted(predictedOrphans(p, "bfd")), sorted(bfd.orphans), `${label}: GNU ld orphans`);
  assert.deepEqual(sorted(predictedOrphans(pl, "lld")), sorted(lld.orphans), `${label}: ld.lld orphans`);
  // GNU ld's section order, orphans inserted after sections with similar flags.
  const predictedOrder = p.outputs.filter((o) => o.inputs.length > 0 || o.orphan).map((o) => o.name);
  assert.deepEqual(predictedOrder, bfd.sections.map((s) => s.name), `${label}: GNU ld section order`);
  // lld: same set of output sections.
  const lldNames = lld.sections.map((s) => s.name).filter((n) => n !== ".note.GNU-stack");
  const lldOrder = pl.outputs.filter((o) => o.inputs.length > 0 || o.orphan).map((o) => o.name);
  assert.deepEqual(sorted(lldOrder.filter((n) => n !== ".note.GNU-stack")), sorted(lldNames), `${label}: ld.lld sections`);
  // Sizes of allocated, non-merged output sections.
  for (const [linked, pp] of [[bfd, p], [lld, pl]] as const) {
    for (const s of linked.sections) {
      if ((s.flags & SHF_ALLOC) === 0n || (s.flags & SHF_MERGE) !== 0n) continue;
      const o = pp.outputs.find((x) => x.name === s.name);
      assert.equal(o?.size, s.size, `${label}: size of ${s.name}`);
    }
  }
  // Input → output mapping as printed in the maps.
  const predicted = predictedMapping(p);
  for (const m of bfd.mapping) if (!m.endsWith("-> /DISCARD/") && !m.includes(":(.note") && predicted.size) assert.ok(predicted.has(m) || p.orphans.some((o) => m === `${o.input.object}:(${o.input.name}) -> ${o.placedIn}`), `${label}: GNU ld map has ${m}`);
  const predictedLld = predictedMapping(pl);
  for (const m of lld.mapping) assert.ok(predictedLld.has(m) || pl.orphans.some((o) => m === `${o.input.object}:(${o.input.name}) -> ${o.placedIn}`), `${label}: ld.lld map has ${m}`);
  return { bfd, lld, p };
}

describe("orphan predictions vs GNU ld and ld.lld", { skip }, () => {
  const purgatoryLds = (() => {
    const file = fixturePath("lds", "purgatory.lds.S");
    const pre = preprocess({ file, text: readFileSync(file, "utf8"), allowTools: true, cmdArgv: ["gcc", "-E", "-nostdinc", "-I", fixturePath("lds", "include"), "-P", "-D__ASSEMBLY__"], cwd: repoRoot });
    assert.equal(pre.mode, "cpp", pre.note);
    return pre.text;
  })();

  it("purgatory.lds.S (preprocessed) on the clang-19 -mcmodel=large example: .ltext and .lrodata are orphans", () => {
    const { p, bfd } = compare(purgatoryLds, example, "purgatory");
    const alloc = [...new Set(p.orphans.filter((o) => o.alloc).map((o) => o.placedIn))];
    assert.deepEqual(alloc, [".ltext", ".lrodata"]);
    assert.equal(p.orphans.find((o) => o.placedIn === ".ltext")!.afterBfd, ".text");
    assert.equal(p.orphans.find((o) => o.placedIn === ".ltext")!.fix!.text, "*(.ltext .ltext.*)");
    assert.ok(bfd.sections.some((s) => s.name === ".ltext"));
  });

  it("after adding `*(.ltext .ltext.*)` to .text, the prediction matches what ld.lld -r -T produces (no .ltext)", () => {
    const script = parseScript(purgatoryLds);
    const p0 = placeSections(script, loadObjects(example));
    const fix = p0.orphans.find((o) => o.placedIn === ".ltext")!.fix!;
    const fixed = purgatoryLds.slice(0, fix.insertBefore) + fix.text + "\n" + purgatoryLds.slice(fix.insertBefore);
    const { p, lld, bfd } = compare(fixed, example, "purgatory-fixed");
    assert.ok(!p.outputs.some((o) => o.name === ".ltext"));
    assert.ok(!lld.sections.some((s) => s.name === ".ltext"));
    assert.ok(!bfd.sections.some((s) => s.name === ".ltext"));
    assert.equal(p.outputs.find((o) => o.name === ".text")!.size, lld.sections.find((s) => s.name === ".text")!.size);
    assert.ok(!p.orphans.some((o) => o.alloc && o.placedIn === ".ltext"));
  });

  it("a script with only .text: every other section is an orphan, placed by flags", () => {
    compare("SECTIONS { .text : { *(.text) } }\n", example, "only-text");
  });

  it("first match wins, EXCLUDE_FILE and /DISCARD/", () => {
    const { p } = compare(
      `SECTIONS {
  .text : { EXCLUDE_FILE(*sha256.o) *(.ltext) *(.text) }
  .text.sha : { *(.ltext .text) }
  .rodata : { *(.rodata .lrodata) }
  .data : { *(.data .kexec-purgatory) }
  .bss : { *(.bss) }
  /DISCARD/ : { *(.comment .note.GNU-stack .llvm_addrsig) }
  .never : { *(.text) }
}
`,
      example,
      "first-match",
    );
    const sha = p.assignments.find((a) => a.input.object.endsWith("sha256.o") && a.input.name === ".ltext")!;
    assert.equal(sha.output, ".text.sha");
    // ld.lld ignores EXCLUDE_FILE written before the file pattern.
    const pl = placeSections(parseScript(readFileSync(join(work, "first-match.lds"), "utf8")), loadObjects(example), { linker: "lld" });
    assert.equal(pl.assignments.find((a) => a.input.object.endsWith("sha256.o") && a.input.name === ".ltext")!.output, ".text");
    assert.equal(p.orphans.length, 0);
  });

  it("fixture objects (.ro from gcc and clang builds) with purgatory.lds.S", () => {
    for (const f of ["gcc12-hot.bfd.ro", "clang16-function-sections.lld.ro", "clang19-large.bfd.ro"]) {
      compare(purgatoryLds, [fixturePath("x86_64", "obj", f)], f.replace(/\W/g, "_"));
    }
  });
});


// The look-ups that replace scans on big scripts must find what the scans found. Placement's first
// match goes through the patterns' literal prefixes and must pick what trying every description in
// script order picks (GNU ld's rule): the prefix index is checked against a brute-force reading of its
// contract, and placement against matchDesc tried on every description in order, over random scripts
// whose patterns overlap. nodeAt binary-searches long statement lists and must find what a visit of
// every node finds.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { join } from "node:path";
import type * as A from "../../server/src/core/lds/ast";
import { nodeAt, visitNodes } from "../../server/src/core/lds/features";
import { parseScript } from "../../server/src/core/lds/parser";
import { matchDesc, placeSections } from "../../server/src/core/lds/orphans";
import { PrefixIndex } from "../../server/src/core/lds/prefix-index";
import { Rng } from "../fuzz/rng";
import { EXAMPLE_OBJECTS, EXAMPLE_PURGATORY, loadObjects } from "../lds-helpers";

const objects = loadObjects(EXAMPLE_OBJECTS.map((f) => join(EXAMPLE_PURGATORY, f)));

describe("PrefixIndex", () => {
  it("gives, ascending and once each, the orders whose prefix starts the name", () => {
    const rng = new Rng(7);
    const pieces = ["", ".", ".t", ".te", ".text", ".text.", ".text.hot", ".data", "a", "ab"];
    for (let round = 0; round < 200; round++) {
      const index = new PrefixIndex();
      const added: { prefix: string; order: number }[] = [];
      let order = 0;
      for (let i = rng.int(12); i > 0; i--) {
        order += rng.int(3);
        const prefix = pieces[rng.int(pieces.length)]!;
        index.add(prefix, order);
        added.push({ prefix, order });
      }
      const name = pieces[rng.int(pieces.length)]! + pieces[rng.int(pieces.length)]!;
      const want = [...new Set(added.filter((a) => name.startsWith(a.prefix)).map((a) => a.order))].sort(
        (a, b) => a - b,
      );
      assert.deepEqual([...index.candidates(name)], want, `${name} in ${JSON.stringify(added)}`);
    }
  });

  it("refuses orders out of script order", () => {
    const index = new PrefixIndex();
    index.add(".text", 3);
    assert.throws(() => index.add(".data", 2), RangeError);
  });
});

describe("placement's first match", () => {
  const names = objects.flatMap((o) => o.elf.sections.map((s) => s.name)).filter((n) => n !== "");
  const patternFor = (rng: Rng): string => {
    const name = names[rng.int(names.length)]!;
    switch (rng.int(6)) {
      case 0:
        return name;
      case 1:
        return `${name.slice(0, 1 + rng.int(name.length))}*`;
      case 2:
        return `*${name.slice(rng.int(name.length))}`;
      case 3:
        return name.replace(/[a-z]/, "?");
      case 4:
        return "*";
      default:
        return `${name.slice(0, rng.int(name.length))}[a-z]*`;
    }
  };

  it("takes, for every input section, the first description in script order that matches it", () => {
    const rng = new Rng(11);
    let compared = 0;
    for (let round = 0; round < 250; round++) {
      const outs: string[] = [];
      for (let o = rng.int(8) + 1; o > 0; o--) {
        const descs: string[] = [];
        for (let d = rng.int(4) + 1; d > 0; d--) {
          const file = ["*", "*.o", "purgatory.o", "nothere.o"][rng.int(4)]!;
          const pats = Array.from({ length: rng.int(3) + 1 }, () => patternFor(rng)).join(" ");
          descs.push(rng.int(8) === 0 ? file : `${file}(${pats})`);
        }
        outs.push(`.o${o} : { ${descs.join(" ")} }`);
      }
      const script = parseScript(`SECTIONS { ${outs.join("\n")} }`);
      assert.deepEqual(script.errors, []);
      const descs: { os: A.OutputSection; desc: A.InputSectionDesc }[] = [];
      for (const st of script.statements)
        if (st.kind === "Sections")
          for (const it of st.items)
            if (it.kind === "OutputSection")
              for (const b of it.body) if (b.kind === "InputSection") descs.push({ os: it, desc: b });
      const placement = placeSections(script, objects);
      for (const a of placement.assignments) {
        const first = descs.find((d) => matchDesc(d.desc, a.input) !== null);
        assert.equal(
          a.orphan ? undefined : a.output,
          first?.os.name.value,
          `${a.input.object}:${a.input.name} in ${outs.join(" ")}`,
        );
        if (first && !a.orphan) assert.equal(a.rule?.pattern, matchDesc(first.desc, a.input) ?? undefined);
        compared++;
      }
    }
    assert.ok(compared > 5000, `compared ${compared}`);
  });
});

describe("nodeAt on long statement lists", () => {
  it("finds what a visit of every node finds (innermost; the later of two the same size)", () => {
    const outs = Array.from(
      { length: 60 },
      (_, i) => `.s${i} : { a${i} = .; *(.s${i} .t${i}) LONG(${i}) }${i % 3 ? "" : " >ram"}`,
    );
    const text = `MEMORY { ram : ORIGIN = 0, LENGTH = 1M }\nSECTIONS {\n${outs.join("\n")}\n x = 1 + 2;\n}\n`;
    const script = parseScript(text);
    assert.deepEqual(script.errors, []);
    for (let offset = 0; offset <= text.length; offset++) {
      let best: { range: A.Range } | undefined;
      visitNodes(script, true, (n) => {
        if (n.range.start > offset || offset > n.range.end) return;
        if (!best || n.range.end - n.range.start <= best.range.end - best.range.start) best = n;
      });
      const got = nodeAt(script, offset);
      assert.equal(got?.range.start, best?.range.start, `at ${offset}`);
      assert.equal(got?.range.end, best?.range.end, `at ${offset}`);
    }
  });
});

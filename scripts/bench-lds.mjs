// Linker-script entry points on 1 MiB hostile inputs: GNU ld's verdict, parse, placement, lint,
// outline, hover + go to definition (at four offsets), completion. Prints the CPU time of each (user
// + system, which a loaded machine inflates less than wall time) and flags those over 100 ms.
// Run after `npx tsc -p tsconfig.json`: `node scripts/bench-lds.mjs` (also part of `npm run bench`).
import { join } from "node:path";

const MB = 1 << 20;
const fill = (head, unit, tail) =>
  head + unit.repeat(Math.floor((MB - head.length - tail.length) / unit.length)) + tail;

export async function benchLds() {
  const { parseScript } = await import("../out/server/src/core/lds/parser.js");
  const { ldVerdict } = await import("../out/server/src/core/lds/ldgram.js");
  const { placeSections } = await import("../out/server/src/core/lds/orphans.js");
  const { lintDiagnostics } = await import("../out/server/src/core/lds/diagnostics.js");
  const features = await import("../out/server/src/core/lds/features.js");
  const { loadObjects, EXAMPLE_OBJECTS, EXAMPLE_PURGATORY, generateLargeScript } =
    await import("../out/test/lds-helpers.js");
  const objects = loadObjects(EXAMPLE_OBJECTS.map((f) => join(EXAMPLE_PURGATORY, f)));
  const inputs = {
    "30,000-line script": generateLargeScript(30000).slice(0, MB),
    "nested (": fill("SECTIONS { x = ", "(", ""),
    "unary -": fill("SECTIONS { x = ", "-", "1; }"),
    "sum 1 + 1 ...": fill("SECTIONS { x = 1", " + 1", "; }"),
    "@ (invalid)": fill("", "@", ""),
    "{ (unclosed)": fill("SECTIONS ", "{", ""),
    "output sections": fill("SECTIONS {", " .t : { *(.t*) }", "}"),
    "input descriptions": fill("SECTIONS { .text : { ", "a(b) ", "} }"),
    "one huge name": fill("SECTIONS { .", "a", " : { *(.text) } }"),
    "stars *a*a...b": fill("SECTIONS { .text : { *(", "*a", "b) } }"),
    "?: chain": fill("SECTIONS { x = ", "1?2:", "3; }"),
    "MEMORY regions": fill("MEMORY {", " r : ORIGIN = 0, LENGTH = 1", "}"),
    "macros (tolerant)": fill("SECTIONS {", " FOO(1) ", "}"),
  };
  const cpu = (fn) => {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  console.log("\n== linker scripts: entry points on 1 MiB inputs (CPU ms; ! over 100 ms)");
  let over = 0;
  for (const [name, text] of Object.entries(inputs)) {
    const tolerant = name.includes("tolerant");
    let script;
    let placement;
    const row = {
      verdict: cpu(() => ldVerdict(text)),
      parse: cpu(() => (script = parseScript(text, { tolerant }))),
      place: cpu(() => (placement = placeSections(script, objects))),
      lint: cpu(() => lintDiagnostics(script, { placement, fileExists: () => false })),
      outline: cpu(() => features.documentSymbols(script)),
      hover: cpu(() => {
        for (const off of [0, text.length >> 2, text.length >> 1, text.length - 2]) {
          features.hoverAt(script, off, placement);
          features.definitionAt(script, off);
        }
      }),
      complete: cpu(() => features.completions(script, placement)),
    };
    over += Object.values(row).filter((ms) => ms > 100).length;
    console.log(
      `${name.padEnd(20)} ${Object.entries(row)
        .map(([k, ms]) => `${k} ${ms.toFixed(0)}${ms > 100 ? "!" : ""}`)
        .join("  ")}`,
    );
  }
  console.log(`entry points over 100 ms: ${over}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLds();

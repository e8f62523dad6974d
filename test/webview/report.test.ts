// The report's path to the section map, outside the browser: the language server's text (the CLI's
// JSON writer, relocations as rows, ASCII only) read by the webview's readReport() gives exactly the
// objects json.ts's reportJson() builds for the same simulation, over objects that exercise every
// column: failing relocations with windows, values above 2^53, kexec-tools' plain records, other
// architectures, and names with markup, quotes and bytes past ASCII.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { reportJson, type ReportContext } from "../../server/src/core/report/json";
import { RELOCATION_FIELDS } from "../../server/src/core/report/json-stream";
import type { SimulateOptions } from "../../server/src/core/simulate";
import { reportText } from "../../server/src/lsp/report-text";
import type { ReportDocument } from "../../server/src/protocol";
import { parseReport, readReport } from "../../webview/src/report";
import { fixturePath, mustSimulate, repoRoot } from "../helpers";

const EXAMPLE = join(repoRoot, "examples/linux/arch/x86/purgatory/purgatory.ro");

/** The example with `.ltext` renamed `\xe9text` (one byte past ASCII, as an ELF name may have). */
function latin1Names(): Uint8Array {
  const bytes = Buffer.from(readFileSync(EXAMPLE));
  const at = bytes.indexOf(Buffer.from("\0.ltext\0", "latin1"));
  assert.ok(at > 0, "the example has a .ltext section name");
  bytes[at + 2] = 0xe9;
  return bytes;
}

const cases: { name: string; bytes: () => Uint8Array; options: SimulateOptions; context?: ReportContext }[] =
  [
    {
      name: "the example at the top of an 11 GiB machine (an overflowing R_X86_64_32 and its window)",
      bytes: () => readFileSync(EXAMPLE),
      options: { kernel: "6.8", ramSize: 11n << 30n },
      context: { kernelSource: "Makefile" },
    },
    {
      name: "the example loaded where addresses pass 2^53",
      bytes: () => readFileSync(EXAMPLE),
      options: { kernel: "6.8", loads: [0xfff0_0000_0000_0000n] },
    },
    {
      name: "kexec-tools' loader (relocations as plain records)",
      bytes: () => readFileSync(EXAMPLE),
      options: { loader: "kexec-tools", kexecTools: "2.0.32" },
    },
    {
      name: "every x86_64 relocation type",
      bytes: () => readFileSync(fixturePath("edge", "obj", "alltypes.ro")),
      options: {},
    },
    {
      name: "markup and quotes in names",
      bytes: () => readFileSync(fixturePath("edge", "obj", "hostile.ro")),
      options: {},
    },
    { name: "a name byte past ASCII", bytes: latin1Names, options: { kernel: "6.8" } },
    {
      name: "s390x",
      bytes: () => readFileSync(fixturePath("s390x", "obj", "gcc12.ro")),
      options: { kernel: "5.15" },
    },
    {
      name: "riscv64",
      bytes: () => readFileSync(fixturePath("riscv64", "obj", "gcc12.ro")),
      options: { kernel: "6.10" },
    },
  ];

describe("the report text read by the section map", () => {
  for (const c of cases) {
    it(`gives reportJson()'s objects: ${c.name}`, () => {
      const report = mustSimulate(c.bytes(), c.options);
      const text = reportText("dir/purgatory.ro", report, c.context);
      assert.ok(/^[\x20-\x7e\n]*$/.test(text), "ASCII only");
      const doc = parseReport(text) as ReportDocument;
      assert.deepEqual(doc.relocationFields, [...RELOCATION_FIELDS]);
      assert.ok(
        doc.results.every((l) => l.relocations.every((r) => Array.isArray(r))),
        "relocations as rows",
      );
      const expected = JSON.parse(
        JSON.stringify(reportJson("dir/purgatory.ro", report, c.context)),
      ) as unknown;
      assert.deepEqual(readReport(text), expected);
    });
  }

  it("has relocations to compare in the cases above (some failing, some with windows)", () => {
    const all = cases.flatMap((c) =>
      reportJson("x", mustSimulate(c.bytes(), c.options)).results.flatMap((l) => l.relocations),
    );
    assert.ok(all.some((r) => r.window !== null && r.window.length > 0));
    assert.ok(all.some((r) => r.status !== "ok"));
    assert.ok(all.some((r) => r.S === null || r.value === null));
    assert.ok(
      all.some((r) => /^0x[0-9a-f]{14,}$/.test(r.P)),
      "an address past 2^53",
    );
    assert.ok(
      all.some((r) => /[^\x20-\x7e]/.test(r.section)),
      "a name past ASCII",
    );
  });

  it("passes an error on, and says so when the text is no report", () => {
    assert.deepEqual(readReport({ error: "purgatory.ro is not built yet" }), {
      error: "purgatory.ro is not built yet",
    });
    assert.match((readReport("{ not json") as { error: string }).error, /^the report could not be read/);
    assert.match((readReport('{ "results": [] }') as { error: string }).error, /relocationFields/);
    const noColumn = JSON.stringify({
      relocationFields: ["section"],
      results: [{ relocations: [[".text"]] }],
    });
    assert.match((readReport(noColumn) as { error: string }).error, /no "relSection" column/);
  });
});

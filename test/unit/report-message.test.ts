// The report text the panel posts to the section map: ASCII only (one byte per character in the
// engine, so a large report crosses into the webview faster), and the same value once parsed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { reportMessageText } from "../../server/src/protocol";

describe("the section map's report text", () => {
  const report = {
    object: "/tmp/purgatory–ltext.ro",
    sections: [{ name: ".text.häßlich\u0000\u2028", why: "top of RAM – where 6.8 puts it", emoji: "🧪" }],
    n: 1,
  };

  it("is ASCII only", () => {
    const text = reportMessageText(report);
    assert.ok([...text].every((c) => c.charCodeAt(0) < 0x80));
  });

  it("parses back to the same value, astral characters and line separators included", () => {
    assert.deepEqual(JSON.parse(reportMessageText(report)), report);
  });
});

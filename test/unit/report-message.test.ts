// The report text the server answers and the panel posts to the section map: ASCII only (one byte
// per character in the engine, so a large report crosses into the webview faster), and the same
// value once parsed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { asciiJson } from "../../server/src/protocol";

describe("the section map's report text", () => {
  const report = {
    object: "/tmp/purgatory–ltext.ro",
    sections: [{ name: ".text.häßlich\u0000\u2028", why: "top of RAM – where 6.8 puts it", emoji: "🧪" }],
    n: 1,
  };
  const text = JSON.stringify(report, null, 2);

  it("is ASCII only", () => {
    assert.ok([...asciiJson(text)].every((c) => c.charCodeAt(0) < 0x80));
  });

  it("parses back to the same value, astral characters and line separators included", () => {
    assert.deepEqual(JSON.parse(asciiJson(text)), report);
  });

  it("leaves ASCII text as it is", () => {
    const ascii = '{ "name": ".text", "escaped": "\\u00e9" }';
    assert.equal(asciiJson(ascii), ascii);
    assert.equal(asciiJson(asciiJson(text)), asciiJson(text));
  });
});

// The folded layers' geometry (webview/src/layers.ts), without a browser.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { blocksPath, columnsPath, spanAt, tickAt, tickColumns } from "../../webview/src/layers";

describe("tick columns", () => {
  const xs = [0.2, 0.9, 5.5, 5.0, 999.99, 1000, 3.2];
  const t = tickColumns(xs, 1000);

  it("keeps one column per pixel holding ticks, left to right, with its first tick", () => {
    assert.deepEqual([...t.columns], [0, 3, 5, 999, 1000]);
    assert.deepEqual([...t.first], [0, 6, 2, 4, 5]);
  });

  it("draws one stroke per column", () => {
    assert.equal(columnsPath(t, 50, 10), "M0.5 50v10M3.5 50v10M5.5 50v10M999.5 50v10M1000.5 50v10");
  });

  it("maps a click to the nearest column's first tick, within the slack only", () => {
    assert.equal(tickAt(t, 5.9), 2);
    assert.equal(tickAt(t, 4.1), 6, "column 4 is empty: column 3 is as near as column 5, and first");
    assert.equal(tickAt(t, 7.5), 2);
    assert.equal(tickAt(t, 500), -1);
    assert.equal(tickAt(tickColumns([], 10), 3), -1);
  });
});

describe("block runs", () => {
  const spans = [
    { x: 0, w: 0.2 },
    { x: 0.2, w: 0.2 },
    { x: 0.4, w: 0.6 },
    { x: 1, w: 10 },
    { x: 11, w: 0.5 },
  ];

  it("merges neighbours under `separate` pixels into one run and keeps wide blocks apart", () => {
    assert.equal(blocksPath(spans, 14, 36), "M0 14h1v36h-1zM1 14h9v36h-9zM11 14h1v36h-1z");
  });

  it("finds the block under x", () => {
    assert.equal(spanAt(spans, 0.3), 1);
    assert.equal(spanAt(spans, 5), 3);
    assert.equal(spanAt(spans, 11.2), 4);
    assert.equal(spanAt(spans, 12), -1);
    assert.equal(spanAt(spans, -1), -1);
  });
});

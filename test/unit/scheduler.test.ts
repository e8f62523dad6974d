// The scheduler hands every failed run to its error callback: nothing it runs fails silently, and the
// next run still starts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Scheduler } from "../../server/src/lsp/scheduler";

describe("Scheduler", () => {
  it("reports a run that throws, with its reasons, and keeps running later triggers", async () => {
    const errors: [string, readonly string[]][] = [];
    let runs = 0;
    const s = new Scheduler(
      0,
      async () => {
        runs++;
        if (runs === 1) throw new Error("boom");
      },
      (e, reasons) => errors.push([(e as Error).message, reasons]),
    );
    await s.trigger("first");
    await s.trigger("second");
    assert.deepEqual(errors, [["boom", ["first"]]]);
    assert.equal(runs, 2);
    s.dispose();
  });
});

// Regenerates the golden summaries: `npm run golden:update`, then review the diff.
import { mkdirSync, writeFileSync } from "node:fs";
import { fixtureObjects } from "./objects";
import { GOLDEN_DIR, goldenFor, goldenPath } from "./golden";

mkdirSync(GOLDEN_DIR, { recursive: true });
for (const path of fixtureObjects({ includeZeroAlign: true })) {
  writeFileSync(goldenPath(path), JSON.stringify(goldenFor(path), null, 2) + "\n");
  console.log(`wrote ${goldenPath(path)}`);
}

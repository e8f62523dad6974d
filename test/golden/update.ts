// Regenerates the golden summaries of every architecture: `npm run golden:update`, then review the diff.
import { mkdirSync, writeFileSync } from "node:fs";
import { goldenDir, goldenFor, goldenPath } from "./golden";
import { goldenObjects } from "./objects";

for (const { arch, path } of goldenObjects()) {
  mkdirSync(goldenDir(arch), { recursive: true });
  writeFileSync(goldenPath(path, arch), JSON.stringify(goldenFor(path, arch), null, 2) + "\n");
  console.log(`wrote ${goldenPath(path, arch)}`);
}

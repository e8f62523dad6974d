// Regenerates the golden summaries of every architecture: `npm run golden:update`, then review the diff.
import { writeGolden } from "./check-golden";
import { goldenFor, goldenPath } from "./golden";
import { goldenObjects } from "./objects";

for (const { arch, path } of goldenObjects()) {
  writeGolden(goldenPath(path, arch), goldenFor(path, arch));
  console.log(`wrote ${goldenPath(path, arch)}`);
}

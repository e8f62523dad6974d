// `npm run fixtures [-- <folder>...]`: rebuilds the committed test objects by running every
// test/fixtures/<folder>/build.sh (x86_64 first: it also builds the example tree's objects and
// ../other; then edge and the rest in name order, kexec-tools included once it has a build script).
// Each script is reproducible, so a rebuild with the same tools changes no bytes; review `git status`.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "fixtures");
const FIRST = ["x86_64", "edge"];
const rank = (name) => (FIRST.includes(name) ? FIRST.indexOf(name) : FIRST.length);
const all = readdirSync(fixtures, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(fixtures, d.name, "build.sh")))
  .map((d) => d.name)
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !all.includes(a));
if (unknown.length > 0) {
  console.error(`no test/fixtures/<folder>/build.sh for: ${unknown.join(", ")} (have: ${all.join(", ")})`);
  process.exit(2);
}

for (const name of asked.length > 0 ? all.filter((a) => asked.includes(a)) : all) {
  console.log(`\n== test/fixtures/${name}/build.sh`);
  const r = spawnSync("bash", [join(fixtures, name, "build.sh")], { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`test/fixtures/${name}/build.sh failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

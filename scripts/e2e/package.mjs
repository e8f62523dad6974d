// `npm run package`: the production bundles, then a .vsix with the pinned @vscode/vsce (the last line
// that runs on Node 20). esbuild bundles every dependency into dist/, so the package ships no
// node_modules (--no-dependencies); .vscodeignore lists what goes in.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { ensureVsce } from "./install.mjs";

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

// vsce rewrites README's relative links against the repository, but detects only GitHub/GitLab
// hosts by itself: give it the base URLs of ours.
const repo = JSON.parse(readFileSync("package.json", "utf8")).repository.url.replace(/\.git$/, "");
const vsce = ensureVsce();
sh("node", ["scripts/build.mjs", "--production"]);
sh(vsce, [
  "package",
  "--no-dependencies",
  "--baseContentUrl",
  `${repo}/blob/HEAD`,
  "--baseImagesUrl",
  `${repo}/raw/HEAD`,
  ...process.argv.slice(2),
]);

// Bundles the CLI, the language server, the extension client and the webview with esbuild.
// One bundle per entry point so the .vsix ships no node_modules.
import { build } from "esbuild";
import { existsSync } from "node:fs";

const production = process.argv.includes("--production");
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: !production,
  minify: production,
  logLevel: "warning",
};

const entries = [
  { entryPoints: ["server/src/cli.ts"], outfile: "dist/cli.js", banner: { js: "#!/usr/bin/env node" } },
  { entryPoints: ["server/src/lsp/main.ts"], outfile: "dist/server.js" },
  // The server's simulation thread: a file of its own next to dist/server.js (see simulation-pool.ts).
  { entryPoints: ["server/src/lsp/simulation-worker.ts"], outfile: "dist/simulation-worker.js" },
  { entryPoints: ["client/src/extension.ts"], outfile: "dist/client.js", external: ["vscode"] },
];

await Promise.all(entries.filter((e) => existsSync(e.entryPoints[0])).map((e) => build({ ...common, ...e })));
if (existsSync("webview/src/main.ts")) {
  // The section map: its own browser bundle (lit and @vscode-elements included) and its stylesheet.
  await build({
    ...common,
    platform: "browser",
    target: "es2022",
    format: "iife",
    entryPoints: ["webview/src/main.ts"],
    outfile: "dist/webview.js",
  });
  await build({
    ...common,
    platform: "browser",
    entryPoints: ["webview/src/style.css"],
    outfile: "dist/webview.css",
  });
}

// Installs what the workbench tier needs, once: Debian packages (Chromium, ripgrep, the native build
// tools code-server's post-install compiles with) and code-server and @vscode/vsce from npm, into a
// cache folder outside the repository that survives between runs. A second run only checks markers.
// Why each workaround exists: /work/shared/reference/offline-vscode-e2e.md ("workarounds").
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  copyFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { has } from "../system-deps.mjs";

export const CODE_SERVER_VERSION = "4.100.3"; // VS Code 1.100.3: the newest that runs on Node 20
export const VSCE_VERSION = "3.9.2"; // the last @vscode/vsce line for Node 20 (4.x needs Node 22)
const RIPGREP_ASSET = "vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz";

/** The cache folder: PURGATORY_LENS_E2E_CACHE, else $XDG_CACHE_HOME or ~/.cache, /purgatory-lens-e2e. */
export function cacheDir() {
  return (
    process.env.PURGATORY_LENS_E2E_CACHE ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "purgatory-lens-e2e")
  );
}

/** Debian package -> how to tell it is present (a command on PATH, or dpkg's status). */
const APT = {
  chromium: () => existsSync("/usr/bin/chromium"),
  ripgrep: () => has("rg"),
  "libkrb5-dev": () => dpkgInstalled("libkrb5-dev"), // the `kerberos` native module includes gssapi.h
  "build-essential": () => has("g++") && has("make"),
  python3: () => has("python3"), // node-gyp
};

function dpkgInstalled(pkg) {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

function fail(what, command) {
  console.error(`\ne2e install: ${what} failed. Run it by hand to see why:\n  ${command}`);
  process.exit(1);
}

function run(cmd, args, opts, shown) {
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  if (r.status !== 0) fail(`${cmd} ${args[0]}`, shown ?? `${cmd} ${args.join(" ")}`);
}

function ensureApt() {
  const missing = Object.keys(APT).filter((p) => !APT[p]());
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (process.getuid?.() !== 0 || !has("apt-get")) fail(`missing ${missing.join(", ")}`, command);
  console.log(`e2e install: apt packages ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update"], { env }, command);
  run("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { env }, command);
}

/** The package.json version under dir/node_modules/name, if a completed install left a marker. */
function installed(dir, name, version) {
  const pkg = join(dir, "node_modules", name, "package.json");
  if (!existsSync(join(dir, ".complete")) || !existsSync(pkg)) return false;
  return JSON.parse(readFileSync(pkg, "utf8")).version === version;
}

/** npm install of one pinned package into its own folder under the cache. */
function npmInstall(dir, spec, env) {
  rmSync(dir, { recursive: true, force: true }); // a half-finished install is not trusted
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), '{ "name": "purgatory-lens-e2e-tools", "private": true }\n');
  const args = ["install", "--unsafe-perm=true", "--no-audit", "--no-fund", spec];
  console.log(`e2e install: npm ${args.join(" ")} in ${dir}`);
  run("npm", args, { cwd: dir, env }, `cd ${dir} && npm_config_yes=true npm ${args.join(" ")}`);
  writeFileSync(join(dir, ".complete"), `${spec}\n`);
}

/** Seeds @vscode/ripgrep's download cache with Debian's rg, so its post-install needs no GitHub. */
function seedRipgrep(tmp) {
  const tarball = join(tmp, RIPGREP_ASSET);
  if (existsSync(tarball)) return;
  mkdirSync(join(tmp, RIPGREP_ASSET, ".."), { recursive: true });
  const d = mkdtempSync(join(tmp, "rg-"));
  copyFileSync(spawnSync("sh", ["-c", "command -v rg"], { encoding: "utf8" }).stdout.trim(), join(d, "rg"));
  run("tar", ["czf", tarball, "-C", d, "rg"], {});
  rmSync(d, { recursive: true, force: true });
}

const npmEnv = (tmp) => ({
  ...process.env,
  // npx inside node-pty's post-install must fetch node-gyp; the root .npmrc says yes=false.
  npm_config_yes: "true",
  TMPDIR: tmp,
});

/** @vscode/vsce, pinned; returns its bin. `npm run package` needs only this. */
export function ensureVsce() {
  const dir = join(cacheDir(), `vsce-${VSCE_VERSION}`);
  if (!installed(dir, "@vscode/vsce", VSCE_VERSION)) {
    mkdirSync(join(cacheDir(), "tmp"), { recursive: true });
    npmInstall(dir, `@vscode/vsce@${VSCE_VERSION}`, npmEnv(join(cacheDir(), "tmp")));
  }
  return join(dir, "node_modules", ".bin", "vsce");
}

/** Installs everything the tier needs that is missing; returns the paths the harness runs. */
export function ensureE2eTools() {
  ensureApt();
  const dir = join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`);
  const tmp = join(cacheDir(), "tmp");
  mkdirSync(tmp, { recursive: true });
  if (!installed(dir, "code-server", CODE_SERVER_VERSION)) {
    seedRipgrep(tmp);
    npmInstall(dir, `code-server@${CODE_SERVER_VERSION}`, npmEnv(tmp));
  }
  return {
    codeServer: join(dir, "node_modules", ".bin", "code-server"),
    vsce: ensureVsce(),
    chromium: "/usr/bin/chromium",
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const tools = ensureE2eTools();
  console.log(`e2e tools ready in ${cacheDir()}:\n  ${Object.values(tools).join("\n  ")}`);
}

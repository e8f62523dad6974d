// Starts code-server on loopback with everything it writes kept inside one run folder (config,
// user data, extensions, XDG dirs, temp), and stops its whole process group: killing only its PID
// leaves the extension host, the file watcher and our language server running.
/* global fetch -- Node 20 has it; the shared ESLint globals do not list it */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Server-side user settings: no welcome page, no network, no trust prompt, no git. */
const SETTINGS = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "git.enabled": false,
  // One explorer row per folder, so the UI suite can click arch, x86, purgatory in turn.
  "explorer.compactFolders": false,
};

export async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** The folders and environment one code-server run uses; all under dir. */
export function isolate(dir, extraEnv = {}) {
  const d = {
    dir,
    config: join(dir, "config.yaml"),
    userData: join(dir, "user-data"),
    extensions: join(dir, "extensions"),
    log: join(dir, "code-server.log"),
  };
  for (const sub of ["xdg/config", "xdg/data", "xdg/cache", "tmp", "user-data/User", "extensions"])
    mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(d.config, "auth: none\ncert: false\n");
  writeFileSync(join(d.userData, "User/settings.json"), JSON.stringify(SETTINGS, null, 2));
  d.env = {
    ...process.env,
    XDG_CONFIG_HOME: join(dir, "xdg/config"),
    XDG_DATA_HOME: join(dir, "xdg/data"),
    XDG_CACHE_HOME: join(dir, "xdg/cache"),
    TMPDIR: join(dir, "tmp"),
    EXTENSIONS_GALLERY: "{}", // an empty gallery: the workbench never tries open-vsx.org
    ...extraEnv,
  };
  d.args = ["--config", d.config, "--user-data-dir", d.userData, "--extensions-dir", d.extensions];
  return d;
}

/** `code-server --install-extension` into the isolated extensions folder. */
export function installExtension(bin, iso, vsix) {
  const r = spawnSync(bin, [...iso.args, "--install-extension", vsix], { env: iso.env, encoding: "utf8" });
  if (r.status !== 0)
    throw new Error(`code-server --install-extension ${vsix} failed:\n${r.stdout}${r.stderr}`);
}

export function logTail(iso, lines = 40) {
  try {
    return readFileSync(iso.log, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no code-server log)";
  }
}

/** Spawns code-server in its own session (detached: setsid), waits for /healthz. */
export async function startCodeServer(bin, iso) {
  const port = await freePort();
  const out = openSync(iso.log, "a");
  const child = spawn(
    bin,
    [
      ...iso.args,
      "--auth",
      "none",
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
    ],
    { env: iso.env, detached: true, stdio: ["ignore", out, out] },
  );
  let exited = null;
  child.on("exit", (code, signal) => (exited = code ?? signal));
  const server = { port, pgid: child.pid, url: `http://127.0.0.1:${port}`, stop: () => stopGroup(child.pid) };
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    if (exited !== null) throw new Error(`code-server exited (${exited}) before it answered`);
    try {
      if ((await fetch(`${server.url}/healthz`)).ok) return server;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  stopGroup(child.pid);
  throw new Error(`code-server did not answer on ${server.url}/healthz within 60 s`);
}

const alive = (pgid) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM to the whole group, SIGKILL after 5 s if anything is left. Synchronous for exit handlers. */
export function stopGroup(pgid) {
  if (!alive(pgid)) return;
  process.kill(-pgid, "SIGTERM");
  const end = Date.now() + 5000;
  while (alive(pgid) && Date.now() < end) spawnSync("sleep", ["0.1"]);
  if (alive(pgid)) process.kill(-pgid, "SIGKILL");
}

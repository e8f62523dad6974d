// Shared by the editors tier: real editors we did not write (headless Neovim, Emacs with eglot)
// start `purgatory-lens lsp --stdio` the way the README's configurations say, on a copy of
// examples/linux, and report what they saw; the tests check it.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../helpers";

export const EDITORS = join(repoRoot, "test", "editors");
export const CONFIGS = join(repoRoot, "docs", "editors");

export interface Workspace {
  /** The copied tree (a git repository, as kernel trees are: eglot's project.el needs one). */
  readonly tree: string;
  /** Scratch space: the editor's state, its output, the handshake files. */
  readonly scratch: string;
  /** PATH with a `purgatory-lens` that runs this checkout's dist/cli.js, as an installed bin does. */
  readonly path: string;
}

/** A copy of examples/linux (or `source`), and `purgatory-lens` on PATH. */
export function workspace(source = join(repoRoot, "examples", "linux")): Workspace {
  const scratch = mkdtempSync(join(tmpdir(), "pl-editor-"));
  const tree = join(scratch, "linux");
  cpSync(source, tree, { recursive: true });
  execFileSync("git", ["init", "-q", tree]);
  const bin = join(scratch, "bin");
  mkdirSync(bin);
  const shim = join(bin, "purgatory-lens");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(repoRoot, "dist", "cli.js")}" "$@"\n`);
  chmodSync(shim, 0o755);
  return { tree, scratch, path: `${bin}:${process.env.PATH ?? ""}` };
}

/**
 * Runs an editor to completion. When it creates `<signal>/rebuild-now`, `rebuild` runs (outside the
 * editor, as a build in a terminal would) and `<signal>/rebuilt` tells the editor to go on.
 */
export async function runEditor(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  signal: string,
  rebuild: () => void,
  timeoutMs = 120_000,
): Promise<{ code: number | null; output: string }> {
  mkdirSync(signal, { recursive: true });
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += String(d)));
  child.stderr.on("data", (d) => (output += String(d)));
  let rebuilt = false;
  const poll = setInterval(() => {
    if (!rebuilt && existsSync(join(signal, "rebuild-now"))) {
      rebuilt = true;
      try {
        rebuild();
      } finally {
        writeFileSync(join(signal, "rebuilt"), "");
      }
    }
  }, 50);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearInterval(poll);
  clearTimeout(timer);
  return { code, output };
}

/** The example's purgatory rebuilt from its (edited) Makefile with clang-19 and ld.lld-19. */
export function rebuildExample(tree: string): void {
  execFileSync("bash", [join(EDITORS, "rebuild-example.sh"), tree], { stdio: "pipe" });
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** Line number (0-based) of the first line containing `needle`. */
export function lineWith(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line contains ${needle}`);
  return i;
}

/** What both editors report of the quick fix and the rebuild (their own fields come beside these). */
export interface FixAndRebuild {
  readonly code_actions: readonly string[];
  readonly saved_makefile: string;
  readonly before_rebuild: readonly { readonly code: string }[];
  readonly after_rebuild: readonly { readonly code: string }[];
}

/** The small-PIC quick fix was offered in the editor's menu, applied and saved to the Makefile. */
export function assertSmallPicFixSaved(seen: FixAndRebuild, original: string): void {
  assert.ok(
    seen.code_actions.some((t) => t.includes("-mcmodel=small -fpic -fvisibility=hidden")),
    JSON.stringify(seen.code_actions),
  );
  assert.equal(
    seen.saved_makefile,
    original.replace(
      "PURGATORY_CFLAGS := -mcmodel=large",
      "PURGATORY_CFLAGS := -mcmodel=small -fpic -fvisibility=hidden",
    ),
  );
}

/**
 * The rebuild changed the diagnostics: the .ltext WARN is gone, and the overflow stays (the
 * Makefile's LLVM 18 knob still writes the 32-bit reference).
 */
export function assertRebuildFollowed(seen: FixAndRebuild): void {
  assert.ok(seen.before_rebuild.some((d) => d.code === "entry-multiple-sections"));
  assert.ok(
    !seen.after_rebuild.some((d) => d.code === "entry-multiple-sections"),
    JSON.stringify(seen.after_rebuild),
  );
  assert.ok(seen.after_rebuild.some((d) => d.code === "reloc-overflow"));
}

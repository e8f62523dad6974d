// Which lines of a C or assembly source the build compiled: a reference inside an inactive
// preprocessor arm (`#ifdef X … #else <here> #endif` built with -DX) is not in the object, so no
// finding belongs on it.
//
// The preprocessor decides, not us: every conditional arm of the file gets a marker token on a line of
// its own right after its directive, and the system cpp preprocesses that copy with the -D, -U, -I,
// -include and -imacros flags the object's .cmd file recorded. The markers in cpp's output are the
// arms the build took; every other arm's lines were skipped. Macros defined by the file itself and by
// the headers it includes are honoured, because cpp evaluates them as the build did.
//
// The copy goes to cpp on stdin, so the user's file is never touched; `-iquote` the source's folder
// keeps `#include "local.h"` working as it does for the file itself. The system cpp's predefined
// macros are the host gcc's: a conditional on a compiler's own macro (__clang__, a cross target's
// __s390x__) is decided as the host gcc would decide it.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { posix } from "node:path";
import { cppArgsFromCmd } from "../lds/preprocess";
import type { SourceLanguage } from "./mask";

/** One arm of a conditional: the lines after its directive up to the next directive of its group. */
export interface ConditionalArm {
  /** 0-based line of the #if / #ifdef / #ifndef / #elif / #else directive (its first line). */
  readonly directiveLine: number;
  /** First body line (after the directive and its continuation lines). */
  readonly bodyStart: number;
  /** Line of the directive that ends the arm (#elif / #else / #endif), exclusive. */
  readonly bodyEnd: number;
}

/** A range of 0-based lines, end exclusive. */
export interface LineRange {
  readonly start: number;
  readonly end: number;
}

export interface CompiledLines {
  /**
   * "cpp": decided by the preprocessor with the build's flags; "no-conditionals": the file has no
   * conditional, so every line is compiled; "textual": not decided (Restricted Mode, no .cmd file, or
   * cpp failed): every line is treated as compiled, and places found on them are approximate.
   */
  readonly how: "cpp" | "no-conditionals" | "textual";
  /** Lines the build did not compile. */
  readonly inactive: readonly LineRange[];
  /** Why the placement is textual. */
  readonly note?: string;
}

const CONDITIONAL = /^\s*#\s*(if|ifdef|ifndef|elif|elifdef|elifndef|else|endif)\b/;

/** The conditional arms of a file, in order (nested arms included). */
export function conditionalArms(text: string): ConditionalArm[] {
  const lines = text.split("\n");
  const arms: ConditionalArm[] = [];
  /** Per open #if group: the index in `arms` of its current arm. */
  const open: number[] = [];
  let inComment = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const startsInComment = inComment;
    inComment = endsInComment(line, inComment);
    if (startsInComment) continue;
    const m = CONDITIONAL.exec(line);
    if (!m) continue;
    // A directive continues over backslash-newlines; its body starts after them.
    let last = i;
    while (last + 1 < lines.length && /\\\s*$/.test(lines[last]!)) last++;
    const kind = m[1]!;
    const close = () => {
      const k = open[open.length - 1];
      if (k !== undefined) arms[k] = { ...arms[k]!, bodyEnd: i };
    };
    if (kind === "if" || kind === "ifdef" || kind === "ifndef") {
      open.push(arms.length);
      arms.push({ directiveLine: i, bodyStart: last + 1, bodyEnd: lines.length });
    } else if (kind === "endif") {
      close();
      open.pop();
    } else if (open.length > 0) {
      close();
      open[open.length - 1] = arms.length;
      arms.push({ directiveLine: i, bodyStart: last + 1, bodyEnd: lines.length });
    }
    i = last;
  }
  return arms;
}

/** Whether a /* comment is still open at the end of `line` (strings are not tracked: good enough here). */
function endsInComment(line: string, inComment: boolean): boolean {
  let c = inComment;
  for (let k = 0; k < line.length - 1; k++) {
    if (!c && line[k] === "/" && line[k + 1] === "/") return false;
    if (!c && line[k] === "/" && line[k + 1] === "*") {
      c = true;
      k++;
    } else if (c && line[k] === "*" && line[k + 1] === "/") {
      c = false;
      k++;
    }
  }
  return c;
}

const MARKER = "__purgatory_lens_arm_";

/** The file with a marker line after each arm's directive: what cpp is given. */
export function markedCopy(text: string, arms: readonly ConditionalArm[]): string {
  const lines = text.split("\n");
  const after = new Map<number, number>(); // line index -> arm number whose marker follows it
  arms.forEach((a, k) => after.set(a.bodyStart - 1, k));
  const out: string[] = [];
  lines.forEach((l, i) => {
    out.push(l);
    const k = after.get(i);
    if (k !== undefined) out.push(`${MARKER}${k}__`);
  });
  return out.join("\n");
}

/** The lines of the arms whose markers cpp did not output. */
export function inactiveLines(arms: readonly ConditionalArm[], cppOutput: string): LineRange[] {
  const taken = new Set<number>();
  for (const m of cppOutput.matchAll(new RegExp(`${MARKER}(\\d+)__`, "g"))) taken.add(Number(m[1]));
  const ranges = arms
    .filter((_, k) => !taken.has(k))
    .map((a) => ({ start: a.bodyStart, end: a.bodyEnd }))
    .sort((a, b) => a.start - b.start);
  // Nested arms of a skipped arm lie inside it: merge.
  const merged: LineRange[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end)
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, r.end) };
    else merged.push(r);
  }
  return merged;
}

export function isInactive(compiled: CompiledLines | undefined, line: number): boolean {
  return compiled?.inactive.some((r) => line >= r.start && line < r.end) ?? false;
}

export interface CompiledLinesOptions {
  readonly path: string;
  readonly text: string;
  readonly language: SourceLanguage;
  /** Whether running tools is allowed (false in untrusted workspaces). */
  readonly allowTools: boolean;
  /** argv of the object's compile command (.cmd file), when the build recorded one. */
  readonly cmdArgv?: readonly string[];
  /** The folder the compile ran in (kbuild's objtree). */
  readonly cwd?: string;
  readonly cpp?: string;
  readonly timeoutMs?: number;
}

/** cpp's arguments for one source: the recorded preprocessing flags, the language, stdin as input. */
export function cppArgsForSource(argv: readonly string[], path: string, language: SourceLanguage): string[] {
  const args = cppArgsFromCmd(argv, "-");
  // cppArgsFromCmd defaults to assembler-with-cpp (its .lds.S use); a C source is C unless -x says.
  if (language === "c" && args[0] === "-x" && args[1] === "assembler-with-cpp" && !argv.includes("-x"))
    args.splice(0, 2, "-x", "c");
  return ["-P", "-w", "-iquote", posix.dirname(path), ...args];
}

const cache = new Map<string, Promise<CompiledLines>>();
const CACHE_LIMIT = 256;

/**
 * Which lines of one source the build compiled. Runs cpp only when the file has a conditional, the
 * tools may run and a compile command was recorded; the result is cached by command and text, so
 * O= build folders of one tree and unchanged files cost one run.
 */
export function compiledLines(o: CompiledLinesOptions): Promise<CompiledLines> {
  // A file without a directive needs no parse at all.
  const arms = /^\s*#\s*(if|ifdef|ifndef)\b/m.test(o.text) ? conditionalArms(o.text) : [];
  if (arms.length === 0) return Promise.resolve({ how: "no-conditionals", inactive: [] });
  if (!o.allowTools)
    return Promise.resolve({
      how: "textual",
      inactive: [],
      note: "the workspace is not trusted, so cpp was not run",
    });
  if (!o.cmdArgv || o.cmdArgv.length === 0)
    return Promise.resolve({
      how: "textual",
      inactive: [],
      note: "the build recorded no compile command for it",
    });
  const args = cppArgsForSource(o.cmdArgv, o.path, o.language);
  // The folder matters only to relative include paths: O= build folders of one tree that pass none
  // share one cpp run per source.
  const key = createHash("sha256")
    .update(JSON.stringify([o.cpp ?? "cpp", dependsOnCwd(args) ? (o.cwd ?? "") : "", args]))
    .update("\0")
    .update(o.text)
    .digest("hex");
  let r = cache.get(key);
  if (!r) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    r = runCpp(o.cpp ?? "cpp", args, markedCopy(o.text, arms), o.cwd, o.timeoutMs ?? 10_000).then(
      (out): CompiledLines =>
        out.ok
          ? { how: "cpp", inactive: inactiveLines(arms, out.stdout) }
          : { how: "textual", inactive: [], note: `cpp failed (${out.error})` },
    );
    cache.set(key, r);
  }
  return r;
}

const PATH_OPTIONS = new Set(["-I", "-include", "-imacros", "-isystem", "-iquote", "-idirafter"]);

/** Whether any include folder or forced include is a relative path (resolved against the cwd). */
function dependsOnCwd(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (PATH_OPTIONS.has(a) && i + 1 < args.length) {
      if (!args[++i]!.startsWith("/")) return true;
    } else if (/^-I[^/]/.test(a)) return true;
  }
  return false;
}

function runCpp(
  cpp: string,
  args: readonly string[],
  input: string,
  cwd: string | undefined,
  timeoutMs: number,
): Promise<{ ok: true; stdout: string } | { ok: false; error: string }> {
  return new Promise((done) => {
    let stdout = "";
    let stderr = "";
    const child = spawn(cpp, args, { cwd, stdio: ["pipe", "pipe", "pipe"], timeout: timeoutMs });
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (e) => done({ ok: false, error: e.message }));
    child.on("close", (code) =>
      done(
        code === 0
          ? { ok: true, stdout }
          : { ok: false, error: stderr.split("\n").find((l) => l.trim()) ?? `exit status ${code}` },
      ),
    );
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

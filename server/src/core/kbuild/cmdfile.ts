// Reader for kbuild's `.<target>.cmd` files, the record of the exact command that built each target.
//
//   savedcmd_<target> := <command>       kbuild since v6.1 (commit "kbuild: rename cmd_$@ to savedcmd_$@")
//   cmd_<target> := <command>            older kernels
//   source_<obj> := <source file>        older kernels, next to the command (fixdep output)
//   deps_<obj> := \                      header dependencies, one per continuation line, with
//     include/linux/kconfig.h \          $(wildcard include/config/...) entries for config options
//     $(wildcard include/config/FOO) \
//
// kbuild escapes the command with make-cmd before writing it: `$` is doubled to `$$`, and `#` becomes
// `$(pound)` (v4.x and later) or `\#` (older). argv undoes that after shell splitting, so the word
// ranges still point at the file's characters.
import { isWideSpace } from "../chars";
import { splitShellWords, type ShellWord } from "./shell";

export interface CmdFile {
  /** The target as kbuild wrote it, usually relative to the build root: "arch/x86/purgatory/purgatory.o". */
  readonly target: string;
  /** The command text exactly as it appears in the file (still make-escaped). */
  readonly command: string;
  /** The first simple command, shell-split and make-unescaped: what the compiler or linker received. */
  readonly argv: readonly string[];
  /** Words of the whole command with ranges as columns in `line` (operators included, values unescaped). */
  readonly words: readonly ShellWord[];
  /** Every simple command (`a ; b && c`), each as argv. */
  readonly commands: readonly (readonly string[])[];
  /** 0-based line of the command in the file. */
  readonly line: number;
  /** 0-based column where the command text starts. */
  readonly column: number;
  /** `cmd_` (older kernels) rather than `savedcmd_`. */
  readonly legacy: boolean;
  /** The `source_<obj>` value, when the file has one. */
  readonly source?: string;
  /** The `deps_<obj>` files (without the `$(wildcard ...)` entries). */
  readonly deps: readonly string[];
  /** The paths inside `$(wildcard ...)` entries of `deps_<obj>` (config-option stamps). */
  readonly wildcardDeps: readonly string[];
}

/** Undo make-cmd's escaping of one word. */
export function unescapeMakeCmd(s: string): string {
  if (!s.includes("$") && !s.includes("\\#")) return s;
  return s.replace(/\$\(pound\)|\$\$|\\#/g, (m) => (m === "$$" ? "$" : "#"));
}

const ASSIGN = /^(savedcmd|cmd|source|deps)_(\S+?)\s*:=\s?/;

/** Whether a line starting at `at` can be an assignment ASSIGN reads (checked before the regexp runs). */
function assignmentStart(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  // s(avedcmd_, ource_), c(md_), d(eps_): a dependency line starts with blanks and is skipped here.
  return (
    (c === 115 && (text.startsWith("savedcmd_", at) || text.startsWith("source_", at))) ||
    (c === 99 && text.startsWith("cmd_", at)) ||
    (c === 100 && text.startsWith("deps_", at))
  );
}

/** JavaScript's white space and line terminators: what String.prototype.trimEnd removes. */
function isTrimmed(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return c >= 0xa0 && isWideSpace(c);
}

/**
 * Parse a .cmd file's text; undefined if it has no `savedcmd_`/`cmd_` line. Lines are read from the
 * text by offsets and only those that can start an assignment are matched against ASSIGN: a `deps_`
 * list is tens of thousands of lines, and a split, a `\r` strip and a regexp per line were most of
 * the cost.
 */
export function parseCmdFile(text: string): CmdFile | undefined {
  let cmd: Omit<CmdFile, "source" | "deps" | "wildcardDeps"> | undefined;
  let source: string | undefined;
  const deps: string[] = [];
  const wildcardDeps: string[] = [];
  // The current line: [start, end) without its newline and a trailing `\r`; `next` is where the
  // following line starts (past the end of the text after the last line).
  let start = 0;
  let end = 0;
  let next = 0;
  const read = (from: number): void => {
    const nl = text.indexOf("\n", from);
    start = from;
    next = nl < 0 ? text.length + 1 : nl + 1;
    end = nl < 0 ? text.length : nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
  };
  for (let i = 0; next <= text.length; i++) {
    read(next);
    if (!assignmentStart(text, start)) continue;
    const line = text.slice(start, end);
    const m = ASSIGN.exec(line);
    if (!m) continue;
    const kind = m[1]!;
    const column = m[0].length;
    const rest = line.slice(column);
    if ((kind === "savedcmd" || kind === "cmd") && cmd === undefined) {
      const words = splitShellWords(rest, column, unescapeMakeCmd);
      const commands = commandValues(words);
      cmd = {
        target: m[2]!,
        command: rest,
        argv: commands[0] ?? [],
        words,
        commands,
        line: i,
        column,
        legacy: kind === "cmd",
      };
    } else if (kind === "source" && source === undefined) {
      source = rest.trim();
    } else if (kind === "deps") {
      // Gather the continuation lines (each without its trailing blanks and `\`), then split into
      // words keeping $(wildcard x) together; the body is joined once.
      const parts: string[] = [];
      let from = start + column;
      for (;;) {
        let e = end;
        while (e > from && isTrimmed(text.charCodeAt(e - 1))) e--;
        if (e === from || text.charCodeAt(e - 1) !== 92 || next > text.length) break;
        parts.push(text.slice(from, e - 1));
        read(next);
        i++;
        from = start;
      }
      parts.push(text.slice(from, end));
      splitDeps(parts.join(" "), deps, wildcardDeps);
    }
  }
  if (!cmd) return undefined;
  return { ...cmd, ...(source !== undefined ? { source } : {}), deps, wildcardDeps };
}

/**
 * The words of a `deps_` body: `$(wildcard a b)` gives its names to `wildcard`, every other word goes
 * to `deps`. Scanned by hand: a regexp with `\s+` before `[^)]*` backtracks quadratically over the
 * blanks after an unclosed `$(wildcard`.
 */
function splitDeps(body: string, deps: string[], wildcard: string[]): void {
  const n = body.length;
  // No `)` at or after this offset: an unclosed `$(wildcard` is then an ordinary word.
  let noCloseFrom = n;
  let p = 0;
  for (;;) {
    while (p < n && isTrimmed(body.charCodeAt(p))) p++;
    if (p >= n) return;
    const open = p + WILDCARD.length;
    if (body.startsWith(WILDCARD, p) && open < n && isTrimmed(body.charCodeAt(open)) && open < noCloseFrom) {
      const close = body.indexOf(")", open);
      if (close >= 0) {
        let w = open;
        for (;;) {
          while (w < close && isTrimmed(body.charCodeAt(w))) w++;
          if (w >= close) break;
          const from = w;
          while (w < close && !isTrimmed(body.charCodeAt(w))) w++;
          wildcard.push(body.slice(from, w));
        }
        p = close + 1;
        continue;
      }
      noCloseFrom = open;
    }
    const from = p;
    while (p < n && !isTrimmed(body.charCodeAt(p))) p++;
    deps.push(body.slice(from, p));
  }
}

const WILDCARD = "$(wildcard";

/** Every simple command's argv (splitCommands' grouping, as values, in one pass). */
function commandValues(words: readonly ShellWord[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const w of words) {
    if (w.operator) {
      if (current.length > 0) out.push(current);
      current = [];
    } else current.push(w.value);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** `.purgatory.o.cmd` for `purgatory.o`: the name kbuild gives a target's command file. */
export function cmdFileName(targetBasename: string): string {
  return `.${targetBasename}.cmd`;
}

/** The library search folders of a link command (`-L dir`, `-Ldir`, `--library-path[=]dir`), in order. */
export function librarySearchDirs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-L" || a === "--library-path") {
      if (i + 1 < argv.length) out.push(argv[++i]!);
    } else if (a.startsWith("--library-path=")) out.push(a.slice("--library-path=".length));
    else if (a.startsWith("-L")) out.push(a.slice(2));
  }
  return out;
}

// Turning a `.lds.S` into a script the parser can read.
//
// With a build and in a trusted workspace, run the system cpp with the flags kbuild recorded in
// `.<script>.lds.cmd` (kbuild's cpp_lds_S: `$(CPP) $(cpp_flags) -P -U$(ARCH) -D__ASSEMBLY__
// -DLINKER_SCRIPT -o $@ $<`), minus `-P` so cpp keeps its `# line "file"` markers, which map every
// diagnostic back to the `.lds.S` line or the header it came from. Compiler-only flags are dropped:
// cpp is given only the options that change preprocessing.
//
// Otherwise, tolerant mode: parse the raw text; the lexer skips directive lines (so both arms of an
// #if are parsed) and the parser keeps unknown macro invocations as opaque content.
import { spawnSync } from "node:child_process";
import type { Script } from "./ast";
import { parseScript } from "./parser";

export interface PreprocessOptions {
  /** Path of the `.lds.S` (absolute, or relative to `cwd`). */
  readonly file: string;
  /** Its text, for tolerant mode (and to know it without reading). */
  readonly text: string;
  /** Whether running tools is allowed: false in untrusted workspaces, which then never run cpp. */
  readonly allowTools: boolean;
  /** argv of the kbuild `.lds.cmd` record (`savedcmd_...lds := gcc -E ...`), when a build exists. */
  readonly cmdArgv?: readonly string[];
  /** The kbuild root the command ran from (objtree). */
  readonly cwd?: string;
  /** The preprocessor to run; "cpp" by default. */
  readonly cpp?: string;
  readonly timeoutMs?: number;
}

export interface Preprocessed {
  readonly mode: "cpp" | "tolerant";
  /** The text that was parsed (cpp's output, or the raw file). */
  readonly text: string;
  readonly script: Script;
  /** The cpp command line, when cpp ran. */
  readonly argv?: readonly string[];
  /** Why cpp was not used or failed (tolerant mode is then used). */
  readonly note?: string;
  /** The folder relative line-marker paths resolve against. */
  readonly cwd?: string;
}

/** Two-word options whose value is the next word. */
const KEEP_TWO = new Set([
  "-include",
  "-imacros",
  "-isystem",
  "-iquote",
  "-idirafter",
  "-I",
  "-D",
  "-U",
  "-x",
  "-std",
]);
const DROP_TWO = new Set(["-o", "-MF", "-MT", "-MQ"]);

/**
 * The cpp arguments for a `.lds.S`, from the recorded command: keep -D/-U/-I/-include/-imacros/
 * -isystem/-iquote/-idirafter/-nostdinc/-undef/-x/-std and -Wp,-D.. forms; drop `-P`, `-o x`, the
 * dependency options, compiler-only flags and the recorded input (the caller's file is added last).
 */
export function cppArgsFromCmd(argv: readonly string[], file: string): string[] {
  const out: string[] = [];
  let hasLang = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (DROP_TWO.has(a)) {
      i++;
      continue;
    }
    if (KEEP_TWO.has(a) && i + 1 < argv.length) {
      out.push(a, argv[++i]!);
      if (a === "-x") hasLang = true;
      continue;
    }
    if (/^-[DUI]./.test(a) || /^-(nostdinc|undef|traditional|traditional-cpp)$/.test(a) || /^-std=/.test(a))
      out.push(a);
    else if (/^-x./.test(a)) {
      out.push(a);
      hasLang = true;
    } else if (a.startsWith("-Wp,")) {
      // -Wp,-MMD,dep is a dependency option; -Wp,-D... passes a define.
      for (const w of a.slice(4).split(",")) if (/^-[DUI]/.test(w)) out.push(w);
    }
    // Everything else (-E, -P, -o.., -M*, machine and warning flags, the input) is dropped.
  }
  // kbuild's $(CC) -E treats a .S file as assembler-with-cpp; plain cpp would treat it as C.
  if (!hasLang) out.unshift("-x", "assembler-with-cpp");
  out.push(file);
  return out;
}

export function preprocess(options: PreprocessOptions): Preprocessed {
  const tolerant = (note?: string): Preprocessed => ({
    mode: "tolerant",
    text: options.text,
    script: parseScript(options.text, { tolerant: true }),
    ...(note ? { note } : {}),
  });
  if (!options.allowTools) return tolerant("the workspace is not trusted: cpp was not run");
  if (!options.cmdArgv || options.cmdArgv.length === 0)
    return tolerant("no kbuild record for this script: parsed without cpp");
  const args = cppArgsFromCmd(options.cmdArgv, options.file);
  const cpp = options.cpp ?? "cpp";
  const r = spawnSync(cpp, args, {
    cwd: options.cwd,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 10_000,
    maxBuffer: 64 * 1024 * 1024,
    shell: false,
  });
  if (r.error || r.status !== 0) {
    const why = r.error
      ? r.error.message
      : ((r.stderr || "").split("\n").find((l) => l.trim()) ?? `exit status ${r.status}`);
    return tolerant(`${cpp} failed (${why}): parsed without cpp`);
  }
  return {
    mode: "cpp",
    text: r.stdout,
    script: parseScript(r.stdout),
    argv: [cpp, ...args],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  };
}

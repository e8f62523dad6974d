// What a compile or link command line says about the purgatory: the facts the rules need (code model,
// PIC, visibility, stack protector, section and profile flags, -r / -e / -T) without the rules having
// to know gcc's, clang's or ld's option syntax. This is a reader of the options kbuild passes, not a
// full driver model: where gcc has subtle interactions (e.g. -fno-pie after -fPIC), "last one wins" is
// used and documented on the field.
import { posix } from "node:path";

export type CommandKind = "compile" | "link" | "other";
/** -fpic / -fPIC / -fpie / -fPIE, or "none" after -fno-pic/-fno-PIC/-fno-pie/-fno-PIE. */
export type PicMode = "none" | "pic" | "PIC" | "pie" | "PIE";
/** -fstack-protector[-strong|-all|-explicit], or "none" after -fno-stack-protector. */
export type StackProtector = "none" | "default" | "strong" | "all" | "explicit";

export interface CommandFlag {
  /** The option as one string; a two-word option is joined with one space: "-I arch/x86/purgatory". */
  readonly text: string;
  /** The argv words it came from (one or two). */
  readonly words: readonly string[];
  /** Index of its first word in argv. */
  readonly index: number;
}

export interface Define {
  readonly name: string;
  /** The text after "=", if any (`-DX` defines X as 1 without a value here). */
  readonly value?: string;
}

export interface ParsedCommand {
  readonly kind: CommandKind;
  /** argv[0] after any launcher (ccache, distcc, sccache): "clang-19", "gcc", "ld.lld-19". */
  readonly compiler: string;
  /** Index of `compiler` in argv (1 when a launcher precedes it). */
  readonly compilerIndex: number;
  readonly output?: string;
  /** Source files and objects, in order. */
  readonly inputs: readonly string[];
  /** Every option, in order. */
  readonly flags: readonly CommandFlag[];
  readonly defines: readonly Define[];
  readonly undefines: readonly string[];
  /** -I, -isystem, -iquote, -idirafter folders, in order. */
  readonly includeDirs: readonly string[];
  /** -include and -imacros files. */
  readonly includeFiles: readonly string[];
  /** -x language, if given. */
  readonly language?: string;
  /** -c / -S / -E seen. */
  readonly compileOnly: boolean;
  /** The value of the last -mcmodel=, and the flag itself. */
  readonly codeModel?: string;
  readonly codeModelFlag?: CommandFlag;
  /** Last PIC/PIE flag wins (undefined: the compiler's default, often PIE on distribution gcc). */
  readonly pic?: PicMode;
  readonly picFlag?: CommandFlag;
  /** Last -fvisibility= value. */
  readonly visibility?: string;
  readonly visibilityFlag?: CommandFlag;
  /** Last -fstack-protector* / -fno-stack-protector wins (undefined: the compiler's default). */
  readonly stackProtector?: StackProtector;
  readonly stackProtectorFlag?: CommandFlag;
  /** Last of -ffunction-sections / -fno-function-sections. */
  readonly functionSections: boolean;
  readonly dataSections: boolean;
  /** Profiling and coverage flags that are on (-pg, -fprofile-*, -fauto-profile, --coverage, ...). */
  readonly profileFlags: readonly CommandFlag[];
  /** LTO flags (-flto, -flto=thin, ...); `lto` is the last of -flto* / -fno-lto. */
  readonly ltoFlags: readonly CommandFlag[];
  readonly lto: boolean;
  /** Link: -r / --relocatable / -Ur. */
  readonly relocatable: boolean;
  /** Link: -e sym / --entry=sym. */
  readonly entry?: string;
  /** Link: -T script / --script=script. */
  readonly linkerScript?: string;
}

const LAUNCHERS = new Set(["ccache", "distcc", "sccache", "icecc"]);

/** Options whose value is the next argv word when not attached. */
const TWO_WORD = new Set([
  "-o", "-I", "-D", "-U", "-include", "-imacros", "-isystem", "-iquote", "-idirafter", "-iprefix",
  "-isysroot", "-MF", "-MT", "-MQ", "-x", "-Xlinker", "-Xassembler", "-Xpreprocessor", "-Xclang",
  "-target", "--param", "-T", "-e", "-z", "-m", "-L", "-u", "-y", "-Map", "-soname", "--entry",
  "--script", "--defsym", "-Ttext", "-Tdata", "-Tbss", "-Ttext-segment", "--sysroot", "-arch",
  "-aux-info", "--undefined", "--output", "-plugin", "-plugin-opt", "--plugin-opt", "-mllvm",
]); // prettier-ignore

/** ld, ld.bfd, ld.gold, ld.lld, lld, with an optional version or target prefix/suffix. */
const LINKER = /(^|-)(ld|ld\.bfd|ld\.gold|ld\.lld|lld|ld64\.lld)(-\d+(\.\d+)*)?$/;

const PIC: Record<string, PicMode> = {
  "-fpic": "pic", "-fPIC": "PIC", "-fpie": "pie", "-fPIE": "PIE",
  "-fno-pic": "none", "-fno-PIC": "none", "-fno-pie": "none", "-fno-PIE": "none",
}; // prettier-ignore

const STACK: Record<string, StackProtector> = {
  "-fstack-protector": "default",
  "-fstack-protector-strong": "strong",
  "-fstack-protector-all": "all",
  "-fstack-protector-explicit": "explicit",
  "-fno-stack-protector": "none",
};

const PROFILE =
  /^(-pg$|--coverage$|-fprofile-|-fauto-profile|-fprofile$|-ftest-coverage$|-fbranch-probabilities$|-fcs-profile-generate|-fsanitize-coverage=|-finstrument-functions$)/;

/** Parse one compile or link argv (a .cmd file's `argv`). */
export function parseCommand(argv: readonly string[]): ParsedCommand {
  let ci = 0;
  while (ci < argv.length - 1 && LAUNCHERS.has(posix.basename(argv[ci]!))) ci++;
  const compiler = argv[ci] ?? "";
  const isLinker = LINKER.test(posix.basename(compiler));

  const flags: CommandFlag[] = [];
  const inputs: string[] = [];
  const defines: Define[] = [];
  const undefines: string[] = [];
  const includeDirs: string[] = [];
  const includeFiles: string[] = [];
  const profileFlags: CommandFlag[] = [];
  const ltoFlags: CommandFlag[] = [];
  let output: string | undefined;
  let language: string | undefined;
  let compileOnly = false;
  let codeModelFlag: CommandFlag | undefined;
  let picFlag: CommandFlag | undefined;
  let visibilityFlag: CommandFlag | undefined;
  let stackProtectorFlag: CommandFlag | undefined;
  let functionSections = false;
  let dataSections = false;
  let lto = false;
  let relocatable = false;
  let entry: string | undefined;
  let linkerScript: string | undefined;

  for (let i = ci + 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("-") || a === "-") {
      inputs.push(a);
      continue;
    }
    const twoWord = TWO_WORD.has(a) && i + 1 < argv.length;
    const words = twoWord ? [a, argv[i + 1]!] : [a];
    const flag: CommandFlag = { text: words.join(" "), words, index: i };
    flags.push(flag);
    if (twoWord) i++;
    const opt = words[0]!;
    // The option's value, whether attached (-Ifoo, -o=..., --entry=x) or the next word.
    const value = (prefix: string): string | undefined =>
      twoWord && opt === prefix ? words[1] : opt.startsWith(prefix) ? opt.slice(prefix.length) : undefined;

    if (opt === "-o" || opt === "--output") output = words[1] ?? output;
    else if (opt === "-c" || opt === "-S" || opt === "-E") compileOnly = true;
    else if (opt === "-x") language = words[1];
    else if (opt.startsWith("-D")) {
      const d = value("-D");
      if (d) {
        const eq = d.indexOf("=");
        defines.push(eq < 0 ? { name: d } : { name: d.slice(0, eq), value: d.slice(eq + 1) });
      }
    } else if (opt.startsWith("-U") && !opt.startsWith("-Ur")) {
      const u = value("-U");
      if (u) undefines.push(u);
    } else if (opt.startsWith("-I") || ["-isystem", "-iquote", "-idirafter"].includes(opt)) {
      const dir = twoWord ? words[1] : opt.slice(2);
      if (dir) includeDirs.push(dir);
    } else if ((opt === "-include" || opt === "-imacros") && twoWord) includeFiles.push(words[1]!);
    else if (opt.startsWith("-mcmodel=")) codeModelFlag = flag;
    else if (opt in PIC) picFlag = flag;
    else if (opt.startsWith("-fvisibility=")) visibilityFlag = flag;
    else if (opt in STACK) stackProtectorFlag = flag;
    else if (opt === "-ffunction-sections" || opt === "-fno-function-sections")
      functionSections = opt === "-ffunction-sections";
    else if (opt === "-fdata-sections" || opt === "-fno-data-sections")
      dataSections = opt === "-fdata-sections";
    else if (opt.startsWith("-flto")) {
      ltoFlags.push(flag);
      lto = true;
    } else if (opt === "-fno-lto") lto = false;
    else if (PROFILE.test(opt)) profileFlags.push(flag);
    else if (opt === "-r" || opt === "--relocatable" || opt === "-Ur") relocatable = true;
    else if (opt === "-e" || opt === "--entry") entry = words[1] ?? entry;
    else if (opt.startsWith("--entry=")) entry = opt.slice("--entry=".length);
    else if (/^-e[^-]/.test(opt) && isLinker) entry = opt.slice(2);
    else if (opt === "-T" || opt === "--script") linkerScript = words[1] ?? linkerScript;
    else if (opt.startsWith("--script=")) linkerScript = opt.slice("--script=".length);
    else if (/^-T(?!text|data|bss|ldata|rodata)./.test(opt)) linkerScript = opt.slice(2);
  }

  // The kind: a linker by name; a compiler driver with -c/-S/-E compiles; a driver without them that
  // only takes objects links (some older kernels linked purgatory with $(CC) -nostdlib -r).
  let kind: CommandKind = "other";
  if (isLinker) kind = "link";
  else if (compileOnly) kind = "compile";
  else if (/(^|-)(gcc|cc|clang)(-\d+(\.\d+)*)?$/.test(posix.basename(compiler)) && inputs.length > 0)
    kind = inputs.every((p) => /\.(o|a|ro)$/.test(p)) ? "link" : "compile";

  const last = <T>(f: CommandFlag | undefined, map: (f: CommandFlag) => T): T | undefined =>
    f === undefined ? undefined : map(f);
  return {
    kind,
    compiler,
    compilerIndex: ci,
    ...(output !== undefined ? { output } : {}),
    inputs,
    flags,
    defines,
    undefines,
    includeDirs,
    includeFiles,
    ...(language !== undefined ? { language } : {}),
    compileOnly,
    ...(codeModelFlag ? { codeModel: codeModelFlag.words[0]!.slice("-mcmodel=".length), codeModelFlag } : {}),
    ...(picFlag ? { pic: last(picFlag, (f) => PIC[f.words[0]!]!), picFlag } : {}),
    ...(visibilityFlag
      ? { visibility: visibilityFlag.words[0]!.slice("-fvisibility=".length), visibilityFlag }
      : {}),
    ...(stackProtectorFlag
      ? { stackProtector: last(stackProtectorFlag, (f) => STACK[f.words[0]!]!), stackProtectorFlag }
      : {}),
    functionSections,
    dataSections,
    profileFlags,
    ltoFlags,
    lto,
    relocatable,
    ...(entry !== undefined ? { entry } : {}),
    ...(linkerScript !== undefined ? { linkerScript } : {}),
  };
}

/** Whether a path names a C or assembly source (as opposed to an object or archive). */
export function isSourcePath(p: string): boolean {
  return /\.(c|S|s|sx|asm|cc|cpp)$/.test(p);
}

/** The inputs that are sources (a compile's .c / .S). */
export function sourceInputs(cmd: ParsedCommand): string[] {
  return cmd.inputs.filter(isSourcePath);
}

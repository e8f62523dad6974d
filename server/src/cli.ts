// purgatory-lens: the command line over the same core the language server uses.
// Exit codes: 0 the load succeeds at every simulated address, 1 it fails somewhere, 2 bad input.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { chooseKernel, describeKernel, findTreeReleaseSync } from "./core/kbuild/release";
import { kernelModel } from "./core/kexec/kernel";
import { NEWEST_KERNEL } from "./core/kexec/kernel";
import { parseSize } from "./core/kexec/u64";
import { writeReportJson } from "./core/report/json-stream";
import { writeReportText } from "./core/report/text";
import { NEWEST_KEXEC_TOOLS } from "./core/kexec-tools/version";
import { simulate } from "./core/simulate";
import { archNamed, ARCH_NAMES } from "./core/arch/names";
import { runCheck } from "./cli/check";
import { lspCommand } from "./cli/lsp";
import { packageVersion } from "./cli/version";

const USAGE = `usage: purgatory-lens simulate <object> [options]
       purgatory-lens check [PATH...] [options]   (the CI gate: purgatory-lens check --help)
       purgatory-lens lsp --stdio     the language server, for any editor (see lsp --help)
       purgatory-lens --version

Simulates what the kernel's kexec_file_load(2), or kexec-tools' own loader (kexec_load(2)), would do
with a purgatory object (arch/*/purgatory/purgatory.ro, or kexec-tools' purgatory/purgatory.ro).

options:
  --kernel V     kernel release to model, e.g. 5.10, 6.8, 6.1.176 (default: the release of the
                 kernel tree the object is in, from its Makefile or include/config/kernel.release;
                 without a tree, ${NEWEST_KERNEL}, the newest modelled)
  --arch A       whose loader runs: ${ARCH_NAMES.join(", ")}
                 (default: the architecture e_machine names)
  --loader L     kernel (kexec_file_load, default) or kexec-tools (kexec_load, as kexec -l / -c)
  --kexec-tools V  kexec-tools release to model with --loader kexec-tools, e.g. 2.0.23
                 (default ${NEWEST_KEXEC_TOOLS}; 2.0.24 changed what sh_addralign 0 means)
  --crash        a kdump load (kexec -p): s390x, ppc64 and kexec-tools set more symbols
  --load ADDR    kbuf.mem (kexec-tools: buf_addr) to simulate (repeatable); aligned to buf_align.
                 Without it: the architecture's own placements on a machine with --ram of memory.
  --ram SIZE     RAM size for the default placements, e.g. 16G (default 64G)
  --json         machine-readable output (schema in the README)
  --relocs       list every relocation in the text output
  --debug        keep the kernel's pr_debug lines in the log
  -h, --help     this text

exit status: 0 loads at every simulated address with the right entry point and no error finding,
             1 fails somewhere (or would jump to the wrong entry, or run with a wrong field),
             2 bad input or usage`;

interface CliArgs {
  object: string;
  kernel: string | undefined;
  arch: string | undefined;
  loader: "kernel" | "kexec-tools" | undefined;
  kexecTools: string | undefined;
  crash: boolean;
  loads: bigint[];
  ram: bigint | undefined;
  json: boolean;
  relocs: boolean;
  debug: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): CliArgs | "help" {
  const args: CliArgs = {
    object: "",
    kernel: undefined,
    arch: undefined,
    loader: undefined,
    kexecTools: undefined,
    crash: false,
    loads: [],
    ram: undefined,
    json: false,
    relocs: false,
    debug: false,
  };
  const rest = [...argv];
  if (rest.length === 0 || rest[0] === "-h" || rest[0] === "--help") return "help";
  const command = rest.shift();
  if (command !== "simulate")
    throw new UsageError(`unknown command "${command}" (expected "simulate" or "check")`);
  const value = (flag: string): string => {
    const v = rest.shift();
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  while (rest.length > 0) {
    const a = rest.shift()!;
    const eq = a.indexOf("=");
    const [flag, inline] = a.startsWith("--") && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const take = () => inline ?? value(flag);
    switch (flag) {
      case "-h":
      case "--help":
        return "help";
      case "--kernel":
        args.kernel = take();
        break;
      case "--arch": {
        const v = take();
        const arch = archNamed(v);
        if (!arch) throw new UsageError(`--arch ${v}: not one of ${ARCH_NAMES.join(", ")}`);
        args.arch = arch;
        break;
      }
      case "--loader": {
        const v = take();
        if (v !== "kernel" && v !== "kexec-tools")
          throw new UsageError(`--loader ${v}: not kernel or kexec-tools`);
        args.loader = v;
        break;
      }
      case "--kexec-tools":
        args.kexecTools = take();
        if (!args.loader) args.loader = "kexec-tools";
        break;
      case "--crash":
        args.crash = true;
        break;
      case "--load": {
        const text = take();
        const v = parseSize(text);
        if (v === undefined) throw new UsageError(`--load ${text}: not an address`);
        args.loads.push(v);
        break;
      }
      case "--ram": {
        const text = take();
        const v = parseSize(text);
        if (v === undefined || v === 0n) throw new UsageError(`--ram ${text}: not a size`);
        args.ram = v;
        break;
      }
      case "--json":
        args.json = true;
        break;
      case "--relocs":
        args.relocs = true;
        break;
      case "--debug":
        args.debug = true;
        break;
      default:
        if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
        if (args.object) throw new UsageError(`only one object at a time (got ${args.object} and ${a})`);
        args.object = a;
    }
  }
  if (!args.object) throw new UsageError("no object given");
  if (args.kexecTools !== undefined && args.loader === "kernel") {
    throw new UsageError("--kexec-tools names a kexec-tools release, but --loader says kernel");
  }
  return args;
}

export function main(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
  /** Where large outputs can write UTF-8 bytes without a string in between (stdout). */
  outBytes?: (b: Uint8Array) => void,
): number {
  if (argv[0] === "lsp") return lspCommand(argv.slice(1), out, err);
  if (argv[0] === "--version" || argv[0] === "-V") {
    out(`purgatory-lens ${packageVersion()}\n`);
    return 0;
  }
  let args: CliArgs | "help";
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`purgatory-lens: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  if (args === "help") {
    out(USAGE + "\n");
    return 0;
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(args.object);
  } catch (e) {
    err(
      `purgatory-lens: cannot read ${args.object}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
    );
    return 2;
  }
  // The purgatory is loaded by the kernel built from the same tree: model that tree's release.
  const kt = args.loader === "kexec-tools";
  const choice = kt
    ? undefined
    : chooseKernel(
        args.kernel !== undefined ? { kernel: args.kernel, source: "--kernel" } : undefined,
        args.kernel !== undefined
          ? undefined
          : findTreeReleaseSync(readTextSync, dirname(resolve(args.object))),
        dirname(args.object),
      );
  const result = simulate(bytes, {
    kernel: choice?.kernel ?? args.kernel,
    arch: args.arch,
    loader: args.loader,
    kexecTools: args.kexecTools,
    crash: args.crash,
    loads: args.loads,
    ramSize: args.ram,
    debug: args.debug,
  });
  if (!result.ok) {
    err(`purgatory-lens: ${args.object}: ${result.error}\n`);
    return 2;
  }
  const report = result.report;
  const context = choice && report.loader.kind === "kernel" ? { kernelSource: choice.source } : {};
  if (args.json) {
    const only = report.loads.length === 1 && args.loads.length === 1 ? report.loads[0] : undefined;
    // Out of the modelled range: said on stderr, so the JSON stays one document.
    if (choice?.warning !== undefined && choice.source !== "default")
      err(`purgatory-lens: warning: ${choice.warning}\n`);
    writeReportJson(args.object, report, out, only, outBytes, context);
  } else {
    writeReportText(
      args.object,
      report,
      {
        relocations: args.relocs,
        ...(choice && report.loader.kind === "kernel"
          ? {
              kernelFrom: describeKernel(kernelModel(choice.kernel).label, choice),
              ...(choice.warning !== undefined ? { kernelNote: choice.warning } : {}),
            }
          : {}),
      },
      out,
      outBytes,
    );
  }
  // An error finding on a load that "succeeds" (s390 relocations skipped before 5.16, an arm64 field
  // kexec-tools leaves wrong) still means the kexec will not work.
  const errors = report.findings.some((f) => f.severity === "error");
  return report.ok && report.entryOk && !errors ? 0 : 1;
}

function readTextSync(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Every subcommand: `check` runs asynchronously (discovery walks the tree), `simulate` does not. */
export async function run(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
  outBytes?: (b: Uint8Array) => void,
): Promise<number> {
  if (argv[0] === "check") return runCheck(argv.slice(1), out, err);
  return main(argv, out, err, outBytes);
}

if (require.main === module) {
  void run(
    process.argv.slice(2),
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
    (b) => process.stdout.write(b),
  ).then((code) => (process.exitCode = code));
}

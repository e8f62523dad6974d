// purgatory-lens: the command line over the same core the language server uses.
// Exit codes: 0 the load succeeds at every simulated address, 1 it fails somewhere, 2 bad input.

import { readFileSync } from "node:fs";
import { NEWEST_KERNEL } from "./core/kexec/kernel";
import { parseSize } from "./core/kexec/u64";
import { loadJson, reportJson, stringify } from "./core/report/json";
import { reportText } from "./core/report/text";
import { simulate } from "./core/simulate";

const USAGE = `usage: purgatory-lens simulate <object> [options]

Simulates what kexec_file_load(2) would do with a purgatory object (arch/x86/purgatory/purgatory.ro).

options:
  --kernel V     kernel release to model, e.g. 5.10, 6.8, 6.1.176 (default ${NEWEST_KERNEL})
  --load ADDR    kbuf.mem to simulate (repeatable); must be aligned to buf_align.
                 Without it: the low and the high placement of a PC with --ram of memory.
  --ram SIZE     RAM size for the default placements, e.g. 16G (default 64G)
  --json         machine-readable output (schema in the README)
  --relocs       list every relocation in the text output
  --debug        keep the kernel's pr_debug lines in the log
  -h, --help     this text

exit status: 0 loads at every simulated address with the right entry point,
             1 fails somewhere (or would jump to the wrong entry), 2 bad input or usage`;

interface CliArgs {
  object: string;
  kernel: string | undefined;
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
    loads: [],
    ram: undefined,
    json: false,
    relocs: false,
    debug: false,
  };
  const rest = [...argv];
  if (rest.length === 0 || rest[0] === "-h" || rest[0] === "--help") return "help";
  const command = rest.shift();
  if (command !== "simulate") throw new UsageError(`unknown command "${command}" (expected "simulate")`);
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
  return args;
}

export function main(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
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
  const result = simulate(bytes, {
    kernel: args.kernel,
    loads: args.loads,
    ramSize: args.ram,
    debug: args.debug,
  });
  if (!result.ok) {
    err(`purgatory-lens: ${args.object}: ${result.error}\n`);
    return 2;
  }
  const report = result.report;
  if (args.json) {
    const only = report.loads.length === 1 && args.loads.length === 1 ? report.loads[0] : undefined;
    out(stringify(only ? loadJson(args.object, report, only) : reportJson(args.object, report)) + "\n");
  } else {
    out(reportText(args.object, report, { relocations: args.relocs }));
  }
  return report.ok && report.entryOk ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = main(
    process.argv.slice(2),
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
  );
}

// `purgatory-lens check [PATH...]`: the CI gate. Finds every purgatory under the paths the way the
// editor does (kernel trees, O= build folders, kexec-tools trees, --object globs), simulates each with
// its own tree's kernel release, resolves the findings to the causing lines with the language
// server's code, and prints them compiler-style, as JSON, SARIF or GitHub workflow commands.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, posix, resolve } from "node:path";
import { discoverPurgatories, type DiscoveredPurgatory } from "../core/kbuild/discover";
import { nodeTreeFs } from "../core/kbuild/node-fs";
import { chooseKernel } from "../core/kbuild/release";
import { parseSize } from "../core/kexec/u64";
import {
  checkFails,
  compilerStyle,
  githubCommands,
  placesOf,
  relativePath,
  summaryLine,
  type CheckedPurgatory,
  type FailOn,
} from "../core/report/check";
import { stringify } from "../core/report/json";
import { indentAt, writeReportJson } from "../core/report/json-stream";
import { sarifLog, type ToolInfo } from "../core/report/sarif";
import type { Place } from "../core/rules/resolve";
import type { SimulateOptions } from "../core/simulate";
import { optionsFor } from "../lsp/kexec-tools";
import { simulateProject } from "../lsp/project";
import { DEFAULT_SERVER_SETTINGS } from "../lsp/settings";

export const CHECK_USAGE = `usage: purgatory-lens check [PATH...] [options]

Finds every purgatory under the PATHs (default: the current folder) as the editor does: kernel
source trees, O= build folders, kexec-tools trees, and --object globs. Simulates each with its own
tree's kernel release and reports every finding on the line that causes it.

options:
  --object GLOB    also check objects matching GLOB, relative to each PATH (repeatable),
                   e.g. 'build-*/arch/x86/purgatory/purgatory.ro'
  --kernel V       model this kernel release for every purgatory instead of each tree's own
  --format F       text (compiler-style, default), json, sarif or github (workflow commands)
  --output FILE    write the report to FILE instead of standard output
  --fail-on L      error (default): exit 1 when a purgatory fails to load or has an error finding;
                   warning: warnings fail the run too
  --load ADDR      kbuf.mem to simulate (repeatable); default: the loader's own placements
  --ram SIZE       RAM size for the default placements, e.g. 16G (default 64G)
  -h, --help       this text

exit status: 0 every purgatory loads at every simulated address (and, with --fail-on warning, has
             no warning), 1 otherwise, 2 bad usage or nothing to check`;

export type CheckFormat = "text" | "json" | "sarif" | "github";

export interface CheckArgs {
  readonly paths: readonly string[];
  readonly objectGlobs: readonly string[];
  readonly kernel?: string;
  readonly format: CheckFormat;
  readonly output?: string;
  readonly failOn: FailOn;
  readonly loads: readonly bigint[];
  readonly ram?: bigint;
}

export class CheckUsageError extends Error {}

export function parseCheckArgs(argv: readonly string[]): CheckArgs | "help" {
  const rest = [...argv];
  const paths: string[] = [];
  const objectGlobs: string[] = [];
  const loads: bigint[] = [];
  let kernel: string | undefined;
  let format: CheckFormat = "text";
  let output: string | undefined;
  let failOn: FailOn = "error";
  let ram: bigint | undefined;
  while (rest.length > 0) {
    const a = rest.shift()!;
    const eq = a.indexOf("=");
    const [flag, inline] = a.startsWith("--") && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const take = (): string => {
      const v = inline ?? rest.shift();
      if (v === undefined) throw new CheckUsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "-h":
      case "--help":
        return "help";
      case "--object":
        objectGlobs.push(take());
        break;
      case "--kernel":
        kernel = take();
        break;
      case "--format": {
        const v = take();
        if (v !== "text" && v !== "json" && v !== "sarif" && v !== "github")
          throw new CheckUsageError(`--format ${v}: not text, json, sarif or github`);
        format = v;
        break;
      }
      case "-o":
      case "--output":
        output = take();
        break;
      case "--fail-on": {
        const v = take();
        if (v !== "error" && v !== "warning")
          throw new CheckUsageError(`--fail-on ${v}: not error or warning`);
        failOn = v;
        break;
      }
      case "--load": {
        const text = take();
        const v = parseSize(text);
        if (v === undefined) throw new CheckUsageError(`--load ${text}: not an address`);
        loads.push(v);
        break;
      }
      case "--ram": {
        const text = take();
        const v = parseSize(text);
        if (v === undefined || v === 0n) throw new CheckUsageError(`--ram ${text}: not a size`);
        ram = v;
        break;
      }
      default:
        if (a.startsWith("-") && a !== "-") throw new CheckUsageError(`unknown option ${a}`);
        paths.push(a);
    }
  }
  return {
    paths: paths.length > 0 ? paths : ["."],
    objectGlobs,
    ...(kernel !== undefined ? { kernel } : {}),
    format,
    ...(output !== undefined ? { output } : {}),
    failOn,
    loads,
    ...(ram !== undefined ? { ram } : {}),
  };
}

/** Every purgatory under the paths: folders are walked; a file is checked as the object it is. */
export async function discoverForCheck(
  paths: readonly string[],
  objectGlobs: readonly string[],
  cwd: string,
): Promise<{ found: DiscoveredPurgatory[]; problems: string[] }> {
  const problems: string[] = [];
  const dirs: string[] = [];
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) problems.push(`${p}: no such file or folder`);
    else if (statSync(abs).isDirectory()) dirs.push(abs);
    else files.push(abs);
  }
  const found = new Map<string, DiscoveredPurgatory>();
  if (dirs.length > 0)
    for (const d of await discoverPurgatories(nodeTreeFs, dirs, { extraGlobs: objectGlobs }))
      found.set(d.object, d);
  for (const f of files) {
    const near = await discoverPurgatories(nodeTreeFs, [dirname(f)], { extraGlobs: [posix.basename(f)] });
    const d = near.find((x) => x.object === f);
    if (d) found.set(d.object, d);
    else problems.push(`${relativePath(cwd, f)}: not a purgatory object`);
  }
  return {
    found: [...found.values()].sort((a, b) => (a.object < b.object ? -1 : a.object > b.object ? 1 : 0)),
    problems,
  };
}

/**
 * A reader that reads each file once: within one run the O= build folders of a tree share its
 * Makefile, linker script and sources, and nothing edits them while check runs.
 */
export function onceReader(): (path: string) => Promise<string | undefined> {
  const texts = new Map<string, Promise<string | undefined>>();
  return (path) => {
    let t = texts.get(path);
    if (!t) texts.set(path, (t = readFile(path, "utf8").catch(() => undefined)));
    return t;
  };
}

/** The first line of the purgatory's Makefile: where a finding with no line of its own is reported. */
function fallbackPlace(makefile: { path: string; text: string } | undefined): Place | undefined {
  if (!makefile) return undefined;
  return {
    path: makefile.path,
    line: 0,
    startColumn: 0,
    endLine: 0,
    endColumn: (makefile.text.split("\n")[0] ?? "").length,
    note: "no source line causes this: reported on the purgatory's Makefile",
  };
}

/** Simulate one purgatory as the language server does, with its own tree's kernel release. */
export async function checkPurgatory(
  d: DiscoveredPurgatory,
  args: Pick<CheckArgs, "kernel" | "loads" | "ram">,
  cwd: string = process.cwd(),
  readText: (path: string) => Promise<string | undefined> = onceReader(),
): Promise<{ checked: CheckedPurgatory; report: () => string | undefined }> {
  const base: SimulateOptions = {
    loads: args.loads,
    ...(args.ram !== undefined ? { ramSize: args.ram } : {}),
    loader: "kernel",
  };
  const own = optionsFor(d, base, DEFAULT_SERVER_SETTINGS);
  const kernel =
    own.options.loader === "kexec-tools"
      ? undefined
      : chooseKernel(
          args.kernel !== undefined ? { kernel: args.kernel, source: "--kernel" } : undefined,
          d.release,
          relativePath(cwd, d.dir),
        );
  const options = kernel ? { ...own.options, kernel: kernel.kernel } : own.options;
  const r = await simulateProject(d, options, readText, kernel, {
    allowTools: true,
    maxObjectBytes: Number.POSITIVE_INFINITY,
  });
  const notes = [own.note, kernel?.warning].filter((n): n is string => n !== undefined);
  const texts = new Map<string, string[]>();
  for (const f of [
    r.files.makefile,
    ...(r.files.extraMakefiles ?? []),
    r.files.linkerScript,
    ...r.files.sources,
  ])
    if (f) texts.set(f.path, f.text.split("\n"));
  const fallback = fallbackPlace(r.files.makefile);
  return {
    checked: {
      object: d.object,
      loader: r.status.loader,
      ...(r.report?.loader.kind === "kernel" ? { kernel: r.report.kernel.label } : {}),
      ...(kernel && r.report?.loader.kind === "kernel" ? { kernelSource: kernel.source } : {}),
      state: r.status.state,
      summary: r.status.summary,
      findings: r.resolved,
      ...(fallback ? { fallback } : {}),
      notes,
      lineText: (path, line) => texts.get(path)?.[line],
    },
    // Built only for --format json: it is most of what reporting a purgatory costs.
    report: () => {
      if (!r.report) return undefined;
      let text = "";
      writeReportJson(d.object, r.report, (s) => (text += s), undefined, undefined, {
        ...(kernel ? { kernelSource: kernel.source } : {}),
      });
      return text.trimEnd();
    },
  };
}

/** The tool's name, version and documentation address, from the package's own manifest. */
export function toolInfo(): ToolInfo {
  let dir = __dirname;
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    const p = join(dir, "package.json");
    if (!existsSync(p)) continue;
    const pkg = JSON.parse(readFileSync(p, "utf8")) as {
      name?: string;
      version?: string;
      homepage?: string;
      repository?: { url?: string };
    };
    if (pkg.name !== "purgatory-lens") continue;
    const repo = pkg.repository?.url?.replace(/^git\+/, "").replace(/\.git$/, "");
    return {
      name: pkg.name,
      version: pkg.version ?? "0.0.0",
      informationUri: pkg.homepage ?? repo ?? "https://www.npmjs.com/package/purgatory-lens",
    };
  }
  return {
    name: "purgatory-lens",
    version: "0.0.0",
    informationUri: "https://www.npmjs.com/package/purgatory-lens",
  };
}

function jsonForm(
  checked: readonly CheckedPurgatory[],
  reports: readonly (string | undefined)[],
  cwd: string,
  marker: (k: number) => string,
): object[] {
  return checked.map((c, k) => ({
    object: relativePath(cwd, c.object),
    loader: c.loader,
    kernel: c.kernel ?? null,
    kernelSource: c.kernelSource ?? null,
    state: c.state,
    summary: c.summary,
    notes: c.notes,
    findings: c.findings.map((f) => ({
      ...f.finding,
      locations: placesOf(c, f).map((p) => ({
        path: relativePath(cwd, p.path),
        line: p.line + 1,
        column: p.startColumn + 1,
        endLine: p.endLine + 1,
        endColumn: p.endColumn + 1,
        note: p.note,
        ...(p.approximate ? { approximate: true } : {}),
      })),
    })),
    // The report is simulate --json's document, written by its writer: see checkJsonText.
    report: reports[k] === undefined ? null : marker(k),
  }));
}

/**
 * The --format json document. Each purgatory's "report" is what `simulate --json` prints for it (one
 * writer, one format: relocations as rows named by relocationFields), spliced in where a placeholder
 * stood and indented to its place.
 */
function checkJsonText(
  checked: readonly CheckedPurgatory[],
  done: readonly { report: () => string | undefined }[],
  cwd: string,
): string {
  const nonce = randomUUID();
  const marker = (k: number) => `@@report-${nonce}-${k}@@`;
  const texts = done.map((d) => d.report());
  let text = stringify(jsonForm(checked, texts, cwd, marker)) + "\n";
  texts.forEach((t, k) => {
    if (t === undefined) return;
    const m = `"${marker(k)}"`;
    const at = text.indexOf(m);
    const indent = indentAt(text, at);
    text = text.slice(0, at) + t.split("\n").join("\n" + indent) + text.slice(at + m.length);
  });
  return text;
}

export async function runCheck(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
  cwd: string = process.cwd(),
): Promise<number> {
  let args: CheckArgs | "help";
  try {
    args = parseCheckArgs(argv);
  } catch (e) {
    if (!(e instanceof CheckUsageError)) throw e;
    err(`purgatory-lens check: ${e.message}\n${CHECK_USAGE}\n`);
    return 2;
  }
  if (args === "help") {
    out(CHECK_USAGE + "\n");
    return 0;
  }
  const { found, problems } = await discoverForCheck(args.paths, args.objectGlobs, cwd);
  for (const p of problems) err(`purgatory-lens check: ${p}\n`);
  if (problems.length > 0) return 2;
  const built = found.filter((d) => d.objectExists);
  if (built.length === 0) {
    err(
      `purgatory-lens check: no built purgatory under ${args.paths.join(", ")}` +
        (found.length > 0 ? ` (${found.length} found, none built yet: build them first)` : "") +
        "\n",
    );
    return 2;
  }
  const read = onceReader();
  const done = await Promise.all(found.map((d) => checkPurgatory(d, args, cwd, read)));
  const checked = done.map((d) => d.checked);
  const options = { cwd, failOn: args.failOn };
  let text: string;
  switch (args.format) {
    case "json":
      text = checkJsonText(checked, done, cwd);
      break;
    case "sarif":
      text = JSON.stringify(sarifLog(checked, options, toolInfo()), null, 2) + "\n";
      break;
    case "github":
      text = githubCommands(checked, options);
      break;
    default:
      text = compilerStyle(checked, options);
  }
  if (args.output !== undefined) writeFileSync(resolve(cwd, args.output), text);
  else out(text);
  const fails = checkFails(checked, args.failOn);
  if (args.output !== undefined || args.format !== "text") err(`${summaryLine(checked, args.failOn)}\n`);
  return fails ? 1 : 0;
}

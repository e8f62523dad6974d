// One purgatory in the workspace: what discovery found, the files its findings attach to, and its
// last simulation. Reading and simulating happen here; LSP types do not.
import { NEWEST_KEXEC_TOOLS } from "../core/kexec-tools/version";
import { readFile } from "node:fs/promises";
import { posix } from "node:path";
import { isSourcePath } from "../core/kbuild/compile";
import { compiledLines } from "../core/kbuild/conditional";
import type { DiscoveredCommand, DiscoveredPurgatory } from "../core/kbuild/discover";
import { relocationLines } from "../core/kbuild/line-map";
import { sourceLanguage } from "../core/kbuild/mask";
import {
  resolveFinding,
  type ProjectFiles,
  type ResolvedFinding,
  type TextFile,
} from "../core/rules/resolve";
import { describeKernel, type KernelChoice } from "../core/kbuild/release";
import { simulate, type SimulateOptions, type SimulationReport } from "../core/simulate";
import type { PurgatoryStatus } from "../protocol";
import { readInputObjects } from "./input-objects";
import { makefileModel } from "./makefile-models";
import type { ObjectOutcome } from "./objects";

/** Text of a file: the editor's unsaved buffer when open, else the disk. */
export type TextSource = (path: string) => Promise<string | undefined>;

export interface ProjectResult {
  readonly status: PurgatoryStatus;
  readonly report: SimulationReport | undefined;
  readonly resolved: readonly ResolvedFinding[];
  readonly files: ProjectFiles;
  /** Why there is no report (missing or unreadable object). */
  readonly problem?: string;
  /** Which kernel was modelled and where its release came from (kernel loader only). */
  readonly kernelChoice?: KernelChoice;
  /**
   * Set when the object is not a whole ELF object yet (a build is writing it): nothing about it is
   * reported; the server keeps the last whole object's findings and waits for the next change.
   */
  readonly writing?: string;
}

/** Whether tools from the workspace may run (false in Restricted Mode): cpp decides compiled lines. */
export interface LoadOptions {
  readonly allowTools?: boolean;
  /** Objects larger than this are not simulated (the editor's bound); the CLI sets none. */
  readonly maxObjectBytes?: number;
}

/** Each source's recorded compile command, by the source's path as discovery resolved it. */
function compileOf(p: DiscoveredPurgatory): Map<string, DiscoveredCommand> {
  const base = p.objTree ?? p.dir;
  const out = new Map<string, DiscoveredCommand>();
  for (const cmd of Object.values(p.compiles)) {
    const src = cmd.inputs.find(isSourcePath) ?? cmd.cmd.source;
    if (src !== undefined) out.set(src.startsWith("/") ? posix.normalize(src) : posix.join(base, src), cmd);
  }
  return out;
}

export async function loadFiles(
  p: DiscoveredPurgatory,
  text: TextSource,
  options: LoadOptions = {},
): Promise<ProjectFiles> {
  const read = async (path: string | undefined): Promise<TextFile | undefined> => {
    if (!path) return undefined;
    const t = await text(path);
    return t === undefined ? undefined : { path, text: t };
  };
  const mk = await read(p.makefile);
  const extra = (await Promise.all((p.extraMakefiles ?? []).map(read))).filter((m) => m !== undefined);
  const compiles = compileOf(p);
  const sources = (
    await Promise.all(
      p.sources.map(async (path) => {
        const f = await read(path);
        const language = sourceLanguage(path);
        if (!f || !language) return f;
        const cmd = compiles.get(path);
        const compiled = await compiledLines({
          path,
          text: f.text,
          language,
          allowTools: options.allowTools !== false,
          ...(cmd ? { cmdArgv: cmd.cmd.argv, cwd: p.objTree ?? p.dir } : {}),
        });
        return { ...f, compiled };
      }),
    )
  ).filter((s): s is TextFile => s !== undefined);
  return {
    object: p.object,
    makefile: mk && { ...mk, parsed: makefileModel(mk.path, mk.text).parsed },
    ...(extra.length > 0
      ? { extraMakefiles: extra.map((m) => ({ ...m, parsed: makefileModel(m.path, m.text).parsed })) }
      : {}),
    linkerScript: await read(p.linkerScript),
    sources,
    inputs: await readInputObjects(p),
  };
}

/**
 * Reads and simulates one object: in-line by default (the CLI); the server's ObjectReader
 * (objects.ts) adds the structural check, the stat around the read and the cache.
 */
export type ObjectSimulation = (
  object: string,
  options: SimulateOptions,
  maxBytes: number,
) => Promise<ObjectOutcome>;

const inline: ObjectSimulation = async (object, options, maxBytes) => {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(object);
  } catch {
    return { kind: "missing" };
  }
  if (bytes.byteLength > maxBytes) return { kind: "too-large", bytes: bytes.byteLength };
  return { kind: "simulated", result: simulate(bytes, options) };
};

/**
 * Objects larger than this are not simulated in the editor: every step of the simulation stays
 * within interactive time below it (a real purgatory.ro is 20–200 KB); the CLI has no limit.
 */
export const EDITOR_MAX_OBJECT_BYTES = 1 << 20;

export async function simulateProject(
  p: DiscoveredPurgatory,
  options: SimulateOptions,
  text: TextSource,
  kernelChoice?: KernelChoice,
  load: LoadOptions = {},
  simulateObject: ObjectSimulation = inline,
): Promise<ProjectResult> {
  const t0 = performance.now();
  const max = load.maxObjectBytes ?? EDITOR_MAX_OBJECT_BYTES;
  // The sources and the object are independent: read and simulate them side by side.
  const objectOutcome = simulateObject(p.object, options, max).catch(
    (e: unknown) => ({ kind: "threw", error: e }) as const,
  );
  const loaded = await loadFiles(p, text, load);
  const outcome = await objectOutcome;
  const base = {
    object: p.object,
    makefile: p.makefile,
    linkerScript: p.linkerScript,
    kernel: options.kernel ?? "7.2",
    loader:
      options.loader === "kexec-tools"
        ? `kexec-tools ${options.kexecTools ?? NEWEST_KEXEC_TOOLS}`
        : kernelChoice
          ? describeKernel(kernelChoice.kernel, kernelChoice)
          : `kernel ${options.kernel ?? "7.2"}`,
  };
  const done = (state: PurgatoryStatus["state"], summary: string, errors: number, warnings: number) => ({
    ...base,
    state,
    summary,
    errors,
    warnings,
    durationMs: Math.round(performance.now() - t0),
    at: new Date().toISOString(),
  });
  const unusable = (state: PurgatoryStatus["state"], problem: string, errors: number) => ({
    status: done(state, problem, errors, 0),
    report: undefined,
    resolved: [],
    files: loaded,
    problem,
  });
  if (outcome.kind === "missing") return unusable("missing", "not built yet", 0);
  if (outcome.kind === "too-large")
    return unusable(
      "invalid",
      `${outcome.bytes} bytes: too large to simulate in the editor (the limit is ${max} bytes); run \`purgatory-lens simulate ${p.object}\` instead`,
      1,
    );
  if (outcome.kind === "writing")
    return { ...unusable("invalid", `being written (${outcome.reason})`, 0), writing: outcome.reason };
  if (outcome.kind === "threw")
    return unusable(
      "error",
      outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
      1,
    );
  const r = outcome.result;
  if (!r.ok) return unusable("invalid", r.error, 1);
  const report = r.report;
  // The object's own DWARF line tables, when it was built with -g: the exact lines of its relocations.
  const lineMap = relocationLines(
    report.elf,
    report.loads[0]?.attempt.relocations ?? [],
    loaded.sources.map((s) => s.path),
  );
  const files = lineMap.length > 0 ? { ...loaded, lineMap } : loaded;
  const resolved = report.findings.map((f) => resolveFinding(f, files));
  const errors = report.findings.filter((f) => f.severity === "error").length;
  const warnings = report.findings.filter((f) => f.severity === "warning").length;
  const failing = report.loads.filter((l) => !l.attempt.ok).length;
  // As the CLI's exit status: a load that "succeeds" with an error finding (fields left wrong) fails.
  const summary = !report.ok
    ? `fails at ${failing} of ${report.loads.length} load addresses`
    : !report.entryOk
      ? "loads, but jumps to the wrong entry"
      : errors > 0
        ? `loads, but ${errors} error${errors === 1 ? "" : "s"}: it would not run right`
        : warnings > 0
          ? `loads, ${warnings} warning${warnings === 1 ? "" : "s"}`
          : "loads at every simulated address";
  return {
    status: {
      ...done(report.ok && report.entryOk && errors === 0 ? "ok" : "failed", summary, errors, warnings),
      kernel: report.kernel.label,
      ...(kernelChoice && report.loader.kind === "kernel" ? { kernelSource: kernelChoice.source } : {}),
      loader:
        report.loader.kind === "kernel"
          ? kernelChoice
            ? describeKernel(report.kernel.label, kernelChoice)
            : `kernel ${report.kernel.label}`
          : `kexec-tools ${report.loader.version}`,
    },
    report,
    resolved,
    files,
    ...(kernelChoice ? { kernelChoice } : {}),
  };
}

// One purgatory in the workspace: what discovery found, the files its findings attach to, and its
// last simulation. Reading and simulating happen here; LSP types do not.
import { NEWEST_KEXEC_TOOLS } from "../core/kexec-tools/version";
import { readFile } from "node:fs/promises";
import type { DiscoveredPurgatory } from "../core/kbuild/discover";
import { parseMakefile } from "../core/kbuild/makefile";
import {
  resolveFinding,
  type ProjectFiles,
  type ResolvedFinding,
  type TextFile,
} from "../core/rules/resolve";
import {
  simulate,
  type SimulateOptions,
  type SimulationReport,
  type SimulationResult,
} from "../core/simulate";
import type { PurgatoryStatus } from "../protocol";
import { readInputObjects } from "./input-objects";

/** Text of a file: the editor's unsaved buffer when open, else the disk. */
export type TextSource = (path: string) => Promise<string | undefined>;

export interface ProjectResult {
  readonly status: PurgatoryStatus;
  readonly report: SimulationReport | undefined;
  readonly resolved: readonly ResolvedFinding[];
  readonly files: ProjectFiles;
  /** Why there is no report (missing or unreadable object). */
  readonly problem?: string;
}

export async function loadFiles(p: DiscoveredPurgatory, text: TextSource): Promise<ProjectFiles> {
  const read = async (path: string | undefined): Promise<TextFile | undefined> => {
    if (!path) return undefined;
    const t = await text(path);
    return t === undefined ? undefined : { path, text: t };
  };
  const mk = await read(p.makefile);
  const extra = (await Promise.all((p.extraMakefiles ?? []).map(read))).filter((m) => m !== undefined);
  const sources = (await Promise.all(p.sources.map(read))).filter((s): s is TextFile => s !== undefined);
  return {
    object: p.object,
    makefile: mk && { ...mk, parsed: parseMakefile(mk.text) },
    ...(extra.length > 0
      ? { extraMakefiles: extra.map((m) => ({ ...m, parsed: parseMakefile(m.text) })) }
      : {}),
    linkerScript: await read(p.linkerScript),
    sources,
    inputs: await readInputObjects(p),
  };
}

/** Runs one simulation: in a worker thread in the server, in-line by default. */
export type Simulator = (bytes: Uint8Array, options: SimulateOptions) => Promise<SimulationResult>;

const inline: Simulator = (bytes, options) => Promise.resolve(simulate(bytes, options));

/**
 * Objects larger than this are not simulated in the editor: every step of the simulation stays
 * within interactive time below it (a real purgatory.ro is 20–200 KB); the CLI has no limit.
 */
export const EDITOR_MAX_OBJECT_BYTES = 1 << 20;

export async function simulateProject(
  p: DiscoveredPurgatory,
  options: SimulateOptions,
  text: TextSource,
  run: Simulator = inline,
): Promise<ProjectResult> {
  const t0 = performance.now();
  const files = await loadFiles(p, text);
  const base = {
    object: p.object,
    makefile: p.makefile,
    linkerScript: p.linkerScript,
    kernel: options.kernel ?? "7.2",
    loader:
      options.loader === "kexec-tools"
        ? `kexec-tools ${options.kexecTools ?? NEWEST_KEXEC_TOOLS}`
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
  let bytes: Uint8Array;
  try {
    bytes = await readFile(p.object);
  } catch {
    return {
      status: done("missing", "not built yet", 0, 0),
      report: undefined,
      resolved: [],
      files,
      problem: "not built yet",
    };
  }
  if (bytes.byteLength > EDITOR_MAX_OBJECT_BYTES) {
    const problem = `${bytes.byteLength} bytes: too large to simulate in the editor (the limit is ${EDITOR_MAX_OBJECT_BYTES} bytes); run \`purgatory-lens simulate ${p.object}\` instead`;
    return { status: done("invalid", problem, 1, 0), report: undefined, resolved: [], files, problem };
  }
  let r: SimulationResult;
  try {
    r = await run(bytes, options);
  } catch (e) {
    const problem = e instanceof Error ? e.message : String(e);
    return { status: done("error", problem, 1, 0), report: undefined, resolved: [], files, problem };
  }
  if (!r.ok) {
    return {
      status: done("invalid", r.error, 1, 0),
      report: undefined,
      resolved: [],
      files,
      problem: r.error,
    };
  }
  const report = r.report;
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
      loader:
        report.loader.kind === "kernel"
          ? `kernel ${report.kernel.label}`
          : `kexec-tools ${report.loader.version}`,
    },
    report,
    resolved,
    files,
  };
}

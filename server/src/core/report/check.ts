// The outcome of `purgatory-lens check` for every purgatory in a tree, and its two line-oriented
// forms: compiler-style diagnostics (what Vim's quickfix, Emacs' compilation-mode and VS Code's $gcc
// problem matcher read) and GitHub Actions workflow commands. SARIF is in sarif.ts.
import { posix } from "node:path";
import type { Place, ResolvedFinding } from "../rules/resolve";
import type { Severity } from "../rules/types";

export interface CheckedPurgatory {
  /** The purgatory object's path (absolute). */
  readonly object: string;
  /** "kernel 6.8.6 (from Makefile)" or "kexec-tools 2.0.32": whose loader was simulated. */
  readonly loader: string;
  /** The modelled kernel release and where it came from (kernel loader only). */
  readonly kernel?: string;
  readonly kernelSource?: string;
  /** "ok": loads everywhere, right entry, no error finding; "missing": not built; "invalid": unreadable. */
  readonly state: "ok" | "failed" | "missing" | "invalid" | "error";
  readonly summary: string;
  /** Findings with the places the language server would put them on (first = main). */
  readonly findings: readonly ResolvedFinding[];
  /** Where a finding with no place of its own is reported (the purgatory's Makefile, first line). */
  readonly fallback?: Place;
  /** Things the user should know about how it was simulated (release outside the modelled range). */
  readonly notes: readonly string[];
  /** The text of a line of one of its files (0-based), for fingerprints. */
  readonly lineText?: (path: string, line: number) => string | undefined;
}

export type FailOn = "error" | "warning";

export interface CheckOptions {
  /** Paths are printed relative to this folder. */
  readonly cwd: string;
  readonly failOn: FailOn;
}

/** Whether the run fails: a purgatory that does not load (or has an error), or a warning with --fail-on warning. */
export function checkFails(results: readonly CheckedPurgatory[], failOn: FailOn): boolean {
  return results.some(
    (r) =>
      r.state === "failed" ||
      r.state === "invalid" ||
      r.state === "error" ||
      (failOn === "warning" && r.findings.some((f) => f.finding.severity === "warning")),
  );
}

export function relativePath(cwd: string, path: string): string {
  const rel = posix.relative(cwd, path);
  return rel === "" ? "." : rel;
}

/** The places a finding is reported at: its own, else the fallback, else the object itself. */
export function placesOf(r: CheckedPurgatory, f: ResolvedFinding): readonly Place[] {
  if (f.places.length > 0) return f.places;
  if (r.fallback) return [r.fallback];
  return [{ path: r.object, line: 0, startColumn: 0, endLine: 0, endColumn: 0, note: "the object itself" }];
}

/** gcc's word for each severity. */
const COMPILER_LEVEL: Record<Severity, string> = { error: "error", warning: "warning", info: "note" };

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}

function counts(results: readonly CheckedPurgatory[]) {
  const all = results.flatMap((r) => r.findings.map((f) => f.finding.severity));
  return {
    errors: all.filter((s) => s === "error").length,
    warnings: all.filter((s) => s === "warning").length,
    infos: all.filter((s) => s === "info").length,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The last line of every form: how many purgatories, verdicts and findings. */
export function summaryLine(results: readonly CheckedPurgatory[], failOn: FailOn): string {
  const c = counts(results);
  const failed = results.filter(
    (r) => r.state === "failed" || r.state === "invalid" || r.state === "error",
  ).length;
  const missing = results.filter((r) => r.state === "missing").length;
  const verdict = checkFails(results, failOn) ? "FAILED" : "passed";
  return (
    `purgatory-lens: ${plural(results.length, "purgatory").replace("purgatorys", "purgatories")} checked, ` +
    `${failed} failing${missing > 0 ? `, ${missing} not built` : ""}; ` +
    `${plural(c.errors, "error")}, ${plural(c.warnings, "warning")}, ${plural(c.infos, "note")}: ${verdict}` +
    (failOn === "warning" ? " (--fail-on warning)" : "")
  );
}

/**
 * Compiler-style lines: `path:line:col: severity: title: message [rule]`, then `note:` lines for the
 * other places, the loader's own messages and the fix; one header line per purgatory naming the
 * loader that was modelled, and the summary line.
 */
export function compilerStyle(results: readonly CheckedPurgatory[], options: CheckOptions): string {
  const out: string[] = [];
  const at = (p: Place) => `${relativePath(options.cwd, p.path)}:${p.line + 1}:${p.startColumn + 1}`;
  for (const r of results) {
    out.push(`${relativePath(options.cwd, r.object)}: ${r.loader}: ${r.summary}`);
    for (const n of r.notes) out.push(`${relativePath(options.cwd, r.object)}: note: ${n}`);
    for (const f of r.findings) {
      const places = placesOf(r, f);
      const main = places[0]!;
      const x = f.finding;
      out.push(`${at(main)}: ${COMPILER_LEVEL[x.severity]}: ${x.title}: ${oneLine(x.message)} [${x.id}]`);
      for (const p of places) out.push(`${at(p)}: note: ${oneLine(p.note)}`);
      const said = r.loader.startsWith("kexec-tools") ? "kexec" : "kernel";
      for (const k of x.kernelMessages) out.push(`${at(main)}: note: ${said}: ${k}`);
      out.push(`${at(main)}: note: fix: ${oneLine(x.fix)}`);
    }
  }
  out.push(summaryLine(results, options.failOn));
  return out.join("\n") + "\n";
}

/** GitHub's workflow-command escaping: data escapes %, CR and LF; properties also : and ,. */
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

const GITHUB_LEVEL: Record<Severity, string> = { error: "error", warning: "warning", info: "notice" };

/** `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message` per finding, then the summary. */
export function githubCommands(results: readonly CheckedPurgatory[], options: CheckOptions): string {
  const out: string[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const places = placesOf(r, f);
      const main = places[0]!;
      const x = f.finding;
      const props = [
        `file=${escapeProperty(relativePath(options.cwd, main.path))}`,
        `line=${main.line + 1}`,
        `col=${main.startColumn + 1}`,
        `endLine=${main.endLine + 1}`,
        `endColumn=${main.endColumn + 1}`,
        `title=${escapeProperty(`${x.title} [${x.id}]`)}`,
      ].join(",");
      const body = [
        `${oneLine(x.message)} (${r.loader}, ${relativePath(options.cwd, r.object)})`,
        ...places
          .slice(1)
          .map((p) => `${relativePath(options.cwd, p.path)}:${p.line + 1}: ${oneLine(p.note)}`),
        ...x.kernelMessages.map((k) => `${r.loader.startsWith("kexec-tools") ? "kexec" : "kernel"}: ${k}`),
        `Fix: ${oneLine(x.fix)}`,
      ].join("\n");
      out.push(`::${GITHUB_LEVEL[x.severity]} ${props}::${escapeData(body)}`);
    }
  }
  out.push(summaryLine(results, options.failOn));
  return out.join("\n") + "\n";
}

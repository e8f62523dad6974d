// What every rule set (the generic kexec_file.c rules, the architectures' own, kexec-tools') builds its
// findings with.

import type { LoadAttempt } from "../kexec/attempt";
import type { LogLine } from "../kexec/log";
import type { Attachment, Finding } from "./types";

/** A finding with empty kernel messages, evidence and attachments unless given. */
export function finding(
  f: Omit<Finding, "kernelMessages" | "evidence" | "attach"> & Partial<Finding>,
): Finding {
  return { ...f, kernelMessages: f.kernelMessages ?? [], evidence: f.evidence ?? {}, attach: f.attach ?? [] };
}

/** The object file itself: for findings with no better place. */
export const OBJECT_TARGET: Attachment = { kind: "object" };

/** xs without repeats, in first-seen order. */
export function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** How many names a title or message lists before saying how many more. */
export const LISTED_NAMES = 12;

/**
 * Names joined for a title or message, at most `max` of them and then how many more: a hostile
 * object can have thousands of matching sections or symbols, and a finding that lists them all is
 * unreadable and costs every reporter.
 */
export function listed(names: readonly string[], max = LISTED_NAMES, sep = ", "): string {
  if (names.length <= max) return names.join(sep);
  return `${names.slice(0, max).join(sep)}${sep}… (${names.length - max} more)`;
}

/** The undefined behaviour the loads stopped at, in one error finding worded by its loader. */
export function undefinedBehaviourFindings(
  loads: readonly { attempt: LoadAttempt }[],
  words: Pick<Finding, "title" | "cause" | "fix">,
): Finding[] {
  const ub = capped(unique(loads.flatMap((l) => l.attempt.undefinedBehaviour)));
  if (ub.length === 0) return [];
  return [
    finding({
      id: "undefined-behaviour",
      severity: "error",
      title: words.title,
      message: ub.join("; "),
      cause: words.cause,
      fix: words.fix,
      attach: [OBJECT_TARGET],
    }),
  ];
}

/** Notes a rule turns into findings one each, up to this many. */
export const MAX_NOTES = 8;

/**
 * At most MAX_NOTES notes: the first ones, then one that counts the rest and quotes the first of
 * them (a fuzzed object had 15,000 sections each copied out of bounds, and an editor showed a
 * diagnostic for each).
 */
export function capped(notes: readonly string[]): string[] {
  return cappedMap(notes, (n) => n);
}

/** capped(xs.map(note)), calling `note` only for the elements it shows. */
export function cappedMap<T>(xs: readonly T[], note: (x: T) => string): string[] {
  if (xs.length <= MAX_NOTES) return xs.map(note);
  const rest = xs.length - (MAX_NOTES - 1);
  return [
    ...xs.slice(0, MAX_NOTES - 1).map(note),
    `${rest} more like it, the first: ${note(xs[MAX_NOTES - 1]!)}`,
  ];
}

/** The distinct error lines (kernel log or kexec's stderr) matching `pick`, over every load, in order. */
export function errorLines(
  loads: readonly { attempt: LoadAttempt }[],
  pick: (text: string) => boolean,
): string[] {
  return distinctLog(loads)
    .filter((l) => l.level === "err" && pick(l.text))
    .map((l) => l.text);
}

/** The small-PIC flag set the kernel switched to in cba786af84a0 (2024). */
export const PIC_FIX = "-mcmodel=small -fpic -fvisibility=hidden";

/** The first simulated load's attempt: relocation facts do not depend on the address. */
export function firstAttempt(ctx: {
  readonly loads: readonly { attempt: LoadAttempt }[];
}): LoadAttempt | undefined {
  return ctx.loads[0]?.attempt;
}

/** The distinct log lines (any level) matching `pick`, over every load, in order. */
export function logLines(
  ctx: { readonly loads: readonly { attempt: LoadAttempt }[] },
  pick: (text: string) => boolean,
): string[] {
  return unique(
    distinctLog(ctx.loads)
      .filter((l) => pick(l.text))
      .map((l) => l.text),
  );
}

const distinctLogs = new WeakMap<readonly { attempt: LoadAttempt }[], LogLine[]>();

/**
 * Every distinct log line (level and text) over every load, in order of first appearance: worked
 * out once per report, since several rules ask and a 6.4-era load of 15,000 entry-holding sections
 * logs 45,000 lines.
 */
function distinctLog(loads: readonly { attempt: LoadAttempt }[]): LogLine[] {
  let out = distinctLogs.get(loads);
  if (out === undefined) {
    out = [];
    const seen = new Map<string, Set<string>>();
    // Logged lines are often one object logged again (a WARN splat per section): those are
    // recognised by identity before their text is looked up.
    const seenLines = new Set<LogLine>();
    for (const l of loads) {
      const log = l.attempt.log;
      for (let i = 0; i < log.length; i++) {
        const line = log[i]!;
        if (seenLines.has(line)) continue;
        seenLines.add(line);
        let texts = seen.get(line.level);
        if (texts === undefined) seen.set(line.level, (texts = new Set()));
        if (texts.has(line.text)) continue;
        texts.add(line.text);
        out.push(line);
      }
    }
    distinctLogs.set(loads, out);
  }
  return out;
}

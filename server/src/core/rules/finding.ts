// What every rule set (x86.ts, arch.ts, kexec-tools.ts) builds its findings with.

import type { LoadAttempt } from "../kexec/bzimage64";
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

/** The distinct error lines (kernel log or kexec's stderr) matching `pick`, over every load, in order. */
export function errorLines(
  loads: readonly { attempt: LoadAttempt }[],
  pick: (text: string) => boolean,
): string[] {
  return unique(
    loads.flatMap((l) => l.attempt.log.filter((x) => x.level === "err" && pick(x.text)).map((x) => x.text)),
  );
}

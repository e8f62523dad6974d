// The kernel log as the simulated load would leave it: the printk level and the exact text, with the
// pr_fmt prefix of the file that printed it and without the trailing newline.

export type LogLevel = "err" | "warn" | "debug";

export interface LogLine {
  readonly level: LogLevel;
  readonly text: string;
}

/** pr_fmt prefixes of the files involved. */
export const PREFIX = {
  kexecFile: "kexec_file: ",
  x86Kexec: "kexec: ",
  bzImage64: "kexec-bzImage64: ",
} as const;

export class KernelLog {
  readonly lines: LogLine[] = [];
  /** Lines at level err so far (a load can log tens of thousands of WARN lines to count past). */
  private errs = 0;

  constructor(readonly withDebug: boolean) {}

  get errCount(): number {
    return this.errs;
  }

  err(text: string): void {
    this.errs++;
    this.lines.push({ level: "err", text });
  }
  warn(text: string): void {
    this.lines.push({ level: "warn", text });
  }
  /** A line made once and logged again (lines are never changed once logged). */
  add(line: LogLine): void {
    if (line.level === "err") this.errs++;
    if (line.level !== "debug" || this.withDebug) this.lines.push(line);
  }
  /** pr_debug/kexec_dprintk: only visible with dynamic debug or `kexec -d`, kept only on request. */
  debug(text: () => string): void {
    if (this.withDebug) this.lines.push({ level: "debug", text: text() });
  }
}

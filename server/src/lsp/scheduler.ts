// Debounced, cancellable runs: every trigger pushes the run back by `delayMs`; a run that is overtaken
// by a newer trigger sees `stale()` turn true and stops early, so a burst of saves or a build that
// rewrites many files costs one simulation, and a large tree never blocks the server for long.

export interface RunContext {
  /** True once a newer run has been scheduled: stop and let it do the work. */
  stale(): boolean;
  readonly reasons: readonly string[];
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private pending: string[] = [];
  private running: Promise<void> = Promise.resolve();
  /** Each trigger's generation and its promise's resolver. */
  private waiters: { gen: number; resolve: () => void }[] = [];

  /**
   * `onError` receives whatever a run throws, with the reasons it was started for: a failed run is
   * never dropped silently (the server logs it and shows it in the status).
   */
  constructor(
    private readonly delayMs: number,
    private readonly run: (ctx: RunContext) => Promise<void>,
    private readonly onError: (error: unknown, reasons: readonly string[]) => void,
  ) {}

  /** Schedules a run; resolves when a run that started after this trigger has completed (not been overtaken). */
  trigger(reason: string, delayMs = this.delayMs): Promise<void> {
    this.pending.push(reason);
    const gen = ++this.generation;
    if (this.timer) clearTimeout(this.timer);
    const done = new Promise<void>((resolve) => this.waiters.push({ gen, resolve }));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const reasons = this.pending;
      this.pending = [];
      // Runs never overlap: the next starts when the previous has finished or given up.
      this.running = this.running
        .then(() => this.run({ stale: () => gen !== this.generation, reasons }))
        .catch((e: unknown) => {
          try {
            this.onError(e, reasons);
          } catch {
            // the error handler itself failed: the next run must still start
          }
        })
        .then(() => {
          if (gen !== this.generation) return; // overtaken: the newer run answers these waiters
          const ready = this.waiters.filter((w) => w.gen <= gen);
          this.waiters = this.waiters.filter((w) => w.gen > gen);
          for (const w of ready) w.resolve();
        });
    }, delayMs);
    return done;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

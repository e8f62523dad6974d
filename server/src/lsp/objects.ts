// How the language server reads and simulates a purgatory object. A build rewrites it while the
// editor watches, so a read must not trust the bytes blindly: the file is stat'ed before the read and
// again after the worker has checked its structure (core/elf/complete.ts) and simulated it. Only a
// whole object whose size and mtime did not move is simulated and kept; anything else is "being
// written", and the server waits for the next change instead of reporting it. Results are cached by
// path, size, mtime (and inode, which an atomic rename changes) and the options, so a save that
// does not touch the object costs one stat.
import { stat } from "node:fs/promises";
import { readFile } from "node:fs/promises";
import type { SimulateOptions, SimulationResult } from "../core/simulate";
import type { Incomplete } from "./simulation-pool";

/** What the server gets for one object. */
export type ObjectOutcome =
  | { readonly kind: "missing" }
  | { readonly kind: "too-large"; readonly bytes: number }
  | { readonly kind: "writing"; readonly reason: string }
  | { readonly kind: "simulated"; readonly result: SimulationResult };

/** Simulates bytes: `whole` asks for the structural check first. */
export interface ObjectSimulator {
  run(bytes: Uint8Array, options: SimulateOptions): Promise<SimulationResult>;
  runWhole(bytes: Uint8Array, options: SimulateOptions): Promise<SimulationResult | Incomplete>;
}

interface Stamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

async function stampOf(path: string): Promise<Stamp | undefined> {
  try {
    const s = await stat(path);
    return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
  } catch {
    return undefined;
  }
}

const same = (a: Stamp | undefined, b: Stamp | undefined) =>
  a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;

/** The options as a cache key (load addresses and sizes are bigints). */
const optionsKey = (o: SimulateOptions) =>
  JSON.stringify(o, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));

export class ObjectReader {
  /** The last simulation of each object, with the stamp and options it was made for. */
  private readonly cache = new Map<string, { stamp: Stamp; key: string; result: SimulationResult }>();

  constructor(private readonly simulator: ObjectSimulator) {}

  /**
   * Reads and simulates `object`. `asIs`: simulate whatever is there, whole or not (the writer has
   * stopped: the simulation then says what is wrong with it).
   */
  async simulate(
    object: string,
    options: SimulateOptions,
    maxBytes: number,
    asIs = false,
  ): Promise<ObjectOutcome> {
    const before = await stampOf(object);
    if (!before) {
      this.cache.delete(object);
      return { kind: "missing" };
    }
    if (before.size > maxBytes) return { kind: "too-large", bytes: before.size };
    const key = optionsKey(options);
    const cached = this.cache.get(object);
    if (cached && cached.key === key && same(cached.stamp, before))
      return { kind: "simulated", result: cached.result };
    let bytes: Uint8Array;
    try {
      bytes = await readFile(object);
    } catch {
      return { kind: "missing" };
    }
    const r = asIs ? await this.simulator.run(bytes, options) : await this.simulator.runWhole(bytes, options);
    const after = await stampOf(object);
    if (!asIs && "incomplete" in r) return { kind: "writing", reason: r.incomplete };
    if (!asIs && (bytes.byteLength !== before.size || !same(before, after)))
      return { kind: "writing", reason: "it changed while it was read" };
    const result = r as SimulationResult;
    if (same(before, after)) this.cache.set(object, { stamp: before, key, result });
    return { kind: "simulated", result };
  }
}

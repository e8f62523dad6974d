// A build writes purgatory.ro in several steps; reading it half-way gives a truncated object. We wait
// until the file's size and mtime stop changing before simulating it.
import { stat } from "node:fs/promises";

export interface StableOptions {
  /** How long the file must stay unchanged. */
  readonly quietMs: number;
  /** Give up waiting after this long (the simulation then reports what it finds). */
  readonly timeoutMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves true once `path` is unchanged for quietMs (or missing), false on timeout. */
export async function waitUntilStable(path: string, options: StableOptions): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  let last = await fingerprint(path);
  for (;;) {
    await sleep(options.quietMs);
    const now = await fingerprint(path);
    if (now === last) return true;
    if (Date.now() > deadline) return false;
    last = now;
  }
}

async function fingerprint(path: string): Promise<string> {
  try {
    const s = await stat(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return "missing";
  }
}

/**
 * Resolves true as soon as `path` differs from how it is now (size, mtime or existence), polling every
 * intervalMs; false once timeoutMs have passed without a change.
 */
export async function waitForChange(
  path: string,
  options: { readonly intervalMs: number; readonly timeoutMs: number },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  const first = await fingerprint(path);
  while (Date.now() < deadline) {
    await sleep(options.intervalMs);
    if ((await fingerprint(path)) !== first) return true;
  }
  return false;
}

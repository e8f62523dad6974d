// Polling an object for a change, for clients and watchers that send one notification for a file a
// build writes in pieces: the server reads an object as soon as its structure says it is whole
// (objects.ts), and polls only while it is not, or after reading it unusable.
import { stat } from "node:fs/promises";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fingerprint(path: string): Promise<string> {
  try {
    const s = await stat(path);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return "missing";
  }
}

/**
 * Resolves true as soon as `path` differs from how it is now (size, mtime, inode or existence),
 * polling every intervalMs; false once timeoutMs have passed without a change.
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

// Shrinks a failing fuzz input while it still fails the same way: text by dropping lines, then runs of
// characters; an ELF object by putting mutated bytes back to the seed's (the structure stays intact).
// A slow call still fails only if the same entry point stays over the limit on its best time of up to
// three runs (bestTimes), as in the worker: one timing on a loaded machine would keep noise as "slow".

import { bestTimes, failureKey, runInput, Timer, type FuzzInput, type Seeds } from "./targets";
import type { FailureReport } from "./worker";

export function stillFails(seeds: Seeds, input: FuzzInput, f: FailureReport, slowMs: number): boolean {
  const timer = new Timer();
  try {
    runInput(seeds, input, timer);
  } catch (e) {
    const stack = e instanceof Error ? (e.stack ?? String(e)) : String(e);
    return f.kind === "exception" && failureKey(input.target, "exception", timer.current, stack) === f.key;
  }
  if (f.kind !== "slow") return false;
  // Only the failing entry's calls are timed again.
  const mine = timer.calls.map((c) => (c.entry === f.entry ? c : { entry: c.entry, ms: 0 }));
  if (!mine.some((c) => c.ms > slowMs)) return false;
  const { best } = bestTimes(seeds, input, mine, slowMs);
  return best.some((ms) => ms > slowMs);
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function minimise(
  seeds: Seeds,
  input: FuzzInput,
  f: FailureReport,
  slowMs: number,
  budgetMs: number,
  base?: Uint8Array,
): Uint8Array {
  const deadline = Date.now() + budgetMs;
  const fails = (bytes: Uint8Array) =>
    Date.now() < deadline && stillFails(seeds, { ...input, bytes }, f, slowMs);
  if (!stillFails(seeds, input, f, slowMs)) return input.bytes; // flaky timing: keep as found
  if (input.target === "elf")
    return base && base.length === input.bytes.length ? revert(input.bytes, base, fails) : input.bytes;
  let units = dec.decode(input.bytes).split(/(?<=\n)/);
  for (const join of [true, false]) {
    if (!join) units = units.join("").split("");
    let chunk = Math.max(1, units.length >> 1);
    while (chunk >= 1 && Date.now() < deadline) {
      let removed = false;
      for (let i = 0; i + chunk <= units.length && Date.now() < deadline;) {
        const trial = [...units.slice(0, i), ...units.slice(i + chunk)];
        if (fails(enc.encode(trial.join("")))) {
          units = trial;
          removed = true;
        } else i += chunk;
      }
      if (!removed) chunk >>= 1;
    }
  }
  return enc.encode(units.join(""));
}

/** Puts runs of changed bytes back to the seed's while the failure stays. */
function revert(bytes: Uint8Array, base: Uint8Array, fails: (b: Uint8Array) => boolean): Uint8Array {
  let cur = bytes.slice();
  const diffs: number[] = [];
  for (let i = 0; i < cur.length; i++) if (cur[i] !== base[i]) diffs.push(i);
  let chunk = Math.max(1, diffs.length >> 1);
  let list = diffs;
  while (chunk >= 1) {
    const keep: number[] = [];
    for (let i = 0; i < list.length; i += chunk) {
      const part = list.slice(i, i + chunk);
      const trial = cur.slice();
      for (const k of part) trial[k] = base[k]!;
      if (fails(trial)) cur = trial;
      else keep.push(...part);
    }
    list = keep;
    if (chunk === 1) break;
    chunk >>= 1;
  }
  return cur;
}

// How much work a call does, counted rather than timed: V8's precise coverage gives the exact number
// of times each block of each function ran. Summed over the functions of the files under test, that
// is an operation count that does not depend on the machine's load, so a test can check that doubling
// an input doubles the work instead of quadrupling it (timed tests flake on a shared machine).
import { Session } from "node:inspector";
import { setFlagsFromString } from "node:v8";

interface Coverage {
  result: { url: string; functions: { ranges: { count: number }[] }[] }[];
}

let session: Session | undefined = undefined;

function post<T>(method: string, params?: object): T {
  let result: T | undefined;
  let error: Error | null = null;
  // The in-process session answers synchronously.
  session!.post(method, params ?? {}, (err: Error | null, res?: object) => {
    error = err;
    result = res as T;
  });
  if (error) throw error;
  return result!;
}

// Coverage starts when this module loads, so import it before the code under test: a function
// compiled before the start has no block counters (only its calls would be counted). It stays on to
// the end of the process for the same reason. Optimising compilers are turned off for this process:
// their code does not always count blocks (an inlined callback of a hot loop went uncounted).
setFlagsFromString("--no-opt");
setFlagsFromString("--no-maglev");
session = new Session();
session.connect();
post("Profiler.enable");
post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });

/** Blocks run by functions whose file path contains one of `files`, while `fn` runs. */
export function workOf(fn: () => unknown, files: readonly string[]): number {
  post("Profiler.takePreciseCoverage"); // taking the counts sets them back to zero
  fn();
  const cov = post<Coverage>("Profiler.takePreciseCoverage");
  let total = 0;
  for (const script of cov.result) {
    if (!files.some((f) => script.url.includes(f))) continue;
    for (const f of script.functions) for (const r of f.ranges) total += r.count;
  }
  return total;
}

/**
 * The work at size n and at 2n, and their ratio: about 2 for linear cost, about 4 for quadratic.
 * `make(n)` builds the input outside the count; `run` is what is measured.
 */
export function growth<T>(
  make: (n: number) => T,
  run: (input: T) => unknown,
  n: number,
  files: readonly string[],
): { small: number; large: number; ratio: number } {
  const a = make(n);
  const b = make(2 * n);
  const small = workOf(() => run(a), files);
  const large = workOf(() => run(b), files);
  if (process.env.SHOW_WORK)
    console.log(`work at n=${n}: ${small}, at 2n: ${large} (×${(large / small).toFixed(2)})`);
  return { small, large, ratio: large / small };
}

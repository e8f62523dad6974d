// A tiny test runner for inside the extension host: Node's own runner cannot run there, and one file
// of code is cheaper than a dependency. Tests run in order; each result is one console line that the
// harness (scripts/e2e/run.mjs) reads from the browser console, where the extension host's console
// goes. run() rejects when anything failed, which VS Code turns into a non-zero exit code.

/** The marker the harness looks for in console lines. */
export const MARK = "[pl-e2e]";

type Test = { name: string; fn: () => Promise<void> | void };
const tests: Test[] = [];

export function test(name: string, fn: () => Promise<void> | void): void {
  tests.push({ name, fn });
}

type Maybe<T> = T | undefined | false;

/** Polls until get() returns (or resolves to) a truthy value; fails with `what` after timeoutMs. */
export async function until<T>(
  get: () => Maybe<T> | Promise<Maybe<T>>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function runAll(): Promise<void> {
  let passed = 0;
  let failed = 0;
  for (const t of tests) {
    const t0 = Date.now();
    try {
      await t.fn();
      passed++;
      console.log(`${MARK} ok ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
      console.log(`${MARK} not ok ${t.name}\n${msg}`);
    }
  }
  console.log(`${MARK} summary ${passed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} API test(s) failed`);
}

// The worker thread that runs simulations for the language server, so the request loop keeps
// answering hovers and completions while a large object is simulated, and writes the report
// request's answer. Bundled as its own entry (dist/simulation-worker.js) next to the server.
import { parentPort } from "node:worker_threads";
import { runJob, type SimulationJob } from "./simulation-job";

parentPort?.on("message", (job: SimulationJob) => {
  try {
    const outcome = runJob(job);
    // The answer's bytes are handed over, not copied.
    const transfer = "answer" in outcome ? [outcome.answer.buffer as ArrayBuffer] : [];
    parentPort!.postMessage({ id: job.id, ...outcome }, transfer);
  } catch (e) {
    // A defect in the core: sent back whole so the server logs it and shows it, never swallowed.
    parentPort!.postMessage({ id: job.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});

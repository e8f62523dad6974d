// `npm start`: builds the CLI and simulates the bundled example purgatory, printing what the kernel
// would do. The simulated load failing is the example's point, so only bad input is an error here.
import { spawnSync } from "node:child_process";

const build = spawnSync("node", ["scripts/build.mjs"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status || 1);
const example = "examples/linux/arch/x86/purgatory/purgatory.ro";
const args = process.argv.slice(2);
const r = spawnSync("node", ["dist/cli.js", "simulate", example, ...args], { stdio: "inherit" });
process.exit(r.status === 2 ? 2 : 0);

// The `purgatory-lens simulate …` command line that reproduces what the server simulated for one
// object: what an editor without the section map offers instead of it (the CLI's --relocs text
// lists the sections, symbols and relocations the map draws).
import { isAbsolute, relative } from "node:path";
import type { SimulateOptions } from "../core/simulate";

const shellWord = (w: string) => (/^[A-Za-z0-9_./=:+,@%-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** `root`: the folder the user's shell is likely in (the workspace), to shorten the object's path. */
export function simulateCommandLine(object: string, options: SimulateOptions, root?: string): string {
  const rel = root ? relative(root, object) : object;
  const path = rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : object;
  const words = ["purgatory-lens", "simulate", path];
  if (options.loader === "kexec-tools") {
    words.push("--loader", "kexec-tools");
    if (options.kexecTools !== undefined) words.push("--kexec-tools", options.kexecTools);
  } else if (options.kernel !== undefined) words.push("--kernel", options.kernel);
  if (options.arch !== undefined) words.push("--arch", options.arch);
  for (const load of options.loads ?? []) words.push("--load", `0x${load.toString(16)}`);
  if ((options.loads ?? []).length === 0 && options.ramSize !== undefined && options.ramSize !== 64n << 30n)
    words.push("--ram", ramText(options.ramSize));
  if (options.crash) words.push("--crash");
  words.push("--relocs");
  return words.map(shellWord).join(" ");
}

function ramText(bytes: bigint): string {
  for (const [unit, shift] of [
    ["T", 40n],
    ["G", 30n],
    ["M", 20n],
    ["K", 10n],
  ] as const) {
    if (bytes % (1n << shift) === 0n) return `${bytes >> shift}${unit}`;
  }
  return `0x${bytes.toString(16)}`;
}

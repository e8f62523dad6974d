// Where the linker finds an INCLUDEd script. GNU ld 2.40 (ldfile.c, ldfile_find_command_file) tries
// the name as given, relative to the link's working directory, then every library search folder in
// order (the `-L` options of the link, then the script's SEARCH_DIRs), then its own ldscripts folder;
// ld.lld also looks beside the including script. A name is found if either linker would find it.
import { isAbsolute, join } from "node:path";
import type * as A from "./ast";

export interface IncludeSearch {
  /** The folder of the script being read. */
  readonly scriptDir: string;
  /** The link's working directory (kbuild links from the build root), when known. */
  readonly linkCwd?: string;
  /** `-L` folders of the link, in order (relative ones are relative to `linkCwd`). */
  readonly libraryDirs?: readonly string[];
}

/** SEARCH_DIR(...) folders the script itself adds. */
export function scriptSearchDirs(script: A.Script): string[] {
  const out: string[] = [];
  for (const st of script.statements)
    if (st.kind === "Command" && st.name === "SEARCH_DIR") for (const a of st.args) out.push(a.value);
  return out;
}

/** The paths tried for `INCLUDE name`, in the order GNU ld tries them, then ld.lld's extra place. */
export function includeCandidates(name: string, search: IncludeSearch, script?: A.Script): string[] {
  if (isAbsolute(name)) return [name];
  const cwd = search.linkCwd ?? search.scriptDir;
  const abs = (dir: string): string => (isAbsolute(dir) ? dir : join(cwd, dir));
  const dirs = [...(search.libraryDirs ?? []), ...(script ? scriptSearchDirs(script) : [])];
  const out = [join(cwd, name), ...dirs.map((d) => join(abs(d), name)), join(search.scriptDir, name)];
  return [...new Set(out)];
}

/** The file an INCLUDE opens, or undefined when neither linker would find it. */
export function resolveInclude(
  name: string,
  search: IncludeSearch,
  exists: (path: string) => boolean,
  script?: A.Script,
): string | undefined {
  return includeCandidates(name, search, script).find(exists);
}

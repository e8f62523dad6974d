// The server's own watch on the files a build changes, for clients that send no
// workspace/didChangeWatchedFiles (Neovim's and Helix's clients, vim-lsp, eglot when the server
// registers nothing): a `make` in a terminal then updates the editor as it does in VS Code.
//
// It watches a bounded set of directories, not the tree: the folders of each purgatory's object,
// Makefiles, .cmd files, linker script and sources, and the workspace roots (the top-level Makefile
// names the kernel's release). A kernel tree has thousands of directories, and one inotify watch per
// directory, as a recursive watch needs, costs memory and the user's inotify budget for files that
// never affect a purgatory. A folder that does not exist yet (an O= build not run) is watched through
// its nearest existing parent until it appears.
import { existsSync, watch, type FSWatcher } from "node:fs";
import { basename, dirname, join, sep } from "node:path";

/** What a change means to the server. */
export type ChangeKind = "object" | "build-input" | "source";

/** The file names a build writes or reads that matter to a purgatory, and what each means. */
export function classify(name: string): ChangeKind | undefined {
  if (/\.(o|ro)$/.test(name)) return "object";
  if (/^(Makefile|Kbuild|configure\.ac)$|^\..*\.cmd$|\.(lds|ld|lds\.S)$/.test(name)) return "build-input";
  if (/\.(c|h|S|s|sx)$/.test(name)) return "source";
  return undefined;
}

/** At most this many directories are watched; the rest are left to "Re-simulate". */
export const MAX_WATCHED_DIRS = 256;

export class TreeWatcher {
  private watchers = new Map<string, FSWatcher>();
  /** Directories asked for that do not exist yet, by the ancestor watched in their place. */
  private pending = new Map<string, Set<string>>();
  /** The directories last asked for, to re-resolve when a missing one appears. */
  private requested: string[] = [];

  constructor(
    private readonly onChange: (path: string, kind: ChangeKind) => void,
    private readonly log: (message: string) => void,
  ) {}

  get watchedDirs(): readonly string[] {
    return [...this.watchers.keys()];
  }

  /** Watches exactly these directories (and the existing parents of missing ones) from now on. */
  watchDirs(dirs: Iterable<string>): void {
    this.requested = [...new Set(dirs)];
    const want = new Set<string>();
    this.pending.clear();
    for (const dir of this.requested) {
      let d = dir;
      while (!existsSync(d) && dirname(d) !== d) {
        const parent = dirname(d);
        const waiting = this.pending.get(parent) ?? new Set<string>();
        waiting.add(dir);
        this.pending.set(parent, waiting);
        d = parent;
      }
      want.add(d);
    }
    let list = [...want];
    if (list.length > MAX_WATCHED_DIRS) {
      this.log(
        `watching ${MAX_WATCHED_DIRS} of ${list.length} folders for rebuilds; use Re-simulate for the rest`,
      );
      list = list.slice(0, MAX_WATCHED_DIRS);
    }
    const keep = new Set(list);
    for (const [dir, w] of this.watchers) {
      if (!keep.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of list) if (!this.watchers.has(dir)) this.add(dir);
  }

  private add(dir: string): void {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => this.changed(dir, name));
      // ENOSPC (the inotify limit), the folder removed under us, ...: that folder is no longer
      // watched, which is said, never thrown.
      w.on("error", (e) => {
        this.log(`stopped watching ${dir}: ${e.message}`);
        w.close();
        this.watchers.delete(dir);
      });
      this.watchers.set(dir, w);
    } catch (e) {
      this.log(`cannot watch ${dir}: ${(e as Error).message}`);
    }
  }

  private changed(dir: string, name: string | Buffer | null): void {
    const file = name === null ? undefined : String(name);
    const waiting = this.pending.get(dir);
    const step = file === undefined ? undefined : join(dir, file);
    if (waiting && (step === undefined || [...waiting].some((w) => w === step || w.startsWith(step + sep)))) {
      // A folder on the way to one we wait for appeared (a build creates them one by one): watch
      // from the deepest one that exists now.
      this.watchDirs(this.requested);
      this.onChange(dir, "build-input");
      return;
    }
    if (file === undefined) {
      this.onChange(dir, "build-input");
      return;
    }
    const kind = classify(basename(file));
    if (kind) this.onChange(join(dir, file), kind);
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

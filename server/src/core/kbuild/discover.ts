// Finding every purgatory under the workspace folders, and what built it.
//
// A purgatory is a folder with any of: a purgatory.ro; a .purgatory.ro.cmd (kbuild's record of the
// link); a Makefile in a folder named "purgatory" that mentions it (a source tree not built yet). A
// kernel built with O=<dir> mirrors the source tree under <dir>, so the same arch/x86/purgatory/
// appears once per build folder: each is reported on its own, pointing back at the shared sources.
//
// Path rules of kbuild that the mapping relies on:
// - Commands run from the build root (objtree), so relative paths in .cmd files resolve against it.
//   The link's target ("arch/x86/purgatory/purgatory.ro") tells where the objtree is: the folder
//   holding the .cmd file minus the target's folder.
// - The source tree (srctree) is, in order of preference: where a compile's source input lives (the
//   input path ends in <target folder>/<file>; kbuild writes it absolute, or relative like
//   "../linux/..." when the build folder is inside the source tree); a `source_<obj> :=` line (older
//   kernels); an -I folder ending in the target folder; the objtree's generated Makefile
//   ("include <srctree>/Makefile" since v5.x, "MAKEARGS := -C <srctree>" or "KERNELSRC := <srctree>"
//   before); the objtree's "source" symlink; else the objtree itself (an in-tree build).
// - Not handled: external-module style builds (M=) and trees whose .cmd files were moved after the
//   build; those are reported with what could be found and a note.
// - kexec-tools trees (a `purgatory` folder whose parent is a kexec-tools source tree or configured
//   build folder) are described from their own Makefiles instead: see kexec-tools-tree.ts.
//
// The walk is breadth-first, never follows symbolic links (TreeFs reports them as files), skips .git
// and node_modules, stops after `maxFiles` entries, and checks `signal.cancelled` between folders.
import { posix } from "node:path";
import { cmdFileName, parseCmdFile } from "./cmdfile";
import { isSourcePath, parseCommand } from "./compile";
import type { DiscoveredCommand, DiscoveredPurgatory } from "./discovered";
import { globMatcher } from "./glob";
import { describeKexecToolsPurgatory, findKexecToolsTree } from "./kexec-tools-tree";
import { parseMakefile, purgatoryObjects } from "./makefile";
import { findTreeRelease, treeRelease, type TreeRelease } from "./release";
import { readText, type DirEntry, type TreeFs } from "./tree-fs";

export type { DiscoveredCommand, DiscoveredPurgatory } from "./discovered";

export interface DiscoveryStats {
  entries: number;
  dirs: number;
  truncated: boolean;
  cancelled: boolean;
}

export interface DiscoverOptions {
  /** Extra object paths, as globs relative to each root ("out/**\/kexec-purgatory.ro"). */
  readonly extraGlobs?: readonly string[];
  /** Stop the walk after this many directory entries (default 500,000). */
  readonly maxFiles?: number;
  /** Checked between folders; when set, discovery returns what it has found so far. */
  readonly signal?: { readonly cancelled: boolean };
  /** Filled in with the walk's counts, if given. */
  readonly stats?: DiscoveryStats;
}

const SKIP_DIRS = new Set([".git", "node_modules", ".hg", ".svn"]);
const OBJECT_NAME = "purgatory.ro";
const CONCURRENCY = 32;

interface Candidate {
  dir: string;
  entries: DirEntry[];
  object?: string; // an extra-glob match; otherwise dir/purgatory.ro
  hasObject: boolean;
  hasCmd: boolean;
  hasMakefile: boolean;
}

function isAbsolute(p: string): boolean {
  return p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p);
}

function resolveFrom(base: string, p: string): string {
  return isAbsolute(p) ? posix.normalize(p) : posix.join(base, p);
}

/** `path` with the trailing `suffix` segments removed, if it ends with them. */
function stripSuffix(path: string, suffix: string): string | undefined {
  const s = posix.normalize(suffix);
  if (s === "." || s === "") return path;
  if (path === s) return ".";
  if (!path.endsWith("/" + s)) return undefined;
  const root = path.slice(0, -s.length - 1);
  return root === "" ? "/" : root;
}

export async function discoverPurgatories(
  fs: TreeFs,
  roots: readonly string[],
  options: DiscoverOptions = {},
): Promise<DiscoveredPurgatory[]> {
  const maxFiles = options.maxFiles ?? 500_000;
  const stats: DiscoveryStats = options.stats ?? { entries: 0, dirs: 0, truncated: false, cancelled: false };
  const globs = (options.extraGlobs ?? []).map(globMatcher);
  const candidates = new Map<string, Candidate>();
  const candidate = (dir: string, entries: DirEntry[]): Candidate => {
    let c = candidates.get(dir);
    if (!c) candidates.set(dir, (c = { dir, entries, hasObject: false, hasCmd: false, hasMakefile: false }));
    return c;
  };

  for (const root of roots.map((r) => posix.normalize(r))) {
    let level: string[] = [root];
    while (level.length > 0 && !stats.truncated && !stats.cancelled) {
      const next: string[] = [];
      for (let i = 0; i < level.length; i += CONCURRENCY) {
        if (options.signal?.cancelled) {
          stats.cancelled = true;
          break;
        }
        const batch = level.slice(i, i + CONCURRENCY);
        const listings = await Promise.all(batch.map((d) => fs.readDir(d)));
        for (let b = 0; b < batch.length; b++) {
          const dir = batch[b]!;
          const entries = listings[b];
          if (!entries) continue;
          stats.dirs++;
          stats.entries += entries.length;
          for (const e of entries) {
            if (e.isDir) {
              if (!SKIP_DIRS.has(e.name)) next.push(posix.join(dir, e.name));
              continue;
            }
            if (e.name === OBJECT_NAME) candidate(dir, entries).hasObject = true;
            else if (e.name === cmdFileName(OBJECT_NAME)) candidate(dir, entries).hasCmd = true;
            else if (e.name === "Makefile" && posix.basename(dir) === "purgatory")
              candidate(dir, entries).hasMakefile = true;
            else if (globs.length > 0) {
              const rel = posix.relative(root, posix.join(dir, e.name));
              if (globs.some((g) => g(rel))) {
                const c = candidate(`${dir}\0${e.name}`, entries);
                c.dir = dir;
                c.object = posix.join(dir, e.name);
                c.hasObject = true;
              }
            }
          }
        }
        if (stats.entries >= maxFiles) {
          stats.truncated = true;
          break;
        }
      }
      level = next;
    }
  }

  const found: DiscoveredPurgatory[] = [];
  const releases = releaseCache(fs);
  for (const c of candidates.values()) {
    if (options.signal?.cancelled) {
      stats.cancelled = true;
      break;
    }
    const p = await describe(fs, c, releases);
    if (p) found.push(p);
  }
  return withoutUnbuiltSources(found).sort((a, b) =>
    a.object < b.object ? -1 : a.object > b.object ? 1 : 0,
  );
}

/**
 * A kexec-tools source tree built in a separate folder shows up twice: the build's purgatory.ro and
 * the source tree's purgatory/Makefile with nothing built next to it. Only the build is kept.
 */
function withoutUnbuiltSources(found: DiscoveredPurgatory[]): DiscoveredPurgatory[] {
  const built = new Set(
    found.filter((p) => p.objectExists && p.kexecTools).map((p) => p.kexecTools!.srcRoot),
  );
  return found.filter((p) => p.objectExists || !p.kexecTools || !built.has(p.kexecTools.srcRoot));
}

/**
 * .cmd records read before, by text: an editor discovers again on every Makefile or linker-script
 * change, and a record with a long deps_ list costs milliseconds to parse.
 */
const commands = new Map<string, Omit<DiscoveredCommand, "cmdFile"> | undefined>();
const COMMANDS_KEPT = 1024;

async function readCommand(fs: TreeFs, cmdFile: string): Promise<DiscoveredCommand | undefined> {
  const text = await readText(fs, cmdFile);
  if (text === undefined) return undefined;
  let parsed = commands.get(text);
  if (parsed === undefined && !commands.has(text)) {
    const cmd = parseCmdFile(text);
    parsed = cmd ? { ...parseCommand(cmd.argv), cmd } : undefined;
    if (commands.size >= COMMANDS_KEPT) commands.delete(commands.keys().next().value!);
    commands.set(text, parsed);
  }
  return parsed ? { ...parsed, cmdFile } : undefined;
}

/** Where the source tree is, for a build whose objtree and target folder are known. */
async function findSrcTree(
  fs: TreeFs,
  objTree: string,
  relDir: string,
  compiles: readonly DiscoveredCommand[],
): Promise<string | undefined> {
  // Each candidate is accepted only if the file or folder it was derived from exists: a relative
  // source path in an O= build would otherwise point into the build folder.
  const listings = new Map<string, Promise<DirEntry[] | undefined>>();
  const list = (dir: string) => {
    let l = listings.get(dir);
    if (!l) listings.set(dir, (l = fs.readDir(dir)));
    return l;
  };
  const fileExists = async (p: string) =>
    ((await list(posix.dirname(p))) ?? []).some((e) => !e.isDir && e.name === posix.basename(p));
  const fromFile = async (file: string): Promise<string | undefined> => {
    const abs = resolveFrom(objTree, file);
    const t = stripSuffix(abs, posix.join(relDir, posix.basename(file)));
    return t !== undefined && (await fileExists(abs)) ? t : undefined;
  };
  for (const c of compiles) {
    for (const s of c.inputs.filter(isSourcePath)) {
      const t = await fromFile(s);
      if (t) return t;
    }
  }
  for (const c of compiles) {
    const t = c.cmd.source !== undefined ? await fromFile(c.cmd.source) : undefined;
    if (t) return t;
  }
  for (const c of compiles) {
    for (const inc of c.includeDirs) {
      const abs = resolveFrom(objTree, inc);
      const t = stripSuffix(abs, relDir);
      if (t && t !== objTree && (await list(abs))) return t;
    }
  }
  const top = await readText(fs, posix.join(objTree, "Makefile"));
  if (top !== undefined) {
    const m =
      /^\s*include\s+(\S+)\/Makefile\s*$/m.exec(top) ??
      /^\s*MAKEARGS\s*:=\s*-C\s+(\S+)/m.exec(top) ??
      /^\s*(?:KERNELSRC|srctree)\s*:?=\s*(\S+)/m.exec(top);
    if (m) return resolveFrom(objTree, m[1]!);
  }
  // An in-tree build: the sources sit next to the objects.
  for (const c of compiles) {
    for (const s of c.inputs.filter(isSourcePath))
      if (await fileExists(resolveFrom(objTree, s))) return objTree;
  }
  if (await fs.readDir(posix.join(objTree, "source", relDir))) return posix.join(objTree, "source");
  return undefined;
}

/**
 * s390 links `purgatory` (with its linker script) and then makes purgatory.ro from it with objcopy, so
 * purgatory.ro's own .cmd records no objects. Follow the objcopy to the recorded link of its input.
 */
async function followObjcopy(
  fs: TreeFs,
  dir: string,
  cmd: DiscoveredCommand,
): Promise<{ link: DiscoveredCommand; cmdFile: string } | undefined> {
  if (cmd.kind === "link" || !/objcopy(-\d+)?$/.test(posix.basename(cmd.compiler))) return undefined;
  for (const input of cmd.inputs) {
    if (input === cmd.cmd.target) continue;
    const cmdFile = posix.join(dir, cmdFileName(posix.basename(input)));
    const link = await readCommand(fs, cmdFile);
    if (link?.kind === "link") return { link, cmdFile };
  }
  return undefined;
}

interface ReleaseCache {
  /** The release recorded in this folder itself. */
  at(dir: string): Promise<TreeRelease | undefined>;
  /** The release of the tree this folder lives in (walking up). */
  above(dir: string): Promise<TreeRelease | undefined>;
}

/** O= build folders of one source tree share its release: each folder is read once per discovery. */
function releaseCache(fs: TreeFs): ReleaseCache {
  const at = new Map<string, Promise<TreeRelease | undefined>>();
  const above = new Map<string, Promise<TreeRelease | undefined>>();
  const memo = (m: typeof at, dir: string, f: () => Promise<TreeRelease | undefined>) => {
    let r = m.get(dir);
    if (!r) m.set(dir, (r = f()));
    return r;
  };
  return {
    at: (dir) => memo(at, dir, () => treeRelease(fs, dir)),
    above: (dir) => memo(above, dir, () => findTreeRelease(fs, dir)),
  };
}

async function describe(
  fs: TreeFs,
  c: Candidate,
  releases: ReleaseCache,
): Promise<DiscoveredPurgatory | undefined> {
  const kexecTools = c.object === undefined ? await findKexecToolsTree(fs, c.dir) : undefined;
  if (kexecTools) return describeKexecToolsPurgatory(fs, kexecTools, c.hasObject);
  const notes: string[] = [];
  const object = c.object ?? posix.join(c.dir, OBJECT_NAME);
  const linkCmdPath = posix.join(c.dir, cmdFileName(posix.basename(object)));
  const hasLinkCmd = c.entries.some((e) => !e.isDir && e.name === cmdFileName(posix.basename(object)));
  const recorded = hasLinkCmd ? await readCommand(fs, linkCmdPath) : undefined;
  if (hasLinkCmd && !recorded) notes.push(`${linkCmdPath} has no savedcmd_/cmd_ line`);
  const followed = recorded && (await followObjcopy(fs, c.dir, recorded));
  const link = followed?.link ?? recorded;

  // A bare Makefile in a folder called purgatory counts only if it is the purgatory's.
  let makefileText: string | undefined;
  if (!c.hasObject && !c.hasCmd) {
    makefileText = await readText(fs, posix.join(c.dir, "Makefile"));
    if (makefileText === undefined || !/purgatory(-y|\.ro)/.test(makefileText)) return undefined;
  }

  let objTree: string | undefined;
  let relDir = "";
  if (link) {
    const target = link.cmd.target;
    relDir = posix.dirname(target);
    objTree = isAbsolute(target) ? undefined : stripSuffix(c.dir, relDir);
    if (!isAbsolute(target) && objTree === undefined)
      notes.push(
        `the link target ${target} does not end where its .cmd file is; relative paths use ${c.dir}`,
      );
  }
  const base = objTree ?? c.dir;

  const linkObjects = link ? link.inputs.filter((p) => /\.o$/.test(p)).map((p) => resolveFrom(base, p)) : [];
  const compiles: Record<string, DiscoveredCommand> = {};
  const compileList: DiscoveredCommand[] = [];
  await Promise.all(
    linkObjects.map(async (o) => {
      const cmd = await readCommand(fs, posix.join(posix.dirname(o), cmdFileName(posix.basename(o))));
      if (cmd) compiles[o] = cmd;
    }),
  );
  for (const o of linkObjects) if (compiles[o]) compileList.push(compiles[o]);

  let srcTree: string | undefined;
  if (objTree !== undefined) {
    srcTree = await findSrcTree(fs, objTree, relDir, compileList);
    if (srcTree === undefined) {
      notes.push(`could not find the source tree of the build in ${objTree}; using the build folder`);
      srcTree = objTree;
    }
  }
  const srcDir = srcTree !== undefined ? posix.join(srcTree, relDir) : c.dir;
  const srcEntries = srcDir === c.dir ? c.entries : ((await fs.readDir(srcDir)) ?? []);
  const hasFile = (entries: DirEntry[], name: string) => entries.some((e) => !e.isDir && e.name === name);
  const makefile = hasFile(srcEntries, "Makefile") ? posix.join(srcDir, "Makefile") : undefined;

  // Objects: the link's inputs; without a build, the Makefile's purgatory-y.
  let objects = linkObjects;
  const sources: string[] = [];
  if (link) {
    for (const o of linkObjects) {
      const cmd = compiles[o];
      const src = cmd?.inputs.find(isSourcePath) ?? cmd?.cmd.source;
      if (src !== undefined) sources.push(resolveFrom(base, src));
      else notes.push(`no compile command recorded for ${o}`);
    }
  } else if (makefile) {
    makefileText ??= await readText(fs, makefile);
    const list =
      makefileText === undefined ? [] : purgatoryObjects(parseMakefile(makefileText), { problems: notes });
    objects = list.map((e) => posix.join(c.dir, e.name));
    for (const e of list) {
      const stem = e.name.slice(0, -2);
      const ext = [".c", ".S", ".s"].find((x) => hasFile(srcEntries, stem + x));
      if (ext) sources.push(posix.join(srcDir, stem + ext));
      else notes.push(`no source found for ${e.name} in ${srcDir}`);
    }
  }

  // Linker script: the link's -T (the .lds.S it is generated from, when that is next to the sources),
  // else a *.lds.S, else a *.lds next to the sources or the object.
  let linkerScript = link?.linkerScript !== undefined ? resolveFrom(base, link.linkerScript) : undefined;
  if (linkerScript?.endsWith(".lds") && hasFile(srcEntries, `${posix.basename(linkerScript)}.S`))
    linkerScript = posix.join(srcDir, `${posix.basename(linkerScript)}.S`);
  if (linkerScript === undefined) {
    const pick = (entries: DirEntry[], dir: string, re: RegExp) => {
      const e = entries.find((x) => !x.isDir && re.test(x.name));
      return e ? posix.join(dir, e.name) : undefined;
    };
    linkerScript =
      pick(srcEntries, srcDir, /\.lds\.S$/) ??
      pick(srcEntries, srcDir, /\.lds$/) ??
      pick(c.entries, c.dir, /\.lds$/);
  }

  const buildDir =
    objTree !== undefined && srcTree !== undefined && srcTree !== objTree ? objTree : undefined;
  // A build folder's own record (kernel.release, with the local version) before the source tree's.
  const release =
    (objTree !== undefined ? await releases.at(objTree) : undefined) ?? (await releases.above(srcDir));
  return {
    object,
    objectExists: c.hasObject || hasFile(c.entries, posix.basename(object)),
    dir: c.dir,
    srcDir,
    ...(makefile !== undefined ? { makefile } : {}),
    ...(link ? { cmdFile: followed?.cmdFile ?? linkCmdPath } : {}),
    ...(linkerScript !== undefined ? { linkerScript } : {}),
    sources,
    objects,
    ...(buildDir !== undefined ? { buildDir } : {}),
    ...(objTree !== undefined ? { objTree } : {}),
    ...(srcTree !== undefined ? { srcTree } : {}),
    ...(link ? { link } : {}),
    compiles,
    notes,
    ...(release ? { release } : {}),
  };
}

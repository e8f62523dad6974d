// The kernel release a tree will build, and so the purgatory loader that will load its purgatory:
// kexec_file_load runs the purgatory embedded in the same kernel image, so the loader to model is the
// tree's own release, not the newest one we know.
//
// Where kbuild writes the release down, most authoritative first:
// - include/config/kernel.release: written by every build (in-tree and O=), with CONFIG_LOCALVERSION
//   and the scm suffix, e.g. "6.8.6-arch1";
// - include/generated/utsrelease.h: `#define UTS_RELEASE "6.8.6-arch1"`, the fallback in a build
//   folder whose kernel.release is gone;
// - the top-level Makefile: VERSION, PATCHLEVEL, SUBLEVEL and EXTRAVERSION, the only record in a
//   source tree that was never built. kbuild's KERNELVERSION is
//   $(VERSION)$(if $(PATCHLEVEL),.$(PATCHLEVEL)$(if $(SUBLEVEL),.$(SUBLEVEL)))$(EXTRAVERSION).
// An O= build folder's own Makefile is kbuild's generated stub ("include <srctree>/Makefile") with no
// VERSION: the release then comes from the build's files or the source tree's Makefile.
import { posix } from "node:path";
import {
  kernelModel,
  KernelVersionError,
  NEWEST_KERNEL,
  parseKernelVersion,
  type KernelVersion,
} from "../kexec/kernel";
import { readText, type TreeFs } from "./tree-fs";

export type ReleaseSource = "Makefile" | "include/config/kernel.release" | "utsrelease.h";

export interface TreeRelease {
  /** As the tree writes it: "6.8.6", "6.9.0-rc3", "6.8.6-arch1". */
  readonly release: string;
  readonly source: ReleaseSource;
  /** The file it was read from. */
  readonly path: string;
  /** The tree (source tree or build folder) the file belongs to. */
  readonly root: string;
}

const KERNEL_RELEASE = "include/config/kernel.release";
const UTSRELEASE = "include/generated/utsrelease.h";

/** The release a top-level kernel Makefile declares, or undefined if it is not one. */
export function makefileRelease(text: string): string | undefined {
  const v = (name: string): string | undefined => {
    const m = new RegExp(`^${name}[ \\t]*:?=[ \\t]*([^#\\n]*?)[ \\t]*(#.*)?$`, "m").exec(text);
    return m ? m[1]! : undefined;
  };
  const version = v("VERSION");
  const patchlevel = v("PATCHLEVEL");
  if (version === undefined || !/^\d+$/.test(version) || patchlevel === undefined) return undefined;
  const sublevel = v("SUBLEVEL") ?? "";
  const extraversion = v("EXTRAVERSION") ?? "";
  if (patchlevel !== "" && !/^\d+$/.test(patchlevel)) return undefined;
  if (sublevel !== "" && !/^\d+$/.test(sublevel)) return undefined;
  return `${version}${patchlevel !== "" ? `.${patchlevel}${sublevel !== "" ? `.${sublevel}` : ""}` : ""}${extraversion}`;
}

/** The release in a utsrelease.h, or undefined. */
export function utsRelease(text: string): string | undefined {
  return /^\s*#\s*define\s+UTS_RELEASE\s+"([^"\n]+)"/m.exec(text)?.[1];
}

/** The release recorded in `root`, from the texts of its three records (read lazily, in order). */
function releaseIn(root: string, text: (rel: string) => string | undefined): TreeRelease | undefined {
  const at = (p: string) => posix.join(root, p);
  const kr = text(KERNEL_RELEASE)?.trim().split("\n")[0]?.trim();
  if (kr) return { release: kr, source: "include/config/kernel.release", path: at(KERNEL_RELEASE), root };
  const uts = text(UTSRELEASE);
  const u = uts === undefined ? undefined : utsRelease(uts);
  if (u) return { release: u, source: "utsrelease.h", path: at(UTSRELEASE), root };
  const mk = text("Makefile");
  const m = mk === undefined ? undefined : makefileRelease(mk);
  if (m) return { release: m, source: "Makefile", path: at("Makefile"), root };
  return undefined;
}

/** The tree's own release, read from `dir` (a source tree or build folder root) alone. */
export async function treeRelease(fs: TreeFs, dir: string): Promise<TreeRelease | undefined> {
  const root = posix.normalize(dir);
  const texts = new Map<string, string | undefined>();
  for (const rel of [KERNEL_RELEASE, UTSRELEASE, "Makefile"])
    texts.set(rel, await readText(fs, posix.join(root, rel)));
  return releaseIn(root, (rel) => texts.get(rel));
}

/**
 * The release of the tree a file or folder lives in: the nearest folder at or above `start` that
 * records one (see treeRelease). Stops at the file-system root.
 */
export async function findTreeRelease(fs: TreeFs, start: string): Promise<TreeRelease | undefined> {
  let dir = posix.normalize(start);
  for (;;) {
    const entries = await fs.readDir(dir);
    // Only folders that could hold a record are read: a walk up through a deep tree stays cheap.
    if (entries?.some((e) => (e.name === "Makefile" && !e.isDir) || (e.name === "include" && e.isDir))) {
      const r = await treeRelease(fs, dir);
      if (r) return r;
    }
    const up = posix.dirname(dir);
    if (up === dir || dir === "." || dir === "") return undefined;
    dir = up;
  }
}

/** findTreeRelease for synchronous callers (the CLI's simulate): `read` gives a file's text or undefined. */
export function findTreeReleaseSync(
  read: (path: string) => string | undefined,
  start: string,
): TreeRelease | undefined {
  let dir = posix.normalize(start);
  for (;;) {
    const r = releaseIn(dir, (rel) => read(posix.join(dir, rel)));
    if (r) return r;
    const up = posix.dirname(dir);
    if (up === dir || dir === "." || dir === "") return undefined;
    dir = up;
  }
}

/** Where the modelled kernel release came from. */
export type KernelSource = ReleaseSource | "setting" | "--kernel" | "default";

/** The kernel to model for one purgatory, and why: plain data for every front end. */
export interface KernelChoice {
  /** What to give the simulation as its kernel release ("6.8.6", "7.2"). */
  readonly kernel: string;
  readonly source: KernelSource;
  /** The file the release was read from (tree sources only). */
  readonly path?: string;
  /** The release as the tree writes it, when it differs from `kernel` (outside the modelled range). */
  readonly release?: string;
  /** What the user should know: a release outside the modelled range, or no tree found. */
  readonly warning?: string;
}

/** The oldest release with kexec_file_load and the newest modelled one. */
const OLDEST_KERNEL = "3.17";

function cmp(a: KernelVersion, b: KernelVersion): number {
  return a.major - b.major || a.minor - b.minor || (a.patch ?? 0) - (b.patch ?? 0);
}

/**
 * A tree's release as the kernel to model. Releases outside what is modelled (before kexec_file_load
 * existed, or newer than the newest modelled) use the nearest modelled era, with a warning saying so.
 */
export function kernelForRelease(found: TreeRelease): KernelChoice {
  const base = { source: found.source, path: found.path };
  let v: KernelVersion;
  try {
    v = parseKernelVersion(found.release);
  } catch (e) {
    if (!(e instanceof KernelVersionError)) throw e;
    return {
      ...base,
      kernel: NEWEST_KERNEL,
      release: found.release,
      warning: `${found.path} says "${found.release}", which is not a kernel release: modelled as ${NEWEST_KERNEL}, the newest modelled`,
    };
  }
  const newest = parseKernelVersion(NEWEST_KERNEL);
  const oldest = parseKernelVersion(OLDEST_KERNEL);
  const label = `${v.major}.${v.minor}${v.patch === undefined ? "" : `.${v.patch}`}`;
  if (cmp(v, oldest) < 0)
    return {
      ...base,
      kernel: OLDEST_KERNEL,
      release: found.release,
      warning: `kernel ${label} (from ${found.source}) predates kexec_file_load (3.17): modelled as ${OLDEST_KERNEL}, the nearest modelled era`,
    };
  // Newer than modelled: only the major.minor decide the era, so a later point release of the newest
  // series is still modelled exactly.
  if (v.major > newest.major || (v.major === newest.major && v.minor > newest.minor))
    return {
      ...base,
      kernel: NEWEST_KERNEL,
      release: found.release,
      warning: `kernel ${label} (from ${found.source}) is newer than the newest modelled release, ${NEWEST_KERNEL}: modelled as ${NEWEST_KERNEL}, the nearest era`,
    };
  // Throws only for releases already handled above.
  return { ...base, kernel: kernelModel(label).label };
}

/**
 * The kernel for a purgatory: an explicit release (setting or --kernel) wins, then the tree's own,
 * then the newest modelled, saying that no tree was found.
 */
export function chooseKernel(
  override: { kernel: string; source: "setting" | "--kernel" } | undefined,
  found: TreeRelease | undefined,
  where?: string,
): KernelChoice {
  if (override && override.kernel !== "") return { kernel: override.kernel, source: override.source };
  if (found) return kernelForRelease(found);
  return {
    kernel: NEWEST_KERNEL,
    source: "default",
    warning: `no kernel tree found${where ? ` above ${where}` : ""} (no top-level Makefile with VERSION, no ${KERNEL_RELEASE}): modelled as ${NEWEST_KERNEL}, the newest modelled release`,
  };
}

/** "from Makefile", "from the setting", "the default": how a choice is named next to its release. */
export function kernelSourceText(source: KernelSource): string {
  switch (source) {
    case "setting":
      return "from purgatoryLens.kernelVersion";
    case "--kernel":
      return "from --kernel";
    case "default":
      return "newest modelled, no kernel tree found";
    default:
      return `from ${source}`;
  }
}

/** "kernel 6.8.6 (from Makefile)": the modelled release and where it came from. */
export function describeKernel(label: string, choice: Pick<KernelChoice, "source" | "release">): string {
  const of = choice.release !== undefined ? `, nearest to ${choice.release}` : "";
  return `kernel ${label} (${kernelSourceText(choice.source)}${of})`;
}

// kexec-tools source trees (git.kernel.org/pub/scm/utils/kernel/kexec/kexec-tools.git and its release
// tarballs): recognising one, and what its purgatory is built from. A kernel never loads this
// purgatory; `kexec -l`/`-p` place, relocate and patch it themselves (kexec_load), so such a purgatory
// is simulated with kexec-tools' loader.
//
// Layout facts relied on (read in kexec-tools 2.0.25, 2.0.29 and 2.0.32):
// - The source tree has kexec/kexec-elf-rel.c (the purgatory loader), purgatory/Makefile and, except
//   in trimmed copies, configure.ac with `AC_INIT(kexec-tools, 2.0.25)` or
//   `AC_INIT([kexec-tools],[2.0.32])`; between releases the version carries a suffix ("2.0.32.git").
// - configure writes a Makefile (from Makefile.in) into the folder it runs in, with `PACKAGE_NAME =
//   kexec-tools`, `srcdir = <source tree>` and `ARCH = x86_64` (i386, arm64, ppc64, s390, ...). The
//   top Makefile includes purgatory/Makefile, whose target is purgatory/purgatory.ro relative to that
//   build folder: the source tree itself, or a separate build folder with the same relative path.
// - purgatory/Makefile lists PURGATORY_SRCS and includes purgatory/arch/<ARCH>/Makefile, which adds
//   <ARCH>_PURGATORY_SRCS and sets <ARCH>_PURGATORY_EXTRA_CFLAGS (x86_64: -mcmodel=large). Objects
//   are the sources with .o, in the build folder. kexec-tools records no command lines (.cmd files).
import { posix } from "node:path";
import type { DiscoveredPurgatory, KexecToolsTree } from "./discovered";
import { findAssignments, parseMakefile, type ParsedMakefile } from "./makefile";
import { readText, type TreeFs } from "./tree-fs";

export type { KexecToolsTree } from "./discovered";

/** AC_INIT's version, for AC_INIT(kexec-tools, V) and AC_INIT([kexec-tools],[V]); undefined otherwise. */
export function kexecToolsVersionText(configureAc: string): string | undefined {
  const m = /^\s*AC_INIT\(\s*\[?\s*kexec-tools\s*\]?\s*,\s*\[?\s*([^\s\],)]+)/m.exec(configureAc);
  return m?.[1];
}

/** The release a version text names: "2.0.32.git" -> "2.0.32"; undefined when it names none. */
export function kexecToolsRelease(versionText: string): string | undefined {
  return /^v?(\d+\.\d+(?:\.\d+)?)(?![\d])/.exec(versionText)?.[1];
}

/** kexec-tools' ARCH for an e_machine, for trees that were built but not configured here. */
const ARCH_BY_MACHINE: Readonly<Record<number, string>> = {
  3: "i386",
  8: "mips",
  20: "ppc",
  21: "ppc64",
  22: "s390",
  40: "arm",
  42: "sh",
  50: "ia64",
  62: "x86_64",
  183: "arm64",
  243: "riscv",
  258: "loongarch",
};

async function hasFile(fs: TreeFs, dir: string, name: string): Promise<boolean> {
  return ((await fs.readDir(dir)) ?? []).some((e) => !e.isDir && e.name === name);
}

/** A kexec-tools source tree: its loader and purgatory Makefile, and configure.ac (if any) names it. */
export async function isKexecToolsSource(fs: TreeFs, root: string): Promise<boolean> {
  if (!(await hasFile(fs, posix.join(root, "kexec"), "kexec-elf-rel.c"))) return false;
  if (!(await hasFile(fs, posix.join(root, "purgatory"), "Makefile"))) return false;
  const ac = await readText(fs, posix.join(root, "configure.ac"));
  return ac === undefined || kexecToolsVersionText(ac) !== undefined;
}

/** The single plain value of a variable in a configured Makefile ("ARCH = x86_64"). */
function configuredValue(mf: ParsedMakefile, name: string): string | undefined {
  const a = findAssignments(mf, name).find((x) => x.target === undefined);
  return a && a.words.length === 1 ? a.words[0]!.text : undefined;
}

/** ELF e_machine (little- or big-endian) of an object, if it is one. */
async function machineOf(fs: TreeFs, object: string): Promise<number | undefined> {
  const b = await fs.readFile(object);
  if (!b || b.length < 20 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46)
    return undefined;
  return b[5] === 2 ? (b[18]! << 8) | b[19]! : b[18]! | (b[19]! << 8);
}

/**
 * The kexec-tools tree a `purgatory` folder belongs to: the folder's parent is either a configured
 * build folder (its Makefile says PACKAGE_NAME = kexec-tools and where srcdir is) or the source tree.
 */
export async function findKexecToolsTree(
  fs: TreeFs,
  purgatoryDir: string,
): Promise<KexecToolsTree | undefined> {
  if (posix.basename(purgatoryDir) !== "purgatory") return undefined;
  const parent = posix.dirname(purgatoryDir);
  const topText = await readText(fs, posix.join(parent, "Makefile"));
  const top = topText === undefined ? undefined : parseMakefile(topText);
  const configured = top !== undefined && configuredValue(top, "PACKAGE_NAME") === "kexec-tools";
  const srcdir = configured ? configuredValue(top, "srcdir") : undefined;
  const srcRoot =
    srcdir === undefined
      ? parent
      : posix.normalize(srcdir.startsWith("/") ? srcdir : posix.join(parent, srcdir));
  if (!(await isKexecToolsSource(fs, srcRoot))) return undefined;

  const ac = await readText(fs, posix.join(srcRoot, "configure.ac"));
  const versionText = ac === undefined ? undefined : kexecToolsVersionText(ac);
  const release = versionText === undefined ? undefined : kexecToolsRelease(versionText);
  let arch = configured ? configuredValue(top, "ARCH") : undefined;
  if (arch === undefined) {
    const em = await machineOf(fs, posix.join(purgatoryDir, "purgatory.ro"));
    arch = em === undefined ? undefined : ARCH_BY_MACHINE[em];
  }
  return {
    srcRoot,
    buildRoot: parent,
    ...(versionText !== undefined ? { versionText } : {}),
    ...(release !== undefined ? { release } : {}),
    ...(arch !== undefined ? { arch } : {}),
  };
}

/**
 * The words a variable holds across every assignment (`=`, `+=`), with `$(ARCH)` put in and plain
 * `$(VAR)` references followed. Not make: conditionals are ignored, as the purgatory's are all on
 * flags, not on sources.
 */
function expand(makefiles: readonly ParsedMakefile[], name: string, arch: string, depth = 0): string[] {
  if (depth > 8) return [];
  const words = makefiles.flatMap((mf) =>
    findAssignments(mf, name)
      .filter((a) => a.target === undefined)
      .flatMap((a) => a.words.map((w) => w.text)),
  );
  return words.flatMap((w) => {
    const ref = /^\$[({](.+)[)}]$/.exec(w.replaceAll("$(ARCH)", arch));
    return ref ? expand(makefiles, ref[1]!, arch, depth + 1) : [w];
  });
}

/** Sources named by prerequisites like `$(srcdir)/util_lib/sha256.c` of the purgatory's object rules. */
function ruleSources(mf: ParsedMakefile): string[] {
  return mf.rules
    .filter((r) => r.targets.some((t) => /^purgatory\/.*\.o$/.test(t.text)))
    .flatMap((r) => r.prerequisites.map((p) => p.text))
    .filter((p) => p.startsWith("$(srcdir)/") && /\.(c|S|s)$/.test(p))
    .map((p) => p.slice("$(srcdir)/".length));
}

/** A kexec-tools purgatory: its Makefiles, sources and objects, from the tree's Makefiles. */
export async function describeKexecToolsPurgatory(
  fs: TreeFs,
  tree: KexecToolsTree,
  objectExists: boolean,
): Promise<DiscoveredPurgatory> {
  const notes: string[] = [];
  const srcDir = posix.join(tree.srcRoot, "purgatory");
  const dir = posix.join(tree.buildRoot, "purgatory");
  const makefile = posix.join(srcDir, "Makefile");
  const archMakefile =
    tree.arch !== undefined ? posix.join(srcDir, "arch", tree.arch, "Makefile") : undefined;
  const mainText = await readText(fs, makefile);
  const archText = archMakefile !== undefined ? await readText(fs, archMakefile) : undefined;
  if (tree.arch === undefined)
    notes.push(
      "no configured Makefile or built purgatory.ro says which ARCH: only purgatory/Makefile is read",
    );
  else if (archText === undefined) notes.push(`${archMakefile} is missing`);
  if (tree.versionText === undefined) notes.push(`${tree.srcRoot}/configure.ac names no kexec-tools version`);
  else if (tree.release === undefined)
    notes.push(`configure.ac's version "${tree.versionText}" is not a release like 2.0.32`);

  const parsed = [mainText, archText].filter((t) => t !== undefined).map(parseMakefile);
  const listed = [
    ...expand(parsed, "PURGATORY_SRCS", tree.arch ?? ""),
    ...parsed.flatMap(ruleSources),
  ].filter((s) => /\.(c|S|s)$/.test(s) && !s.includes("$"));
  const sources: string[] = [];
  const objects: string[] = [];
  for (const rel of [...new Set(listed)]) {
    const path = posix.join(tree.srcRoot, rel);
    if (!(await hasFile(fs, posix.dirname(path), posix.basename(path)))) {
      notes.push(`${rel} is listed but not in ${tree.srcRoot}`);
      continue;
    }
    sources.push(path);
    // purgatory/sha256.o is built from util_lib/sha256.c; every other object mirrors its source.
    const obj = rel.startsWith("purgatory/") ? rel : posix.join("purgatory", posix.basename(rel));
    objects.push(posix.join(tree.buildRoot, obj.replace(/\.(c|S|s)$/, ".o")));
  }
  const buildDir = tree.buildRoot !== tree.srcRoot ? tree.buildRoot : undefined;
  return {
    object: posix.join(dir, "purgatory.ro"),
    objectExists,
    dir,
    srcDir,
    ...(mainText !== undefined ? { makefile } : {}),
    ...(archText !== undefined && archMakefile !== undefined ? { extraMakefiles: [archMakefile] } : {}),
    sources,
    objects,
    ...(buildDir !== undefined ? { buildDir } : {}),
    objTree: tree.buildRoot,
    srcTree: tree.srcRoot,
    compiles: {},
    notes,
    kexecTools: tree,
  };
}

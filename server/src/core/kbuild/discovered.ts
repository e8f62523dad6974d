// What discovery reports about one purgatory in the user's tree: its object, Makefiles, sources and
// the commands kbuild recorded. The kernel's and kexec-tools' discovery (discover.ts,
// kexec-tools-tree.ts) both produce it.

import type { CmdFile } from "./cmdfile";
import type { ParsedCommand } from "./compile";
import type { TreeRelease } from "./release";

export interface DiscoveredCommand extends ParsedCommand {
  /** The .cmd file it was read from. */
  readonly cmdFile: string;
  /** The raw record, with word ranges for diagnostics. */
  readonly cmd: CmdFile;
}

export interface DiscoveredPurgatory {
  /** Path of purgatory.ro (or the extra-glob match); it may not exist yet. */
  readonly object: string;
  readonly objectExists: boolean;
  /** The folder holding `object`. */
  readonly dir: string;
  /** The purgatory's source folder (equal to `dir` unless this is an O= build). */
  readonly srcDir: string;
  readonly makefile?: string;
  /** More Makefiles whose flags reach the purgatory (kexec-tools: purgatory/arch/<ARCH>/Makefile). */
  readonly extraMakefiles?: readonly string[];
  /** The link's .cmd file (.purgatory.ro.cmd). */
  readonly cmdFile?: string;
  readonly linkerScript?: string;
  /** C and assembly sources, in link order. */
  readonly sources: readonly string[];
  /** Objects, in link order. */
  readonly objects: readonly string[];
  /** The build root of an O= build (objtree different from srctree). */
  readonly buildDir?: string;
  /** The build root the .cmd paths are relative to, when a build exists. */
  readonly objTree?: string;
  /** The kernel source root, when it could be determined. */
  readonly srcTree?: string;
  readonly link?: DiscoveredCommand;
  /** Compile commands by object path. */
  readonly compiles: Readonly<Record<string, DiscoveredCommand>>;
  /** What could not be determined, in plain words. */
  readonly notes: readonly string[];
  /** Set for a kexec-tools tree's purgatory, which kexec-tools loads itself (never a kernel). */
  readonly kexecTools?: KexecToolsTree;
  /** The kernel release the tree records (build folder first, then the source tree), when it does. */
  readonly release?: TreeRelease;
}

export interface KexecToolsTree {
  /** The source tree: configure.ac, kexec/, purgatory/. */
  readonly srcRoot: string;
  /** Where purgatory/purgatory.ro is built: srcRoot, or a separate configured build folder. */
  readonly buildRoot: string;
  /** AC_INIT's version as written ("2.0.32.git"), when configure.ac has one. */
  readonly versionText?: string;
  /** The release that version names ("2.0.32"): suffixes such as ".git" or "-rc1" dropped. */
  readonly release?: string;
  /** kexec-tools' ARCH (the purgatory/arch/<ARCH> folder), when it could be determined. */
  readonly arch?: string;
}

// The only way the kbuild side of the core touches files. Keeping it to two calls lets the same code
// run on the real disk (node-fs.ts), on an in-memory tree in the tests (memory-fs.ts), and later on
// whatever the language server provides (open editor buffers, a remote workspace).
//
// Paths are POSIX-style: "/"-separated, absolute or relative to whatever the implementation calls its
// root. The core joins and splits them with node:path's posix functions only.

export interface DirEntry {
  readonly name: string;
  /** A real directory. Symbolic links are reported as files, so a walk never follows a link loop. */
  readonly isDir: boolean;
}

export interface TreeFs {
  /** The file's bytes, or undefined if it does not exist or cannot be read. */
  readFile(path: string): Promise<Uint8Array | undefined>;
  /** The folder's entries, or undefined if it does not exist or is not a folder. */
  readDir(path: string): Promise<DirEntry[] | undefined>;
}

const decoder = new TextDecoder("utf-8");

/** A file's text (UTF-8, invalid bytes replaced), or undefined if missing. */
export async function readText(fs: TreeFs, path: string): Promise<string | undefined> {
  const bytes = await fs.readFile(path);
  return bytes === undefined ? undefined : decoder.decode(bytes);
}

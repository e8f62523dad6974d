// The TreeFs over the real disk. node:fs is allowed in the core (vscode is not); errors become
// "missing" because discovery must keep going past unreadable folders and dangling links.
import { readdir, readFile } from "node:fs/promises";
import type { TreeFs } from "./tree-fs";

export const nodeTreeFs: TreeFs = {
  async readFile(path) {
    try {
      const b = await readFile(path);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch {
      return undefined;
    }
  },
  async readDir(path) {
    try {
      // Dirent.isDirectory() is false for symbolic links: the walk never follows them.
      const entries = await readdir(path, { withFileTypes: true });
      return entries.map((e) => ({ name: e.name, isDir: e.isDirectory() }));
    } catch {
      return undefined;
    }
  },
};

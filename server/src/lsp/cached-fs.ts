// The disk as discovery sees it from the language server: files it read before (the .cmd records,
// Makefiles, release files) are read again only when their size, mtime or inode changed. An editor
// discovers again on every Makefile, linker-script or build-record change.
import { stat } from "node:fs/promises";
import { nodeTreeFs } from "../core/kbuild/node-fs";
import type { TreeFs } from "../core/kbuild/tree-fs";

export class CachedTreeFs implements TreeFs {
  private readonly files = new Map<string, { stamp: string; bytes: Uint8Array }>();

  async readFile(path: string): Promise<Uint8Array | undefined> {
    let stamp: string;
    try {
      const s = await stat(path);
      stamp = `${s.size}:${s.mtimeMs}:${s.ino}`;
    } catch {
      this.files.delete(path);
      return undefined;
    }
    const hit = this.files.get(path);
    if (hit?.stamp === stamp) return hit.bytes;
    const bytes = await nodeTreeFs.readFile(path);
    // Kept only when the read got exactly the file that was stat'ed (a build may be writing it).
    if (bytes !== undefined && bytes.byteLength === Number(stamp.split(":")[0]))
      this.files.set(path, { stamp, bytes });
    else this.files.delete(path);
    return bytes;
  }

  readDir(path: string): ReturnType<TreeFs["readDir"]> {
    return nodeTreeFs.readDir(path);
  }
}

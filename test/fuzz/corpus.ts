// The saved fuzz corpus (test/fuzz/corpus/<target>/ and its index.json): how an input is written and
// read back. Inputs up to 256 KB are stored as they are; larger ones gzip-compressed (`.gz`) when the
// compressed file fits in 256 KB (mutated inputs repeat a lot: a 1 MB object with thousands of copied
// sections packs into tens of KB), and otherwise only listed in the index with the seed and index that
// regenerate them.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type { TargetName } from "./targets";

export const CORPUS = join(__dirname, "..", "..", "..", "test", "fuzz", "corpus");
/** The largest file the corpus keeps, compressed or not. */
export const MAX_SAVED_BYTES = 256 * 1024;

export const EXT: Record<TargetName, string> = { elf: "ro", lds: "lds", make: "mk", cmd: "cmd" };

/** What index.json says about one input, under its stored name (`<target>/<kind>-<id>.<ext>[.gz]`). */
export interface IndexEntry {
  kind: string;
  entry: string;
  message: string;
  /** ELF: the ELF_VARIANTS entry it failed with; linker scripts: the variant it ran with. */
  variant: number;
  found: { seed: number; index: number | undefined };
  /** The input's own length (uncompressed). */
  bytes: number;
  /** Stored gzip-compressed: the compressed file's length. */
  gzipBytes?: number;
  /** Too large to store even compressed: regenerate it from `found`. */
  saved?: false;
  regenerate?: string;
}

/** The stored inputs of one target, by file name, sorted (none when the folder is missing). */
export function storedNames(target: string, corpus = CORPUS): string[] {
  try {
    return readdirSync(join(corpus, target)).sort();
  } catch {
    return [];
  }
}

export function readIndex(corpus = CORPUS): Record<string, IndexEntry> {
  try {
    return JSON.parse(readFileSync(join(corpus, "index.json"), "utf8")) as Record<string, IndexEntry>;
  } catch {
    return {};
  }
}

export function writeIndex(index: Record<string, IndexEntry>, corpus = CORPUS): void {
  mkdirSync(corpus, { recursive: true });
  writeFileSync(join(corpus, "index.json"), JSON.stringify(index, null, 2) + "\n");
}

/** The bytes of a stored input, uncompressed when its name ends in `.gz`. */
export function readInput(path: string): Uint8Array {
  const raw = readFileSync(path);
  return new Uint8Array(path.endsWith(".gz") ? gunzipSync(raw) : raw);
}

/**
 * Stores one input under `name` (`<target>/<kind>-<id>.<ext>`, relative to the corpus) and records it in
 * the index, replacing any earlier form of the same name (plain, compressed or only listed).
 * Returns the stored name, with `.gz` when compressed.
 */
export function storeInput(
  name: string,
  bytes: Uint8Array,
  entry: Omit<IndexEntry, "bytes" | "gzipBytes" | "saved" | "regenerate">,
  corpus = CORPUS,
): string {
  const index = readIndex(corpus);
  for (const old of [name, `${name}.gz`]) {
    rmSync(join(corpus, old), { force: true });
    delete index[old];
  }
  mkdirSync(dirname(join(corpus, name)), { recursive: true });
  let stored = name;
  let extra: Partial<IndexEntry> = {};
  if (bytes.length <= MAX_SAVED_BYTES) writeFileSync(join(corpus, name), bytes);
  else {
    const gz = gzipSync(bytes, { level: 9 });
    if (gz.length <= MAX_SAVED_BYTES) {
      stored = `${name}.gz`;
      writeFileSync(join(corpus, stored), gz);
      extra = { gzipBytes: gz.length };
    } else {
      const target = name.split("/")[0];
      extra = { saved: false, regenerate: `generate(seeds, "${target}", ${entry.found.seed}, index)` };
    }
  }
  index[stored] = { ...entry, bytes: bytes.length, ...extra };
  writeIndex(index, corpus);
  return stored;
}

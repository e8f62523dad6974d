// The purgatory's input objects (head.o, entry.o, ...) that a build left next to purgatory.ro: which
// relocation sites each one carries, so a finding about a relocation can name the object, and the
// Makefile word, that brings it in. Objects that are missing or unreadable are simply left out.
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { kernelArchFor } from "../core/arch/index";
import { SHT_REL, SHT_RELA } from "../core/elf/constants";
import { parseElf, readRelocations, readSymbol, symbolCount } from "../core/elf/reader";
import type { ElfFile } from "../core/elf/types";
import type { DiscoveredPurgatory } from "../core/kbuild/discover";
import { kernelSymbolName } from "../core/kexec/relocate";
import { relocationSite } from "../core/rules/relocation-sites";
import type { InputObject } from "../core/rules/resolve";

/** The relocation type names the simulation uses, by e_machine (others by number). */
function typeName(e_machine: number, type: number): string {
  return kernelArchFor(e_machine)?.relocName(type) ?? `type ${type}`;
}

function sitesOf(elf: ElfFile): string[] {
  const out = new Set<string>();
  for (const s of elf.sections) {
    if (s.sh_type !== SHT_RELA && s.sh_type !== SHT_REL) continue;
    const symtab = elf.sections[s.sh_link];
    if (!symtab) continue;
    const n = symbolCount(elf, symtab.index);
    for (const r of readRelocations(elf, s.index)) {
      if (r.sym <= 0 || r.sym >= n) continue;
      const name = kernelSymbolName(elf, readSymbol(elf, symtab.index, r.sym));
      out.add(relocationSite(typeName(elf.header.e_machine, r.type), name));
    }
  }
  return [...out];
}

/** The source an object is compiled from: same stem, in the purgatory's source list. */
function sourceOf(p: DiscoveredPurgatory, object: string): string | undefined {
  const stem = basename(object).replace(/\.o$/, "");
  return p.sources.find((s) => basename(s).replace(/\.(c|S|s|sx)$/, "") === stem);
}

/** Each object's relocation sites, by path, with the size, mtime and inode they were read at. */
const sitesCache = new Map<string, { stamp: string; sites: string[] | undefined }>();

/** The relocation sites of one object, parsed again only when its size, mtime or inode moved. */
async function objectSites(object: string): Promise<string[] | undefined> {
  const s = await stat(object);
  const stamp = `${s.size}:${s.mtimeMs}:${s.ino}`;
  const hit = sitesCache.get(object);
  if (hit?.stamp === stamp) return hit.sites;
  const parsed = parseElf(await readFile(object));
  const sites = parsed.ok ? sitesOf(parsed.elf) : undefined;
  // Kept only if the object did not move while it was read (a build may be writing it).
  const after = await stat(object);
  if (`${after.size}:${after.mtimeMs}:${after.ino}` === stamp) sitesCache.set(object, { stamp, sites });
  return sites;
}

export async function readInputObjects(p: DiscoveredPurgatory): Promise<InputObject[]> {
  const read = async (object: string): Promise<InputObject | undefined> => {
    try {
      const relocations = await objectSites(object);
      if (!relocations) return undefined;
      const source = sourceOf(p, object);
      return { name: basename(object), ...(source !== undefined ? { source } : {}), relocations };
    } catch {
      return undefined; // not built, or a table the reader rejects: no tracing for this object
    }
  };
  return (await Promise.all(p.objects.map(read))).filter((o): o is InputObject => o !== undefined);
}

// The kernel's purgatory buffer as a real final link makes it: the independent side of the golden
// hashes and of the cross-architecture byte checks.
import { readElf, sectionData } from "../../server/src/core/elf/reader";
import type { LoadAttempt } from "../../server/src/core/kexec/attempt";
import { hex } from "../../server/src/core/kexec/u64";
import { finalLink, linkName, type CrossTools, type Linker } from "../linkcheck";

/**
 * Field widths of the relocation types an older kernel skips without a message (status "ignored"):
 * the kernel leaves those fields as they are in the object, where the linker relocates them.
 */
export const SKIPPED_FIELD_WIDTH: Readonly<Record<string, number>> = { R_390_PLT32DBL: 4 };

export type LinkedBuffer =
  | { readonly ok: true; readonly buffer: Uint8Array; readonly skipped: readonly SkippedField[] }
  | { readonly ok: false; readonly output: string };

/** A field the kernel left alone: the object's bytes and what the linker put there. */
export interface SkippedField {
  readonly what: string;
  readonly original: Uint8Array;
  readonly linked: Uint8Array;
}

/**
 * Links `object` with every allocated section where `attempt` placed it and rebuilds the kernel's
 * buffer from the result: zeros, each linked section at its buffer offset, then the object's own
 * bytes back in the fields of relocations the kernel skipped. Throws when the linker put a section
 * elsewhere than asked.
 */
export function linkedBuffer(
  object: Uint8Array,
  attempt: LoadAttempt,
  bufsz: bigint,
  linker: Linker = "bfd",
  cross?: CrossTools,
): LinkedBuffer {
  const link = finalLink(object, attempt, linker, cross);
  if (!link.ok) return { ok: false, output: link.output };
  const buffer = new Uint8Array(Number(bufsz));
  for (const s of attempt.sechdrs.filter((x) => x.inBuffer)) {
    const linked = link.sections.get(linkName(s.index));
    if (!linked) throw new Error(`${s.name} is not in the linked output`);
    if (s.size > 0n && linked.addr !== s.sh_addr) {
      throw new Error(`${s.name}: linked at ${hex(linked.addr)}, placed at ${hex(s.sh_addr)}`);
    }
    buffer.set(linked.bytes.subarray(0, Number(s.size)), Number(s.sh_offset));
  }
  const elf = readElf(object);
  const skipped: SkippedField[] = [];
  for (const r of attempt.relocations.filter((x) => x.status === "ignored")) {
    const width = SKIPPED_FIELD_WIDTH[r.typeName];
    if (!width) throw new Error(`no field width known for the skipped ${r.typeName}`);
    const at = Number(attempt.sechdrs[r.target]!.sh_offset + r.r_offset);
    const original = sectionData(elf, r.target).slice(Number(r.r_offset), Number(r.r_offset) + width);
    skipped.push({
      what: `${r.typeName} at ${r.targetName}+${hex(r.r_offset)}`,
      original,
      linked: buffer.slice(at, at + width),
    });
    buffer.set(original, at);
  }
  return { ok: true, buffer, skipped };
}

/** The first difference between two buffers, as "offset: ours … theirs …", or undefined. */
export function firstDifference(ours: Uint8Array, theirs: Uint8Array): string | undefined {
  if (ours.length !== theirs.length) return `lengths ${ours.length} and ${theirs.length}`;
  const i = ours.findIndex((b, k) => b !== theirs[k]);
  if (i < 0) return undefined;
  const show = (b: Uint8Array) => Buffer.from(b.subarray(i, i + 8)).toString("hex");
  return `at buffer offset ${hex(i)}: ours ${show(ours)}, linked ${show(theirs)}`;
}

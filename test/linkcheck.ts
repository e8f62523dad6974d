// Independent check of the relocated bytes: a final link of the same object by GNU ld or ld.lld with
// every allocated section placed (--section-start) where our layout put it applies the same
// relocations the kernel does. We compare the linked sections' bytes with our staging buffer.
//
// Kernel-irrelevant linker behaviours are switched off first, on a copy of the object: string merging
// (objcopy drops SHF_MERGE; the kernel never merges), and everything the linkers do by section name
// (the default scripts fold `.text.*` into `.text`, .eh_frame is rewritten): every allocated section
// is renamed `pl.<index>` so each lands in an output section of its own, exactly where we say.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SHF_ALLOC, SHF_MERGE, SHT_NOTE } from "../server/src/core/elf/constants";
import { readElf, sectionData } from "../server/src/core/elf/reader";
import type { LoadAttempt } from "../server/src/core/kexec/attempt";
import { hex } from "../server/src/core/kexec/u64";

export type Linker = "bfd" | "lld";

export interface LinkResult {
  readonly ok: boolean;
  readonly output: string;
  /** Section name -> linked bytes and address, when the link succeeded. */
  readonly sections: Map<string, { addr: bigint; bytes: Uint8Array }>;
}

/** The name an allocated section gets for the link. */
export function linkName(index: number): string {
  return `pl.${index}`;
}

export function lldCommand(): string {
  return "ld.lld-19";
}

/**
 * The GNU tools to use for another architecture's objects (s390x-linux-gnu-ld, ...). Without it the
 * host's `ld` / `objcopy` (and ld.lld-19 for "lld") link x86_64 objects, as before.
 */
export interface CrossTools {
  readonly ld: string;
  readonly objcopy: string;
}

/** A static final link of a purgatory entered at purgatory_start, nothing added by the linker. */
export const STATIC_LINK: readonly string[] = [
  "-static",
  "-nostdlib",
  "--no-relax",
  "-e",
  "purgatory_start",
  "--build-id=none",
  "-z",
  "norelro",
];

/** Links `object` with every ALLOC section at the address `attempt` gave it. */
export function finalLink(
  object: Uint8Array,
  attempt: LoadAttempt,
  linker: Linker,
  cross?: CrossTools,
  /** Symbols to define as 0 (--defsym): what kexec-tools does with undefined NOTYPE symbols. */
  zeroSymbols: readonly string[] = [],
): LinkResult {
  const dir = mkdtempSync(join(tmpdir(), "pl-link-"));
  try {
    const input = join(dir, "in.ro");
    const prepared = join(dir, "prepared.ro");
    const out = join(dir, "out.elf");
    writeFileSync(input, object);
    const elf = readElf(object);
    const objcopyArgs: string[] = [];
    const names = elf.sections.map((s) => s.name);
    for (const s of elf.sections) {
      if ((s.sh_flags & SHF_ALLOC) === 0n) continue;
      if (names.indexOf(s.name) !== names.lastIndexOf(s.name)) {
        throw new Error(`two sections are named ${s.name}: cannot rename them apart`);
      }
      if ((s.sh_flags & SHF_MERGE) !== 0n) {
        objcopyArgs.push("--set-section-flags", `${s.name}=alloc,load,readonly,data,contents`);
      }
      objcopyArgs.push("--rename-section", `${s.name}=${linkName(s.index)}`);
    }
    const oc = spawnSync(cross?.objcopy ?? "objcopy", [...objcopyArgs, input, prepared], {
      encoding: "utf8",
    });
    if (oc.status !== 0) throw new Error(`objcopy failed: ${oc.stderr}`);

    const starts = attempt.sechdrs
      .filter((s) => s.inBuffer || s.isBss)
      .map((s) => `--section-start=${linkName(s.index)}=${hex(s.sh_addr)}`);
    const args =
      linker === "bfd"
        ? [...STATIC_LINK, "-z", "noexecstack", "--no-warn-rwx-segments", "-z", "noseparate-code", ...starts]
        : [...STATIC_LINK, "-z", "noseparate-code", ...starts];
    const ld = linker === "bfd" ? (cross?.ld ?? "ld") : lldCommand();
    const defsyms = zeroSymbols.map((name) => `--defsym=${name}=0`);
    const r = spawnSync(ld, [...args, ...defsyms, prepared, "-o", out], {
      encoding: "utf8",
    });
    const output = `${r.stdout}${r.stderr}`;
    const sections = new Map<string, { addr: bigint; bytes: Uint8Array }>();
    if (r.status === 0) {
      const linked = readElf(readFileSync(out));
      for (const s of linked.sections) {
        sections.set(s.name, { addr: s.sh_addr, bytes: sectionData(linked, s.index).slice() });
      }
    }
    return { ok: r.status === 0, output, sections };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Both linkers refuse the final link at `attempt`'s address, naming the relocation type that overflows. */
export function assertLinkersOverflow(object: Uint8Array, attempt: LoadAttempt, typeName: string): void {
  const bfd = finalLink(object, attempt, "bfd");
  assert.equal(bfd.ok, false);
  assert.match(bfd.output, new RegExp(`relocation truncated to fit: ${typeName}`));
  const lld = finalLink(object, attempt, "lld");
  assert.equal(lld.ok, false);
  assert.match(lld.output, new RegExp(`relocation ${typeName} out of range`));
}

/** Compares every section our layout copied into the buffer with the linked one; returns mismatches. */
export function compareWithLink(buffer: Uint8Array, attempt: LoadAttempt, link: LinkResult): string[] {
  const problems: string[] = [];
  for (const s of attempt.sechdrs) {
    if (!s.inBuffer || s.size === 0n || s.type === SHT_NOTE) continue;
    const linked = link.sections.get(linkName(s.index));
    if (!linked) {
      problems.push(`${s.name}: not in the linked output`);
      continue;
    }
    if (linked.addr !== s.sh_addr)
      problems.push(`${s.name}: linked at ${hex(linked.addr)}, we placed it at ${hex(s.sh_addr)}`);
    const ours = buffer.subarray(Number(s.sh_offset), Number(s.sh_offset + s.size));
    if (linked.bytes.length !== ours.length) {
      problems.push(`${s.name}: ${linked.bytes.length} linked bytes, ${ours.length} ours`);
      continue;
    }
    const first = ours.findIndex((b, i) => b !== linked.bytes[i]);
    if (first >= 0) {
      problems.push(
        `${s.name}+${hex(first)}: ours ${Buffer.from(ours.subarray(first, first + 8)).toString("hex")} ` +
          `linked ${Buffer.from(linked.bytes.subarray(first, first + 8)).toString("hex")}`,
      );
    }
  }
  return problems;
}

// The real kexec-tools as an oracle for our model of it: Debian's `kexec` binary is run on a stand-in
// bzImage with `-c -d -l`, under strace with kexec_load(2) made to fail (error injection: the system
// call never runs, nothing is loaded), and its debug output is read back: the memory ranges it saw,
// where it put its own built-in purgatory, every relocation's dbgprintf lines, and the segments.
// The purgatory it used is the ELF object embedded in the binary, which we cut out of it.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RamRange } from "../server/src/core/kexec/memory-hole";

export interface KexecRun {
  readonly version: string;
  /** The purgatory object embedded in the kexec binary. */
  readonly purgatory: Uint8Array;
  /** System RAM ranges kexec read (type 0 in its MEMORY RANGES list). */
  readonly ram: RamRange[];
  /** dbgprintf lines of the purgatory load: "sym: …", "R_X86_64_…", "Loaded purgatory at addr …". */
  readonly purgatoryLines: string[];
  readonly purgatoryAddr: bigint;
  readonly entry: bigint;
  /** The purgatory's segment as passed to kexec_load. */
  readonly segment: { bufsz: bigint; mem: bigint; memsz: bigint };
}

/** The environment, not kexec-tools or our model, keeps the oracle from running. */
export class OracleUnavailable extends Error {}

function which(cmd: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${cmd} || ls /sbin/${cmd} /usr/sbin/${cmd} 2>/dev/null`], {
    encoding: "utf8",
  });
  return r.stdout.split("\n")[0]?.trim() || undefined;
}

/** Why the oracle cannot run here, or undefined. */
export function oracleMissing(): string | undefined {
  if (process.arch !== "x64") return "the oracle runs Debian's x86_64 kexec binary";
  if (!which("kexec")) return "kexec (Debian package kexec-tools) is not installed";
  if (!which("strace")) return "strace is not installed";
  // Containers may forbid ptrace; then the oracle cannot intercept kexec_load and must not run.
  if (spawnSync("strace", ["-o", "/dev/null", "true"]).status !== 0)
    return "strace cannot trace here (ptrace denied)";
  return undefined;
}

/** The first ELF64 LSB ET_REL x86-64 object inside `bin`, cut to its section header table's end. */
export function embeddedPurgatory(bin: Buffer): Uint8Array | undefined {
  const magic = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
  for (let i = bin.indexOf(magic, 1); i >= 0; i = bin.indexOf(magic, i + 1)) {
    if (bin[i + 4] !== 2 || bin[i + 5] !== 1) continue;
    if (bin.readUInt16LE(i + 16) !== 1 || bin.readUInt16LE(i + 18) !== 62) continue;
    const end = Number(bin.readBigUInt64LE(i + 40)) + bin.readUInt16LE(i + 60) * 64;
    if (i + end <= bin.length) return bin.subarray(i, i + end);
  }
  return undefined;
}

/**
 * A stand-in bzImage: only the boot protocol header fields bzImage64_probe and bzImage64_load read
 * (boot protocol 2.15, loaded high, 64-bit and above-4G capable, relocatable, 4 MiB init_size).
 */
export function standInBzImage(): Buffer {
  const b = Buffer.alloc(5 * 512 + 0x10000);
  b[0x1f1] = 4; // setup_sects
  b.writeUInt16LE(0xaa55, 0x1fe); // boot_flag
  b[0x200] = 0xeb; // jump; its displacement (0x201) sizes the setup header kexec copies
  b[0x201] = 0x6a;
  b.write("HdrS", 0x202, "latin1");
  b.writeUInt16LE(0x020f, 0x206); // version
  b[0x211] = 1; // loadflags: LOADED_HIGH
  b.writeUInt32LE(0x200000, 0x230); // kernel_alignment
  b[0x234] = 1; // relocatable_kernel
  b.writeUInt16LE(3, 0x236); // xloadflags: XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G
  b.writeUInt32LE(2048, 0x238); // cmdline_size
  b.writeBigUInt64LE(0x1000000n, 0x258); // pref_address
  b.writeUInt32LE(0x400000, 0x260); // init_size
  return b;
}

export function runKexec(): KexecRun {
  const kexec = which("kexec")!;
  const dir = mkdtempSync(join(tmpdir(), "pl-kexec-"));
  try {
    const version = /kexec-tools (\d+\.\d+\.\d+)/.exec(
      spawnSync(kexec, ["-v"], { encoding: "utf8" }).stdout,
    )?.[1];
    if (!version) throw new Error("kexec -v printed no version");
    const purgatory = embeddedPurgatory(readFileSync(kexec));
    if (!purgatory) throw new Error(`no x86-64 purgatory object found inside ${kexec}`);
    writeFileSync(join(dir, "bzImage"), standInBzImage());
    const trace = join(dir, "strace.log");
    const r = spawnSync(
      "strace",
      [
        ...["-f", "-o", trace, "-e", "trace=kexec_load,kexec_file_load"],
        ...["-e", "inject=kexec_load:error=EPERM", "-e", "inject=kexec_file_load:error=EPERM"],
        ...[kexec, "-c", "-d", "-l", join(dir, "bzImage"), "--append=console=ttyS0"],
      ],
      { encoding: "utf8" },
    );
    const traced = readFileSync(trace, "utf8");
    if (!traced.includes("(INJECTED)")) {
      // The injection did not take: make sure nothing stays loaded, and say so.
      spawnSync(kexec, ["-u"]);
      throw new Error(`kexec_load was not intercepted:\n${traced}\n${r.stderr}`);
    }
    const lines = r.stderr.split("\n");
    if (!lines.includes("MEMORY RANGES")) {
      // kexec could not read the machine's memory map (/proc/iomem hidden in some sandboxes).
      throw new OracleUnavailable(`kexec read no memory ranges here:\n${r.stderr.slice(0, 400)}`);
    }
    const ram: RamRange[] = [];
    const start = lines.indexOf("MEMORY RANGES");
    for (const l of lines.slice(start + 1)) {
      const m = /^([0-9a-f]+)-([0-9a-f]+) \((\d+)\)$/.exec(l);
      if (!m) break;
      if (m[3] === "0") ram.push({ start: BigInt("0x" + m[1]), end: BigInt("0x" + m[2]) });
    }
    const addr = /Loaded purgatory at addr 0x([0-9a-f]+)/.exec(r.stderr)?.[1];
    const entry = /kexec_load: entry = 0x([0-9a-f]+)/.exec(r.stderr)?.[1];
    if (!addr || !entry) throw new Error(`unexpected kexec output:\n${r.stderr}`);
    const purgatoryAddr = BigInt("0x" + addr);
    const segment = segmentAt(r.stderr, purgatoryAddr);
    const purgatoryLines = lines.filter((l) => /^(sym: |R_X86_64_|Loaded purgatory at addr )/.test(l));
    return { version, purgatory, ram, purgatoryLines, purgatoryAddr, entry: BigInt("0x" + entry), segment };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The segment[i] block of print_segments whose mem is `mem`. */
function segmentAt(text: string, mem: bigint): { bufsz: bigint; mem: bigint; memsz: bigint } {
  const re =
    /segment\[(\d+)\]\.bufsz = 0x([0-9a-f]+)\nsegment\[\1\]\.mem {3}= 0x([0-9a-f]+)\nsegment\[\1\]\.memsz = 0x([0-9a-f]+)/g;
  for (const m of text.matchAll(re)) {
    if (BigInt("0x" + m[3]) === mem) {
      return { bufsz: BigInt("0x" + m[2]), mem, memsz: BigInt("0x" + m[4]) };
    }
  }
  throw new Error(`no segment at 0x${mem.toString(16)}`);
}

// Parsers for the text of binutils' readelf and LLVM's llvm-readelf (-S, -r, -s, all with -W): the
// independent view of an object that the golden tiers compare our reader and our loader against.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

export function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

export interface ShdrRow {
  index: number;
  name: string;
  type: string;
  addr: bigint;
  off: bigint;
  size: bigint;
  flags: string;
  link: number;
  info: number;
  align: bigint;
}

/** `readelf -S -W` rows: `[Nr] Name Type Address Off Size ES Flg Lk Inf Al`. */
export function readelfSections(tool: string, path: string): ShdrRow[] {
  const rows: ShdrRow[] = [];
  const re =
    /^\s*\[\s*(\d+)\]\s(.*?)\s+(\S+)\s+([0-9a-f]{8,16})\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([A-Za-z]*)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/;
  for (const line of run(tool, ["-S", "-W", path]).split("\n")) {
    const m = re.exec(line);
    if (!m) continue;
    rows.push({
      index: Number(m[1]),
      name: m[2]!,
      type: m[3]!,
      addr: BigInt("0x" + m[4]),
      off: BigInt("0x" + m[5]),
      size: BigInt("0x" + m[6]),
      flags: m[8]!,
      link: Number(m[9]),
      info: Number(m[10]),
      align: BigInt(m[11]!),
    });
  }
  return rows;
}

export interface RelaRow {
  /** The relocation section's name, from the "Relocation section '…'" header. */
  section: string;
  offset: bigint;
  /** r_info: symbol index << 32 | type. */
  info: bigint;
  type: number;
  sym: number;
  /** The tool's name for the type, e.g. R_390_PLT32DBL. */
  typeName: string;
  addend: bigint;
}

/**
 * `readelf -r -W` / `llvm-readelf -r -W` rows of 64-bit objects:
 * `Offset Info Type [SymbolValue SymbolName ±] Addend`.
 */
export function readelfRelocations(tool: string, path: string): RelaRow[] {
  const rows: RelaRow[] = [];
  let section = "";
  const re =
    /^([0-9a-f]{16})\s+([0-9a-f]{16})\s+(\S+)\s+(?:[0-9a-f]{16}\s+.*?\s+([+-])\s+([0-9a-f]+)|([+-]?)\s*([0-9a-f]+))\s*$/;
  for (const line of run(tool, ["-r", "-W", path]).split("\n")) {
    const h = /^Relocation section '(.*)' at offset/.exec(line);
    if (h) section = h[1]!;
    const m = re.exec(line);
    if (!m) continue;
    const info = BigInt("0x" + m[2]);
    const negative = (m[4] ?? m[6]) === "-";
    const magnitude = BigInt("0x" + (m[5] ?? m[7]));
    rows.push({
      section,
      offset: BigInt("0x" + m[1]),
      info,
      type: Number(info & 0xffffffffn),
      sym: Number(info >> 32n),
      typeName: m[3]!,
      addend: negative ? -magnitude : magnitude,
    });
  }
  return rows;
}

export interface SymRow {
  num: number;
  value: bigint;
  size: bigint;
  type: string;
  bind: string;
  ndx: string;
  name: string;
}

/** `readelf -s -W` rows: `Num: Value Size Type Bind Vis Ndx Name` (the name exactly, spaces kept). */
export function readelfSymbols(tool: string, path: string): SymRow[] {
  return run(tool, ["-s", "-W", path])
    .split("\n")
    .map((l) => /^\s*(\d+):\s+([0-9a-f]+)\s+(\d+|0x[0-9a-f]+)\s+(\S+)\s+(\S+)\s+\S+\s+(\S+) ?(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      num: Number(m[1]),
      value: BigInt("0x" + m[2]),
      size: BigInt(m[3]!),
      type: m[4]!,
      bind: m[5]!,
      ndx: m[6]!,
      name: m[7]!,
    }));
}

/** A name as readelf prints it: control characters as ^X. */
export function shownName(name: string): string {
  return [...name]
    .map((c) => (c.charCodeAt(0) < 0x20 ? "^" + String.fromCharCode(c.charCodeAt(0) + 0x40) : c))
    .join("");
}

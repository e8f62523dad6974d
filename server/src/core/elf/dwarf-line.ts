// DWARF line-number programs (.debug_line, versions 2 to 5): the compiler's own map from each
// instruction address to the source file, line and column it came from. Where a purgatory object was
// built with -g, this is the exact answer to "which source line carries this relocation", better than
// any text search.
//
// Read from the DWARF 4 and 5 standards (section 6.2). Objects here are mostly relocatable (ET_REL):
// there, DW_LNE_set_address operands and DW_FORM_line_strp / DW_FORM_strp offsets are fields of
// .rela.debug_line, so each is read as the relocation's symbol value plus addend, and an address is
// kept together with the section the relocation's symbol lies in. In a linked file the operand is
// the address itself.
//
// Not read: DW_FORM_strx* (needs .debug_str_offsets and the unit's DW_AT_str_offsets_base), VLIW
// op_index (maximum_operations_per_instruction > 1), and riscv's linker-relaxation ADD/SUB pairs on
// DW_LNS_fixed_advance_pc (the compiler's own values are used).
import { SHT_REL, SHT_RELA } from "./constants";
import { readRelocations, readSymbol, sectionData } from "./reader";
import type { ElfFile } from "./types";

export interface LineRow {
  /** Section the address lies in (relocatable objects), or undefined for a linked file's addresses. */
  readonly section: number | undefined;
  readonly address: bigint;
  /** File index as the program uses it (1-based before DWARF 5, 0-based from DWARF 5). */
  readonly file: number;
  readonly line: number;
  /** 1-based column; 0 when the compiler did not say. */
  readonly column: number;
  readonly isStmt: boolean;
  readonly endSequence: boolean;
}

export interface LineFile {
  readonly name: string;
  readonly dir: number;
  /** The name joined to its directory (which may itself be relative to the compilation folder). */
  readonly path: string;
}

export interface LineTable {
  /** Offset of the unit in .debug_line. */
  readonly offset: number;
  readonly version: number;
  readonly directories: readonly string[];
  /** Indexed as the program's file register is: index 0 unused before DWARF 5. */
  readonly files: readonly (LineFile | undefined)[];
  readonly rows: readonly LineRow[];
}

export interface DebugLine {
  readonly tables: readonly LineTable[];
  /** Why reading stopped early, if it did (the tables read up to there are kept). */
  readonly error?: string;
}

const DW_LNS_copy = 1;
const DW_LNS_advance_pc = 2;
const DW_LNS_advance_line = 3;
const DW_LNS_set_file = 4;
const DW_LNS_set_column = 5;
const DW_LNS_negate_stmt = 6;
const DW_LNS_set_basic_block = 7;
const DW_LNS_const_add_pc = 8;
const DW_LNS_fixed_advance_pc = 9;
const DW_LNE_end_sequence = 1;
const DW_LNE_set_address = 2;
const DW_LNE_define_file = 3;

const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;

const DW_FORM_block = 0x09;
const DW_FORM_block1 = 0x0a;
const DW_FORM_data1 = 0x0b;
const DW_FORM_data2 = 0x05;
const DW_FORM_data4 = 0x06;
const DW_FORM_data8 = 0x07;
const DW_FORM_data16 = 0x1e;
const DW_FORM_string = 0x08;
const DW_FORM_strp = 0x0e;
const DW_FORM_udata = 0x0f;
const DW_FORM_line_strp = 0x1f;

class DwarfError extends Error {}

/** A relocated field of .debug_line: the target symbol's section and S + A. */
interface Fixup {
  readonly section: number;
  readonly value: bigint;
}

const decoder = new TextDecoder("utf-8");

class Cursor {
  pos: number;
  constructor(
    readonly data: Uint8Array,
    readonly view: DataView,
    readonly le: boolean,
    start: number,
    public end: number,
  ) {
    this.pos = start;
  }
  need(n: number): void {
    if (this.pos + n > this.end)
      throw new DwarfError(
        `.debug_line: a field at offset 0x${this.pos.toString(16)} runs past the unit's end`,
      );
  }
  u8(): number {
    this.need(1);
    return this.data[this.pos++]!;
  }
  i8(): number {
    this.need(1);
    return this.view.getInt8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, this.le);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, this.le);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, this.le);
    this.pos += 8;
    return v;
  }
  uN(n: number): bigint {
    if (n === 1) return BigInt(this.u8());
    if (n === 2) return BigInt(this.u16());
    if (n === 4) return BigInt(this.u32());
    if (n === 8) return this.u64();
    throw new DwarfError(`.debug_line: unsupported field size ${n}`);
  }
  uleb(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return result;
    }
  }
  sleb(): bigint {
    let result = 0n;
    let shift = 0n;
    let b: number;
    do {
      b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    if (b & 0x40) result -= 1n << shift;
    return result;
  }
  cstr(): string {
    const start = this.pos;
    while (this.pos < this.end && this.data[this.pos] !== 0) this.pos++;
    if (this.pos >= this.end) throw new DwarfError(".debug_line: an unterminated string");
    return decoder.decode(this.data.subarray(start, this.pos++));
  }
}

function sectionNamed(elf: ElfFile, name: string): number | undefined {
  return elf.sections.find((s) => s.name === name && s.sh_type !== 8 /* SHT_NOBITS */)?.index;
}

/** S + A of every relocation applied to section `target`, by offset in it. */
function fixups(elf: ElfFile, target: number): Map<number, Fixup> {
  const out = new Map<number, Fixup>();
  for (const rel of elf.sections) {
    if ((rel.sh_type !== SHT_RELA && rel.sh_type !== SHT_REL) || rel.sh_info !== target) continue;
    for (const r of readRelocations(elf, rel.index)) {
      const sym = readSymbol(elf, rel.sh_link, r.sym);
      // REL: the addend is what the field holds, read by the caller (value 0 here means "S only").
      out.set(Number(r.r_offset), { section: sym.shndx, value: sym.st_value + r.r_addend });
    }
  }
  return out;
}

function stringIn(elf: ElfFile, section: number | undefined, offset: bigint, what: string): string {
  if (section === undefined)
    throw new DwarfError(`.debug_line: ${what} names a string section the object lacks`);
  const data = sectionData(elf, section);
  const start = Number(offset);
  if (start < 0 || start >= data.length)
    throw new DwarfError(`.debug_line: ${what} offset 0x${offset.toString(16)} is out of range`);
  let end = start;
  while (end < data.length && data[end] !== 0) end++;
  return decoder.decode(data.subarray(start, end));
}

function joinPath(dir: string, name: string): string {
  if (name.startsWith("/") || dir === "") return name;
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/** Every line table in the object's .debug_line; an object without one has none. */
export function readDebugLine(elf: ElfFile): DebugLine {
  const index = sectionNamed(elf, ".debug_line");
  if (index === undefined) return { tables: [] };
  const data = sectionData(elf, index);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const le = elf.header.littleEndian;
  const fix = fixups(elf, index);
  const isRel = elf.sections.some((s) => s.sh_type === SHT_REL && s.sh_info === index);
  const lineStr = sectionNamed(elf, ".debug_line_str");
  const str = sectionNamed(elf, ".debug_str");
  const tables: LineTable[] = [];
  let offset = 0;
  try {
    while (offset < data.length) {
      const c = new Cursor(data, view, le, offset, data.length);
      let length = BigInt(c.u32());
      let offsetSize = 4;
      if (length === 0xffffffffn) {
        length = c.u64();
        offsetSize = 8;
      }
      const end = c.pos + Number(length);
      if (end > data.length)
        throw new DwarfError(`.debug_line: the unit at 0x${offset.toString(16)} runs past the section`);
      c.end = end;
      tables.push(readUnit(elf, c, offset, offsetSize, { fix, isRel, lineStr, str }));
      offset = end;
    }
  } catch (e) {
    if (!(e instanceof DwarfError)) throw e;
    return { tables, error: e.message };
  }
  return { tables };
}

interface UnitContext {
  readonly fix: Map<number, Fixup>;
  readonly isRel: boolean;
  readonly lineStr: number | undefined;
  readonly str: number | undefined;
}

/** A relocatable field: its relocation's S + A (plus the in-place addend for REL), or the raw value. */
function relocated(
  c: Cursor,
  size: number,
  ctx: UnitContext,
): { section: number | undefined; value: bigint } {
  const at = c.pos;
  const raw = c.uN(size);
  const f = ctx.fix.get(at);
  if (!f) return { section: undefined, value: raw };
  return { section: f.section, value: f.value + (ctx.isRel ? raw : 0n) };
}

function readUnit(elf: ElfFile, c: Cursor, offset: number, offsetSize: number, ctx: UnitContext): LineTable {
  const version = c.u16();
  if (version < 2 || version > 5)
    throw new DwarfError(`.debug_line: unit at 0x${offset.toString(16)} has version ${version}`);
  let addressSize = elf.header.bits / 8;
  if (version >= 5) {
    addressSize = c.u8();
    c.u8(); // segment_selector_size
  }
  const headerLength = Number(c.uN(offsetSize));
  const programStart = c.pos + headerLength;
  const minInst = c.u8();
  if (version >= 4) c.u8(); // maximum_operations_per_instruction: VLIW only
  const defaultIsStmt = c.u8() !== 0;
  const lineBase = c.i8();
  const lineRange = c.u8();
  const opcodeBase = c.u8();
  if (lineRange === 0) throw new DwarfError(`.debug_line: unit at 0x${offset.toString(16)} has line_range 0`);
  const opLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) opLengths.push(c.u8());

  const directories: string[] = [];
  const files: (LineFile | undefined)[] = [];
  if (version >= 5) {
    const form = (f: number, what: string): { text?: string; num?: bigint } => {
      switch (f) {
        case DW_FORM_string:
          return { text: c.cstr() };
        case DW_FORM_line_strp:
          return { text: stringIn(elf, ctx.lineStr, relocated(c, offsetSize, ctx).value, what) };
        case DW_FORM_strp:
          return { text: stringIn(elf, ctx.str, relocated(c, offsetSize, ctx).value, what) };
        case DW_FORM_udata:
          return { num: c.uleb() };
        case DW_FORM_data1:
          return { num: BigInt(c.u8()) };
        case DW_FORM_data2:
          return { num: BigInt(c.u16()) };
        case DW_FORM_data4:
          return { num: BigInt(c.u32()) };
        case DW_FORM_data8:
          return { num: c.u64() };
        case DW_FORM_data16:
          c.need(16);
          c.pos += 16;
          return {};
        case DW_FORM_block:
        case DW_FORM_block1: {
          const n = f === DW_FORM_block ? Number(c.uleb()) : c.u8();
          c.need(n);
          c.pos += n;
          return {};
        }
        default:
          throw new DwarfError(`.debug_line: ${what} uses form 0x${f.toString(16)}, which is not read`);
      }
    };
    const entries = (what: string) => {
      const count = c.u8();
      const formats: [number, number][] = [];
      for (let i = 0; i < count; i++) formats.push([Number(c.uleb()), Number(c.uleb())]);
      const n = Number(c.uleb());
      const out: { path: string; dir: number }[] = [];
      for (let i = 0; i < n; i++) {
        let path = "";
        let dir = 0;
        for (const [type, f] of formats) {
          const v = form(f, what);
          if (type === DW_LNCT_path) path = v.text ?? "";
          else if (type === DW_LNCT_directory_index) dir = Number(v.num ?? 0n);
        }
        out.push({ path, dir });
      }
      return out;
    };
    for (const d of entries("a directory")) directories.push(d.path);
    for (const f of entries("a file name"))
      files.push({ name: f.path, dir: f.dir, path: joinPath(directories[f.dir] ?? "", f.path) });
  } else {
    // Directory 0 is the compilation folder (DW_AT_comp_dir), which only .debug_info names.
    directories.push("");
    for (let d = c.cstr(); d !== ""; d = c.cstr()) directories.push(d);
    files.push(undefined);
    for (let name = c.cstr(); name !== ""; name = c.cstr()) {
      const dir = Number(c.uleb());
      c.uleb(); // mtime
      c.uleb(); // length
      files.push({ name, dir, path: joinPath(directories[dir] ?? "", name) });
    }
  }

  c.pos = programStart;
  const rows: LineRow[] = [];
  let section: number | undefined;
  let address = 0n;
  let file = 1;
  let line = 1;
  let column = 0;
  let isStmt = defaultIsStmt;
  const reset = () => {
    section = undefined;
    address = 0n;
    file = 1;
    line = 1;
    column = 0;
    isStmt = defaultIsStmt;
  };
  const row = (endSequence: boolean) =>
    rows.push({ section, address, file, line, column, isStmt, endSequence });
  while (c.pos < c.end) {
    const op = c.u8();
    if (op >= opcodeBase) {
      const adjusted = op - opcodeBase;
      address += BigInt(Math.floor(adjusted / lineRange) * minInst);
      line += lineBase + (adjusted % lineRange);
      row(false);
      continue;
    }
    switch (op) {
      case 0: {
        const len = Number(c.uleb());
        const next = c.pos + len;
        if (len === 0) break;
        const sub = c.u8();
        if (sub === DW_LNE_end_sequence) {
          row(true);
          reset();
        } else if (sub === DW_LNE_set_address) {
          const a = relocated(c, Math.min(len - 1, addressSize) || addressSize, ctx);
          section = a.section;
          address = a.value;
        } else if (sub === DW_LNE_define_file) {
          const name = c.cstr();
          const dir = Number(c.uleb());
          files.push({ name, dir, path: joinPath(directories[dir] ?? "", name) });
        }
        c.pos = next; // DW_LNE_set_discriminator and vendor opcodes are skipped by their length
        break;
      }
      case DW_LNS_copy:
        row(false);
        break;
      case DW_LNS_advance_pc:
        address += c.uleb() * BigInt(minInst);
        break;
      case DW_LNS_advance_line:
        line += Number(c.sleb());
        break;
      case DW_LNS_set_file:
        file = Number(c.uleb());
        break;
      case DW_LNS_set_column:
        column = Number(c.uleb());
        break;
      case DW_LNS_negate_stmt:
        isStmt = !isStmt;
        break;
      case DW_LNS_set_basic_block:
        break;
      case DW_LNS_const_add_pc:
        address += BigInt(Math.floor((255 - opcodeBase) / lineRange) * minInst);
        break;
      case DW_LNS_fixed_advance_pc:
        address += BigInt(c.u16());
        break;
      default:
        // Standard opcodes this reader has no use for (prologue_end, epilogue_begin, set_isa, and
        // any newer ones): skip their ULEB128 operands, as the header says how many there are.
        for (let i = 0; i < (opLengths[op - 1] ?? 0); i++) c.uleb();
    }
  }
  return { offset, version, directories, files, rows };
}

export interface SourceLine {
  /** The file as the line table names it (possibly relative to the compilation folder). */
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

/**
 * The source line of an instruction: the row of the sequence covering `address` in `section` (the
 * last row at or below it, before the sequence ends). Undefined outside every sequence.
 */
export function lineAt(dl: DebugLine, section: number | undefined, address: bigint): SourceLine | undefined {
  for (const t of dl.tables) {
    let best: LineRow | undefined;
    let start = 0;
    for (let i = 0; i < t.rows.length; i++) {
      const r = t.rows[i]!;
      if (r.endSequence) {
        if (best && address < r.address && address >= t.rows[start]!.address) {
          const f = t.files[best.file];
          if (f) return { path: f.path, line: best.line, column: best.column };
        }
        best = undefined;
        start = i + 1;
        continue;
      }
      if (r.section !== section) continue;
      if (r.address <= address && (!best || r.address >= best.address)) best = r;
    }
  }
  return undefined;
}

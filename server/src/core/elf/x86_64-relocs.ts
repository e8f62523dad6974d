// x86-64 psABI relocation type numbers and names (the names `readelf -r` prints).

export const R_X86_64_NONE = 0;
export const R_X86_64_64 = 1;
export const R_X86_64_PC32 = 2;
export const R_X86_64_PLT32 = 4;
export const R_X86_64_GOTPCREL = 9;
export const R_X86_64_32 = 10;
export const R_X86_64_32S = 11;
export const R_X86_64_GOTPCRELX = 41;
export const R_X86_64_REX_GOTPCRELX = 42;

const NAMES = [
  "NONE", "64", "PC32", "GOT32", "PLT32", "COPY", "GLOB_DAT", "JUMP_SLOT", "RELATIVE", "GOTPCREL",
  "32", "32S", "16", "PC16", "8", "PC8", "DTPMOD64", "DTPOFF64", "TPOFF64", "TLSGD",
  "TLSLD", "DTPOFF32", "GOTTPOFF", "TPOFF32", "PC64", "GOTOFF64", "GOTPC32", "GOT64", "GOTPCREL64", "GOTPC64",
  "GOTPLT64", "PLTOFF64", "SIZE32", "SIZE64", "GOTPC32_TLSDESC", "TLSDESC_CALL", "TLSDESC", "IRELATIVE", "RELATIVE64", "",
  "", "GOTPCRELX", "REX_GOTPCRELX", "CODE_4_GOTPCRELX", "CODE_4_GOTTPOFF", "CODE_4_GOTPC32_TLSDESC",
]; // prettier-ignore

export function x86RelocName(type: number): string {
  const n = NAMES[type];
  return n ? `R_X86_64_${n}` : `R_X86_64_${type}`;
}

/** GOT-based types: PIC code reaching default-visibility symbols through the GOT (GOTPCREL*), or
 *  large-model PIC code addressing data relative to the GOT (GOTPC64, GOTOFF64). */
export const GOT_TYPES = new Set([3, 9, 25, 26, 27, 28, 29, 30, 41, 42, 43]);

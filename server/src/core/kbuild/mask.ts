// Blank out comments and string literals so a name search cannot match inside them. The result has
// the same length and the same line breaks as the input, so offsets and line/column positions found in
// it are valid in the original text.
//
// C: // and /* */ comments, "..." and '...' literals, except the strings of an asm statement
// (asm("movl $sym, %0")): the names in those are real references, and the kernel's purgatory takes
// addresses that way. Assembly (.S/.s): /* */ and // comments (cpp removes them from .S), "..."
// strings, and `#` comments except at the start of a line when it begins a cpp directive (#define,
// #ifdef, ...). `#` is the comment character of x86, riscv, s390 and powerpc gas; `;` is a statement
// separator there, not a comment. (arm64 gas uses `#` for immediates: not modelled.)

export type SourceLanguage = "c" | "asm";

const CPP_DIRECTIVE =
  /^#\s*(define|undef|if|ifdef|ifndef|elif|else|endif|include|error|warning|pragma|line)\b/;
const ASM_KEYWORD = /^(asm|__asm|__asm__)\b/;

/** The language of a source path by its extension (.c/.h → C; .S/.s/.sx/.asm → assembly). */
export function sourceLanguage(path: string): SourceLanguage | undefined {
  if (/\.(c|h|cc|cpp)$/.test(path)) return "c";
  if (/\.(S|s|sx|asm)$/.test(path)) return "asm";
  return undefined;
}

export function maskCommentsAndStrings(text: string, language: SourceLanguage): string {
  const out = text.split("");
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
  };
  const n = text.length;
  let lineStart = true; // only blanks seen since the last newline
  let parenDepth = 0;
  let asmParen = -1; // parenDepth outside the asm(...) we are in, or -1
  let pendingAsm = false;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === "\n") {
      lineStart = true;
      i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      const end = close < 0 ? n : close + 2;
      blank(i, end);
      i = end;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      const nl = text.indexOf("\n", i);
      const end = nl < 0 ? n : nl;
      blank(i, end);
      i = end;
      continue;
    }
    if (language === "asm" && c === "#") {
      if (lineStart && CPP_DIRECTIVE.test(text.slice(i, i + 16))) {
        lineStart = false;
        i++;
        continue;
      }
      const nl = text.indexOf("\n", i);
      const end = nl < 0 ? n : nl;
      blank(i, end);
      i = end;
      continue;
    }
    if (c === '"' || (c === "'" && language === "c")) {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      const end = Math.min(j + 1, n);
      if (asmParen < 0) blank(i, end);
      i = end;
      lineStart = false;
      continue;
    }
    if (c !== " " && c !== "\t" && c !== "\r") lineStart = false;
    if (language === "c") {
      if (/[A-Za-z_]/.test(c) && (i === 0 || !/[A-Za-z0-9_]/.test(text[i - 1]!))) {
        const m = ASM_KEYWORD.exec(text.slice(i, i + 8));
        if (m) pendingAsm = true;
        const id = /^[A-Za-z0-9_]+/.exec(text.slice(i, i + 64))![0];
        i += id.length;
        continue;
      }
      if (c === "(") {
        if (pendingAsm && asmParen < 0) asmParen = parenDepth;
        pendingAsm = false;
        parenDepth++;
      } else if (c === ")") {
        parenDepth = Math.max(0, parenDepth - 1);
        if (parenDepth === asmParen) asmParen = -1;
      } else if (c === ";" || c === "{" || c === "}") {
        pendingAsm = false;
      }
    }
    i++;
  }
  return out.join("");
}

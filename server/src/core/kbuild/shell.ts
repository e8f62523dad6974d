// A POSIX-shell word splitter for the command lines kbuild records. Each word keeps the character range
// of its raw text in the input, so a diagnostic can underline `-mcmodel=large` in a .cmd file even when
// the word was quoted or escaped.
//
// Handled: blanks, single quotes, double quotes (backslash escapes only $ ` " \ and newline inside
// them, as in sh), backslash escapes outside quotes, backslash-newline continuation, a `#` that starts
// a word (comment to the end), and the control operators ; & && | || (they end a simple command).
// Not handled, because kbuild's commands do not need them: expansions ($VAR, $(...), `...`) are kept
// as literal text, and redirections are ordinary words.

export interface ShellWord {
  /** The word as the program receives it in argv: quotes removed, escapes applied. */
  readonly value: string;
  /** [start, end) of the word's raw text in the input (plus the `offset` given to the splitter). */
  readonly start: number;
  readonly end: number;
  /** An unquoted control operator (`;`, `&`, `&&`, `|`, `||`): it ends a simple command. */
  readonly operator?: true;
}

const BLANK = new Set([" ", "\t", "\n", "\r"]);
const DQ_ESCAPABLE = new Set(["$", "`", '"', "\\", "\n"]);

/** Split `text` into shell words; `offset` is added to every range (the column where `text` begins). */
export function splitShellWords(text: string, offset = 0): ShellWord[] {
  const words: ShellWord[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (BLANK.has(c)) {
      i++;
      continue;
    }
    if (c === "\\" && text[i + 1] === "\n") {
      i += 2;
      continue;
    }
    if (c === "#") break; // a comment runs to the end of the input
    if (c === ";" || c === "&" || c === "|") {
      const len = (c === "&" || c === "|") && text[i + 1] === c ? 2 : 1;
      words.push({ value: text.slice(i, i + len), start: offset + i, end: offset + i + len, operator: true });
      i += len;
      continue;
    }
    const start = i;
    let value = "";
    while (i < n) {
      const ch = text[i]!;
      if (BLANK.has(ch) || ch === ";" || ch === "&" || ch === "|") break;
      if (ch === "\\") {
        if (i + 1 >= n) {
          value += ch;
          i++;
        } else if (text[i + 1] === "\n") {
          i += 2; // line continuation inside a word joins the two halves
        } else {
          value += text[i + 1];
          i += 2;
        }
      } else if (ch === "'") {
        const close = text.indexOf("'", i + 1);
        const stop = close < 0 ? n : close;
        value += text.slice(i + 1, stop);
        i = close < 0 ? n : close + 1;
      } else if (ch === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          if (text[i] === "\\" && i + 1 < n && DQ_ESCAPABLE.has(text[i + 1]!)) {
            if (text[i + 1] !== "\n") value += text[i + 1];
            i += 2;
          } else {
            value += text[i];
            i++;
          }
        }
        i++; // closing quote (or past the end if unterminated: tolerated)
      } else {
        value += ch;
        i++;
      }
    }
    words.push({ value, start: offset + start, end: offset + Math.min(i, n) });
  }
  return words;
}

/** Every simple command, split at the control operators (empty commands dropped). */
export function splitCommands(words: readonly ShellWord[]): ShellWord[][] {
  const out: ShellWord[][] = [[]];
  for (const w of words) {
    if (w.operator) out.push([]);
    else out[out.length - 1]!.push(w);
  }
  return out.filter((c) => c.length > 0);
}

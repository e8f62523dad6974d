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
/** Characters that end a run of plain word characters: blanks, operators, quotes, backslash. */
const SPECIAL = new Uint8Array(65536);
for (const ch of " \t\n\r;&|\\'\"") SPECIAL[ch.charCodeAt(0)] = 1;
const DQ_ESCAPABLE = new Set(["$", "`", '"', "\\", "\n"]);

/**
 * Split `text` into shell words; `offset` is added to every range (the column where `text` begins),
 * and `value` is applied to each word's value (a caller's unescaping, without a second object per word).
 */
export function splitShellWords(
  text: string,
  offset = 0,
  value: (v: string) => string = (v) => v,
): ShellWord[] {
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
    let word = "";
    while (i < n) {
      // A run of plain characters is appended as one slice, not character by character.
      let plain = i;
      while (plain < n && !SPECIAL[text.charCodeAt(plain)]) plain++;
      if (plain > i) {
        word += text.slice(i, plain);
        i = plain;
        if (i >= n) break;
      }
      const ch = text[i]!;
      if (BLANK.has(ch) || ch === ";" || ch === "&" || ch === "|") break;
      if (ch === "\\") {
        if (i + 1 >= n) {
          word += ch;
          i++;
        } else if (text[i + 1] === "\n") {
          i += 2; // line continuation inside a word joins the two halves
        } else {
          word += text[i + 1];
          i += 2;
        }
      } else if (ch === "'") {
        const close = text.indexOf("'", i + 1);
        const stop = close < 0 ? n : close;
        word += text.slice(i + 1, stop);
        i = close < 0 ? n : close + 1;
      } else if (ch === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          // Up to the closing quote or a backslash, as one slice.
          let run = i;
          while (run < n && text.charCodeAt(run) !== 34 && text.charCodeAt(run) !== 92) run++;
          if (run > i) {
            word += text.slice(i, run);
            i = run;
          } else if (i + 1 < n && DQ_ESCAPABLE.has(text[i + 1]!)) {
            if (text[i + 1] !== "\n") word += text[i + 1];
            i += 2;
          } else {
            word += text[i];
            i++;
          }
        }
        i++; // closing quote (or past the end if unterminated: tolerated)
      } else {
        word += ch;
        i++;
      }
    }
    words.push({ value: value(word), start: offset + start, end: offset + Math.min(i, n) });
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

// Just enough linker-script reading for the quick fix that merges `.ltext`/`.text.*` into `.text`:
// find an output section description `NAME ... : ... { ... }` outside comments, and the position
// right before its closing brace. (The full parser is a separate module.)

export interface OutputSectionSpan {
  /** Offset of the output section's name. */
  readonly nameStart: number;
  readonly nameEnd: number;
  /** Offsets of its `{` and matching `}`. */
  readonly open: number;
  readonly close: number;
}

/** Replaces comments with spaces so offsets stay valid while comments stop matching. */
export function blankComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, " "));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The first output section description named `name` (e.g. ".text"), or undefined. */
export function findOutputSection(text: string, name: string): OutputSectionSpan | undefined {
  const clean = blankComments(text);
  // NAME [address] [(type)] : [AT(...)] [ALIGN(...)] ... {   -- the name starts a statement.
  const re = new RegExp(`(^|[;{}\\s])(${escape(name)})(?=[\\s:(])[^;{}]*?:[^;{}]*?\\{`, "gm");
  const m = re.exec(clean);
  if (!m) return undefined;
  const nameStart = m.index + m[1]!.length;
  const open = m.index + m[0].length - 1;
  let depth = 0;
  for (let i = open; i < clean.length; i++) {
    if (clean[i] === "{") depth++;
    else if (clean[i] === "}" && --depth === 0) {
      return { nameStart, nameEnd: nameStart + name.length, open, close: i };
    }
  }
  return undefined;
}

/** Whether the output section's body names `pattern` (e.g. `.ltext`) among its input sections. */
export function outputSectionMentions(text: string, span: OutputSectionSpan, pattern: string): boolean {
  const body = blankComments(text).slice(span.open + 1, span.close);
  return new RegExp(`(^|[\\s(])${escape(pattern)}(?=[\\s)*])`).test(body);
}

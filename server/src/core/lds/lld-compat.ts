// `lds-lld-incompatible`: constructs GNU ld accepts that ld.lld rejects or reads differently, each
// with the fact it rests on. The facts were taken from ld.lld 19's behaviour on small scripts and
// are checked against ld.lld-19's verdicts on the whole corpus in test/golden/lds-gnu-ld.test.ts:
// every "ld.lld rejects" claim must be a script ld.lld rejects, at that line.
import type * as A from "./ast";
import { visitNodes } from "./features";

export interface LldIncompatibility {
  readonly range: A.Range;
  /** What ld.lld does with it. */
  readonly message: string;
  /** ld.lld stops with an error (rather than reading the script differently). */
  readonly rejects: boolean;
}

/** Commands GNU ld accepts and ld.lld 19 reports as "unknown directive". */
const UNKNOWN_TO_LLD = new Set([
  "FORCE_COMMON_ALLOCATION", "INHIBIT_COMMON_ALLOCATION", "FORCE_GROUP_ALLOCATION", "HLL", "SYSLIB", "FLOAT",
  "NOFLOAT", "MAP", "STARTUP", "LD_FEATURE",
]); // prettier-ignore

/** Numbers in forms only GNU ld reads: `$hex`, radix letters b/o/d/x (lld knows only h), K/M after hex. */
function lldMalformedNumber(text: string): boolean {
  if (text.startsWith("$")) return true;
  if (/^0x[0-9a-f]+[km]$/i.test(text)) return true;
  return /^[0-9a-f]+[bodx]$/i.test(text) && !/^0x/i.test(text);
}

export function lldIncompatibilities(script: A.Script): LldIncompatibility[] {
  const out: LldIncompatibility[] = [];
  const rejects = (range: A.Range, message: string): void => {
    out.push({ range, message, rejects: true });
  };
  const malformed = (text: string, range: A.Range): void =>
    rejects(range, `ld.lld does not read the number \`${text}' ("malformed number"): use 0x… or a decimal`);
  visitNodes(script, false, (n) => {
    switch (n.kind) {
      case "Chain":
        // Its numbers are read here, by text; a node is made only for one ld.lld rejects.
        for (let i = 0; i < n.count; i++)
          if (n.operandKind(i) === "Number" && lldMalformedNumber(n.textAt(i)))
            malformed(n.textAt(i), n.operand(i).range);
        break;
      case "Command":
        if (UNKNOWN_TO_LLD.has(n.name))
          rejects(n.nameRange, `ld.lld does not know the ${n.name} command ("unknown directive")`);
        break;
      case "OutputSection":
        for (const k of n.keywords ?? []) {
          if (k.value === "SPECIAL")
            rejects(
              k.range,
              "ld.lld does not accept the SPECIAL output-section constraint (only ONLY_IF_RO and ONLY_IF_RW)",
            );
          else if (k.value === "ALIGN_WITH_INPUT")
            rejects(k.range, "ld.lld does not accept ALIGN_WITH_INPUT");
        }
        if (n.type && (n.type.value === "DSECT" || n.type.value === "READONLY"))
          rejects(
            n.type.range,
            `ld.lld does not know the (${n.type.value}) section type: it reads it as a symbol`,
          );
        break;
      case "Call":
        if (n.name === "NEXT" || n.name === "BLOCK")
          rejects(n.nameRange, `ld.lld does not accept ${n.name}(): use ALIGN()`);
        break;
      case "Number":
        if (lldMalformedNumber(n.text)) malformed(n.text, n.range);
        break;
      case "InputSection":
        if (n.excludeFiles.length > 0)
          out.push({
            range: n.excludeFiles[0]!.range,
            message:
              "ld.lld ignores EXCLUDE_FILE written before the file pattern (GNU ld applies it to every section pattern): write it inside the parentheses",
            rejects: false,
          });
        break;
    }
  });
  return out.sort((a, b) => a.range.start - b.range.start);
}

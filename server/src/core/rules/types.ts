// Findings are data: a rule id, a severity, plain-words text, the evidence behind it, and hints
// saying where in the user's tree the cause lives. The LSP layer only maps hints to file ranges.

export type Severity = "error" | "warning" | "info";

/** Where a finding belongs in the user's files; resolved to ranges by the workspace layer. */
export type Attachment =
  /** A compiler or linker flag in the Makefile / kbuild command line; `present` false means "missing". */
  | { readonly kind: "flag"; readonly flag: string; readonly present: boolean }
  /** The linker script's SECTIONS rule that should collect these input sections. */
  | {
      readonly kind: "linker-script";
      readonly outputSection: string;
      readonly inputSections: readonly string[];
    }
  /** A symbol's definition or a reference to it in the purgatory's C or assembly sources. */
  | { readonly kind: "symbol"; readonly name: string; readonly role: "definition" | "reference" }
  /** The list of objects linked into the purgatory (purgatory-y / PURGATORY_OBJS). */
  | { readonly kind: "object-list"; readonly missing: string }
  /** The object file itself. */
  | { readonly kind: "object" };

export interface Finding {
  readonly id: string;
  readonly severity: Severity;
  /** One line: what is wrong. */
  readonly title: string;
  /** What the kernel does with this object, in plain words. */
  readonly message: string;
  readonly cause: string;
  readonly fix: string;
  /** The kernel's own lines this finding explains, when it prints any. */
  readonly kernelMessages: readonly string[];
  readonly evidence: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  readonly attach: readonly Attachment[];
}

/** Anchor in the README's rule reference, for the diagnostics' code links. */
export function ruleDocAnchor(id: string): string {
  return `rule-${id}`;
}

// Rule versions for the loaders that report what their steps did (s390x, riscv64, ppc64): they read
// the recorded relocations and symbol steps rather than the object, and speak of "the RELA hook" and
// "the loader". Each replaces the generic rule with its id for the architectures that list it.

import type { RelocationRecord } from "../kexec/relocate";
import {
  errorLines,
  finding,
  firstAttempt,
  listed,
  OBJECT_TARGET,
  undefinedBehaviourFindings,
  unique,
} from "./finding";
import { siteAttachments, sites } from "./relocation-sites";
import type { Rule, RuleContext } from "./rule";
import type { Attachment, Finding } from "./types";

/** The undefined behaviour the loads stopped at, in one finding. */
export const stepsUndefinedBehaviour: Rule = {
  id: "undefined-behaviour",
  evaluate(ctx) {
    return undefinedBehaviourFindings(ctx.loads, {
      title: "the kernel's behaviour with this object is undefined",
      cause: "The kernel trusts the built-in purgatory completely and checks none of this.",
      fix: "Rebuild the purgatory as a well-formed ELF64 relocatable object for this architecture.",
    });
  },
};

/** What an architecture says about a relocation type its kernels do not handle. */
export interface UnknownTypeHints {
  /** The release that handles `r`'s type, or another fix, when one is known. */
  fixFor?(r: RelocationRecord): string | undefined;
  /** Why the toolchain emitted such types, when the architecture knows better than "the toolchain". */
  readonly cause?: string;
  /** A code model that explains some of the types: its types, its cause, fix and Makefile places. */
  readonly codeModel?: {
    readonly types: ReadonlySet<number>;
    readonly cause: string;
    readonly fix: string;
    readonly attach: readonly Attachment[];
  };
}

export function unknownTypeRule(hints: UnknownTypeHints = {}): Rule {
  return {
    id: "reloc-unknown-type",
    evaluate(ctx: RuleContext): Finding[] {
      const unknown = (firstAttempt(ctx)?.relocations ?? []).filter((r) => r.status === "unknown-type");
      if (unknown.length === 0) return [];
      const names = unique(unknown.map((r) => r.typeName));
      const model = hints.codeModel;
      const byModel = model !== undefined && unknown.some((r) => model.types.has(r.type));
      const fixes = unique(
        unknown.map((r) => {
          if (byModel && model.types.has(r.type)) return model.fix;
          const f = hints.fixFor?.(r);
          return f ?? `no kernel handles ${r.typeName}`;
        }),
      );
      const attach: Attachment[] = byModel ? [...model.attach] : [];
      attach.push(...siteAttachments(ctx.elf, unknown), OBJECT_TARGET);
      return [
        finding({
          id: "reloc-unknown-type",
          severity: "error",
          title: `${unknown.length} relocation${unknown.length === 1 ? "" : "s"} of a type this ${ctx.arch.id} kernel does not handle: ${names.join(", ")}`,
          message: `The ${ctx.arch.id} purgatory relocator of ${ctx.kernel.label} stops at the first one with -ENOEXEC, so kexec_file_load fails.`,
          cause: byModel
            ? model.cause
            : (hints.cause ??
              "The toolchain emitted a relocation type the kernel's arch_kexec_do_relocs() does not cover."),
          fix: `${fixes.join("; ")}. Otherwise change the purgatory so the type is not emitted.`,
          kernelMessages: errorLines(ctx.loads, (t) => t.includes("Unknown rela relocation")),
          evidence: { types: names, count: unknown.length, relocations: sites(unknown) },
          attach,
        }),
      ];
    },
  };
}

/**
 * Relocations the RELA hook refused for their symbol (undefined, common, bad section), in one finding.
 * `silently` says, when the loader printed nothing, what the kernel did instead.
 */
export function stepsUndefinedSymbol(silently?: string): Rule {
  return {
    id: "undefined-symbol",
    alsoEmits: ["common-symbol"],
    evaluate(ctx) {
      const recs = (firstAttempt(ctx)?.relocations ?? []).filter(
        (r) =>
          r.reached &&
          (r.status === "undefined-symbol" || r.status === "common-symbol" || r.status === "invalid-section"),
      );
      if (recs.length === 0) return [];
      const names = unique(recs.map((r) => r.symbol));
      const silent =
        silently !== undefined && ctx.loads.every((l) => l.attempt.log.every((x) => x.level !== "err"));
      return [
        finding({
          id: "undefined-symbol",
          severity: "error",
          title: `relocation against a symbol with no usable section: ${listed(names)}`,
          message: silent ? silently : "The RELA hook refuses it and kexec_file_load fails.",
          cause:
            "The purgatory references a symbol it does not define (a compiler helper, instrumentation) or a common symbol.",
          fix: "Link the definition into the purgatory, or build with the flags that stop the reference (-fno-stack-protector, -fno-common, no sanitizers).",
          kernelMessages: errorLines(ctx.loads, (t) =>
            /Undefined symbol|common section|Invalid section/.test(t),
          ),
          evidence: { symbols: names },
          attach: names.map((name) => ({ kind: "symbol", name, role: "reference" }) as const),
        }),
      ];
    },
  };
}

/** Each symbol step a loader could not do, once per symbol, from the recorded steps. */
export const stepsPurgatorySymbol: Rule = {
  id: "purgatory-symbol",
  evaluate(ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const l of ctx.loads) {
      for (const s of l.attempt.symbolSteps) {
        if (s.result.ok || seen.has(s.name)) continue;
        seen.add(s.name);
        const fatal = !l.attempt.ok;
        out.push(
          finding({
            id: "purgatory-symbol",
            severity: fatal ? "error" : "warning",
            title: `the ${ctx.arch.id} loader cannot ${s.op} ${s.name}${s.size ? ` (${s.size} bytes)` : ""}: ${s.result.detail}`,
            message: fatal
              ? `kexec_purgatory_get_set_symbol() fails with -EINVAL and the ${l.label} load fails.`
              : "The loader prints the error and carries on: the purgatory runs with the symbol unset.",
            cause:
              "The purgatory does not define the symbol as a GLOBAL object of the size the loader uses, in a section with contents.",
            fix: `Define ${s.name} GLOBAL, with .size ${s.size ?? "as the loader expects"}, in .data or .text (not .bss).`,
            kernelMessages: errorLines(ctx.loads, (t) => t.includes(s.name) || /purgatory/.test(t)),
            evidence: { symbol: s.name, op: s.op, size: s.size ?? 0 },
            attach: [{ kind: "symbol", name: s.name, role: "definition" }],
          }),
        );
      }
    }
    return out;
  },
};

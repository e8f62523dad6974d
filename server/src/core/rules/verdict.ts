// Findings that make sure a failing verdict never stands alone: no address to simulate at all, a
// staging buffer the loader cannot allocate, and any failure the architecture's rules did not explain
// (a refusal kexec-tools prints only on stderr, a stage no rule covers). The verdict is derived from
// the loads, so these look only at the loads and the plan.

import type { LoadAttempt } from "../kexec/attempt";
import { hex } from "../kexec/u64";
import type { SimulationReport } from "../simulation";
import { finding, OBJECT_TARGET, unique } from "./finding";
import type { Finding } from "./types";

type Parts = Pick<SimulationReport, "loads" | "plan" | "findings" | "loader">;

const STAGE_TEXT: Readonly<Record<string, string>> = {
  validate: "the loader's checks of the ELF header",
  relocations: "applying the relocations",
  entry64_regs: "reading or writing entry64_regs",
  stack_end: "looking up stack_end",
  digests: "setting the SHA-256 digest symbols",
  "purgatory-symbols": "setting the purgatory's own symbols",
  placement: "finding room for the buffer",
  allocation: "allocating the staging buffer",
  "undefined-behaviour": "a step whose behaviour is undefined",
};

export function verdictFindings(parts: Parts): Finding[] {
  const out: Finding[] = [];
  const kt = parts.loader.kind === "kexec-tools";
  const who = kt ? "kexec-tools" : "the kernel";
  if (parts.loads.length === 0) {
    out.push(
      finding({
        id: "no-load-address",
        severity: "error",
        title: "No load address to simulate: the buffer fits nowhere on this machine",
        message: `The purgatory needs memsz ${hex(parts.plan.memsz)} bytes aligned to ${hex(parts.plan.buf_align)}; no placement ${who} makes on a machine of the simulated RAM size leaves room for it, so the load cannot succeed.`,
        cause:
          "The RAM size (--ram, purgatoryLens.ramSize) is smaller than the purgatory's buffer, or the sections' alignment makes the buffer larger than the machine.",
        fix: "Simulate a larger machine, or give a load address with --load; if the alignment is the cause, lower the sections' sh_addralign (ALIGN() in the linker script, .balign/.p2align in assembly).",
        evidence: { memsz: hex(parts.plan.memsz), bufAlign: hex(parts.plan.buf_align) },
        attach: [OBJECT_TARGET],
      }),
    );
    return out;
  }
  const failing = parts.loads.filter((l) => !l.attempt.ok);
  if (failing.some((l) => l.attempt.failedAt === "allocation")) {
    out.push(
      finding({
        id: "buffer-too-large",
        severity: "error",
        title: `The ${hex(parts.plan.bufsz)}-byte staging buffer is larger than the machine's RAM`,
        message:
          "kexec_purgatory_setup_kbuf() vzalloc()s bufsz bytes before placing anything; vmalloc refuses more pages than the machine has, so kexec_file_load fails with -ENOMEM.",
        cause: `The buffer holds the allocated sections, each aligned within it (buf_align ${hex(parts.plan.buf_align)}), ${hex(parts.plan.bufsz)} bytes in all: more than the simulated machine's RAM. A large sh_addralign makes most of it padding.`,
        fix: "Lower the sh_addralign of the allocated sections (ALIGN() in the linker script, .balign/.p2align or __aligned() in the sources), or simulate a machine with more RAM (--ram, purgatoryLens.ramSize).",
        kernelMessages: logLines(failing.map((l) => l.attempt)),
        evidence: { bufsz: hex(parts.plan.bufsz), bufAlign: hex(parts.plan.buf_align) },
        attach: [OBJECT_TARGET],
      }),
    );
  }
  const explained = [...parts.findings, ...out].some((f) => f.severity === "error");
  if (failing.length > 0 && !explained) {
    const a = failing[0]!.attempt;
    const stage = a.failedAt ?? "an unknown stage";
    const details = unique([...a.undefinedBehaviour, ...a.silent]);
    const lines = logLines(failing.map((l) => l.attempt));
    out.push(
      finding({
        id: "load-fails",
        severity: "error",
        title: `The load fails at ${failing.length} of ${parts.loads.length} simulated addresses, in ${STAGE_TEXT[stage] ?? stage}`,
        message:
          lines.length > 0
            ? `${kt ? "kexec dies with" : "The kernel prints"}: ${lines.join(" / ")}${details.length > 0 ? `. ${details.join(" ")}` : ""}`
            : details.length > 0
              ? details.join(" ")
              : `${who} stops in ${STAGE_TEXT[stage] ?? stage} without a message.`,
        cause: `The object breaks what ${who} expects in ${STAGE_TEXT[stage] ?? stage}; the report's log and relocation list show the step that failed.`,
        fix: "Rebuild the object from clean sources with the tree's own flags and linker script; if it still fails, compare its sections and relocations (readelf -S -r) with a working build.",
        kernelMessages: lines,
        evidence: { failedAt: stage },
        attach: [OBJECT_TARGET],
      }),
    );
  }
  return out;
}

function logLines(attempts: readonly LoadAttempt[]): string[] {
  return unique(attempts.flatMap((a) => a.log.filter((l) => l.level !== "debug").map((l) => l.text)));
}

// Reading `purgatoryLens.*` into the core's simulation options, with every bad value reported
// instead of thrown.
import { parseSize } from "../core/kexec/u64";
import type { SimulateOptions } from "../core/simulate";
import { DEFAULT_SETTINGS, type PurgatoryLensSettings } from "../protocol";

export function normaliseSettings(raw: unknown): PurgatoryLensSettings {
  const r = (raw ?? {}) as Partial<Record<keyof PurgatoryLensSettings, unknown>>;
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  return {
    kernelVersion:
      typeof r.kernelVersion === "string" ? r.kernelVersion.trim() : DEFAULT_SETTINGS.kernelVersion,
    loadAddresses: strings(r.loadAddresses),
    ramSize: typeof r.ramSize === "string" && r.ramSize.trim() ? r.ramSize.trim() : DEFAULT_SETTINGS.ramSize,
    extraObjectGlobs: strings(r.extraObjectGlobs),
  };
}

export function simulateOptions(s: PurgatoryLensSettings): { options: SimulateOptions; problems: string[] } {
  const problems: string[] = [];
  const loads: bigint[] = [];
  for (const a of s.loadAddresses) {
    const v = parseSize(a);
    if (v === undefined) problems.push(`purgatoryLens.loadAddresses: "${a}" is not an address`);
    else loads.push(v);
  }
  const ram = parseSize(s.ramSize);
  if (ram === undefined || ram === 0n) problems.push(`purgatoryLens.ramSize: "${s.ramSize}" is not a size`);
  return {
    options: {
      kernel: s.kernelVersion || undefined,
      loads,
      ramSize: ram && ram > 0n ? ram : undefined,
    },
    problems,
  };
}

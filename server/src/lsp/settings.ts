// Reading `purgatoryLens.*` into the core's simulation options, with every bad value reported
// instead of thrown.
import { kexecToolsVersion } from "../core/kexec-tools/version";
import { parseSize } from "../core/kexec/u64";
import type { SimulateOptions } from "../core/simulate";
import { archNamed, ARCH_NAMES } from "../core/arch/names";
import { DEFAULT_SETTINGS, type LoaderSetting, type PurgatoryLensSettings } from "../protocol";

export type { LoaderSetting };

/** The settings the server reads: the one type protocol.ts shares with the client. */
export type ServerSettings = PurgatoryLensSettings;

export const DEFAULT_SERVER_SETTINGS: ServerSettings = DEFAULT_SETTINGS;

export function normaliseSettings(raw: unknown): ServerSettings {
  const r = (raw ?? {}) as Partial<Record<keyof ServerSettings, unknown>>;
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  return {
    kernelVersion:
      typeof r.kernelVersion === "string" ? r.kernelVersion.trim() : DEFAULT_SETTINGS.kernelVersion,
    loadAddresses: strings(r.loadAddresses),
    ramSize: typeof r.ramSize === "string" && r.ramSize.trim() ? r.ramSize.trim() : DEFAULT_SETTINGS.ramSize,
    extraObjectGlobs: strings(r.extraObjectGlobs),
    arch: text(r.arch),
    // Kept as written so that a bad value is reported, not silently replaced.
    loader: (text(r.loader) || "kernel") as LoaderSetting,
    kexecToolsVersion: text(r.kexecToolsVersion),
  };
}

export function simulateOptions(s: ServerSettings): { options: SimulateOptions; problems: string[] } {
  const problems: string[] = [];
  const loads: bigint[] = [];
  for (const a of s.loadAddresses) {
    const v = parseSize(a);
    if (v === undefined) problems.push(`purgatoryLens.loadAddresses: "${a}" is not an address`);
    else loads.push(v);
  }
  const ram = parseSize(s.ramSize);
  if (ram === undefined || ram === 0n) problems.push(`purgatoryLens.ramSize: "${s.ramSize}" is not a size`);

  const arch = s.arch === "" ? undefined : archNamed(s.arch);
  if (s.arch !== "" && arch === undefined)
    problems.push(
      `purgatoryLens.arch: "${s.arch}" is not a modelled architecture (${ARCH_NAMES.join(", ")}; empty: detect from e_machine)`,
    );
  const loader = s.loader === "kernel" || s.loader === "kexec-tools" ? s.loader : undefined;
  if (loader === undefined)
    problems.push(`purgatoryLens.loader: "${String(s.loader)}" is neither "kernel" nor "kexec-tools"`);
  let kexecTools: string | undefined;
  if (s.kexecToolsVersion !== "") {
    try {
      kexecTools = kexecToolsVersion(s.kexecToolsVersion).label;
    } catch (e) {
      problems.push(`purgatoryLens.kexecToolsVersion: ${(e as Error).message}`);
    }
  }
  return {
    options: {
      kernel: s.kernelVersion || undefined,
      loads,
      ramSize: ram && ram > 0n ? ram : undefined,
      ...(arch !== undefined ? { arch } : {}),
      loader: loader ?? "kernel",
      ...(kexecTools !== undefined ? { kexecTools } : {}),
    },
    problems,
  };
}

const SETTING_NAMES: readonly (keyof ServerSettings)[] = [
  "kernelVersion",
  "loadAddresses",
  "ramSize",
  "extraObjectGlobs",
  "arch",
  "loader",
  "kexecToolsVersion",
];

/**
 * The `purgatoryLens.*` values an editor without VS Code's settings sends (initializationOptions, or
 * a didChangeConfiguration payload), under the VS Code settings' names, nested
 * (`{ "purgatoryLens": { "kernelVersion": "6.8" } }`) or dotted (`{ "purgatoryLens.kernelVersion":
 * "6.8" }`). Only the names given are returned, so layers can be merged; unknown names are ignored.
 */
export function settingsGiven(raw: unknown): Partial<Record<keyof ServerSettings, unknown>> {
  const out: Partial<Record<keyof ServerSettings, unknown>> = {};
  if (raw === null || typeof raw !== "object") return out;
  const r = raw as Record<string, unknown>;
  const nested = r.purgatoryLens;
  for (const name of SETTING_NAMES) {
    if (nested !== null && typeof nested === "object" && name in nested)
      out[name] = (nested as Record<string, unknown>)[name];
    if (`purgatoryLens.${name}` in r) out[name] = r[`purgatoryLens.${name}`];
  }
  return out;
}

/** The same for a workspace/configuration answer for the section "purgatoryLens" (its fields). */
export function sectionGiven(raw: unknown): Partial<Record<keyof ServerSettings, unknown>> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return {};
  const r = raw as Record<string, unknown>;
  const out: Partial<Record<keyof ServerSettings, unknown>> = {};
  for (const name of SETTING_NAMES) if (name in r && r[name] !== null) out[name] = r[name];
  return out;
}

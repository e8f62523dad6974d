// Reading `purgatoryLens.*` into the core's simulation options, with every bad value reported
// instead of thrown.
import { kexecToolsVersion } from "../core/kexec-tools/version";
import { parseSize } from "../core/kexec/u64";
import type { SimulateOptions } from "../core/simulate";
import { DEFAULT_SETTINGS, type PurgatoryLensSettings } from "../protocol";

export type LoaderSetting = "kernel" | "kexec-tools";

/** The shared settings plus the architecture and loader choice (issue 7), read by the server only. */
export interface ServerSettings extends PurgatoryLensSettings {
  /** "" = the architecture `e_machine` names; otherwise run that architecture's loader. */
  arch: string;
  loader: LoaderSetting;
  /** kexec-tools release for loader "kexec-tools"; "" = the newest modelled. */
  kexecToolsVersion: string;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  ...DEFAULT_SETTINGS,
  arch: "",
  loader: "kernel",
  kexecToolsVersion: "",
};

/** The architectures with a modelled purgatory loader, and the other names people write for them. */
const ARCH_NAMES: Readonly<Record<string, string>> = {
  x86_64: "x86_64",
  "x86-64": "x86_64",
  amd64: "x86_64",
  s390x: "s390x",
  s390: "s390x",
  riscv64: "riscv64",
  riscv: "riscv64",
  ppc64: "ppc64",
  ppc64le: "ppc64",
  powerpc: "ppc64",
  powerpc64: "ppc64",
};

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

  const arch = s.arch === "" ? undefined : ARCH_NAMES[s.arch.toLowerCase()];
  if (s.arch !== "" && arch === undefined)
    problems.push(
      `purgatoryLens.arch: "${s.arch}" is not a modelled architecture (x86_64, s390x, riscv64, ppc64; empty: detect from e_machine)`,
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

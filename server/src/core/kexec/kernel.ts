// Which kernel behaviour applies to a given release. Each boundary cites where it was established
// (docs/kernel-eras.md has the full record, including what remains unverified).

/**
 * How kexec_purgatory_setup_sechdrs() (or, before 4.17, __kexec_load_purgatory()) derives
 * image->start from e_entry:
 * - E0 (3.17–4.16): a separate pass before layout finds the FIRST executable section holding e_entry.
 * - E1 (4.17–6.3): every executable section holding e_entry adds its displacement (the PGO hang).
 * - E2 (6.4 on, 8652d44f466a): first match wins, every later match is a WARN_ON.
 * - E3 (7.0 on, "kexec: derive purgatory entry from symbol"): purgatory_start's section first, then
 *   the first e_entry match; no WARN.
 */
export type EntryEra = "E0" | "E1" | "E2" | "E3";

export interface KernelVersion {
  readonly major: number;
  readonly minor: number;
  /** The stable point release, or undefined for "the .0 release / mainline of that series". */
  readonly patch: number | undefined;
}

export interface KernelModel {
  readonly version: KernelVersion;
  /** "6.8", "6.1.176", as given after normalisation. */
  readonly label: string;
  readonly era: EntryEra;
  /** R_X86_64_PLT32 handled as PC32 (b21ebf2fb4cd, v4.16). */
  readonly x86Plt32: boolean;
  /** Names of the digest symbols kexec_calculate_store_digests() sets. */
  readonly shaRegionsSymbol: string;
  readonly sha256DigestSymbol: string;
  /** Placement walks System RAM from the top (≈v6.8, Baoquan He) rather than from the bottom. */
  readonly topDownWalk: boolean;
  /** top_down_fit uses `end - memsz + 1` (≈v6.8, Yuntao Wang) rather than `end - memsz`. */
  readonly exactTopDownFit: boolean;
  /** The WARN splat's first line format changed in 6.19 (`WARNING: file:line at fn, CPU#n: comm/pid`). */
  readonly warnFormat: "classic" | "6.19";
  /** Known source line of the WARN_ON in kernel/kexec_file.c for this release, when recorded. */
  readonly warnLine: number | undefined;
}

export const NEWEST_KERNEL = "7.2";

export class KernelVersionError extends Error {}

export function parseKernelVersion(text: string): KernelVersion {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-rc\d+)?(?:[-+].*)?$/.exec(text.trim());
  if (!m)
    throw new KernelVersionError(`"${text}" is not a kernel version (expected e.g. 5.10, 6.8.6 or 7.2)`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? undefined : Number(m[3]) };
}

function cmp(v: KernelVersion, major: number, minor: number, patch = 0): number {
  return v.major - major || v.minor - minor || (v.patch ?? 0) - patch;
}

/**
 * Stable backports, as recorded in Debian's linux-source changelogs (6.1.192 and 6.12.117):
 * "kexec: support purgatories with .text.hot sections" came with 6.1.35 and 6.3.9;
 * "kexec: derive purgatory entry from symbol" came with 6.1.165 and 6.12.75.
 * Other stable series are modelled as their mainline release.
 */
const STABLE_ENTRY_BACKPORTS: { series: [number, number]; from: number; era: EntryEra }[] = [
  { series: [6, 1], from: 165, era: "E3" },
  { series: [6, 1], from: 35, era: "E2" },
  { series: [6, 3], from: 9, era: "E2" },
  { series: [6, 12], from: 75, era: "E3" },
];

function entryEra(v: KernelVersion): EntryEra {
  for (const b of STABLE_ENTRY_BACKPORTS) {
    if (v.major === b.series[0] && v.minor === b.series[1] && (v.patch ?? 0) >= b.from) return b.era;
  }
  if (cmp(v, 4, 17) < 0) return "E0";
  if (cmp(v, 6, 4) < 0) return "E1";
  if (cmp(v, 7, 0) < 0) return "E2";
  return "E3";
}

// Line of the WARN_ON(...) in kernel/kexec_file.c, from splats quoted in public reports.
const WARN_LINES: { major: number; minor: number; line: number }[] = [
  { major: 6, minor: 6, line: 919 },
  { major: 6, minor: 8, line: 936 },
  { major: 6, minor: 9, line: 945 },
  { major: 6, minor: 19, line: 1009 },
];

export function kernelModel(text: string = NEWEST_KERNEL): KernelModel {
  const version = parseKernelVersion(text);
  if (cmp(version, 3, 17) < 0) {
    throw new KernelVersionError(
      `kexec_file_load(2) and its purgatory loader first appeared in Linux 3.17; ${text} has neither`,
    );
  }
  const era = entryEra(version);
  const label = `${version.major}.${version.minor}${version.patch === undefined ? "" : "." + version.patch}`;
  const modernPlacement = cmp(version, 6, 8) >= 0;
  return {
    version,
    label,
    era,
    x86Plt32: cmp(version, 4, 16) >= 0,
    // Renamed with the purgatory clean-up around v4.11 (present in 4.13, absent in 4.9).
    shaRegionsSymbol: cmp(version, 4, 11) >= 0 ? "purgatory_sha_regions" : "sha_regions",
    sha256DigestSymbol: cmp(version, 4, 11) >= 0 ? "purgatory_sha256_digest" : "sha256_digest",
    topDownWalk: modernPlacement,
    exactTopDownFit: modernPlacement,
    warnFormat: cmp(version, 6, 19) >= 0 ? "6.19" : "classic",
    warnLine: WARN_LINES.find((w) => w.major === version.major && w.minor === version.minor)?.line,
  };
}

export function describeEra(era: EntryEra): string {
  switch (era) {
    case "E0":
      return "v3.17–v4.16: entry section found in a separate pass (first match), section offsets as pointers";
    case "E1":
      return "v4.17–v6.3: every executable section containing e_entry moves the entry (cumulative)";
    case "E2":
      return "v6.4 on: first executable section containing e_entry wins, later ones WARN";
    case "E3":
      return "7.0 on: entry from the purgatory_start symbol, e_entry as fallback, no WARN";
  }
}

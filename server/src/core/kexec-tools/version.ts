// kexec-tools releases as far as its purgatory loader is concerned. The loader changed twice in ways
// a purgatory can tell: R_X86_64_PLT32 accepted since 2.0.18 (b9de21e, 2018), and sh_addralign 0
// read as 1 since 2.0.24 (before: ALIGN(x, 0), which resets the offset to 0).

export interface KexecToolsVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** "2.0.32" */
  readonly label: string;
}

/** The newest release modelled (Debian's 2.0.32 source was read for it). */
export const NEWEST_KEXEC_TOOLS = "2.0.32";
/** The oldest release modelled: x86_64 purgatory loading is the same back to here. */
export const OLDEST_KEXEC_TOOLS = "2.0.10";

function parse(text: string): KexecToolsVersion | undefined {
  const m = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?\s*$/.exec(text);
  if (!m) return undefined;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  return { major, minor, patch, label: `${major}.${minor}.${patch}` };
}

function compare(a: KexecToolsVersion, b: KexecToolsVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** The release to model; throws with a message for the CLI/settings when it is not one we model. */
export function kexecToolsVersion(text: string | undefined): KexecToolsVersion {
  const v = parse(text ?? NEWEST_KEXEC_TOOLS);
  if (!v) throw new Error(`kexec-tools version "${text}" is not a release like 2.0.32`);
  const oldest = parse(OLDEST_KEXEC_TOOLS)!;
  const newest = parse(NEWEST_KEXEC_TOOLS)!;
  if (compare(v, oldest) < 0 || compare(v, newest) > 0) {
    throw new Error(
      `kexec-tools ${v.label} is not modelled (${OLDEST_KEXEC_TOOLS} to ${NEWEST_KEXEC_TOOLS})`,
    );
  }
  return v;
}

/** v >= major.minor.patch */
export function ktAtLeast(v: KexecToolsVersion, major: number, minor: number, patch: number): boolean {
  return compare(v, { major, minor, patch, label: "" }) >= 0;
}

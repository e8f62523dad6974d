// The simulation options for a kexec-tools tree's purgatory. kexec-tools places, relocates and patches
// that purgatory itself (kexec_load), and no kernel ever loads it, so it always runs with the
// kexec-tools loader, whatever `purgatoryLens.loader` says (that setting is for kernel purgatories).
// The release is `purgatoryLens.kexecToolsVersion` when set, else the tree's own, from configure.ac,
// brought into the range the core models when it lies outside it, with a note saying so.
import type { DiscoveredPurgatory } from "../core/kbuild/discover";
import { kexecToolsVersion, NEWEST_KEXEC_TOOLS, OLDEST_KEXEC_TOOLS } from "../core/kexec-tools/version";
import type { SimulateOptions } from "../core/simulate";
import type { ServerSettings } from "./settings";

export interface PurgatoryOptions {
  readonly options: SimulateOptions;
  /** Something the user should know about how this purgatory is simulated, in plain words. */
  readonly note?: string;
}

function numbers(release: string): number[] {
  return release.split(".").map(Number);
}

/** a < b for releases like "2.0.9" and "2.0.32" (the core throws for both ends, so compare here). */
function older(a: string, b: string): boolean {
  const [x, y] = [numbers(a), numbers(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  return false;
}

/** The kexec-tools release to model for a tree's own release, and why it differs, if it does. */
export function modelledRelease(release: string | undefined, versionText: string | undefined) {
  if (release === undefined) {
    const what = versionText === undefined ? "names no kexec-tools version" : `says "${versionText}"`;
    return {
      label: NEWEST_KEXEC_TOOLS,
      note: `configure.ac ${what}: simulated as kexec-tools ${NEWEST_KEXEC_TOOLS}, the newest modelled`,
    };
  }
  try {
    return { label: kexecToolsVersion(release).label };
  } catch (e) {
    // Outside what the core models: say the core's own words, and use the nearest modelled release.
    const label = older(release, OLDEST_KEXEC_TOOLS) ? OLDEST_KEXEC_TOOLS : NEWEST_KEXEC_TOOLS;
    return { label, note: `${(e as Error).message}: simulated as kexec-tools ${label}` };
  }
}

/** The options for one purgatory: `base` (from the settings) as is for a kernel tree. */
export function optionsFor(
  p: DiscoveredPurgatory,
  base: SimulateOptions,
  settings: ServerSettings,
): PurgatoryOptions {
  const tree = p.kexecTools;
  if (!tree) return { options: base };
  // base.kexecTools is set only for a valid setting; a bad one is reported with the other settings.
  if (settings.kexecToolsVersion !== "" && base.kexecTools !== undefined)
    return { options: { ...base, loader: "kexec-tools" } };
  const { label, note } = modelledRelease(tree.release, tree.versionText);
  return {
    options: { ...base, loader: "kexec-tools", kexecTools: label },
    ...(note !== undefined ? { note: `${p.object}: ${note}` } : {}),
  };
}

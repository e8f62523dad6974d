// The kexec-tools architectures modelled, by e_machine and by the names `--arch` accepts.

import type { KtArch } from "../types";
import { KT_X86_64 } from "./x86_64";

export const KT_ARCHES: readonly KtArch[] = [KT_X86_64];

export function ktArchFor(e_machine: number): KtArch | undefined {
  return KT_ARCHES.find((a) => a.e_machine === e_machine);
}

export function ktArchNamed(id: string): KtArch | undefined {
  return KT_ARCHES.find((a) => a.id === id);
}

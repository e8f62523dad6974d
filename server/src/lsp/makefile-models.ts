// The Makefile model (core/kbuild/makefile.ts) of each file, parsed once per text: the editor reads
// it on every run, every re-resolve and every save. `key` is the model without positions: two texts
// with the same key differ only in comments, blank lines and line breaks, so a save that keeps the
// key changes where diagnostics belong and nothing else (no flag, object or rule).
import { parseMakefile, type ParsedMakefile } from "../core/kbuild/makefile";

export interface MakefileModel {
  readonly parsed: ParsedMakefile;
  readonly key: string;
}

const models = new Map<string, { text: string; model: MakefileModel }>();

export function makefileModel(path: string, text: string): MakefileModel {
  const hit = models.get(path);
  if (hit && hit.text === text) return hit.model;
  const parsed = parseMakefile(text);
  const model = { parsed, key: modelKey(parsed) };
  models.set(path, { text, model });
  return model;
}

export const isMakefile = (path: string): boolean => /(^|\/)(Makefile|Kbuild)$/.test(path);

function modelKey(mf: ParsedMakefile): string {
  return JSON.stringify([
    mf.assignments.map((a) => [a.name, a.op, a.value, a.target ?? "", a.modifiers]),
    mf.rules.map((r) => [
      r.targets.map((t) => t.text),
      r.prerequisites.map((t) => t.text),
      r.recipe.map((l) => l.text),
    ]),
  ]);
}

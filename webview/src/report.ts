// The report as the map receives it: the language server's JSON text, each load's relocations as
// rows whose columns `relocationFields` names once. Parsed here, and the rows made into the
// `{ relSection, section, … }` objects the tables and the map read, in one pass per load.
import type { LoadJson, ReportDocument, ReportJson } from "../../server/src/protocol";

export type Relocation = LoadJson["relocations"][number];

/** The text parsed; an error (or text that is no report) stays an error. */
export function parseReport(m: string | { error: string }): ReportDocument | { error: string } {
  if (typeof m !== "string") return m;
  try {
    const doc = JSON.parse(m) as ReportDocument | { error: string };
    if ("error" in doc) return doc;
    if (!Array.isArray(doc.relocationFields) || !Array.isArray(doc.results))
      return { error: "the report has no relocationFields or results" };
    return doc;
  } catch (e) {
    return { error: `the report could not be read: ${String(e)}` };
  }
}

/** The text parsed, with every load's relocation rows as objects. */
export function readReport(m: string | { error: string }): ReportJson | { error: string } {
  const doc = parseReport(m);
  if ("error" in doc) return doc;
  try {
    return withRelocationObjects(doc);
  } catch (e) {
    return { error: String(e instanceof Error ? e.message : e) };
  }
}

/** The document with each load's rows made into objects (and no `relocationFields`). */
export function withRelocationObjects(doc: ReportDocument): ReportJson {
  const { relocationFields, results, ...summary } = doc;
  const relocation = rowReader(relocationFields);
  return {
    ...summary,
    results: results.map((load) => ({ ...load, relocations: load.relocations.map(relocation) })),
  } as ReportJson;
}

/** The column of each field in a row, by the names the document gives. */
function rowReader(fields: readonly string[]): (row: unknown[]) => Relocation {
  const at = (name: keyof Relocation): number => {
    const i = fields.indexOf(name);
    if (i < 0) throw new Error(`the report's relocation rows have no "${name}" column`);
    return i;
  };
  const relSection = at("relSection");
  const section = at("section");
  const index = at("index");
  const offset = at("offset");
  const type = at("type");
  const typeName = at("typeName");
  const symbol = at("symbol");
  const S = at("S");
  const A = at("A");
  const P = at("P");
  const value = at("value");
  const stored = at("stored");
  const width = at("width");
  const status = at("status");
  const reached = at("reached");
  const window = at("window");
  return (r) => ({
    relSection: r[relSection] as string,
    section: r[section] as string,
    index: r[index] as number,
    offset: r[offset] as string,
    type: r[type] as number,
    typeName: r[typeName] as string,
    symbol: r[symbol] as string,
    S: r[S] as string | null,
    A: r[A] as string,
    P: r[P] as string,
    value: r[value] as string | null,
    stored: r[stored] as string | null,
    width: r[width] as number,
    status: r[status] as string,
    reached: r[reached] as boolean,
    window: windowOf(r[window] as [string, string][] | null),
  });
}

function windowOf(w: [string, string][] | null): Relocation["window"] {
  return w === null ? null : w.map(([from, to]) => ({ from, to }));
}

// DOM helpers that only ever set text through textContent and attributes through setAttribute, so a
// section or symbol name from the ELF (which can contain anything) is never parsed as markup.

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, String(v));
  for (const c of children)
    if (c !== null && c !== undefined && c !== false)
      e.append(typeof c === "string" ? document.createTextNode(c) : c);
  return e;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg(
  tag: string,
  attrs: Record<string, string | number | undefined> = {},
  ...children: Child[]
): SVGElement {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, String(v));
  for (const c of children)
    if (c !== null && c !== undefined && c !== false)
      e.append(typeof c === "string" ? document.createTextNode(c) : c);
  return e;
}

/** An SVG <title>: the native tooltip, as text. */
export function tip(text: string): SVGElement {
  return svg("title", {}, text);
}

export function hex(n: number | bigint): string {
  return "0x" + n.toString(16);
}

/**
 * A count with thousands separators ("50,000"). Not toLocaleString: its first call loads the
 * locale's number formats, which costs more than drawing a band.
 */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

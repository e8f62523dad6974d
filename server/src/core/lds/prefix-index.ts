// The rules that could take a section name, found through the literal prefix each of their patterns
// starts with (`.text.` of `.text.*`, all of `.data`, nothing of `*(...)`): a section is tried only
// against the rules whose prefix it starts with, in script order, instead of against every rule.
// A 1 MB script has tens of thousands of distinct descriptions; the first-match pass was one wildcard
// match per description per input section.

export class PrefixIndex {
  /** Rule orders by prefix, ascending (rules are added in script order). */
  private readonly byPrefix = new Map<string, number[]>();
  private longest = 0;
  private lastOrder = -1;

  /** Rule `order` has a pattern starting with `prefix` (orders never decrease from call to call). */
  add(prefix: string, order: number): void {
    if (order < this.lastOrder) throw new RangeError("rules are indexed in script order");
    this.lastOrder = order;
    const list = this.byPrefix.get(prefix);
    if (list === undefined) this.byPrefix.set(prefix, [order]);
    else if (list[list.length - 1] !== order) list.push(order);
    if (prefix.length > this.longest) this.longest = prefix.length;
  }

  /** The orders of the rules with a prefix `name` starts with, ascending, each once. */
  candidates(name: string): readonly number[] {
    let only: number[] | undefined;
    let merged: number[] | undefined;
    const upTo = Math.min(name.length, this.longest);
    for (let k = 0; k <= upTo; k++) {
      const list = this.byPrefix.get(k === name.length ? name : name.slice(0, k));
      if (list === undefined) continue;
      if (only === undefined) only = list;
      else (merged ??= [...only]).push(...list);
    }
    if (merged === undefined) return only ?? NONE;
    merged.sort((a, b) => a - b);
    let n = 0;
    for (let i = 0; i < merged.length; i++)
      if (i === 0 || merged[i] !== merged[i - 1]) merged[n++] = merged[i]!;
    merged.length = n;
    return merged;
  }
}

const NONE: readonly number[] = Object.freeze([]);

/** How names and queries are compared: width- and case-folded (`ＡＬＩＣＥ` finds `alice`). */
function foldForMatch(text: string): string {
  return text.normalize('NFKC').toLocaleLowerCase();
}

/**
 * Whether `name` contains `query`, ignoring case and width (NFKC folds full-width Latin and
 * half-width Kana), so a CJK name is found by any part of it. An empty query matches everyone.
 */
export function nameMatches(name: string, query: string): boolean {
  const wanted = foldForMatch(query.trim());
  return wanted === '' || foldForMatch(name).includes(wanted);
}

/**
 * **Find people** over tens of thousands of names, matching as `nameMatches` does. Folding a name
 * (NFKC, lower case) costs far more than looking into it, so each name is folded once and kept
 * while it is listed: a keystroke folds only the query. The list arrives as a new array on every
 * change of presence, so names are remembered by name, not by entry, and forgotten when they leave.
 */
export class NameFilter {
  #entries: readonly { readonly name: string }[] = [];
  /** `#folded[i]`: `#entries[i]`'s name, folded. */
  #folded: readonly string[] = [];
  #byName = new Map<string, string>();

  /** The entries whose name contains `query`, in their order; `entries` itself for an empty query. */
  filter<T extends { readonly name: string }>(entries: readonly T[], query: string): readonly T[] {
    const wanted = foldForMatch(query.trim());
    if (wanted === '') return entries;
    const folded = this.#foldedNames(entries);
    return entries.filter((_, i) => folded[i]!.includes(wanted));
  }

  #foldedNames(entries: readonly { readonly name: string }[]): readonly string[] {
    if (entries === this.#entries) return this.#folded;
    const known = this.#byName;
    const byName = new Map<string, string>();
    const folded = entries.map(({ name }) => {
      const fold = byName.get(name) ?? known.get(name) ?? foldForMatch(name);
      byName.set(name, fold);
      return fold;
    });
    this.#entries = entries;
    this.#folded = folded;
    this.#byName = byName;
    return folded;
  }
}

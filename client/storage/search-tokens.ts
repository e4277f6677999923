/**
 * How text becomes search tokens, for the index (search-index.ts) and for queries alike, so the two
 * always agree. Text is folded with NFKC and lower-cased (full-width `ＡＢＣ` is `abc`, half-width
 * Kana is full-width). Then:
 *
 * - letters and digits of alphabetic scripts form word tokens (`hello`, `straße`, `2026`);
 * - Han, Kana and Hangul, written without spaces, give overlapping character bigrams (`会议室` →
 *   `会议`, `议室`) plus the last character of each run alone (`室`), so every character of a run
 *   starts at least one token and a query of one character finds it too.
 *
 * A query word then matches as a prefix of a token (`ali` finds `alice`, `会` finds `会议`), and the
 * candidates are confirmed by a substring check on the text itself (`matchesQuery`): the index only
 * narrows the search, it never decides it.
 */

/** Scripts written without spaces between words: indexed as bigrams. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** Runs of letters, marks and digits, CJK or not, split further below. */
const WORDISH = /[\p{L}\p{M}\p{N}]+/gu;
/** Longer tokens are cut: nobody types 64 letters to find a message, and keys stay small. */
const MAX_TOKEN = 32;

/** The one folding of both sides: NFKC, then lower case. */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** The distinct tokens of `text` (see the header). */
export function tokenize(text: string): Set<string> {
  const tokens = new Set<string>();
  for (const [run] of foldText(text).matchAll(WORDISH)) {
    for (const piece of splitByScript(run)) {
      if (!CJK.test(piece)) {
        tokens.add(piece.slice(0, MAX_TOKEN));
        continue;
      }
      const chars = [...piece];
      for (let i = 0; i + 1 < chars.length; i += 1) tokens.add(chars[i]! + chars[i + 1]!);
      tokens.add(chars[chars.length - 1]!);
    }
  }
  return tokens;
}

/**
 * What a query looks up: a prefix for each piece of it. A CJK piece of several characters gives its
 * bigrams (each a token of any text that contains the piece); anything else is one prefix.
 */
export function queryPrefixes(query: string): string[] {
  const prefixes = new Set<string>();
  for (const [run] of foldText(query).matchAll(WORDISH)) {
    for (const piece of splitByScript(run)) {
      const chars = [...piece];
      if (!CJK.test(piece) || chars.length === 1) {
        prefixes.add(piece.slice(0, MAX_TOKEN));
        continue;
      }
      for (let i = 0; i + 1 < chars.length; i += 1) prefixes.add(chars[i]! + chars[i + 1]!);
    }
  }
  return [...prefixes];
}

/** Whether `text` holds every whitespace-separated part of `query`, folded alike. */
export function matchesQuery(text: string, query: string): boolean {
  const folded = foldText(text);
  const parts = foldText(query).split(/\s+/u).filter(Boolean);
  return parts.length > 0 && parts.every((part) => folded.includes(part));
}

/** A short piece of `text` around the first part of `query` it contains, for a result list. */
export function snippetOf(text: string, query: string, width = 80): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  const first = foldText(query).split(/\s+/u).find(Boolean) ?? '';
  // NFKC can change lengths, so the position is found in the folded text only as a hint.
  const at = Math.max(0, foldText(flat).indexOf(first));
  if (flat.length <= width) return flat;
  const start = Math.max(0, Math.min(at - Math.floor(width / 3), flat.length - width));
  const piece = flat.slice(start, start + width);
  return `${start > 0 ? '…' : ''}${piece}${start + width < flat.length ? '…' : ''}`;
}

/** Splits a run where it changes between CJK and other scripts (`abc中文` → `abc`, `中文`). */
function splitByScript(run: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let currentCjk = false;
  for (const char of run) {
    const cjk = CJK.test(char);
    if (current !== '' && cjk !== currentCjk) {
      pieces.push(current);
      current = '';
    }
    current += char;
    currentCjk = cjk;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

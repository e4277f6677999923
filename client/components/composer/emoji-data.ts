/**
 * Parley's emoji data: where it is served and the `:shortcode:` look-up of the composer.
 *
 * The data is `emoji-picker-element-data`'s English file with Emojibase shortcodes (the picker's own
 * default set, which names every emoji and includes the GitHub/Slack names such as `+1`, `tada`).
 * scripts/build.mjs copies it into the built client, so Parley's own server serves it and nothing is
 * fetched from a CDN. The picker (<emoji-button>) and the shortcode look-up here read it through the
 * picker's `Database`, which keeps it in one IndexedDB database per locale and revalidates it with
 * the server's ETag: it is downloaded once, and only when someone first asks for an emoji.
 */
import Database from 'emoji-picker-element/database.js';
import type { NativeEmoji } from 'emoji-picker-element/shared.js';

/** The URL of the emoji data on Parley's server (see scripts/build.mjs). */
export const EMOJI_DATA_URL = '/emoji-data.json';

/**
 * The same emoji with Chinese names and keywords (no shortcodes), for the picker's search when the
 * app speaks 简体中文. Shortcodes (`:rocket:`) stay English: they are a convention, not a language.
 */
export const EMOJI_DATA_ZH_URL = '/emoji-data-zh.json';

/** One completion for a typed shortcode. */
export interface ShortcodeMatch {
  /** Without colons, as in the data: `rocket`. */
  readonly shortcode: string;
  /** The emoji itself: `🚀`. */
  readonly emoji: string;
  /** Its English name, for people who do not see the emoji: `rocket`. */
  readonly name: string;
}

/** Shortcode characters, as the data spells them (`+1`, `e-mail`, `thumbs_up`, `100`). */
const SHORTCODE_CHAR = /^[a-z0-9_+-]$/i;
/** The shortest prefix worth looking up: the picker's index ignores one-letter words. */
export const MIN_SHORTCODE_PREFIX = 2;

/**
 * A `:prefix` being typed just before the caret: the colon starts the text or follows a space or an
 * opening bracket, so times (`10:30`) and URLs (`http://`) do not count. Returns where the colon is
 * and the prefix after it, or null.
 */
export function shortcodeBeforeCaret(text: string, caret: number): { start: number; prefix: string } | null {
  let start = caret;
  while (start > 0 && SHORTCODE_CHAR.test(text.charAt(start - 1))) start -= 1;
  const prefix = text.slice(start, caret);
  if (prefix.length < MIN_SHORTCODE_PREFIX || text.charAt(start - 1) !== ':') return null;
  const before = text.charAt(start - 2);
  if (before !== '' && !/[\s([{]/.test(before)) return null;
  return { start: start - 1, prefix };
}

const databases = new Map<string, Database>();

function databaseFor(dataSource: string): Database {
  let database = databases.get(dataSource);
  if (!database) {
    database = new Database({ dataSource });
    databases.set(dataSource, database);
    void database.ready().then(
      () => quietLazyUpdate(database as Database),
      () => undefined,
    );
  }
  return database;
}

/**
 * HACK: with data already in IndexedDB, `Database` answers from it and checks the server for newer
 * data in the background (`_lazyUpdate`, emoji-picker-element 1.29 database.js `_init`), a promise
 * nobody awaits: with the server away it becomes an unhandled rejection. The answers are fine (that
 * is the offline-first design); the failed check is only worth a warning.
 */
function quietLazyUpdate(database: Database): void {
  const lazyUpdate = (database as unknown as { _lazyUpdate?: Promise<void> })._lazyUpdate;
  lazyUpdate?.catch((error: unknown) => console.warn('emoji data: could not check for an update', error));
}

/**
 * Up to `limit` emoji with a shortcode starting with `prefix` (case-insensitive): the exact shortcode
 * first, then shorter shortcodes before longer ones, then the data's order. Loads the data on first
 * use. Rejects when the data cannot be loaded; the next call tries again.
 */
export async function findShortcodes(
  prefix: string,
  { dataSource = EMOJI_DATA_URL, limit = 8 }: { dataSource?: string; limit?: number } = {},
): Promise<ShortcodeMatch[]> {
  const wanted = prefix.toLowerCase();
  if (wanted.length < MIN_SHORTCODE_PREFIX || ![...wanted].every((c) => SHORTCODE_CHAR.test(c))) return [];
  const database = databaseFor(dataSource);
  let found;
  try {
    // The picker's search matches whole words and the last one as a prefix, over shortcodes split
    // at `_`, tags and names: a superset of the shortcodes starting with `wanted`, narrowed below.
    found = await database.getEmojiBySearchQuery(wanted);
  } catch (error) {
    // Forget the failed instance so that the next keystroke tries the server again.
    if (databases.get(dataSource) === database) databases.delete(dataSource);
    throw error;
  }
  const matches: (ShortcodeMatch & { order: number })[] = [];
  for (const emoji of found) {
    if (!('unicode' in emoji)) continue;
    const native: NativeEmoji = emoji;
    const codes = native.shortcodes ?? [];
    const shortcode =
      codes.find((code) => code.toLowerCase() === wanted) ??
      codes.find((code) => code.toLowerCase().startsWith(wanted));
    if (shortcode) {
      matches.push({ shortcode, emoji: native.unicode, name: native.annotation, order: native.order });
    }
  }
  const rank = (m: ShortcodeMatch) => (m.shortcode.toLowerCase() === wanted ? 0 : 1);
  matches.sort((a, b) => rank(a) - rank(b) || a.shortcode.length - b.shortcode.length || a.order - b.order);
  return matches.slice(0, limit).map(({ shortcode, emoji, name }) => ({ shortcode, emoji, name }));
}

/** The emoji whose shortcode is exactly `shortcode` (no colons), or null. Loads the data on first use. */
export async function emojiForShortcode(
  shortcode: string,
  { dataSource = EMOJI_DATA_URL }: { dataSource?: string } = {},
): Promise<string | null> {
  const exact = (await findShortcodes(shortcode, { dataSource, limit: 1 }))[0];
  return exact && exact.shortcode.toLowerCase() === shortcode.toLowerCase() ? exact.emoji : null;
}

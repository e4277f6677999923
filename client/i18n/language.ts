/**
 * The languages Parley speaks and which one a browser's preferences pick. Pure: no DOM, no storage,
 * so the choice can be tested in Node with any `navigator.languages`.
 */

/** Parley's languages, as BCP 47 tags; `en` is the language the source is written in. */
export const LANGUAGES = ['en', 'zh-Hans'] as const;
export type Language = (typeof LANGUAGES)[number];

export const SOURCE_LANGUAGE: Language = 'en';

/** Each language under its own name, in every locale: a person looks for the one they can read. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  en: 'English',
  'zh-Hans': '简体中文',
};

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Chinese written in simplified characters: plain `zh`, the script, or a region that writes it. */
const SIMPLIFIED_CHINESE = /^zh(-hans(-.*)?|-cn|-sg|-my)?$/i;

/**
 * The language for a browser whose preferences are `preferred` (`navigator.languages`, most wanted
 * first): the first preference Parley speaks, else English. `zh-TW` or `zh-Hant` is not simplified
 * Chinese, so it does not count; a later `zh` in the list still does.
 */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    if (SIMPLIFIED_CHINESE.test(tag)) return 'zh-Hans';
    if (/^en(-.*)?$/i.test(tag)) return 'en';
  }
  return SOURCE_LANGUAGE;
}

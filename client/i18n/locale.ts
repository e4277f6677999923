/**
 * The language the app speaks now: lit-localize's runtime mode, configured once here. Below both
 * client/app (error texts, notifications) and client/components (everything on screen), so both
 * translate with `msg()` from `@lit/localize` and neither imports the other for it.
 *
 * The Chinese texts (`generated/zh-Hans.ts`, built by `npm run i18n:build` from
 * `xliff/zh-Hans.xlf`) load on first use, so an English page does not download them. The choice made
 * with **Language** is remembered in localStorage; without one, the browser's languages decide.
 * Components that call `msg()` carry `@localized()`, so a change re-renders them.
 */
import { configureLocalization } from '@lit/localize';
import { LANGUAGES, type Language, SOURCE_LANGUAGE, isLanguage, pickLanguage } from './language.js';

const CHOICE_KEY = 'parley.language';

// `<html lang>` follows the texts at the moment they change, before any element re-renders (they
// listen later, and render in a microtask): dates formatted by `Intl` with the document's language
// then match the words around them. Screen readers pick their voice by it too.
window.addEventListener('lit-localize-status', (event) => {
  if (event.detail.status === 'ready') document.documentElement.lang = event.detail.readyLocale;
});

const { getLocale, setLocale } = configureLocalization({
  sourceLocale: SOURCE_LANGUAGE,
  targetLocales: LANGUAGES.filter((language) => language !== SOURCE_LANGUAGE),
  // The only target language; the import is split into its own chunk by the build.
  loadLocale: () => import('./generated/zh-Hans.js'),
});

/** The language the UI shows now (the source language until another has loaded). */
export function currentLanguage(): Language {
  const locale = getLocale();
  return isLanguage(locale) ? locale : SOURCE_LANGUAGE;
}

/** The language chosen with **Language** on this browser, or null for none yet. */
export function rememberedLanguage(): Language | null {
  try {
    const value = localStorage.getItem(CHOICE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    // Storage unavailable (a privacy mode): nothing is remembered.
    return null;
  }
}

/**
 * Shows the app in `language`, from now on and after a reload. Resolves once its texts have loaded;
 * rejects (the UI staying as it was) if they cannot be loaded, e.g. offline before they were cached.
 */
export async function chooseLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(CHOICE_KEY, language);
  } catch {
    // Not remembered: the choice holds for this page only.
  }
  await showLanguage(language);
}

/**
 * At start: the remembered choice, else the first of the browser's languages Parley speaks. A
 * language that cannot load leaves the app in English rather than not starting it.
 */
export async function startLanguage(): Promise<void> {
  const language = rememberedLanguage() ?? pickLanguage(navigator.languages ?? [navigator.language]);
  try {
    await showLanguage(language);
  } catch (error) {
    console.warn(`[parley] the ${language} texts could not be loaded`, error);
  }
}

async function showLanguage(language: Language): Promise<void> {
  await setLocale(language);
  // Also when nothing changed (English at start): the page says which language it is in.
  document.documentElement.lang = currentLanguage();
}

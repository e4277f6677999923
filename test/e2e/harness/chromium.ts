/**
 * The one Chromium of a test file (or a benchmark), launched from the system install — never downloaded —
 * and one browser context per person, so each has its own storage like a separate browser would.
 */
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.mjs';

/** The flags every test and benchmark launches Chromium with (scripts/chromium.mjs). */
export const CHROMIUM_ARGS: readonly string[] = chromiumArgs;

/** `CHROME_PATH`, or Debian's `/usr/bin/chromium`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
}

/**
 * HACK: tsx compiles with esbuild's `keepNames`, which wraps named inner functions in `__name(…)`; a
 * function handed to `page.evaluate` runs in the page, where `__name` does not exist
 * (https://github.com/privatenumber/tsx/issues/113). A no-op stands in for it.
 */
export const NAME_HELPER_SCRIPT = 'globalThis.__name ??= (fn) => fn;';

/**
 * A Chromium whose one profile lives on disk in `userDataDir`, as a real user's does (a context of
 * `launchChromium` keeps IndexedDB in memory, with a small quota): for benchmarks that store files.
 * Pages of different origins in it have separate storage, so two people can share it.
 */
export async function launchProfileOnDisk(
  userDataDir: string,
  origins: readonly string[],
  initScripts: readonly string[] = [],
): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  for (const origin of origins) await context.grantPermissions(['microphone'], { origin });
  for (const script of [NAME_HELPER_SCRIPT, ...initScripts]) await context.addInitScript(script);
  return context;
}

/**
 * A fresh profile (cookies, localStorage, IndexedDB) with the microphone granted for `origin`.
 * `initScripts` run in every page of the profile before the app's own scripts. `locale` is the
 * browser's language (`navigator.languages`, Accept-Language); default Playwright's, en-US. Works for
 * the Firefox of harness/firefox.ts too, whose microphone comes from its prefs: WebDriver BiDi cannot
 * grant Firefox a microphone ("descriptor.name microphone is currently unsupported").
 */
export async function newPersonContext(
  browser: Browser,
  origin: string,
  initScripts: readonly string[] = [],
  locale?: string,
): Promise<BrowserContext> {
  const context = await browser.newContext(locale ? { locale } : {});
  if (browser.browserType().name() === 'chromium') {
    await context.grantPermissions(['microphone'], { origin });
  }
  for (const script of [NAME_HELPER_SCRIPT, ...initScripts]) await context.addInitScript(script);
  return context;
}

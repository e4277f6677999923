/**
 * A benchmark's page side (bench/lib/*-page.ts): bundled like the app, with the same esbuild
 * options, and loaded into a page of the real server's origin — WebCrypto and IndexedDB there are the
 * app's own (a secure context, the app's storage). `ready` names the global the page side defines
 * once loaded.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { clientBundleOptions } from '../../scripts/esbuild-options.mjs';

export interface PageSide {
  /** The page side's entry, e.g. `new URL('./lib/signing-page.ts', import.meta.url)`. */
  readonly entry: URL;
  /** The global it defines once loaded (`parleySigningBench`). */
  readonly ready: string;
}

/** The page side bundled, to load with `loadPageSide`. */
export async function bundlePageSide(side: PageSide): Promise<string> {
  const result = await build({
    ...clientBundleOptions,
    entryPoints: [fileURLToPath(side.entry)],
    write: false,
  });
  const [output] = result.outputFiles ?? [];
  if (!output) throw new Error('esbuild wrote no bundle');
  return output.text;
}

/** Loads `bundle` into `page` (already on the server's origin) and waits until it is ready. */
export async function loadPageSide(page: Page, side: PageSide, bundle: string): Promise<void> {
  const path = `/__bench/${side.ready}.js`;
  await page.route(`**${path}`, (route) => route.fulfill({ body: bundle, contentType: 'text/javascript' }));
  await page.addScriptTag({ url: path, type: 'module' });
  await page.waitForFunction((name) => name in window, side.ready);
}

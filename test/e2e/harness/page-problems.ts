/**
 * What goes wrong inside the pages of a test: console errors and warnings are forwarded to the test
 * output as they happen (they explain failures), and uncaught page errors are collected so the test
 * fails on them even when every assertion passed.
 */
import type { Page } from 'playwright-core';

export class PageProblems {
  readonly #uncaught: string[] = [];
  readonly #log: (line: string) => void;

  constructor(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
    this.#log = log;
  }

  /** Starts listening to `page`; `label` says whose page it is in the output. */
  watch(page: Page, label: string): void {
    page.on('console', (message) => {
      const type = message.type();
      if (type !== 'error' && type !== 'warning') return;
      this.#log(`[${label} console.${type}] ${message.text()}`);
    });
    page.on('pageerror', (error) => {
      const text = error.stack ?? `${error.name}: ${error.message}`;
      this.#uncaught.push(`[${label}] ${text}`);
      this.#log(`[${label} uncaught] ${text}`);
    });
  }

  /** Throws when any watched page had an uncaught error. */
  assertNoUncaughtErrors(): void {
    if (this.#uncaught.length === 0) return;
    throw new Error(`uncaught errors in the page:\n${this.#uncaught.join('\n')}`);
  }
}

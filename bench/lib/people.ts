/**
 * How the benchmarks' people get ready, done through the UI as the e2e tests do (test/e2e/harness):
 * an account made with **Create account**, and two people who open their conversation with each
 * other from **Online users** until it says "connected directly". The latency, group and file
 * benchmarks all start this way; what they then measure differs.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { Person } from '../../test/e2e/harness/person.js';
import type { Bench } from './run-bench.js';

/**
 * `name` opens Parley in a fresh context of `browser` (with `initScripts` run before the app in each
 * of their pages) and creates an account.
 */
export async function signUp(
  bench: Bench,
  browser: Browser,
  name: string,
  initScripts: readonly string[] = [],
): Promise<Person> {
  const person = await Person.arrive(browser, bench.server.url, name, bench.problems, initScripts);
  await person.register();
  return person;
}

/**
 * `name` opens Parley at `url` in a profile the caller made (say, one on disk shared with someone at
 * another origin) and creates an account; the profile stays the caller's to close.
 */
export async function signUpIn(
  bench: Bench,
  profile: { context: BrowserContext; url: string },
  name: string,
): Promise<Person> {
  const person = await Person.arriveIn(profile.context, profile.url, name, bench.problems);
  await person.register();
  return person;
}

/**
 * `a` and `b` each open their conversation with the other (once the other is listed online) and
 * wait for its data channel: both sides then show each other's messages as they arrive.
 */
export async function meet(a: Person, b: Person, timeoutMs: number): Promise<void> {
  await a.waitUntilOnline(b.name, timeoutMs);
  await a.openChat(b.name);
  await b.waitUntilOnline(a.name, timeoutMs);
  await b.openChat(a.name);
  await a.directConnection.waitFor({ timeout: timeoutMs });
  await b.directConnection.waitFor({ timeout: timeoutMs });
}

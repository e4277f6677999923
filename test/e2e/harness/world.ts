/**
 * Everything one e2e test runs against: a real server process of its own, the people who use it
 * (each a browser context of the file's Chromium), and the cleanup of all of it, whatever happened.
 */
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { PageProblems } from './page-problems.js';
import { Person } from './person.js';
import { ServerProcess } from './server-process.js';
import type { ServerProcessOptions } from './server-process.js';

export interface WorldOptions {
  /** For the server process: say, TURN settings in its environment. */
  server?: ServerProcessOptions;
  /** Run in every page of every person before the app (test switches, instrumentation). */
  initScripts?: readonly string[];
}

export class World {
  readonly server: ServerProcess;
  readonly #browser: Browser;
  readonly #problems = new PageProblems();
  readonly #people: Person[] = [];
  readonly #initScripts: readonly string[];

  private constructor(browser: Browser, server: ServerProcess, initScripts: readonly string[]) {
    this.#browser = browser;
    this.server = server;
    this.#initScripts = initScripts;
  }

  /** Opens Parley for a new person (a fresh browser profile, in `locale` if given), signed out. */
  async arrive(name: string, locale?: string): Promise<Person> {
    const person = await Person.arrive(
      this.#browser,
      this.server.url,
      name,
      this.#problems,
      this.#initScripts,
      locale,
    );
    this.#people.push(person);
    return person;
  }

  /** Opens Parley for a new person and creates their account. */
  async register(name: string): Promise<Person> {
    const person = await this.arrive(name);
    await person.register();
    return person;
  }

  /** Registers two people, waits until each sees the other online, and opens their conversation on both sides. */
  async twoInConversation(first: string, second: string): Promise<[Person, Person]> {
    const a = await this.register(first);
    const b = await this.register(second);
    await a.waitUntilOnline(second);
    await b.waitUntilOnline(first);
    await a.openChat(second);
    await b.openChat(first);
    return [a, b];
  }

  /**
   * Starts a server, runs `body`, then closes every profile and the server (deleting its data) even
   * when `body` failed. Fails when a page had an uncaught error.
   */
  static async run(
    browser: Browser,
    body: (world: World) => Promise<void>,
    options: WorldOptions = {},
  ): Promise<void> {
    const world = new World(browser, await ServerProcess.start(options.server), options.initScripts ?? []);
    try {
      await body(world);
    } finally {
      await Promise.allSettled(world.#people.map((person) => person.close()));
      await world.server.dispose();
    }
    world.#problems.assertNoUncaughtErrors();
  }
}

/**
 * Launches the Chromium of the current test file before its first test and closes it after the last.
 * Returns a function that runs one test body in a fresh `World`.
 */
export function useWorlds(): (
  body: (world: World) => Promise<void>,
  options?: WorldOptions,
) => Promise<void> {
  let browser: Browser | null = null;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  return (body, options) => {
    if (!browser) throw new Error('Chromium is not running: useWorlds() must be called at the top level');
    return World.run(browser, body, options);
  };
}

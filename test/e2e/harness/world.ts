/**
 * Everything one e2e test runs against: a real server process of its own, the people who use it
 * (each a browser context of one of the file's browsers: Chromium, and Firefox where a file asks
 * for it), and the cleanup of all of it, whatever happened.
 */
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { launchFirefox } from './firefox.js';
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

export type BrowserName = 'chromium' | 'firefox';

const LAUNCH: Readonly<Record<BrowserName, () => Promise<Browser>>> = {
  chromium: launchChromium,
  firefox: launchFirefox,
};

export interface ArriveOptions {
  /** Whose browser the person uses. Default: the first the file launched (Chromium unless it said otherwise). */
  browser?: BrowserName;
  /** The browser's language (`navigator.languages`, Accept-Language); default Playwright's, en-US. */
  locale?: string;
}

export class World {
  readonly server: ServerProcess;
  readonly #browsers: ReadonlyMap<BrowserName, Browser>;
  readonly #problems = new PageProblems();
  readonly #people: Person[] = [];
  readonly #initScripts: readonly string[];

  private constructor(
    browsers: ReadonlyMap<BrowserName, Browser>,
    server: ServerProcess,
    initScripts: readonly string[],
  ) {
    this.#browsers = browsers;
    this.server = server;
    this.#initScripts = initScripts;
  }

  /** Opens Parley for a new person (a fresh browser profile, in `options.locale` if given), signed out. */
  async arrive(name: string, options: ArriveOptions = {}): Promise<Person> {
    const person = await Person.arrive(
      this.#browser(options.browser),
      this.server.url,
      name,
      this.#problems,
      this.#initScripts,
      options.locale,
    );
    this.#people.push(person);
    return person;
  }

  /** Opens Parley for a new person and creates their account. */
  async register(name: string, options: ArriveOptions = {}): Promise<Person> {
    const person = await this.arrive(name, options);
    await person.register();
    return person;
  }

  #browser(name: BrowserName | undefined): Browser {
    const browser = name ? this.#browsers.get(name) : this.#browsers.values().next().value;
    if (!browser)
      throw new Error(`${name ?? 'no browser'} is not running: name it in useWorlds()/useWorld()`);
    return browser;
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

  /** Starts a server for people of `browsers` (the first is the default). */
  static async open(browsers: ReadonlyMap<BrowserName, Browser>, options: WorldOptions = {}): Promise<World> {
    return new World(browsers, await ServerProcess.start(options.server), options.initScripts ?? []);
  }

  /**
   * Closes every profile and the server (deleting its data), then fails when a page had an
   * uncaught error.
   */
  async close(): Promise<void> {
    await this.#dispose();
    this.#problems.assertNoUncaughtErrors();
  }

  async #dispose(): Promise<void> {
    await Promise.allSettled(this.#people.map((person) => person.close()));
    await this.server.dispose();
  }

  /**
   * Starts a server, runs `body`, then closes every profile and the server (deleting its data) even
   * when `body` failed. Fails when a page had an uncaught error.
   */
  static async run(
    browsers: ReadonlyMap<BrowserName, Browser>,
    body: (world: World) => Promise<void>,
    options: WorldOptions = {},
  ): Promise<void> {
    const world = await World.open(browsers, options);
    try {
      await body(world);
    } finally {
      await world.#dispose();
    }
    world.#problems.assertNoUncaughtErrors();
  }
}

/** The browsers of one test file, launched together. */
class Browsers {
  readonly #names: readonly BrowserName[];
  readonly #running = new Map<BrowserName, Browser>();

  constructor(names: readonly BrowserName[]) {
    this.#names = names;
  }

  async launch(): Promise<void> {
    const launched = await Promise.all(this.#names.map((name) => LAUNCH[name]()));
    this.#names.forEach((name, i) => this.#running.set(name, launched[i]!));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#running.values()].map((browser) => browser.close()));
  }

  get running(): ReadonlyMap<BrowserName, Browser> {
    if (this.#running.size === 0)
      throw new Error('no browser is running: call useWorlds()/useWorld() at the top level');
    return this.#running;
  }
}

/**
 * Launches the browsers of the current test file (default: Chromium alone) before its first test and
 * closes them after the last. Returns a function that runs one test body in a fresh `World`.
 */
export function useWorlds(
  names: readonly BrowserName[] = ['chromium'],
): (body: (world: World) => Promise<void>, options?: WorldOptions) => Promise<void> {
  const browsers = new Browsers(names);
  before(() => browsers.launch());
  after(() => browsers.close());
  return (body, options) => World.run(browsers.running, body, options);
}

/**
 * One `World` for the whole test file — one server, its people staying until the last test — for
 * files whose tests are cheap next to starting browsers and a server; each test uses names of its
 * own. Returns a getter for it.
 */
export function useWorld(names: readonly BrowserName[], options: WorldOptions = {}): () => World {
  const browsers = new Browsers(names);
  let world: World | null = null;
  // One hook each way: node:test does not promise to finish one top-level hook before the next.
  before(async () => {
    await browsers.launch();
    world = await World.open(browsers.running, options);
  });
  after(async () => {
    try {
      await world?.close();
    } finally {
      await browsers.close();
    }
  });
  return () => {
    if (!world) throw new Error('the world is not open: call useWorld() at the top level');
    return world;
  };
}

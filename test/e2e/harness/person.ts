/**
 * One person in front of their own browser: acts only through what is on screen, found by role and
 * accessible name (docs: /work/shared/guide/ui-contract.md), and waits for what a person would wait for.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { newPersonContext } from './chromium.js';
import type { PageProblems } from './page-problems.js';

/** Long enough for scrypt and a WebRTC connection on a busy 2-core machine. */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_PASSWORD = 'correct horse battery staple';

/**
 * The states the UI shows for one's own messages; in a group, delivery is counted
 * (`delivered to 1 of 2`, `delivered to all 2`).
 */
export type MessageState =
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'read'
  | `delivered to ${number} of ${number}`
  | `delivered to all ${number}`;
const STATE_TEXT = /^(sending|sent|delivered|read)(( to| by) (all \d+|\d+ of \d+))?(, read by \d+)?$/;

export interface UserButtonOptions {
  /** The list to look in. Default **Online users**. */
  list?: string;
  /** Match only when the button's name says this many unread (0: says no unread count). */
  unread?: number;
}

export class Person {
  readonly name: string;
  readonly context: BrowserContext;
  readonly #url: string;
  readonly #problems: PageProblems;
  #page: Page | null = null;
  #pages = 0;

  private constructor(name: string, context: BrowserContext, url: string, problems: PageProblems) {
    this.name = name;
    this.context = context;
    this.#url = url;
    this.#problems = problems;
  }

  /**
   * Opens Parley at `url` in a browser profile of the person's own. `initScripts` run in each of
   * the person's pages before the app (for instrumentation, e.g. in benchmarks); `locale` is their
   * browser's language.
   */
  static async arrive(
    browser: Browser,
    url: string,
    name: string,
    problems: PageProblems,
    initScripts: readonly string[] = [],
    locale?: string,
  ): Promise<Person> {
    const context = await newPersonContext(browser, new URL(url).origin, initScripts, locale);
    context.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
    const person = new Person(name, context, url, problems);
    await person.openPage();
    return person;
  }

  /**
   * Opens Parley at `url` in a profile the caller made and closes (`closePage` when done, not
   * `close`): say, one on disk shared with someone at another origin.
   */
  static async arriveIn(
    context: BrowserContext,
    url: string,
    name: string,
    problems: PageProblems,
  ): Promise<Person> {
    const person = new Person(name, context, url, problems);
    await person.openPage();
    return person;
  }

  /** Whether the person has a tab open. */
  get hasPage(): boolean {
    return this.#page !== null;
  }

  /** The open tab. Throws while the person has no tab open. */
  get page(): Page {
    if (!this.#page) throw new Error(`${this.name} has no page open`);
    return this.#page;
  }

  // ── signed out ────────────────────────────────────────────────────────────────────────────────

  get usernameField(): Locator {
    return this.page.getByRole('textbox', { name: 'Username', exact: true });
  }

  get passwordField(): Locator {
    return this.page.getByLabel('Password', { exact: true });
  }

  get alert(): Locator {
    return this.page.getByRole('alert');
  }

  /** Creates the account `name` (default: the person's name) and waits until signed in. */
  async register(name = this.name, password = DEFAULT_PASSWORD): Promise<void> {
    await this.submitSignIn('Create account', name, password);
    await this.waitUntilSignedIn(name);
  }

  /** Logs in as `name` (default: the person's name) and waits until signed in. */
  async login(name = this.name, password = DEFAULT_PASSWORD): Promise<void> {
    await this.submitSignIn('Log in', name, password);
    await this.waitUntilSignedIn(name);
  }

  /** Types into the sign-in form and presses `button`, without waiting for the outcome. */
  async submitSignIn(button: 'Log in' | 'Create account', name: string, password: string): Promise<void> {
    await this.usernameField.fill(name);
    await this.passwordField.fill(password);
    await this.page.getByRole('button', { name: button, exact: true }).click();
  }

  // ── signed in ─────────────────────────────────────────────────────────────────────────────────

  get logOutButton(): Locator {
    return this.page.getByRole('button', { name: 'Log out', exact: true });
  }

  /** Waits for the signed-in screen: **Log out** and the user's own name. */
  async waitUntilSignedIn(name = this.name): Promise<void> {
    await this.logOutButton.waitFor();
    await this.page.getByText(name, { exact: true }).first().waitFor();
  }

  /** The non-blocking notice that the server is away (a role status that talks about the server). */
  get serverNotice(): Locator {
    return this.page.getByRole('status').filter({ hasText: /server/i });
  }

  /** The button of `name` in a people list (default **Online users**), by the start of its name. */
  userButton(name: string, options: UserButtonOptions = {}): Locator {
    const list = this.page.getByRole('list', { name: options.list ?? 'Online users', exact: true });
    const start = `^${escapeRegExp(name)}(?=$|[,\\s])`;
    const pattern =
      options.unread === undefined
        ? new RegExp(start)
        : options.unread === 0
          ? new RegExp(`${start}(?!.*\\bunread\\b)`)
          : new RegExp(`${start}.*\\b${options.unread} unread\\b`);
    return list.getByRole('button', { name: pattern });
  }

  /** Waits until `name` is listed as online. */
  async waitUntilOnline(name: string, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.userButton(name).waitFor({ timeout });
  }

  /** Opens the conversation with `name` from a list and waits for its heading. */
  async openChat(name: string, options: Pick<UserButtonOptions, 'list'> = {}): Promise<void> {
    await this.userButton(name, options).click();
    await this.page.getByRole('heading', { name, exact: true }).waitFor();
  }

  /** The open conversation's status once its data channel is open. */
  get directConnection(): Locator {
    return this.page.getByRole('status').filter({ hasText: /connected directly/i });
  }

  // ── groups and the Lobby ──────────────────────────────────────────────────────────────────────

  /** The button of a group (or of the Lobby) in **Groups**. */
  groupButton(name: string, options: Pick<UserButtonOptions, 'unread'> = {}): Locator {
    return this.userButton(name, { ...options, list: 'Groups' });
  }

  /** Opens a group (or the Lobby) from **Groups** and waits for its heading. */
  async openGroup(name: string): Promise<void> {
    await this.openChat(name, { list: 'Groups' });
  }

  /** The modal dialog `name` (**New group**, **Add members**) while it is open. */
  dialog(name: 'New group' | 'Add members'): Locator {
    return this.page.getByRole('dialog', { name, exact: true });
  }

  /**
   * Creates the group `name` with `members` through **New group**, and waits until the server has
   * confirmed it: the dialog closes and the new group is open.
   */
  async createGroup(name: string, members: readonly string[], timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.page.getByRole('button', { name: 'New group', exact: true }).click();
    const dialog = this.dialog('New group');
    await dialog.getByRole('textbox', { name: 'Group name', exact: true }).fill(name);
    for (const member of members) await dialog.getByRole('checkbox', { name: member, exact: true }).check();
    await dialog.getByRole('button', { name: 'Create group', exact: true }).click();
    await dialog.waitFor({ state: 'hidden', timeout });
    await this.page.getByRole('heading', { name, exact: true }).waitFor({ timeout });
  }

  /**
   * Accepts the invitation to group `name` with its **Accept** in **Groups** (the item marked
   * `invited`), and waits until the group is listed as one this user is in.
   */
  async acceptInvitation(name: string, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
    const invitation = this.page
      .getByRole('list', { name: 'Groups', exact: true })
      .getByRole('listitem')
      .filter({ hasText: `${name}, invited` });
    await invitation.getByRole('button', { name: 'Accept', exact: true }).click({ timeout });
    await this.groupButton(name).waitFor({ timeout });
  }

  /** Adds `members` to the open group through **Add members**; waits until the dialog closed. */
  async addMembers(members: readonly string[], timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.page.getByRole('button', { name: 'Add members', exact: true }).click();
    const dialog = this.dialog('Add members');
    for (const member of members) await dialog.getByRole('checkbox', { name: member, exact: true }).check();
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.waitFor({ state: 'hidden', timeout });
  }

  /** Leaves the open group with **Leave group** and waits until it is gone from **Groups**. */
  async leaveGroup(name: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Leave group', exact: true }).click();
    await this.groupButton(name).waitFor({ state: 'detached' });
  }

  /** The open group's status line, which lists its members (`3 members: alice, bob, carol`). */
  get memberStatus(): Locator {
    return this.page.getByRole('status').filter({ hasText: /\bmembers?:/ });
  }

  /** Waits until the open group's status lists exactly `members` (in any order given). */
  async waitForMembers(members: readonly string[], timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
    const sorted = [...members].sort((a, b) => a.localeCompare(b));
    const text = `${sorted.length} members: ${sorted.join(', ')}`;
    await this.memberStatus
      .filter({ hasText: new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) })
      .waitFor({ timeout });
  }

  // ── messages ──────────────────────────────────────────────────────────────────────────────────

  get messageLog(): Locator {
    return this.page.getByRole('log', { name: 'Messages', exact: true });
  }

  get messageBox(): Locator {
    return this.page.getByRole('textbox', { name: 'Message', exact: true });
  }

  /** The message whose text is exactly `text`, in the open conversation. */
  message(text: string): Locator {
    return this.messageLog.getByRole('article').filter({ has: this.page.getByText(text, { exact: true }) });
  }

  /** Types `text` into **Message**, presses Enter and waits for it to show in the log. */
  async send(text: string): Promise<void> {
    await this.messageBox.fill(text);
    await this.messageBox.press('Enter');
    await this.expectMessage(text, { author: this.name });
  }

  /** Waits for a message with exactly `text` by `author` in the open conversation. */
  async expectMessage(text: string, options: { author: string; timeout?: number }): Promise<void> {
    await this.message(text)
      .filter({ has: this.page.getByText(options.author, { exact: true }) })
      .waitFor({ timeout: options.timeout ?? DEFAULT_TIMEOUT_MS });
  }

  /** The state text shown on one's own message right now (`sending`, `sent`, `delivered`…). */
  async messageState(text: string): Promise<string | null> {
    const state = this.message(text).getByText(STATE_TEXT);
    if ((await state.count()) === 0) return null;
    return ((await state.textContent()) ?? '').trim();
  }

  /**
   * Waits until one's own message `text` shows `state`. A message read by its recipients was delivered
   * to them first: waiting for `delivered` (to all N, or X of N) also accepts `read` (by all N, by X of
   * N), since a recipient with the conversation open reads it at once.
   */
  async waitForState(text: string, state: MessageState, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.message(text).getByText(stateMatcher(state)).waitFor({ timeout });
  }

  /** The texts of the open conversation's messages, in the order shown. */
  async messageTexts(): Promise<string[]> {
    const articles = await this.messageLog.getByRole('article').all();
    return Promise.all(
      articles.map(async (article) => {
        // The last paragraph of an article is its text; the lines above are author, time and state.
        const lines = (await article.innerText()).split('\n').filter((line) => line.trim() !== '');
        return lines[lines.length - 1] ?? '';
      }),
    );
  }

  /**
   * The texts of every message stored in the person's browser, in any account and conversation:
   * what reached this device, whether or not anything shows it.
   */
  async storedTexts(): Promise<string[]> {
    return this.page.evaluate(async () => {
      const request = <T>(r: IDBRequest<T>): Promise<T> =>
        new Promise((resolve, reject) => {
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
        });
      const texts: string[] = [];
      for (const { name } of await indexedDB.databases()) {
        if (!name) continue;
        const db = await request(indexedDB.open(name));
        try {
          if (!db.objectStoreNames.contains('messages')) continue;
          const rows = await request(db.transaction('messages').objectStore('messages').getAll());
          for (const row of rows as unknown[]) {
            const text = (row as { text?: unknown }).text;
            if (typeof text === 'string') texts.push(text);
          }
        } finally {
          db.close();
        }
      }
      return texts;
    });
  }

  // ── the tab and the browser ───────────────────────────────────────────────────────────────────

  /** Reloads the tab and waits for the page to have loaded. */
  async reload(): Promise<void> {
    await this.page.reload();
  }

  /** Closes the tab; the profile (and its remembered session and history) stays. */
  async closePage(): Promise<void> {
    const page = this.#page;
    this.#page = null;
    await page?.close();
  }

  /** Opens Parley in a new tab of the same profile. */
  async openPage(): Promise<void> {
    const page = await this.context.newPage();
    this.#pages += 1;
    this.#problems.watch(page, this.#pages === 1 ? this.name : `${this.name}#${this.#pages}`);
    this.#page = page;
    await page.goto(this.#url);
  }

  /** Closes the whole profile, as if the person closed their browser for good. */
  async close(): Promise<void> {
    this.#page = null;
    await this.context.close();
  }
}

function stateMatcher(state: MessageState): RegExp {
  if (state === 'delivered') return /^(delivered|read)$/;
  const all = /^delivered to all (\d+)$/.exec(state);
  if (all) return new RegExp(`^(delivered to all ${all[1]}(, read by \\d+)?|read by all ${all[1]})$`);
  if (state.startsWith('delivered to ')) return new RegExp(`^${escapeRegExp(state)}(, read by \\d+)?$`);
  return new RegExp(`^${escapeRegExp(state)}$`);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

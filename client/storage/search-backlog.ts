/**
 * Messages stored but not yet in the search index: a catch-up batch is indexed after it is stored,
 * not inside its transaction. Tokens are most of what a batch writes (a put per word of each
 * message), and a returning member's catch-up waited on them; here the batch's transaction adds one
 * `search-pending` row (the batch's ids) and the tokens follow a moment later, a row per
 * transaction, in the page's idle time.
 *
 * The rows are stored, so a page closed before they are indexed indexes them when the account is
 * opened again (`openAccountStore` calls `drainSoon`). A search drains the backlog first (`drain`),
 * so a message stored is always found, whether or not its tokens were written yet. Indexing is
 * idempotent: a row indexed twice (a drain cut off by the page closing after its tokens but before
 * its row went) writes the same keys again.
 *
 * The drain gives way to a catch-up: a batch queued while it runs holds it back until the batches
 * stop again (`SEARCH_DRAIN_DELAY_MS` after the last), and it indexes at most
 * `SEARCH_DRAIN_STEP` messages per transaction, so a batch that arrives meanwhile waits for one
 * short transaction at most. (Measured in `bench:groups`: a drain left over from the last visit,
 * started at open, took a returning member's main thread and IndexedDB for ~0.6 s of its catch-up.)
 */
import type { IDBPObjectStore } from 'idb';
import type { AccountSchema, AccountStoreName } from './account-db.js';
import { SearchIndex } from './search-index.js';
import type { StoreConnection } from './store-connection.js';
import { StoredMessage } from './stored-message.js';

/** The backlog store inside any read-write transaction that includes it. */
export type SearchBacklogWriter = IDBPObjectStore<
  AccountSchema,
  ArrayLike<AccountStoreName>,
  'search-pending',
  'readwrite'
>;

/**
 * How long after the last batch queued the backlog starts to drain: a catch-up brings a batch every
 * few milliseconds, and indexing between them would slow it down.
 */
export const SEARCH_DRAIN_DELAY_MS = 500;

/** At most this many messages are indexed per transaction (a batch's row is taken in steps). */
export const SEARCH_DRAIN_STEP = 32;

/**
 * How long after the account opens a backlog left from the last visit starts to drain: past the
 * page's start and the first batches of its catch-up, which would otherwise share the thread and
 * the database with it.
 */
export const SEARCH_RESUME_DELAY_MS = 3000;

export class SearchBacklog {
  readonly #connection: StoreConnection;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The drain under way, if any: a search and the idle job share it. */
  #draining: Promise<void> | null = null;
  /** A search waits for the drain under way: it no longer waits for idle periods between steps. */
  #urgent = false;
  #stopped = false;
  /** `performance.now()` before which an idle drain takes no step: batches are still arriving. */
  #heldUntil = 0;

  constructor(connection: StoreConnection) {
    this.#connection = connection;
  }

  /**
   * Notes `ids` (stored in the caller's transaction) as to be indexed, in that transaction. Call
   * `drainSoon` once it committed.
   */
  async queue(store: SearchBacklogWriter, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await store.add([...ids]);
  }

  /**
   * Indexes the backlog `SEARCH_DRAIN_DELAY_MS` after the last call, a step per idle period; a drain
   * under way waits as long before its next step.
   */
  drainSoon(delayMs = SEARCH_DRAIN_DELAY_MS): void {
    if (this.#stopped) return;
    this.#heldUntil = Math.max(this.#heldUntil, performance.now() + delayMs);
    // Armed even while a drain runs: one that is just finishing would not see this batch's row.
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#drain(true).catch((error: unknown) => this.#failed(error));
    }, delayMs);
  }

  /** Settles once every message queued so far is in the search index. */
  drain(): Promise<void> {
    return this.#drain(false);
  }

  /** Nothing more is drained (the connection is closing). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** One drain at a time; a search joining an idle drain makes it go on without waiting for idle. */
  #drain(idle: boolean): Promise<void> {
    if (this.#draining) {
      if (!idle) this.#urgent = true;
      return this.#draining;
    }
    this.#urgent = !idle;
    const run = this.#run().finally(() => {
      if (this.#draining === run) this.#draining = null;
    });
    this.#draining = run;
    return run;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      if (!this.#urgent) await this.#quiet();
      if (this.#stopped || !(await this.indexStep())) return;
    }
  }

  /** Resolves once no batch was queued for `SEARCH_DRAIN_DELAY_MS` and the page is idle (or urgent). */
  async #quiet(): Promise<void> {
    for (;;) {
      const wait = this.#heldUntil - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.#urgent) return;
      await idlePeriod();
      if (this.#urgent || this.#heldUntil <= performance.now()) return;
    }
  }

  /**
   * Indexes up to `SEARCH_DRAIN_STEP` messages of the oldest backlog row, and deletes the row or
   * keeps the rest of it, in one transaction; false when none is left. (Public for tests, which
   * take steps one by one.)
   */
  indexStep(): Promise<boolean> {
    return this.#connection.run(['search-pending', 'messages', 'search-index'], 'readwrite', async (tx) => {
      const pending = tx.objectStore('search-pending');
      const cursor = await pending.openCursor();
      if (!cursor) return false;
      const ids: unknown = cursor.value;
      const messages = tx.objectStore('messages');
      const index = tx.objectStore('search-index');
      const list = Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
      const step = list.slice(0, SEARCH_DRAIN_STEP);
      await Promise.all(
        step.map(async (id) => {
          // Gone (deleted for everyone, or damaged: reported when read) leaves nothing to index.
          const message = this.#connection.parse(StoredMessage, 'messages', id, await messages.get(id));
          if (message) await SearchIndex.addTo(index, message);
        }),
      );
      const rest = list.slice(SEARCH_DRAIN_STEP);
      await (rest.length > 0 ? cursor.update(rest) : cursor.delete());
      return true;
    });
  }

  #failed(error: unknown): void {
    // The connection closed under the drain (sign-out, another tab's upgrade): the next open resumes.
    if (this.#stopped || (error instanceof DOMException && error.name === 'InvalidStateError')) return;
    console.warn('parley: indexing caught-up messages for search failed; the next open retries', error);
  }
}

/** Resolves in the page's next idle period (or on the next task where there is no such thing). */
function idlePeriod(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 1000 });
    else setTimeout(resolve, 0);
  });
}

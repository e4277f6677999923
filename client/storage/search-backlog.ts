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

export class SearchBacklog {
  readonly #connection: StoreConnection;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The drain under way, if any: a search and the idle job share it. */
  #draining: Promise<void> | null = null;
  /** A search waits for the drain under way: it no longer waits for idle periods between rows. */
  #urgent = false;
  #stopped = false;

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

  /** Indexes the backlog `SEARCH_DRAIN_DELAY_MS` after the last call, a row per idle period. */
  drainSoon(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#drain(true).catch((error: unknown) => this.#failed(error));
    }, SEARCH_DRAIN_DELAY_MS);
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
    while (!this.#stopped && (await this.#indexOne())) {
      if (!this.#urgent) await idlePeriod();
    }
  }

  /** Indexes the oldest backlog row and deletes it, in one transaction; false when none is left. */
  #indexOne(): Promise<boolean> {
    return this.#connection.run(['search-pending', 'messages', 'search-index'], 'readwrite', async (tx) => {
      const pending = tx.objectStore('search-pending');
      const cursor = await pending.openCursor();
      if (!cursor) return false;
      const ids: unknown = cursor.value;
      const messages = tx.objectStore('messages');
      const index = tx.objectStore('search-index');
      const list = Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
      await Promise.all(
        list.map(async (id) => {
          // Gone (deleted for everyone, or damaged: reported when read) leaves nothing to index.
          const message = this.#connection.parse(StoredMessage, 'messages', id, await messages.get(id));
          if (message) await SearchIndex.addTo(index, message);
        }),
      );
      await cursor.delete();
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

/**
 * The pages the conversation view reads from the `messages` store's (conversation, sentAt, id)
 * index: the newest, the one before or after a position (scrolling back or forward through a long
 * history), and the one around a message (a search result opened). Read-only: `MessageStore` writes.
 */
import type { IDBPIndex } from 'idb';
import type { AccountSchema } from './account-db.js';
import { StoredMessage, isLogEntry } from './stored-message.js';
import type { StoreConnection } from './store-connection.js';

/** How many shown messages `listConversation` returns when not told. */
export const DEFAULT_PAGE_SIZE = 200;

/** A position in a conversation, in the order `listConversation` uses. */
export interface ConversationCursor {
  sentAt: number;
  id: string;
}

/** Which page `listConversation` reads: the newest (neither), or the one just before or after a position. */
export interface PageOptions {
  limit?: number;
  before?: ConversationCursor;
  after?: ConversationCursor;
}

type ConversationIndex = IDBPIndex<AccountSchema, ['messages'], 'messages', 'by-conversation', 'readonly'>;

/** The view's pages of one account. Reached through `MessageStore.listConversation` and `listAround`. */
export class ConversationPages {
  readonly #connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.#connection = connection;
  }

  /**
   * The latest `limit` (default 200) shown messages of a conversation — texts, files and voice —
   * in ascending (sentAt, id) order, with every reaction, edit and tombstone that falls among them
   * (from the first of them on). Those do not count toward `limit`: however many there are, a page
   * shows as many messages. With `before`, the page that ends just before that position: pass the first message
   * of a page to get the one before it. With `after`, the page that starts just after it (pass the
   * last message of a page): its reactions up to its last shown message, so a page with fewer than
   * `limit` shown messages is the end of the conversation, trailing reactions included.
   */
  async listConversation(conversation: string, options: PageOptions = {}): Promise<StoredMessage[]> {
    const { limit = DEFAULT_PAGE_SIZE, before, after } = options;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError('limit must be a positive integer');
    if (before && after) throw new TypeError('a page is before a position or after one, not both');
    if (after) {
      const range = IDBKeyRange.bound([conversation, after.sentAt, after.id], [conversation, []], true);
      return this.#read((index) => this.#walk(index, range, 'next', limit));
    }
    // From [conversation] (below all its keys) up to [conversation, []] (above all of them, damaged
    // keys included, so a damaged row is reported rather than silently missing).
    const range = before
      ? IDBKeyRange.bound([conversation], [conversation, before.sentAt, before.id], false, true)
      : IDBKeyRange.bound([conversation], [conversation, []]);
    const page = await this.#read((index) => this.#walk(index, range, 'prev', limit));
    return page.reverse();
  }

  /**
   * The page around one message of a conversation (a search result opened): up to `limit` shown
   * messages, about half of them up to and including `at`, the rest after it, in view order with
   * the reactions among them. When fewer follow `at`, the page simply ends at the newest message.
   */
  async listAround(
    conversation: string,
    at: ConversationCursor,
    limit = DEFAULT_PAGE_SIZE,
  ): Promise<StoredMessage[]> {
    if (!Number.isSafeInteger(limit) || limit < 2) throw new TypeError('limit must be an integer above 1');
    const atKey = [conversation, at.sentAt, at.id];
    return this.#read(async (index) => {
      const upTo = IDBKeyRange.bound([conversation], atKey);
      const after = IDBKeyRange.bound(atKey, [conversation, []], true);
      const older = await this.#walk(index, upTo, 'prev', Math.ceil(limit / 2));
      const newer = await this.#walk(index, after, 'next', Math.floor(limit / 2));
      return [...older.reverse(), ...newer];
    });
  }

  #read(read: (index: ConversationIndex) => Promise<StoredMessage[]>): Promise<StoredMessage[]> {
    return this.#connection.run(['messages'], 'readonly', async (tx) =>
      read(tx.objectStore('messages').index('by-conversation')),
    );
  }

  /** Reads `range` of the conversation index in `direction` until `limit` shown messages are in. */
  async #walk(
    index: ConversationIndex,
    range: IDBKeyRange,
    direction: IDBCursorDirection,
    limit: number,
  ): Promise<StoredMessage[]> {
    const found: StoredMessage[] = [];
    let shown = 0;
    // Newest first (`prev`), a page ends at the `limit`-th shown message: it is the page's first
    // entry, which is where the next page back starts.
    for (let cursor = await index.openCursor(range, direction); cursor && shown < limit;) {
      const message = this.#connection.parse(StoredMessage, 'messages', cursor.primaryKey, cursor.value);
      if (message) found.push(message);
      if (message && isLogEntry(message)) shown += 1;
      cursor = await cursor.continue();
    }
    return found;
  }
}

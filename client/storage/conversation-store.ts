/**
 * The `conversations` store: one row per conversation with its unread count, last activity, when it
 * was last read, and whether it is muted — what the conversation list and the tab title show. It is
 * derived from the messages (and rebuilt from the next one when damaged), except `muted`, the
 * user's own choice. Message writes bump it inside their own transaction through `touch`, so a
 * message and its conversation's count never disagree.
 */
import type { ConversationsWriter } from './account-db.js';
import { ConversationSummary } from './stored-message.js';
import type { StoreConnection } from './store-connection.js';

/** The rows and counts of conversations. Reached as `AccountStore.conversations`. */
export class ConversationStore {
  readonly #connection: StoreConnection;

  /** Use `AccountStore.conversations`. */
  constructor(connection: StoreConnection) {
    this.#connection = connection;
  }

  /** Every conversation that has messages (or was muted), most recently active first. */
  async list(): Promise<ConversationSummary[]> {
    const summaries = await this.#connection.run(['conversations'], 'readonly', async (tx) => {
      const found: ConversationSummary[] = [];
      let cursor = await tx.objectStore('conversations').openCursor();
      while (cursor) {
        const summary = this.#parse(cursor.primaryKey, cursor.value);
        if (summary) found.push(summary);
        cursor = await cursor.continue();
      }
      return found;
    });
    return summaries.sort((a, b) => b.lastActivity - a.lastActivity || compareStrings(a.id, b.id));
  }

  /** The user has seen `conversation` up to `at` (default now): its unread count drops to 0. */
  async markRead(conversation: string, at: number = Date.now()): Promise<void> {
    await this.#connection.run(['conversations'], 'readwrite', async (tx) => {
      const conversations = tx.objectStore('conversations');
      const summary = this.#parse(conversation, await conversations.get(conversation));
      // A conversation without messages has no row, so there is nothing to mark.
      if (summary === undefined) return;
      await conversations.put({ ...summary, unread: 0, lastReadAt: Math.max(summary.lastReadAt, at) });
    });
  }

  /**
   * Mutes (or unmutes) the notifications of `conversation`. A conversation without messages gets its
   * row now, so the choice outlives a reload.
   */
  async setMuted(conversation: string, muted: boolean): Promise<void> {
    await this.#connection.run(['conversations'], 'readwrite', async (tx) => {
      const conversations = tx.objectStore('conversations');
      const current =
        this.#parse(conversation, await conversations.get(conversation)) ?? emptySummary(conversation);
      const { muted: _previous, ...rest } = current;
      await conversations.put(muted ? { ...rest, muted: true } : rest);
    });
  }

  /**
   * Adds activity (and `unread` unread messages) to a conversation's row inside the caller's
   * transaction, creating the row with the conversation's first message. For `MessageStore` only.
   */
  async touch(
    conversations: ConversationsWriter,
    id: string,
    activity: number,
    unread: number,
  ): Promise<void> {
    // A damaged row is replaced: it is derived data, and skipping it would hide the conversation.
    const current = this.#parse(id, await conversations.get(id)) ?? emptySummary(id);
    await conversations.put({
      ...current,
      unread: current.unread + unread,
      lastActivity: Math.max(current.lastActivity, activity),
    });
  }

  #parse(key: IDBValidKey, raw: unknown): ConversationSummary | undefined {
    return this.#connection.parse(ConversationSummary, 'conversations', key, raw);
  }
}

function emptySummary(id: string): ConversationSummary {
  return { id, unread: 0, lastActivity: 0, lastReadAt: 0 };
}

/** Code-unit order, the one IndexedDB sorts string keys by. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

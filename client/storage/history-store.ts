/**
 * Reading the whole history out (an export) and merging one in (an import), by message id. Reads
 * come in pages by primary key, so an export of any size holds one page at a time; merges are one
 * transaction per batch and never overwrite what is here: a message or file already stored stays
 * as it is (delivery marks are joined), so importing twice, or importing into a browser that has
 * part of the history, duplicates nothing and loses nothing. Imported messages are indexed for
 * search in the transaction that stores them, as arriving ones are. Outbox rows are not part of a
 * history: the browser that wrote a message is the one that delivers it.
 */
import type * as z from 'zod';
import type { ConversationStore } from './conversation-store.js';
import type { SearchIndex } from './search-index.js';
import type { StoreConnection } from './store-connection.js';
import { StoredFile } from './stored-file.js';
import { ConversationSummary, StoredMessage } from './stored-message.js';

/** A page of rows after `after` (by primary key), for reading everything a page at a time. */
export interface Page<T> {
  readonly rows: T[];
  /** Where the next page starts; null when this was the last. */
  readonly next: string | null;
}

/** What a merge changed. */
export interface MergeCount {
  readonly added: number;
  readonly kept: number;
}

function union(a: readonly string[] | undefined, b: readonly string[] | undefined): string[] {
  return [...new Set([...(a ?? []), ...(b ?? [])])];
}

/** Reached as `AccountStore.history`. */
export class HistoryStore {
  readonly #connection: StoreConnection;
  readonly #conversations: ConversationStore;
  readonly #search: SearchIndex;

  constructor(connection: StoreConnection, conversations: ConversationStore, search: SearchIndex) {
    this.#connection = connection;
    this.#conversations = conversations;
    this.#search = search;
  }

  /** Up to `limit` valid messages after id `after` (null: from the first), by id. */
  messagePage(after: string | null, limit: number): Promise<Page<StoredMessage>> {
    return this.#page('messages', StoredMessage, after, limit);
  }

  /** Up to `limit` valid file rows after id `after` (null: from the first), by id. */
  filePage(after: string | null, limit: number): Promise<Page<StoredFile>> {
    return this.#page('files', StoredFile, after, limit);
  }

  /**
   * Stores the messages not stored yet, each with its search tokens and its conversation's
   * activity (never unread: an imported history has been read where it came from). A message
   * already here keeps its row; only who it was delivered to and read by is joined in.
   */
  async mergeMessages(batch: readonly StoredMessage[]): Promise<MergeCount> {
    return this.#connection.run(['messages', 'conversations', 'search-index'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const search = tx.objectStore('search-index');
      const conversations = tx.objectStore('conversations');
      let added = 0;
      for (const message of batch) {
        const here = this.#connection.parse(
          StoredMessage,
          'messages',
          message.id,
          await messages.get(message.id),
        );
        if (here) {
          const deliveredTo = union(here.deliveredTo, message.deliveredTo);
          const readBy = union(here.readBy, message.readBy);
          if (
            deliveredTo.length !== here.deliveredTo.length ||
            readBy.length !== (here.readBy?.length ?? 0)
          ) {
            await messages.put({ ...here, deliveredTo, ...(readBy.length > 0 ? { readBy } : {}) });
          }
          continue;
        }
        // A damaged row under this id stays where it is (rows are never overwritten blindly).
        if ((await messages.getKey(message.id)) !== undefined) continue;
        added += 1;
        await Promise.all([
          messages.add(message),
          this.#search.add(search, message),
          this.#conversations.touch(conversations, message.conversation, message.sentAt, 0),
        ]);
      }
      return { added, kept: batch.length - added };
    });
  }

  /** Conversation rows: a new one is added read; one here keeps its counts and takes the mute of either. */
  async mergeConversations(rows: readonly ConversationSummary[]): Promise<void> {
    await this.#connection.run(['conversations'], 'readwrite', async (tx) => {
      const store = tx.objectStore('conversations');
      for (const row of rows) {
        const here = this.#connection.parse(
          ConversationSummary,
          'conversations',
          row.id,
          await store.get(row.id),
        );
        if (!here) {
          if ((await store.getKey(row.id)) === undefined) await store.put({ ...row, unread: 0 });
          continue;
        }
        if (row.muted && !here.muted) await store.put({ ...here, muted: true });
      }
    });
  }

  /**
   * Stores a file's row unless one is here, with its bytes when given: an outgoing file keeps them
   * as its Blob, an incoming one as its chunks (one stored Blob from index 0, which tiles the file
   * as `FileStore.blobOf` expects). Without bytes, an incoming file is pending from its first
   * chunk, so it is fetched again from whoever has it. True when the row was added.
   */
  async mergeFile(row: StoredFile, bytes: Blob | null): Promise<boolean> {
    const whole = bytes !== null && bytes.size === row.info.size;
    const kept: StoredFile =
      row.role === 'outgoing'
        ? { ...row, blob: whole ? bytes : null, hashState: null, have: 0 }
        : whole
          ? {
              ...row,
              status: 'complete',
              have: Math.ceil(row.info.size / row.info.chunkSize),
              hashState: null,
            }
          : {
              ...row,
              status: row.status === 'complete' ? 'pending' : row.status,
              have: 0,
              hashState: null,
              blob: null,
            };
    const checked = StoredFile.safeParse(kept);
    if (!checked.success) throw new TypeError(`invalid file row ${row.id}: ${checked.error.message}`);
    return this.#connection.run(['files', 'file-chunks'], 'readwrite', async (tx) => {
      const files = tx.objectStore('files');
      if ((await files.getKey(row.id)) !== undefined) return false;
      await files.add(checked.data);
      if (row.role === 'incoming' && whole && bytes.size > 0) {
        await tx.objectStore('file-chunks').put(bytes, [row.id, 0]);
      }
      return true;
    });
  }

  async #page<T>(
    store: 'messages' | 'files',
    schema: z.ZodType<T>,
    after: string | null,
    limit: number,
  ): Promise<Page<T>> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError('limit must be a positive integer');
    return this.#connection.run([store], 'readonly', async (tx) => {
      const range = after === null ? undefined : IDBKeyRange.lowerBound(after, true);
      const values = await tx.objectStore(store).getAll(range, limit);
      const keys = await tx.objectStore(store).getAllKeys(range, limit);
      const rows = values
        .map((value, i) => this.#connection.parse(schema, store, keys[i]!, value))
        .filter((row): row is T => row !== undefined);
      const last = keys[keys.length - 1];
      return { rows, next: keys.length === limit && typeof last === 'string' ? last : null };
    });
  }
}

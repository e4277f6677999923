/**
 * What a group catch-up asks and answers, read from the `messages` store's (conversation, author,
 * seq) index: how far each author's messages are held without a gap (`heads`), and what someone
 * holding given heads lacks (`missingFor`). Read-only: what arrives is stored by `MessageStore`.
 */
import { CHAT_MESSAGE_FIELDS } from '../../shared/peer-protocol.js';
import { StoredMessage } from './stored-message.js';
import type { StoreConnection } from './store-connection.js';

/** The catch-up reads of one account. Reached through `AccountStore.heads` and `missingFor`. */
export class CatchUpQueries {
  readonly #connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.#connection = connection;
  }

  /**
   * For each of `authors`, the highest seq of theirs stored in `conversation` (0: none): how far a
   * forwarded seq may reach. One step of a key cursor per author, where `heads` reads every key of
   * the conversation: it is asked for every batch that arrives.
   */
  async highestSeqs(conversation: string, authors: Iterable<string>): Promise<Map<string, number>> {
    const wanted = [...new Set(authors)];
    return this.#connection.run(['messages'], 'readonly', async (tx) => {
      const index = tx.objectStore('messages').index('by-author-seq');
      const found = await Promise.all(
        wanted.map(async (author) => {
          const range = IDBKeyRange.bound([conversation, author], [conversation, author, []]);
          const cursor = await index.openKeyCursor(range, 'prev');
          const seq = (cursor?.key as unknown[] | undefined)?.[2];
          return [author, isSeq(seq) ? seq : 0] as const;
        }),
      );
      return new Map(found);
    });
  }

  /**
   * For each author of `conversation`, the highest seq up to which every message is stored (its
   * contiguous head): what a catch-up asks others to continue from. Index keys of damaged rows (an
   * author that is not a name, a seq that is not a positive integer) count for nothing: they would
   * otherwise go out to peers as heads.
   */
  async heads(conversation: string): Promise<Map<string, number>> {
    return this.#connection.run(['messages'], 'readonly', async (tx) => {
      const heads = new Map<string, number>();
      const range = IDBKeyRange.bound([conversation], [conversation, []]);
      // Keys come sorted by author, then seq: one pass, no values read.
      for (
        let cursor = await tx.objectStore('messages').index('by-author-seq').openKeyCursor(range);
        cursor;
      ) {
        const [, author, seq] = cursor.key as unknown[];
        if (!isAuthor(author) || !isSeq(seq)) {
          cursor = await cursor.continue();
          continue;
        }
        const head = heads.get(author) ?? 0;
        if (seq === head + 1) heads.set(author, seq);
        else if (!heads.has(author)) heads.set(author, 0);
        if (seq > head + 1) {
          // A gap: nothing later of this author counts; skip to the next author.
          cursor = await cursor.continue([conversation, author, Infinity]);
        } else cursor = await cursor.continue();
      }
      for (const [author, head] of heads) if (head === 0) heads.delete(author);
      return heads;
    });
  }

  /**
   * The messages of `conversation` that someone holding `heads` lacks — of each author, those past
   * the author's head — sent at or after `since`, ordered by author and seq.
   */
  async missingFor(
    conversation: string,
    heads: ReadonlyMap<string, number>,
    since = 0,
  ): Promise<StoredMessage[]> {
    const found = await this.#connection.run(['messages'], 'readonly', async (tx) => {
      const index = tx.objectStore('messages').index('by-author-seq');
      // One key-cursor step per author (jumping past each one's keys: `[]` sorts after any seq),
      // then each author's missing run in one request: a cursor step per row cost the member
      // streaming a catch-up of 1,000 a thousand round trips before its first batch.
      const runs: Array<Promise<Array<{ key: IDBValidKey; value: unknown }>>> = [];
      const range = IDBKeyRange.bound([conversation], [conversation, []]);
      for (let cursor = await index.openKeyCursor(range); cursor;) {
        const author = cursor.key[1];
        const head = heads.get(author) ?? 0;
        const missing = IDBKeyRange.bound([conversation, author, head + 0.5], [conversation, author, []]);
        runs.push(
          Promise.all([index.getAllKeys(missing), index.getAll(missing)]).then(([keys, values]) =>
            keys.map((key, i) => ({ key, value: values[i] })),
          ),
        );
        cursor = await cursor.continue([conversation, author, [] as unknown as number]);
      }
      // In the order asked: by author, then seq.
      return (await Promise.all(runs)).flat();
    });
    return found
      .map(({ key, value }) => this.#connection.parse(StoredMessage, 'messages', key, value))
      .filter((message): message is StoredMessage => message !== undefined && message.sentAt >= since);
  }
}

function isAuthor(value: unknown): value is string {
  return CHAT_MESSAGE_FIELDS.author.safeParse(value).success;
}

function isSeq(value: unknown): value is number {
  return CHAT_MESSAGE_FIELDS.seq.safeParse(value).success;
}

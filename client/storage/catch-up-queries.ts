/**
 * What a group catch-up asks and answers, read from the `messages` store's (conversation, author,
 * seq) index: how far each author's messages are held without a gap (`heads`), and what someone
 * holding given heads lacks (`missingFor`). Read-only: what arrives is stored by `MessageStore`.
 */
import type { IDBPIndex } from 'idb';
import { CHAT_MESSAGE_FIELDS } from '../../shared/peer-protocol.js';
import { StoredMessage } from './stored-message.js';
import type { StoreConnection } from './store-connection.js';
import type { AccountSchema, AccountStoreName } from './account-db.js';

type AuthorSeqIndex = IDBPIndex<AccountSchema, ArrayLike<AccountStoreName>, 'messages', 'by-author-seq'>;

/** The catch-up reads of one account. Reached through `AccountStore.heads` and `missingFor`. */
export class CatchUpQueries {
  readonly #connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.#connection = connection;
  }

  /**
   * For each of `authors`, the highest seq of theirs stored in `conversation` (0: none): how far a
   * forwarded seq may reach. One step of a key cursor per author, and no count: it is asked for
   * every batch that arrives.
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
   *
   * Read without walking the conversation (a walk of 1,220 keys stood between a member caught up
   * and its author hearing so): one step of a reverse key cursor per author lands on its highest
   * seq, and a count of its keys from 1 up to it says whether anything is missing below. Only an
   * author with a gap (or a damaged key) has its keys read, in one request.
   */
  async heads(conversation: string): Promise<Map<string, number>> {
    const found = await this.#connection.run(['messages'], 'readonly', async (tx) => {
      const index = tx.objectStore('messages').index('by-author-seq');
      const heads: Array<Promise<readonly [string, number]>> = [];
      const range = IDBKeyRange.bound([conversation], [conversation, []]);
      // From the last key back: each step lands on an author's highest key, and jumps below its
      // first ([conversation, author] sorts before every [conversation, author, seq]).
      for (let cursor = await index.openKeyCursor(range, 'prev'); cursor;) {
        const [, author, top] = cursor.key as unknown[];
        if (isAuthor(author)) heads.push(headOf(index, conversation, author, top));
        cursor = await cursor.continue([conversation, author] as unknown as typeof cursor.key);
      }
      return Promise.all(heads);
    });
    // In author order, as the walk gave them; authors with nothing from seq 1 on are left out.
    return new Map(found.filter(([, head]) => head > 0).reverse());
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

/** The contiguous head of `author`, whose highest key holds `top`. */
async function headOf(
  index: AuthorSeqIndex,
  conversation: string,
  author: string,
  top: unknown,
): Promise<readonly [string, number]> {
  if (isSeq(top)) {
    const held = await index.count(IDBKeyRange.bound([conversation, author, 1], [conversation, author, top]));
    // As many keys from 1 to `top` as seqs there: none is missing (a position is stored once).
    if (held === top) return [author, top];
  }
  // A gap (or a damaged key): this author's keys from the first, up to the gap.
  let head = 0;
  const range = IDBKeyRange.bound([conversation, author], [conversation, author, []]);
  for (let cursor = await index.openKeyCursor(range); cursor; cursor = await cursor.continue()) {
    const seq = cursor.key[2];
    if (!isSeq(seq)) continue;
    if (seq > head + 1) break;
    head = seq;
  }
  return [author, head];
}

function isAuthor(value: unknown): value is string {
  return CHAT_MESSAGE_FIELDS.author.safeParse(value).success;
}

function isSeq(value: unknown): value is number {
  return CHAT_MESSAGE_FIELDS.seq.safeParse(value).success;
}

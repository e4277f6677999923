/**
 * A catch-up batch stored in one transaction with as few round trips to the browser's storage as it
 * takes: the positions the batch would fill are read with one key-cursor per author (a range over
 * the batch's seqs; nothing is found there in an ordinary catch-up), the messages are added, the
 * conversation row bumped, and their search tokens left to the backlog (search-backlog.ts) instead
 * of hundreds of puts here. Before, each message cost three requests besides its own write (its
 * id, its position, its tokens): ~1,300 for a batch of 256, on the returning member's main thread.
 *
 * Whether an id is stored elsewhere (at another position, or in another conversation) is not read
 * per message: `add` refuses a stored id, which aborts the transaction, and the batch is then stored
 * again reading each id first (`careful`). Only a forged or broken batch pays for that.
 */
import type { IDBPIndex } from 'idb';
import type { ChatMessage } from '../../shared/peer-protocol.js';
import type { AccountSchema, AccountStoreName } from './account-db.js';
import type { ConversationStore } from './conversation-store.js';
import type { SearchBacklog } from './search-backlog.js';
import type { StoreConnection } from './store-connection.js';
import { toIncomingRow } from './stored-message.js';

export interface IncomingBatchOptions {
  unread: boolean;
  receivedAt?: number;
  awaitingKey?: ReadonlySet<string>;
}

/** See `MessageStore.addIncomingBatch`. */
export async function storeIncomingBatch(
  deps: { connection: StoreConnection; conversations: ConversationStore; backlog: SearchBacklog },
  conversation: string,
  batch: readonly ChatMessage[],
  options: IncomingBatchOptions,
): Promise<string[]> {
  try {
    return await store(deps, conversation, batch, options, false);
  } catch (error) {
    if (!(error instanceof DOMException) || error.name !== 'ConstraintError') throw error;
    return store(deps, conversation, batch, options, true);
  }
}

async function store(
  { connection, conversations, backlog }: Parameters<typeof storeIncomingBatch>[0],
  conversation: string,
  batch: readonly ChatMessage[],
  options: IncomingBatchOptions,
  careful: boolean,
): Promise<string[]> {
  const receivedAt = options.receivedAt ?? Date.now();
  const ids = await connection.run(
    ['messages', 'conversations', 'search-pending'],
    'readwrite',
    async (tx) => {
      const messages = tx.objectStore('messages');
      const ours = batch.filter((message) => message.conversation === conversation);
      const [held, known] = await Promise.all([
        heldPositions(messages.index('by-author-seq'), conversation, ours),
        careful
          ? Promise.all(ours.map((message) => messages.getKey(message.id)))
          : Promise.resolve(ours.map(() => undefined)),
      ]);
      // Held at its position, by itself (a duplicate) or by another message (the first copy stays).
      const fresh = ours.filter(
        (message, i) => known[i] === undefined && !held.has(positionOf(message.author, message.seq)),
      );
      // A batch may repeat an id: keep its first copy only.
      const unique = [...new Map(fresh.map((message) => [message.id, message])).values()];
      if (unique.length === 0) return [];
      const writes: Promise<unknown>[] = unique.map((message) => {
        const row = toIncomingRow(message, receivedAt);
        if (options.awaitingKey?.has(message.id)) row.awaitingKey = message.author;
        return messages.add(row);
      });
      const activity = Math.min(Math.max(...unique.map((message) => message.sentAt)), receivedAt);
      const unread = options.unread ? unique.length : 0;
      const stored = unique.map((message) => message.id);
      writes.push(
        conversations.touch(tx.objectStore('conversations'), conversation, activity, unread),
        backlog.queue(tx.objectStore('search-pending'), stored),
      );
      await Promise.all(writes);
      return stored;
    },
  );
  if (ids.length > 0) backlog.drainSoon();
  return ids;
}

/**
 * The positions (`author\nseq`) among `messages`' that hold a message already: a key cursor over
 * each author's range of seqs in the batch, so an empty range costs one request.
 */
async function heldPositions(
  bySeq: IDBPIndex<AccountSchema, ArrayLike<AccountStoreName>, 'messages', 'by-author-seq', 'readwrite'>,
  conversation: string,
  messages: readonly ChatMessage[],
): Promise<Set<string>> {
  const spans = new Map<string, { low: number; high: number; seqs: Set<number> }>();
  for (const { author, seq } of messages) {
    const span = spans.get(author) ?? { low: seq, high: seq, seqs: new Set<number>() };
    span.low = Math.min(span.low, seq);
    span.high = Math.max(span.high, seq);
    span.seqs.add(seq);
    spans.set(author, span);
  }
  const held = new Set<string>();
  await Promise.all(
    [...spans].map(async ([author, { low, high, seqs }]) => {
      const range = IDBKeyRange.bound([conversation, author, low], [conversation, author, high]);
      for (let cursor = await bySeq.openKeyCursor(range); cursor; cursor = await cursor.continue()) {
        const seq = cursor.key[2];
        if (seqs.has(seq)) held.add(positionOf(author, seq));
      }
    }),
  );
  return held;
}

function positionOf(author: string, seq: number): string {
  return `${author}\n${seq}`;
}

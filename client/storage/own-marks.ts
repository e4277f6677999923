/**
 * What others tell the author of a message: acks (`deliveredTo`, and the outbox row dropped) and
 * read receipts (`readBy`). A group message brings one of each back from every member within a few
 * milliseconds, so each kind is written in bursts (`WriteBatch`): one transaction, and one answer
 * to the view, for all that arrived together. Reached through `MessageStore`.
 */
import type { IDBPObjectStore } from 'idb';
import type { AccountSchema } from './account-db.js';
import type { StoreConnection } from './store-connection.js';
import { StoredMessage } from './stored-message.js';
import { WriteBatch } from './write-batch.js';

/** One peer's ack of own messages, or its read receipt for some of one conversation. */
interface DeliveryMark {
  readonly ids: readonly string[];
  readonly by: string;
}

interface ReadMark extends DeliveryMark {
  readonly conversation: string;
}

/** What a mark may write beside the messages it changes (an ack drops its outbox row). */
interface MarkWrites {
  readonly outbox: IDBPObjectStore<AccountSchema, ['messages', 'outbox'], 'outbox', 'readwrite'>;
  readonly writes: Promise<unknown>[];
}

/**
 * How long the first ack (or receipt) of a burst waits for the others: the members of a group ack
 * as each has stored the message, over a few tens of milliseconds on a busy machine. Gathered, a
 * message to 16 costs the sender one or two transactions and renders of its view, not five or six;
 * a delivery shows at most this much later.
 */
const GATHER_MS = 25;

export class OwnMarks {
  readonly #user: string;
  readonly #connection: StoreConnection;
  readonly #deliveries = new WriteBatch(
    (requests: readonly DeliveryMark[]) => this.#writeDeliveries(requests),
    GATHER_MS,
  );
  readonly #reads = new WriteBatch((requests: readonly ReadMark[]) => this.#writeReads(requests), GATHER_MS);

  /** `user`: the account, as own messages carry it as `author`. */
  constructor(user: string, connection: StoreConnection) {
    this.#user = user;
    this.#connection = connection;
  }

  /** See `MessageStore.markDeliveredMany`. */
  delivered(ids: readonly string[], by: string): Promise<StoredMessage[]> {
    return this.#deliveries.run({ ids, by });
  }

  /** See `MessageStore.markReadBy`. */
  read(conversation: string, ids: readonly string[], by: string): Promise<StoredMessage[]> {
    return this.#reads.run({ conversation, ids, by });
  }

  /** See `MessageStore.markHeldUpTo`. */
  async heldUpTo(peer: string, conversation: string, seq: number): Promise<StoredMessage[]> {
    return this.#connection.run(['messages', 'outbox'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const outbox = tx.objectStore('outbox');
      const bySeq = messages.index('by-author-seq');
      const own = (from: number) =>
        IDBKeyRange.bound([conversation, this.#user, from], [conversation, this.#user, seq]);
      // Keys first, the outbox's and the seq index's (ids in seq order): what waits for `peer`.
      const [outboxKeys, upTo] = await Promise.all([
        outbox.getAllKeys(IDBKeyRange.bound([peer], [peer, []])),
        bySeq.getAllKeys(own(1)),
      ]);
      const waiting = new Set(outboxKeys.map(([, id]) => id));
      const first = upTo.findIndex((id) => waiting.has(id));
      if (first < 0) return [];
      // Then the rows from the first waiting one on, in one request. Own seqs count from 1, so the
      // one at `first` is at least `first + 1`: the rows delivered before it are not read.
      const range = own(first + 1);
      const [ids, values] = await Promise.all([bySeq.getAllKeys(range), bySeq.getAll(range)]);
      const marked: StoredMessage[] = [];
      const writes: Promise<unknown>[] = [];
      ids.forEach((id, i) => {
        if (!waiting.has(id)) return;
        const message = this.#connection.parse(StoredMessage, 'messages', id, values[i]);
        // A peer cannot be marked as holding a message it was never sent.
        if (message?.author !== this.#user || !message.recipients.includes(peer)) return;
        writes.push(outbox.delete([peer, id]));
        if (message.deliveredTo.includes(peer)) return marked.push(message);
        const updated = { ...message, deliveredTo: [...message.deliveredTo, peer] };
        writes.push(messages.put(updated));
        return marked.push(updated);
      });
      await Promise.all(writes);
      return marked;
    });
  }

  /** A burst of acks: each adds its peer to `deliveredTo` (once) and drops that peer's outbox row. */
  #writeDeliveries(requests: readonly DeliveryMark[]): Promise<StoredMessage[][]> {
    return this.#markOwn(requests, (message, { by }, { outbox, writes }) => {
      // A peer cannot ack its way into a message it was never sent.
      if (!message.recipients.includes(by)) return null;
      writes.push(outbox.delete([by, message.id]));
      if (message.deliveredTo.includes(by)) return message;
      return { ...message, deliveredTo: [...message.deliveredTo, by] };
    });
  }

  /** A burst of read receipts: each adds its peer to `readBy` (once); only changes are answered. */
  async #writeReads(requests: readonly ReadMark[]): Promise<StoredMessage[][]> {
    const changedBy = new Map<ReadMark, Set<string>>(requests.map((request) => [request, new Set()]));
    const applied = await this.#markOwn(requests, (message, request) => {
      const { conversation, by } = request;
      if (message.conversation !== conversation || !message.recipients.includes(by)) return null;
      if (message.readBy?.includes(by)) return null;
      changedBy.get(request)!.add(message.id);
      return { ...message, readBy: [...(message.readBy ?? []), by] };
    });
    return applied.map((messages, i) =>
      messages.filter((message) => changedBy.get(requests[i]!)!.has(message.id)),
    );
  }

  /**
   * Applies a burst of marks to own messages in one transaction, in order: `change` says what one
   * request does to one message — a changed copy, the same message (it applies, nothing changes) or
   * null (ignored) — and may add writes of its own. Answers each request with the messages it
   * applied to, in the order of its ids, as they stand after the whole burst.
   */
  async #markOwn<R extends DeliveryMark>(
    requests: readonly R[],
    change: (message: StoredMessage, request: R, marks: MarkWrites) => StoredMessage | null,
  ): Promise<StoredMessage[][]> {
    return this.#connection.run(['messages', 'outbox'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const ids = [...new Set(requests.flatMap((request) => request.ids))];
      const found = await Promise.all(
        ids.map(async (id) => this.#connection.parse(StoredMessage, 'messages', id, await messages.get(id))),
      );
      const current = new Map<string, StoredMessage>();
      for (const message of found) if (message?.author === this.#user) current.set(message.id, message);
      const changed = new Set<string>();
      const marks: MarkWrites = { outbox: tx.objectStore('outbox'), writes: [] };
      const applied = requests.map((request) =>
        request.ids.filter((id) => {
          const message = current.get(id);
          const updated = message === undefined ? null : change(message, request, marks);
          if (updated === null) return false;
          if (updated !== message) {
            current.set(id, updated);
            changed.add(id);
          }
          return true;
        }),
      );
      await Promise.all([...marks.writes, ...[...changed].map((id) => messages.put(current.get(id)!))]);
      return applied.map((applies) => applies.map((id) => current.get(id)!));
    });
  }
}

/**
 * What signatures add to the history (since v7): the messages held while their author's key is
 * unknown here (`awaitingKey`, in the sparse `by-awaiting-key` index) and how they are settled once
 * it is known, the message an author stored at a position (to compare a second one with), and the
 * evidence of equivocation — two messages one author signed for the same (conversation, seq).
 */
import * as z from 'zod';
import { ChatMessage } from '../../shared/peer-protocol.js';
import { StoredMessage } from './stored-message.js';
import type { StoreConnection } from './store-connection.js';

/** Two validly signed messages of one author at one position: the first stays, both are kept here. */
export interface Equivocation {
  conversation: string;
  author: string;
  seq: number;
  /** The copy stored first, which the history keeps. */
  kept: ChatMessage;
  /** The other copy, with its signature: proof the author signed both. */
  other: ChatMessage;
  /** Who forwarded the other copy. */
  from: string;
  at: number;
}

const Equivocation: z.ZodType<Equivocation> = z.object({
  conversation: ChatMessage.shape.conversation,
  author: ChatMessage.shape.author,
  seq: ChatMessage.shape.seq,
  kept: ChatMessage,
  other: ChatMessage,
  from: ChatMessage.shape.author,
  at: z.number().int().nonnegative(),
});

export class AuthorshipStore {
  readonly #connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.#connection = connection;
  }

  /** The message `author` stored at `seq` of `conversation`, if one is. */
  async at(conversation: string, author: string, seq: number): Promise<StoredMessage | undefined> {
    return this.#connection.run(['messages'], 'readonly', async (tx) => {
      const key: [string, string, number] = [conversation, author, seq];
      const raw = await tx.objectStore('messages').index('by-author-seq').get(key);
      return this.#connection.parse(StoredMessage, 'messages', key, raw);
    });
  }

  /**
   * For each of `messages`, what its author stored just before and just after it (seq − 1 and
   * seq + 1 of the same conversation): the links its `prev` and theirs must agree with.
   */
  async neighbours(
    messages: readonly ChatMessage[],
  ): Promise<Array<{ before: StoredMessage | undefined; after: StoredMessage | undefined }>> {
    return this.#connection.run(['messages'], 'readonly', async (tx) => {
      const index = tx.objectStore('messages').index('by-author-seq');
      const read = async (key: [string, string, number]) =>
        this.#connection.parse(StoredMessage, 'messages', key, await index.get(key));
      return Promise.all(
        messages.map(async ({ conversation, author, seq }) => ({
          before: seq > 1 ? await read([conversation, author, seq - 1]) : undefined,
          after: await read([conversation, author, seq + 1]),
        })),
      );
    });
  }

  /** Forwarded messages of `author` held until their key is known. */
  async awaitingKeyOf(author: string): Promise<StoredMessage[]> {
    return this.#connection.run(['messages'], 'readonly', async (tx) => {
      const index = tx.objectStore('messages').index('by-awaiting-key');
      const found: StoredMessage[] = [];
      for (let cursor = await index.openCursor(author); cursor; cursor = await cursor.continue()) {
        const message = this.#connection.parse(StoredMessage, 'messages', cursor.primaryKey, cursor.value);
        if (message) found.push(message);
      }
      return found;
    });
  }

  /**
   * The author's key is known now: the held messages in `verified` keep their place as checked
   * ones; those in `forged` failed and are deleted, so the position is free for the honest copy
   * (the next catch-up asks for it again). Returns the rows that stay, as they are now.
   */
  async settle(verified: readonly string[], forged: readonly string[]): Promise<StoredMessage[]> {
    return this.#connection.run(['messages'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const kept: StoredMessage[] = [];
      for (const id of verified) {
        const row = this.#connection.parse(StoredMessage, 'messages', id, await messages.get(id));
        if (!row) continue;
        delete row.awaitingKey;
        // A held deleted row's tombstone has been checked: the row no longer needs it.
        delete row.proof;
        await messages.put(row);
        kept.push(row);
      }
      // The search index keeps their tokens: a search confirms each hit against the stored message.
      await Promise.all(forged.map((id) => messages.delete(id)));
      return kept;
    });
  }

  /**
   * Own messages stored before signing, signed now (`prev`, `sig` as sealed): their rows take the
   * signature. Returns the rows as stored; ids not found are left out.
   */
  async addSignatures(
    sealed: ReadonlyArray<{ id: string; prev?: string; sig: string }>,
  ): Promise<StoredMessage[]> {
    return this.#connection.run(['messages'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const updated: StoredMessage[] = [];
      for (const { id, prev, sig } of sealed) {
        const row = this.#connection.parse(StoredMessage, 'messages', id, await messages.get(id));
        if (!row) continue;
        const signed: StoredMessage = { ...row, ...(prev === undefined ? {} : { prev }), sig };
        await messages.put(signed);
        updated.push(signed);
      }
      return updated;
    });
  }

  /** Keeps the evidence of an equivocation (the first report of a position stays). */
  async addEquivocation(evidence: Equivocation): Promise<void> {
    await this.#connection.run(['equivocations'], 'readwrite', async (tx) => {
      const store = tx.objectStore('equivocations');
      const key: [string, string, number] = [evidence.conversation, evidence.author, evidence.seq];
      if ((await store.getKey(key)) === undefined) await store.put(evidence);
    });
  }

  /** Every equivocation found in `conversation`, by author and seq. */
  async equivocations(conversation: string): Promise<Equivocation[]> {
    return this.#connection.run(['equivocations'], 'readonly', async (tx) => {
      const range = IDBKeyRange.bound([conversation], [conversation, []]);
      const found: Equivocation[] = [];
      for (let cursor = await tx.objectStore('equivocations').openCursor(range); cursor;) {
        const row = this.#connection.parse(Equivocation, 'equivocations', cursor.primaryKey, cursor.value);
        if (row) found.push(row);
        cursor = await cursor.continue();
      }
      return found;
    });
  }
}

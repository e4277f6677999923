/**
 * "Delete for everyone" in storage: a tombstone from a message's author removes what the message
 * said — its text, its file (offer, row and chunks), its reply reference and its search tokens —
 * from this browser, leaving a row that keeps its place (id, author, seq, the hash its author's next
 * message links to) and says only `deleted`. A message deleted before it reached this browser gets the same row from
 * its tombstone alone (`hold`). Kept apart from message-store.ts, which owns how messages arrive;
 * this file owns how one is taken back.
 */
import type { IDBPObjectStore } from 'idb';
import type { ChatMessage, DeletedMessage } from '../../shared/peer-protocol.js';
import type { AccountSchema, AccountStoreName } from './account-db.js';
import { searchableText } from './search-index.js';
import { tokenize } from './search-tokens.js';
import type { StoreConnection } from './store-connection.js';
import { StoredMessage } from './stored-message.js';

/**
 * What a tombstone did: `redacted` (the row now says nothing), `held` (its target was not stored
 * here: a deleted row holds its place, so the message is a duplicate if it comes later and its text
 * is never stored), `not-author` (the tombstone's author did not write the target, or names another
 * place for it: nothing changed), `already` (deleted before), `taken` (the target is not stored and
 * its author's seq holds another message: nothing changed).
 */
export type Redaction =
  | { readonly kind: 'redacted' | 'held'; readonly row: StoredMessage }
  | { readonly kind: 'not-author' | 'already' | 'taken' };

/**
 * What holding a deleted message's place did: `held` (a deleted row now stands there), `stored`
 * (the message itself is stored here: apply its tombstone with `redact`), `already` (deleted
 * before), `taken` (another message of that author is stored at that seq: nothing changed).
 */
export type Hold =
  { readonly kind: 'held'; readonly row: StoredMessage } | { readonly kind: 'stored' | 'already' | 'taken' };

/** Reached as `AccountStore.redactions`. */
export class RedactionStore {
  readonly #connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.#connection = connection;
  }

  /**
   * Applies `tombstone` (a message with a `tombstone` body, already checked and signed) to its
   * target, in one transaction with the search index. Only the target's author may delete it.
   */
  redact(tombstone: ChatMessage): Promise<Redaction> {
    const target = tombstone.tombstone?.target;
    if (target === undefined) throw new TypeError(`message ${tombstone.id} is not a tombstone`);
    const stores = ['messages', 'search-index', 'files', 'file-chunks'] as const;
    return this.#connection.run([...stores], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const row = this.#connection.parse(StoredMessage, 'messages', target, await messages.get(target));
      if (!row) return this.#putHeld(messages, placeNamedBy(tombstone), Date.now());
      if (!isPlaceOf(tombstone, row)) return { kind: 'not-author' } as const;
      if (row.deleted) return { kind: 'already' } as const;
      const search = tx.objectStore('search-index');
      const tokens = [...tokenize(searchableText(row))];
      const redacted: StoredMessage = {
        ...row,
        deleted: true,
        hash: tombstone.tombstone!.hash,
        deletedBy: tombstone.id,
      };
      delete redacted.text;
      delete redacted.file;
      delete redacted.replyTo;
      await Promise.all([
        messages.put(redacted),
        ...tokens.map((token) => search.delete([token, -row.sentAt, row.id])),
        // A file message's bytes go with it: its row and every chunk ([id] sorts before each
        // [id, index], [id, []] after them). A transfer under way then finds no file and stops.
        ...(row.file
          ? [
              tx.objectStore('files').delete(row.id),
              tx.objectStore('file-chunks').delete(IDBKeyRange.bound([row.id], [row.id, []])),
            ]
          : []),
      ]);
      return { kind: 'redacted', row: redacted } as const;
    });
  }

  /**
   * Holds the place of a message deleted before it came here: a row that says only `deleted`, from
   * `deleted` (whose tombstone the caller checked names that place, and verified against its
   * author's key — or, with `awaitingKey`, will once the key is known: the row keeps the tombstone
   * as its `proof` until then). No text of it is ever stored: there is none to store.
   */
  hold(deleted: DeletedMessage, receivedAt: number, awaitingKey = false): Promise<Hold> {
    return this.#connection.run(['messages'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const row = this.#connection.parse(
        StoredMessage,
        'messages',
        deleted.id,
        await messages.get(deleted.id),
      );
      if (row) return { kind: row.deleted ? 'already' : 'stored' } as const;
      return this.#putHeld(messages, deleted, receivedAt, awaitingKey);
    });
  }

  /** Writes the deleted row of `deleted`'s place, unless its author's seq holds another message. */
  async #putHeld(
    messages: IDBPObjectStore<AccountSchema, ArrayLike<AccountStoreName>, 'messages', 'readwrite'>,
    deleted: DeletedMessage,
    receivedAt: number,
    awaitingKey = false,
  ): Promise<{ kind: 'held'; row: StoredMessage } | { kind: 'taken' }> {
    const { id, conversation, author, seq, sentAt, hash, tombstone } = deleted;
    const atSeq = await messages.index('by-author-seq').getKey([conversation, author, seq]);
    if (atSeq !== undefined) return { kind: 'taken' };
    const held: StoredMessage = {
      id,
      conversation,
      author,
      seq,
      sentAt,
      deleted: true,
      hash,
      deletedBy: tombstone.id,
      recipients: [],
      deliveredTo: [],
      sent: false,
      receivedAt,
      ...(awaitingKey ? { awaitingKey: author, proof: tombstone } : {}),
    };
    await messages.put(held);
    return { kind: 'held', row: held };
  }
}

/** The place a tombstone names for its target: the author's and conversation are the tombstone's. */
function placeNamedBy(tombstone: ChatMessage): DeletedMessage {
  const { target: id, seq, sentAt, hash } = tombstone.tombstone!;
  return { id, conversation: tombstone.conversation, author: tombstone.author, seq, sentAt, hash, tombstone };
}

/** Whether `tombstone` names `row` where it stands: same author and conversation, same seq and date. */
function isPlaceOf(tombstone: ChatMessage, row: StoredMessage): boolean {
  const body = tombstone.tombstone;
  return (
    body !== undefined &&
    row.author === tombstone.author &&
    row.conversation === tombstone.conversation &&
    row.seq === body.seq &&
    row.sentAt === body.sentAt
  );
}

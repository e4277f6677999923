/**
 * "Delete for everyone" in storage: a tombstone from a message's author removes what the message
 * said — its text, its file offer, its reply reference and its search tokens — from this browser,
 * leaving a row that keeps its place (id, author, seq) and says only `deleted`. Kept apart from
 * message-store.ts, which owns how messages arrive; this file owns how one is taken back.
 */
import type { ChatMessage } from '../../shared/peer-protocol.js';
import { searchableText } from './search-index.js';
import { tokenize } from './search-tokens.js';
import type { StoreConnection } from './store-connection.js';
import { StoredMessage } from './stored-message.js';

/**
 * What a tombstone did: `redacted` (the row now says nothing), `absent` (its target is not stored
 * here: the tombstone, stored, still hides it from view), `not-author` (the tombstone's author did
 * not write the target: nothing changed), `already` (deleted before).
 */
export type Redaction =
  | { readonly kind: 'redacted'; readonly row: StoredMessage }
  | { readonly kind: 'absent' | 'not-author' | 'already' };

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
    return this.#connection.run(['messages', 'search-index'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const row = this.#connection.parse(StoredMessage, 'messages', target, await messages.get(target));
      if (!row) return { kind: 'absent' } as const;
      if (row.author !== tombstone.author || row.conversation !== tombstone.conversation) {
        return { kind: 'not-author' } as const;
      }
      if (row.deleted) return { kind: 'already' } as const;
      const search = tx.objectStore('search-index');
      const tokens = [...tokenize(searchableText(row))];
      const redacted: StoredMessage = { ...row, deleted: true };
      delete redacted.text;
      delete redacted.file;
      delete redacted.replyTo;
      await Promise.all([
        messages.put(redacted),
        ...tokens.map((token) => search.delete([token, -row.sentAt, row.id])),
      ]);
      return { kind: 'redacted', row: redacted } as const;
    });
  }
}

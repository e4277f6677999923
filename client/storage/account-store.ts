/**
 * The history and outbox of one account, as domain operations. The rest of the app goes through
 * `AccountStore` and never sees a store, an index or a key range.
 */
import type { z } from 'zod';
import type { FileInfo } from '../../shared/file-protocol.js';
import type { ChatMessage, ReactionBody } from '../../shared/peer-protocol.js';
import { ProtocolError } from '../../shared/errors.js';
import { nameKey } from '../../shared/names.js';
import { abortQuietly, deleteAccountDb, openAccountDb } from './account-db.js';
import type { AccountDb, AccountStoreName, AccountTransaction, ConversationsWriter } from './account-db.js';
import { ConversationSummary, StoredMessage, parseRow } from './stored-message.js';
import { FileStore } from './file-store.js';

export type { ConversationSummary, StoredMessage } from './stored-message.js';

/** How many messages `listConversation` returns when not told. */
export const DEFAULT_PAGE_SIZE = 200;

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** Callbacks given at open; each defaults to a console warning. */
export interface AccountStoreOptions {
  /** A stored row failed validation. It is skipped, never deleted; each row is reported once per open store. */
  onBadRow?: (error: ProtocolError) => void;
  /** Opening waits for another tab, running an older version, to let go of the database. */
  onBlocked?: () => void;
  /**
   * The connection is gone: another tab upgrades or deletes the database (`versionchange`, this
   * store then closes itself so that tab is not blocked) or the browser dropped it (`terminated`).
   * Every later call rejects; a reload opens it again.
   */
  onClosed?: (reason: 'versionchange' | 'terminated') => void;
}

/** A position in a conversation, in the order `listConversation` uses. */
export interface ConversationCursor {
  sentAt: number;
  id: string;
}

/** Opens the history of `user`, creating or migrating its database as needed. */
export async function openAccountStore(
  user: string,
  options: AccountStoreOptions = {},
): Promise<AccountStore> {
  const db = await openAccountDb(user, {
    onBlocked: options.onBlocked ?? (() => console.warn('parley: storage waits for another tab to close')),
    onClosed: options.onClosed ?? ((reason) => console.warn(`parley: storage closed (${reason}); reload`)),
  });
  return new AccountStore(
    user,
    db,
    options.onBadRow ?? ((error) => console.warn('parley: skipped a row', error)),
  );
}

/** Deletes the history of `user`; open stores of the account close themselves first. For tests. */
export async function deleteAccountStore(user: string): Promise<void> {
  await deleteAccountDb(user);
}

/** The history, outbox and conversation list of one account. Get one from `openAccountStore`. */
export class AccountStore {
  readonly #db: AccountDb;
  readonly #onBadRow: (error: ProtocolError) => void;
  readonly #reported = new Set<string>();
  /** The account's files (rows and stored chunks), on the same connection: `close` closes it too. */
  readonly files: FileStore;

  /** Use `openAccountStore`. */
  constructor(
    /** The account, spelled as the server spells it; own messages carry it as `author`. */
    readonly user: string,
    db: AccountDb,
    onBadRow: (error: ProtocolError) => void,
  ) {
    this.#db = db;
    this.#onBadRow = onBadRow;
    this.files = new FileStore(db, onBadRow);
  }

  /**
   * Stores a message this user wrote: assigns the next `seq` of (conversation, user) in the same
   * read-write transaction as the write, so parallel calls never share a seq; stores it unsent and
   * undelivered; adds one outbox row per recipient; bumps the conversation's `lastActivity`.
   * The author and repeated names are dropped from `recipients`.
   * Throws a `TypeError` for a draft that breaks the message schema (the composer checks first);
   * rejects with a `ConstraintError` when the id is already stored.
   *
   * A draft may bring its own `seq` (from `nextSeq`, counted on in memory by the one tab that
   * sends) and `sent: true` when it already went out: then nothing waits for storage before sending.
   */
  async addOwnMessage(
    draft: {
      id: string;
      conversation: string;
      sentAt: number;
      text?: string;
      file?: FileInfo;
      reaction?: ReactionBody;
      seq?: number;
      sent?: boolean;
    },
    recipients: string[],
  ): Promise<StoredMessage> {
    const me = nameKey(this.user);
    // Checked before the transaction with a stand-in seq: any seq ≥ 1 is as valid as the real one.
    const checked = StoredMessage.safeParse({
      id: draft.id,
      conversation: draft.conversation,
      author: this.user,
      seq: draft.seq ?? 1,
      sentAt: draft.sentAt,
      ...(draft.text !== undefined ? { text: draft.text } : {}),
      ...(draft.file !== undefined ? { file: draft.file } : {}),
      ...(draft.reaction !== undefined ? { reaction: draft.reaction } : {}),
      recipients: [...new Set(recipients)].filter((name) => nameKey(name) !== me),
      deliveredTo: [],
      sent: draft.sent ?? false,
    });
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new TypeError(`invalid message draft: ${issue?.path.join('.')}: ${issue?.message}`);
    }

    return this.#run(['messages', 'outbox', 'conversations'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const { conversation } = checked.data;
      const last =
        draft.seq === undefined &&
        (await messages
          .index('by-author-seq')
          .openKeyCursor(
            IDBKeyRange.bound([conversation, this.user, 1], [conversation, this.user, MAX_SEQ]),
            'prev',
          ));
      // Rounded down so that a damaged seq (a fraction) cannot make every later seq a fraction too.
      const seq = draft.seq ?? (last ? Math.floor(last.key[2]) + 1 : 1);
      const message: StoredMessage = { ...checked.data, seq };
      const outbox = tx.objectStore('outbox');
      await Promise.all([
        // `add`, not `put`: a reused id is a bug and must fail rather than overwrite a message.
        messages.add(message),
        ...message.recipients.map((to) => outbox.put({ to, id: message.id })),
        this.#touchConversation(tx.objectStore('conversations'), conversation, message.sentAt, 0),
      ]);
      return message;
    });
  }

  /** The seq this user's next message in `conversation` gets: one past the highest stored. */
  async nextSeq(conversation: string): Promise<number> {
    return this.#run(['messages'], 'readonly', async (tx) => {
      const last = await tx
        .objectStore('messages')
        .index('by-author-seq')
        .openKeyCursor(
          IDBKeyRange.bound([conversation, this.user, 1], [conversation, this.user, MAX_SEQ]),
          'prev',
        );
      return last ? Math.floor(last.key[2]) + 1 : 1;
    });
  }

  /**
   * Stores a message from someone else (already validated by the peer protocol) unless a message
   * with its id is stored: then nothing changes and it answers 'duplicate'. When `unread`, the
   * conversation's unread count goes up by one. `receivedAt` defaults to now.
   */
  async addIncomingMessage(
    message: ChatMessage,
    options: { unread: boolean; receivedAt?: number },
  ): Promise<'stored' | 'duplicate'> {
    const receivedAt = options.receivedAt ?? Date.now();
    const row = toIncomingRow(message, receivedAt);
    return this.#run(['messages', 'conversations'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      if ((await messages.getKey(row.id)) !== undefined) return 'duplicate';
      // The author's clock is not trusted: a message dated in the future must not pin its
      // conversation to the top of the list, so its activity is capped at its arrival.
      const activity = Math.min(row.sentAt, receivedAt);
      await Promise.all([
        messages.add(row),
        this.#touchConversation(
          tx.objectStore('conversations'),
          row.conversation,
          activity,
          options.unread ? 1 : 0,
        ),
      ]);
      return 'stored';
    });
  }

  /**
   * Stores many messages of one conversation from others in one transaction (a catch-up batch):
   * those whose id is already stored are skipped. Returns the ids that were new; when `unread`,
   * the conversation's unread count goes up by that many.
   */
  async addIncomingBatch(
    conversation: string,
    batch: readonly ChatMessage[],
    options: { unread: boolean; receivedAt?: number },
  ): Promise<string[]> {
    const receivedAt = options.receivedAt ?? Date.now();
    return this.#run(['messages', 'conversations'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const known = await Promise.all(batch.map((message) => messages.getKey(message.id)));
      const fresh = batch.filter(
        (message, i) => known[i] === undefined && message.conversation === conversation,
      );
      // A batch may repeat an id: keep its first copy only.
      const unique = [...new Map(fresh.map((message) => [message.id, message])).values()];
      if (unique.length === 0) return [];
      await Promise.all(unique.map((message) => messages.add(toIncomingRow(message, receivedAt))));
      const activity = Math.min(Math.max(...unique.map((message) => message.sentAt)), receivedAt);
      await this.#touchConversation(
        tx.objectStore('conversations'),
        conversation,
        activity,
        options.unread ? unique.length : 0,
      );
      return unique.map((message) => message.id);
    });
  }

  /** Records that an own message went into an open data channel. Undefined when there is no such own message. */
  async markSent(id: string): Promise<StoredMessage | undefined> {
    return this.#run(['messages'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const message = this.#parseMessage(id, await messages.get(id));
      if (message === undefined || message.author !== this.user) return undefined;
      if (message.sent) return message;
      const updated = { ...message, sent: true };
      await messages.put(updated);
      return updated;
    });
  }

  /**
   * `by` acked message `id`: adds `by` to `deliveredTo` (once) and deletes the outbox row [by, id].
   * Ignored (returns undefined) when the message is unknown, not this user's own, or `by` is not
   * one of its recipients: a peer cannot ack its way into a message it was never sent.
   */
  async markDelivered(id: string, by: string): Promise<StoredMessage | undefined> {
    return this.#run(['messages', 'outbox'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const message = this.#parseMessage(id, await messages.get(id));
      if (message === undefined || message.author !== this.user || !message.recipients.includes(by)) {
        return undefined;
      }
      const outboxDone = tx.objectStore('outbox').delete([by, id]);
      if (message.deliveredTo.includes(by)) {
        await outboxDone;
        return message;
      }
      const updated = { ...message, deliveredTo: [...message.deliveredTo, by] };
      await Promise.all([outboxDone, messages.put(updated)]);
      return updated;
    });
  }

  /**
   * `by` had these own messages of `conversation` on screen: adds `by` to each one's `readBy` (once).
   * Ids that are unknown, not this user's own, of another conversation, or not sent to `by` are
   * ignored: a peer cannot mark what it was never sent. Returns the messages that changed.
   */
  async markReadBy(conversation: string, ids: readonly string[], by: string): Promise<StoredMessage[]> {
    return this.#run(['messages'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const found = await Promise.all(ids.map(async (id) => this.#parseMessage(id, await messages.get(id))));
      const updated: StoredMessage[] = [];
      for (const message of found) {
        if (message === undefined || message.author !== this.user) continue;
        if (message.conversation !== conversation || !message.recipients.includes(by)) continue;
        if (message.readBy?.includes(by)) continue;
        updated.push({ ...message, readBy: [...(message.readBy ?? []), by] });
      }
      await Promise.all(updated.map((message) => messages.put(message)));
      return updated;
    });
  }

  /** Own messages still lacking `peer`'s ack, oldest first (by sentAt, then id): what to send when it connects. */
  async pendingFor(peer: string): Promise<StoredMessage[]> {
    const pending = await this.#run(['outbox', 'messages'], 'readonly', async (tx) => {
      // [peer] sorts before every [peer, id], and [peer, []] after them: arrays sort above strings.
      const rows = await tx.objectStore('outbox').getAll(IDBKeyRange.bound([peer], [peer, []]));
      const messages = tx.objectStore('messages');
      return Promise.all(rows.map(async ({ id }) => this.#parseMessage(id, await messages.get(id))));
    });
    return pending
      .filter((message): message is StoredMessage => message !== undefined)
      .filter((message) => message.author === this.user && !message.deliveredTo.includes(peer))
      .sort(compareByTime);
  }

  /** Forgets that `peer` still needs these messages (they left the group): no more re-sending. */
  async dropFromOutbox(peer: string, ids: readonly string[]): Promise<void> {
    await this.#run(['outbox'], 'readwrite', async (tx) => {
      const outbox = tx.objectStore('outbox');
      await Promise.all(ids.map((id) => outbox.delete([peer, id])));
    });
  }

  /**
   * For each author of `conversation`, the highest seq up to which every message is stored (its
   * contiguous head): what a catch-up asks others to continue from.
   */
  async heads(conversation: string): Promise<Map<string, number>> {
    return this.#run(['messages'], 'readonly', async (tx) => {
      const heads = new Map<string, number>();
      const range = IDBKeyRange.bound([conversation], [conversation, []]);
      // Keys come sorted by author, then seq: one pass, no values read.
      for (
        let cursor = await tx.objectStore('messages').index('by-author-seq').openKeyCursor(range);
        cursor;
      ) {
        const [, author, seq] = cursor.key;
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
    const found = await this.#run(['messages'], 'readonly', async (tx) => {
      const index = tx.objectStore('messages').index('by-author-seq');
      const rows: Array<{ key: IDBValidKey; value: unknown }> = [];
      const range = IDBKeyRange.bound([conversation], [conversation, []]);
      for (let cursor = await index.openCursor(range); cursor;) {
        const [, author, seq] = cursor.key;
        const head = heads.get(author) ?? 0;
        if (seq <= head) {
          // Jump past what they hold of this author.
          cursor = await cursor.continue([conversation, author, head + 0.5]);
          continue;
        }
        rows.push({ key: cursor.primaryKey, value: cursor.value });
        cursor = await cursor.continue();
      }
      return rows;
    });
    return found
      .map(({ key, value }) => this.#parseMessage(key, value))
      .filter((message): message is StoredMessage => message !== undefined && message.sentAt >= since);
  }

  /**
   * The latest `limit` (default 200) messages of a conversation, in ascending (sentAt, id) order.
   * With `before`, the page that ends just before that position: pass the first message of a page
   * to get the one before it.
   */
  async listConversation(
    conversation: string,
    options: { limit?: number; before?: ConversationCursor } = {},
  ): Promise<StoredMessage[]> {
    const { limit = DEFAULT_PAGE_SIZE, before } = options;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError('limit must be a positive integer');
    // From [conversation] (below all its keys) up to [conversation, []] (above all of them, damaged
    // keys included, so a damaged row is reported rather than silently missing).
    const range = before
      ? IDBKeyRange.bound([conversation], [conversation, before.sentAt, before.id], false, true)
      : IDBKeyRange.bound([conversation], [conversation, []]);
    const page = await this.#run(['messages'], 'readonly', async (tx) => {
      const found: StoredMessage[] = [];
      let cursor = await tx.objectStore('messages').index('by-conversation').openCursor(range, 'prev');
      while (cursor && found.length < limit) {
        const message = this.#parseMessage(cursor.primaryKey, cursor.value);
        if (message) found.push(message);
        cursor = await cursor.continue();
      }
      return found;
    });
    return page.reverse();
  }

  /** One message by id; undefined when unknown (or damaged, which is reported). */
  async getMessage(id: string): Promise<StoredMessage | undefined> {
    return this.#run(['messages'], 'readonly', async (tx) =>
      this.#parseMessage(id, await tx.objectStore('messages').get(id)),
    );
  }

  /** Every conversation that has messages, most recently active first. */
  async listConversations(): Promise<ConversationSummary[]> {
    const summaries = await this.#run(['conversations'], 'readonly', async (tx) => {
      const found: ConversationSummary[] = [];
      let cursor = await tx.objectStore('conversations').openCursor();
      while (cursor) {
        const summary = this.#parse(ConversationSummary, 'conversations', cursor.primaryKey, cursor.value);
        if (summary) found.push(summary);
        cursor = await cursor.continue();
      }
      return found;
    });
    return summaries.sort((a, b) => b.lastActivity - a.lastActivity || compareStrings(a.id, b.id));
  }

  /** The user has seen `conversation` up to `at` (default now): its unread count drops to 0. */
  async markRead(conversation: string, at: number = Date.now()): Promise<void> {
    await this.#run(['conversations'], 'readwrite', async (tx) => {
      const conversations = tx.objectStore('conversations');
      const raw = await conversations.get(conversation);
      const summary = this.#parse(ConversationSummary, 'conversations', conversation, raw);
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
    await this.#run(['conversations'], 'readwrite', async (tx) => {
      const conversations = tx.objectStore('conversations');
      const raw = await conversations.get(conversation);
      const current = this.#parse(ConversationSummary, 'conversations', conversation, raw) ?? {
        id: conversation,
        unread: 0,
        lastActivity: 0,
        lastReadAt: 0,
      };
      const { muted: _previous, ...rest } = current;
      await conversations.put(muted ? { ...rest, muted: true } : rest);
    });
  }

  /** Closes the database connection; every later call rejects. */
  close(): void {
    this.#db.close();
  }

  /**
   * Runs `body` in one transaction and settles when the transaction has: a read-write call resolves
   * only once its writes are committed. If `body` throws, the transaction is aborted, so nothing it
   * wrote is kept, and the body's error (not the abort) is the one reported.
   */
  async #run<const Names extends AccountStoreName[], Mode extends IDBTransactionMode, Result>(
    names: Names,
    mode: Mode,
    body: (tx: AccountTransaction<Names, Mode>) => Promise<Result>,
  ): Promise<Result> {
    // Relaxed: a write is committed once the OS has it, without waiting for the disk to flush.
    // A crashed tab loses nothing; only a power cut could lose the last moment, and the outbox
    // and the peers' re-sending cover that. It keeps message writes off the send path's critical time.
    const tx = this.#db.transaction(names, mode, { durability: 'relaxed' });
    const result = body(tx).catch((error: unknown) => {
      abortQuietly(tx);
      throw error;
    });
    // Both promises are awaited together so that neither rejection goes unhandled.
    const [value] = await Promise.all([result, tx.done]);
    return value;
  }

  /** Adds activity (and `unread` unread messages) to a conversation's row, creating the row with the conversation's first message. */
  async #touchConversation(
    conversations: ConversationsWriter,
    id: string,
    activity: number,
    unread: number,
  ): Promise<void> {
    const stored = this.#parse(ConversationSummary, 'conversations', id, await conversations.get(id));
    // A damaged row is replaced: it is derived data, and skipping it would hide the conversation.
    const current = stored ?? { id, unread: 0, lastActivity: 0, lastReadAt: 0 };
    await conversations.put({
      ...current,
      unread: current.unread + unread,
      lastActivity: Math.max(current.lastActivity, activity),
    });
  }

  #parseMessage(key: IDBValidKey, raw: unknown): StoredMessage | undefined {
    return this.#parse(StoredMessage, 'messages', key, raw);
  }

  /** Validates a row read back; a damaged one is reported (once) and treated as absent. */
  #parse<T>(schema: z.ZodType<T>, store: string, key: IDBValidKey, raw: unknown): T | undefined {
    if (raw === undefined) return undefined;
    const result = parseRow(schema, store, key, raw);
    if (!(result instanceof ProtocolError)) return result;
    if (!this.#reported.has(result.detail)) {
      this.#reported.add(result.detail);
      this.#onBadRow(result);
    }
    return undefined;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareByTime(a: ConversationCursor, b: ConversationCursor): number {
  return a.sentAt - b.sentAt || compareStrings(a.id, b.id);
}

/** The row of a message from someone else, field by field: the caller's object may carry more. */
function toIncomingRow(message: ChatMessage, receivedAt: number): StoredMessage {
  return {
    id: message.id,
    conversation: message.conversation,
    author: message.author,
    seq: message.seq,
    sentAt: message.sentAt,
    ...(message.text === undefined ? {} : { text: message.text }),
    ...(message.file === undefined ? {} : { file: message.file }),
    ...(message.reaction === undefined ? {} : { reaction: message.reaction }),
    ...(message.sig === undefined ? {} : { sig: message.sig }),
    recipients: [],
    deliveredTo: [],
    sent: false,
    receivedAt,
  };
}

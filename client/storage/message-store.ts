/**
 * The `messages` and `outbox` stores: every message of the account, own and incoming, with its
 * delivery state, and one outbox row per recipient that has not acked an own message yet. It owns
 * the per-author `seq` (assigned in the same transaction as the write) and the pages the view
 * reads. What a catch-up asks and answers (`heads`, `missingFor`) reads the same rows by author and
 * seq, and lives in catch-up-queries.ts. Each message write bumps its conversation's row in the same
 * transaction, through `ConversationStore.touch`.
 */
import type { IDBPIndex } from 'idb';
import type { FileInfo } from '../../shared/file-protocol.js';
import type { ChatMessage, EditBody, ReactionBody, TombstoneBody } from '../../shared/peer-protocol.js';
import { nameKey } from '../../shared/names.js';
import type { AccountSchema, AccountStoreName } from './account-db.js';
import type { ConversationStore } from './conversation-store.js';
import { compareStrings } from './conversation-store.js';
import { OutboxRow, StoredMessage, toIncomingRow } from './stored-message.js';
import { ConversationPages } from './conversation-pages.js';
import type { ConversationCursor, PageOptions } from './conversation-pages.js';
import type { SearchIndex } from './search-index.js';
import type { StoreConnection } from './store-connection.js';
import { OwnMarks } from './own-marks.js';
import { storeIncomingBatch } from './incoming-batch.js';
import type { IncomingBatchOptions } from './incoming-batch.js';

// The view's pages moved to conversation-pages.ts; these names are still reached from here.
export { DEFAULT_PAGE_SIZE } from './conversation-pages.js';
export type { ConversationCursor, PageOptions } from './conversation-pages.js';

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** What `addOwnMessage` takes: a message this user wrote, before the store fills in the rest. */
export interface OwnMessageDraft {
  id: string;
  conversation: string;
  sentAt: number;
  text?: string;
  file?: FileInfo;
  reaction?: ReactionBody;
  edit?: EditBody;
  tombstone?: TombstoneBody;
  replyTo?: string;
  seq?: number;
  sent?: boolean;
  /** The author's signature and chain link (shared/message-signature.ts), made before storing. */
  prev?: string;
  sig?: string;
}

/** Messages and their outbox. Reached as `AccountStore.messages`. */
export class MessageStore {
  readonly #connection: StoreConnection;
  readonly #conversations: ConversationStore;
  readonly #search: SearchIndex;
  readonly #pages: ConversationPages;
  readonly #marks: OwnMarks;

  /** Use `AccountStore.messages`. */
  constructor(
    /** The account, spelled as the server spells it; own messages carry it as `author`. */
    readonly user: string,
    connection: StoreConnection,
    conversations: ConversationStore,
    search: SearchIndex,
  ) {
    this.#connection = connection;
    this.#conversations = conversations;
    this.#search = search;
    this.#pages = new ConversationPages(connection);
    this.#marks = new OwnMarks(user, connection);
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
  async addOwnMessage(draft: OwnMessageDraft, recipients: string[]): Promise<StoredMessage> {
    return (await this.addOwnMessages([{ draft, recipients }]))[0]!;
  }

  /**
   * `addOwnMessage` for several messages in one transaction (a burst typed faster than storage
   * commits), in order: all are stored or, if any fails, none.
   */
  async addOwnMessages(
    entries: ReadonlyArray<{ draft: OwnMessageDraft; recipients: readonly string[] }>,
  ): Promise<StoredMessage[]> {
    const checked = entries.map(({ draft, recipients }) => this.#checkOwn(draft, recipients));
    const stores = ['messages', 'outbox', 'conversations', 'search-index'] as const;
    return this.#connection.run([...stores], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const outbox = tx.objectStore('outbox');
      const index = tx.objectStore('search-index');
      const stored: StoredMessage[] = [];
      const writes: Promise<unknown>[] = [];
      const activity = new Map<string, number>();
      for (const [i, data] of checked.entries()) {
        const { conversation } = data;
        const ownSeq = entries[i]!.draft.seq;
        // Without a seq of its own, read after the writes before it, which the index then holds.
        if (ownSeq === undefined) await Promise.all(writes);
        const seq = ownSeq ?? (await this.#nextSeqIn(messages.index('by-author-seq'), conversation));
        const message: StoredMessage = { ...data, seq };
        // `add`, not `put`: a reused id is a bug and must fail rather than overwrite a message.
        writes.push(
          messages.add(message),
          this.#search.add(index, message),
          ...message.recipients.map((to) => outbox.put({ to, id: message.id, conversation })),
        );
        activity.set(conversation, Math.max(activity.get(conversation) ?? 0, message.sentAt));
        stored.push(message);
      }
      for (const [conversation, at] of activity) {
        writes.push(this.#conversations.touch(tx.objectStore('conversations'), conversation, at, 0));
      }
      await Promise.all(writes);
      return stored;
    });
  }

  /** An own draft checked against the message schema, with a stand-in seq (any ≥ 1 is as valid). */
  #checkOwn(draft: OwnMessageDraft, recipients: readonly string[]): StoredMessage {
    const me = nameKey(this.user);
    const checked = StoredMessage.safeParse({
      id: draft.id,
      conversation: draft.conversation,
      author: this.user,
      seq: draft.seq ?? 1,
      sentAt: draft.sentAt,
      ...(draft.text !== undefined ? { text: draft.text } : {}),
      ...(draft.file !== undefined ? { file: draft.file } : {}),
      ...(draft.reaction !== undefined ? { reaction: draft.reaction } : {}),
      ...(draft.edit !== undefined ? { edit: draft.edit } : {}),
      ...(draft.tombstone !== undefined ? { tombstone: draft.tombstone } : {}),
      ...(draft.replyTo !== undefined ? { replyTo: draft.replyTo } : {}),
      ...(draft.prev !== undefined ? { prev: draft.prev } : {}),
      ...(draft.sig !== undefined ? { sig: draft.sig } : {}),
      recipients: [...new Set(recipients)].filter((name) => nameKey(name) !== me),
      deliveredTo: [],
      sent: draft.sent ?? false,
    });
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new TypeError(`invalid message draft: ${issue?.path.join('.')}: ${issue?.message}`);
    }
    return checked.data;
  }

  /** The seq this user's next message in `conversation` gets: one past the highest stored. */
  async nextSeq(conversation: string): Promise<number> {
    return this.#connection.run(['messages'], 'readonly', async (tx) =>
      this.#nextSeqIn(tx.objectStore('messages').index('by-author-seq'), conversation),
    );
  }

  /**
   * Stores a message from someone else (already validated by the peer protocol) unless a message
   * with its id is stored, or another one of its author at its seq (the first copy of a position
   * stays: the caller compares them): then nothing changes and it answers 'duplicate'. When `unread`, the
   * conversation's unread count goes up by one. `receivedAt` defaults to now.
   */
  async addIncomingMessage(
    message: ChatMessage,
    options: { unread: boolean; receivedAt?: number },
  ): Promise<'stored' | 'duplicate'> {
    const receivedAt = options.receivedAt ?? Date.now();
    const row = toIncomingRow(message, receivedAt);
    return this.#connection.run(['messages', 'conversations', 'search-index'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      // Both asked at once: each answer is a round trip to the browser's storage process.
      const [known, taken] = await Promise.all([
        messages.getKey(row.id),
        positionTaken(messages.index('by-author-seq'), row),
      ]);
      if (known !== undefined || taken) return 'duplicate';
      // The author's clock is not trusted: a message dated in the future must not pin its
      // conversation to the top of the list, so its activity is capped at its arrival.
      const activity = Math.min(row.sentAt, receivedAt);
      const unread = options.unread ? 1 : 0;
      await Promise.all([
        messages.add(row),
        this.#search.add(tx.objectStore('search-index'), row),
        this.#conversations.touch(tx.objectStore('conversations'), row.conversation, activity, unread),
      ]);
      return 'stored';
    });
  }

  /**
   * Stores many messages of one conversation from others in one transaction (a catch-up batch):
   * those whose id, or whose author's seq, is already stored are skipped. Returns the ids that were new; when `unread`,
   * the conversation's unread count goes up by that many. Their search tokens follow once it is
   * stored (incoming-batch.ts, search-backlog.ts); a search finds them meanwhile all the same.
   */
  addIncomingBatch(
    conversation: string,
    batch: readonly ChatMessage[],
    options: IncomingBatchOptions,
  ): Promise<string[]> {
    const deps = {
      connection: this.#connection,
      conversations: this.#conversations,
      backlog: this.#search.backlog,
    };
    return storeIncomingBatch(deps, conversation, batch, options);
  }

  /** Records that an own message went into an open data channel. Undefined when there is no such own message. */
  async markSent(id: string): Promise<StoredMessage | undefined> {
    return (await this.markSentMany([id]))[0];
  }

  /** `markSent` for several own messages in one transaction; unknown ids are left out of the result. */
  async markSentMany(ids: readonly string[]): Promise<StoredMessage[]> {
    return this.#connection.run(['messages'], 'readwrite', async (tx) => {
      const messages = tx.objectStore('messages');
      const found = await Promise.all(ids.map(async (id) => this.#parse(id, await messages.get(id))));
      const own = found.filter(
        (message): message is StoredMessage => message !== undefined && message.author === this.user,
      );
      const updated = own.map((message) => (message.sent ? message : { ...message, sent: true }));
      await Promise.all(
        updated.filter((message, i) => message !== own[i]).map((message) => messages.put(message)),
      );
      return updated;
    });
  }

  /**
   * `by` acked message `id`: adds `by` to `deliveredTo` (once) and deletes the outbox row [by, id].
   * Ignored (returns undefined) when the message is unknown, not this user's own, or `by` is not
   * one of its recipients: a peer cannot ack its way into a message it was never sent.
   */
  async markDelivered(id: string, by: string): Promise<StoredMessage | undefined> {
    return (await this.markDeliveredMany([id], by))[0];
  }

  /**
   * `markDelivered` for every id of one ack, in one transaction (a catch-up acks hundreds at once)
   * shared with the acks other peers sent in the same burst (`WriteBatch`). Returns the messages
   * it applied to, in the order of `ids`, as they stand after the burst; ignored ids are left out.
   */
  markDeliveredMany(ids: readonly string[], by: string): Promise<StoredMessage[]> {
    return this.#marks.delivered(ids, by);
  }

  /**
   * `by` had these own messages of `conversation` on screen: adds `by` to each one's `readBy` (once).
   * Ids that are unknown, not this user's own, of another conversation, or not sent to `by` are
   * ignored: a peer cannot mark what it was never sent. Returns the messages that changed, as they
   * stand after the burst of receipts written with it (`WriteBatch`).
   */
  markReadBy(conversation: string, ids: readonly string[], by: string): Promise<StoredMessage[]> {
    return this.#marks.read(conversation, ids, by);
  }

  /**
   * Own messages still lacking `peer`'s ack, oldest first (by sentAt, then id): what to send when it
   * connects. Those of a conversation `skip` names are not read, where their outbox row names it
   * (a group's backlog streams by catch-up: reading a burst of 1,000 here only to pass over it cost
   * the author's main thread and storage ~50 ms as the member connected).
   */
  async pendingFor(
    peer: string,
    skip: (conversation: string) => boolean = () => false,
  ): Promise<StoredMessage[]> {
    const pending = await this.#connection.run(['outbox', 'messages'], 'readonly', async (tx) => {
      // [peer] sorts before every [peer, id], and [peer, []] after them: arrays sort above strings.
      const range = IDBKeyRange.bound([peer], [peer, []]);
      // One request for all of them (a burst of 1,000 waiting for a member came a cursor step each).
      const outbox = tx.objectStore('outbox');
      const [keys, values] = await Promise.all([outbox.getAllKeys(range), outbox.getAll(range)]);
      const rows = values.flatMap((value, i) => {
        const row = this.#connection.parse(OutboxRow, 'outbox', keys[i]!, value);
        return row && !(row.conversation !== undefined && skip(row.conversation)) ? [row] : [];
      });
      const messages = tx.objectStore('messages');
      return Promise.all(rows.map(async ({ id }) => this.#parse(id, await messages.get(id))));
    });
    return pending
      .filter((message): message is StoredMessage => message !== undefined)
      .filter((message) => message.author === this.user && !message.deliveredTo.includes(peer))
      .sort(compareByTime);
  }

  /**
   * `peer` holds this user's messages of `conversation` up to `seq` (its catch-up heads say so):
   * those still waiting for it are marked delivered to it and leave its outbox, in one transaction
   * read with range requests (the outbox's keys, the seq index's), not a read of each message: a
   * burst of 1,000 costs four requests and its writes. Returns the messages it applied to, by seq;
   * ones not sent to `peer` are left alone.
   */
  markHeldUpTo(peer: string, conversation: string, seq: number): Promise<StoredMessage[]> {
    return this.#marks.heldUpTo(peer, conversation, seq);
  }

  /** Forgets that `peer` still needs these messages (they left the group): no more re-sending. */
  async dropFromOutbox(peer: string, ids: readonly string[]): Promise<void> {
    await this.#connection.run(['outbox'], 'readwrite', async (tx) => {
      const outbox = tx.objectStore('outbox');
      await Promise.all(ids.map((id) => outbox.delete([peer, id])));
    });
  }

  /** See `ConversationPages.listConversation`. */
  listConversation(conversation: string, options: PageOptions = {}): Promise<StoredMessage[]> {
    return this.#pages.listConversation(conversation, options);
  }

  /** See `ConversationPages.listAround`. */
  listAround(conversation: string, at: ConversationCursor, limit?: number): Promise<StoredMessage[]> {
    return this.#pages.listAround(conversation, at, limit);
  }

  /** One message by id; undefined when unknown (or damaged, which is reported). */
  async getMessage(id: string): Promise<StoredMessage | undefined> {
    return this.#connection.run(['messages'], 'readonly', async (tx) =>
      this.#parse(id, await tx.objectStore('messages').get(id)),
    );
  }

  /** One past this user's highest stored seq in `conversation`, read from the seq index's keys only. */
  async #nextSeqIn(
    bySeq: IDBPIndex<
      AccountSchema,
      ArrayLike<AccountStoreName>,
      'messages',
      'by-author-seq',
      IDBTransactionMode
    >,
    conversation: string,
  ): Promise<number> {
    const range = IDBKeyRange.bound([conversation, this.user, 1], [conversation, this.user, MAX_SEQ]);
    const last = await bySeq.openKeyCursor(range, 'prev');
    // Rounded down so that a damaged seq (a fraction) cannot make every later seq a fraction too.
    return last ? Math.floor(last.key[2]) + 1 : 1;
  }

  #parse(key: IDBValidKey, raw: unknown): StoredMessage | undefined {
    return this.#connection.parse(StoredMessage, 'messages', key, raw);
  }
}

/** Whether another message of `message`'s author is stored at its seq of its conversation. */
async function positionTaken(
  bySeq: IDBPIndex<AccountSchema, ArrayLike<AccountStoreName>, 'messages', 'by-author-seq', 'readwrite'>,
  message: ChatMessage,
): Promise<boolean> {
  const key = await bySeq.getKey([message.conversation, message.author, message.seq]);
  return key !== undefined && key !== message.id;
}

function compareByTime(a: ConversationCursor, b: ConversationCursor): number {
  return a.sentAt - b.sentAt || compareStrings(a.id, b.id);
}

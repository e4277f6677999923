/**
 * The storage of one account, as domain operations: one object the app opens at sign-in and closes
 * at sign-out. It owns no rows itself; it composes one store per concern on one connection, so each
 * can be read on its own:
 *
 * - `messages` (message-store.ts): messages, outbox, seq, the view's pages;
 * - `conversations` (conversation-store.ts): unread counts, mute, activity;
 * - catch-up reads (catch-up-queries.ts): heads and what a peer lacks;
 * - `files` (file-store.ts): file rows and their chunks;
 * - `search` (search-index.ts): the message search, written with every message;
 * - `history` (history-store.ts): everything read out, and merged in by id (export / import).
 *
 * The methods below forward to those stores, so callers written against the one-class store keep
 * working; new code may use the stores directly. The rest of the app never sees a store, an index
 * or a key range.
 */
import type { ChatMessage } from '../../shared/peer-protocol.js';
import type { ProtocolError } from '../../shared/errors.js';
import { deleteAccountDb, openAccountDb } from './account-db.js';
import type { AccountDb } from './account-db.js';
import { AuthorshipStore } from './authorship-store.js';
import { CatchUpQueries } from './catch-up-queries.js';
import { ConversationStore } from './conversation-store.js';
import { IdentityStore } from './identity-store.js';
import { FileStore } from './file-store.js';
import { MessageStore } from './message-store.js';
import type { ConversationCursor, OwnMessageDraft, PageOptions } from './message-store.js';
import { HistoryStore } from './history-store.js';
import { RedactionStore } from './redaction-store.js';
import { SEARCH_RESUME_DELAY_MS, SearchBacklog } from './search-backlog.js';
import { SearchIndex } from './search-index.js';
import { SendJournal, replaySendJournal } from './send-journal.js';
import type { NoteStorage } from './local-storage.js';
import { StoreConnection } from './store-connection.js';
import type { ConversationSummary, StoredMessage } from './stored-message.js';

export type { ConversationSummary, StoredMessage } from './stored-message.js';
export { DEFAULT_PAGE_SIZE } from './message-store.js';
export type { ConversationCursor, OwnMessageDraft } from './message-store.js';

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
  /** Where notes of messages being sent are kept (send-journal.ts); `localStorage` unless given. */
  journalStorage?: NoteStorage | null;
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
  const onBadRow =
    options.onBadRow ?? ((error: ProtocolError) => console.warn('parley: skipped a row', error));
  const journal = new SendJournal(user, options.journalStorage);
  const store = new AccountStore(user, db, onBadRow, journal);
  // Before anything reads a seq: a message sent but not stored when the page last closed is stored now.
  await replaySendJournal(journal, store, onBadRow);
  // Caught-up messages the page closed on before indexing them: indexed in idle time, once the
  // page's start and its catch-up's first batches are past.
  store.search.backlog.drainSoon(SEARCH_RESUME_DELAY_MS);
  return store;
}

/** Deletes the history of `user`; open stores of the account close themselves first. For tests. */
export async function deleteAccountStore(user: string): Promise<void> {
  await deleteAccountDb(user);
  new SendJournal(user).clear();
}

/** The history, outbox, conversation list and files of one account. Get one from `openAccountStore`. */
export class AccountStore {
  readonly #connection: StoreConnection;
  /** Messages, outbox and seq. */
  readonly messages: MessageStore;
  /** Unread counts, mute and activity per conversation. */
  readonly conversations: ConversationStore;
  /** What a group catch-up asks (`heads`) and answers (`missingFor`). */
  readonly catchUp: CatchUpQueries;
  /** The account's files (rows and stored chunks), on the same connection: `close` closes it too. */
  readonly files: FileStore;
  /** The device key and contacts' pinned keys. Never part of a history export. */
  readonly identity: IdentityStore;
  /** Finds messages by words or characters of their text; kept up by every message write. */
  readonly search: SearchIndex;
  /** The whole history read out a page at a time, and merged in by id (export / import). */
  readonly history: HistoryStore;
  readonly authorship: AuthorshipStore;
  /** Notes of own messages sent before their transaction committed (send-journal.ts). */
  readonly sendJournal: SendJournal;
  /** Delete for everyone: tombstones applied to their targets. */
  readonly redactions: RedactionStore;

  /** Use `openAccountStore`. */
  constructor(
    /** The account, spelled as the server spells it; own messages carry it as `author`. */
    readonly user: string,
    db: AccountDb,
    onBadRow: (error: ProtocolError) => void,
    sendJournal: SendJournal,
  ) {
    this.sendJournal = sendJournal;
    this.#connection = new StoreConnection(db, onBadRow);
    this.conversations = new ConversationStore(this.#connection);
    this.search = new SearchIndex(this.#connection, new SearchBacklog(this.#connection));
    this.messages = new MessageStore(user, this.#connection, this.conversations, this.search);
    this.history = new HistoryStore(this.#connection, this.conversations, this.search);
    this.catchUp = new CatchUpQueries(this.#connection);
    this.files = new FileStore(this.#connection);
    this.identity = new IdentityStore(this.#connection);
    this.authorship = new AuthorshipStore(this.#connection);
    this.redactions = new RedactionStore(this.#connection);
  }

  /** See `MessageStore.addOwnMessage`. */
  addOwnMessage(draft: OwnMessageDraft, recipients: string[]): Promise<StoredMessage> {
    return this.messages.addOwnMessage(draft, recipients);
  }

  /** See `MessageStore.addOwnMessages`. */
  addOwnMessages(
    entries: ReadonlyArray<{ draft: OwnMessageDraft; recipients: readonly string[] }>,
  ): Promise<StoredMessage[]> {
    return this.messages.addOwnMessages(entries);
  }

  /** See `MessageStore.nextSeq`. */
  nextSeq(conversation: string): Promise<number> {
    return this.messages.nextSeq(conversation);
  }

  /** See `MessageStore.addIncomingMessage`. */
  addIncomingMessage(
    message: ChatMessage,
    options: { unread: boolean; receivedAt?: number },
  ): Promise<'stored' | 'duplicate'> {
    return this.messages.addIncomingMessage(message, options);
  }

  /** See `MessageStore.addIncomingBatch`. */
  addIncomingBatch(
    conversation: string,
    batch: readonly ChatMessage[],
    options: { unread: boolean; receivedAt?: number; awaitingKey?: ReadonlySet<string> },
  ): Promise<string[]> {
    return this.messages.addIncomingBatch(conversation, batch, options);
  }

  /** See `MessageStore.markSent`. */
  markSent(id: string): Promise<StoredMessage | undefined> {
    return this.messages.markSent(id);
  }

  /** See `MessageStore.markDelivered`. */
  markDelivered(id: string, by: string): Promise<StoredMessage | undefined> {
    return this.messages.markDelivered(id, by);
  }

  /** See `MessageStore.markSentMany`. */
  markSentMany(ids: readonly string[]): Promise<StoredMessage[]> {
    return this.messages.markSentMany(ids);
  }

  /** See `MessageStore.markDeliveredMany`. */
  markDeliveredMany(ids: readonly string[], by: string): Promise<StoredMessage[]> {
    return this.messages.markDeliveredMany(ids, by);
  }

  /** See `MessageStore.markReadBy`. */
  markReadBy(conversation: string, ids: readonly string[], by: string): Promise<StoredMessage[]> {
    return this.messages.markReadBy(conversation, ids, by);
  }

  /** See `MessageStore.pendingFor`. */
  pendingFor(peer: string, skip?: (conversation: string) => boolean): Promise<StoredMessage[]> {
    return this.messages.pendingFor(peer, skip);
  }

  /** See `MessageStore.dropFromOutbox`. */
  dropFromOutbox(peer: string, ids: readonly string[]): Promise<void> {
    return this.messages.dropFromOutbox(peer, ids);
  }

  /** See `MessageStore.listConversation`. */
  listConversation(conversation: string, options: PageOptions = {}): Promise<StoredMessage[]> {
    return this.messages.listConversation(conversation, options);
  }

  /** See `MessageStore.listAround`. */
  listAround(conversation: string, at: ConversationCursor, limit?: number): Promise<StoredMessage[]> {
    return this.messages.listAround(conversation, at, limit);
  }

  /** See `MessageStore.getMessage`. */
  getMessage(id: string): Promise<StoredMessage | undefined> {
    return this.messages.getMessage(id);
  }

  /** See `CatchUpQueries.highestSeqs`. */
  highestSeqs(conversation: string, authors: Iterable<string>): Promise<Map<string, number>> {
    return this.catchUp.highestSeqs(conversation, authors);
  }

  /** See `CatchUpQueries.heads`. */
  heads(conversation: string): Promise<Map<string, number>> {
    return this.catchUp.heads(conversation);
  }

  /** See `CatchUpQueries.missingFor`. */
  missingFor(conversation: string, heads: ReadonlyMap<string, number>, since = 0): Promise<StoredMessage[]> {
    return this.catchUp.missingFor(conversation, heads, since);
  }

  /** See `ConversationStore.list`. */
  listConversations(): Promise<ConversationSummary[]> {
    return this.conversations.list();
  }

  /** See `ConversationStore.markRead`. */
  markRead(conversation: string, at?: number): Promise<void> {
    return this.conversations.markRead(conversation, at);
  }

  /** See `ConversationStore.setMuted`. */
  setMuted(conversation: string, muted: boolean): Promise<void> {
    return this.conversations.setMuted(conversation, muted);
  }

  /** Closes the database connection; every later call, of every store, rejects. */
  close(): void {
    this.search.backlog.stop();
    this.#connection.close();
  }
}

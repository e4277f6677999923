/**
 * The IndexedDB database of one account: its schema and its migrations. Only this folder opens it;
 * each store class reads and writes its own IndexedDB stores (message-store.ts: `messages`, `outbox`;
 * conversation-store.ts: `conversations`; file-store.ts: `files`, `file-chunks`; identity-store.ts:
 * `identity`, `pins`; search-index.ts: `search-index`; search-backlog.ts: `search-pending`; authorship-store.ts: `equivocations` and the
 * messages awaiting their author's key).
 */
import { deleteDB, openDB } from 'idb';
import type { DBSchema, IDBPDatabase, IDBPObjectStore, IDBPTransaction, StoreNames } from 'idb';
import { nameKey } from '../../shared/names.js';
import type { Equivocation } from './authorship-store.js';
import type { DeviceKeyRow, PinRow } from './identity-store.js';
import { StoredFile, withRecipients } from './stored-file.js';
import type { StoredFileStatus } from './stored-file.js';
import { StoredMessage } from './stored-message.js';
import { SearchIndex } from './search-index.js';
import type { ConversationSummary, OutboxRow } from './stored-message.js';

export type { OutboxRow } from './stored-message.js';

/** Bump by one with each migration added to `upgrade`. */
export const ACCOUNT_DB_VERSION = 8;

/**
 * What the app writes. Rows read back are typed by the same interfaces but must still be validated
 * (see stored-message.ts): the database outlives any one version of this code.
 */
export interface AccountSchema extends DBSchema {
  messages: {
    key: string;
    value: StoredMessage;
    indexes: {
      /** A conversation in display order. */
      'by-conversation': [conversation: string, sentAt: number, id: string];
      /** One author's messages of a conversation by seq: the next seq, and what a peer lacks. */
      'by-author-seq': [conversation: string, author: string, seq: number];
      /**
       * Since v7: forwarded messages whose author's key is not known yet, by author. Sparse: only
       * rows with `awaitingKey` are in it, so finding them never walks the history.
       */
      'by-awaiting-key': string;
    };
  };
  outbox: { key: [to: string, id: string]; value: OutboxRow };
  /** Since v2. */
  conversations: { key: string; value: ConversationSummary };
  /** Since v3: one row per file sent or received; since v4 outgoing rows carry their `recipients`. */
  files: {
    key: string;
    value: StoredFile;
    indexes: {
      /** The pending ones are what a reload resumes. */
      'by-status': StoredFileStatus;
    };
  };
  /**
   * Since v3: the stored chunks of incoming files, each a `Blob` (Chromium keeps Blob values in files
   * of their own and reads return handles, so assembling a file never pulls its bytes into JS).
   */
  'file-chunks': { key: [id: string, index: number]; value: Blob };
  /** Since v5: this browser's device key (one row, out-of-line key `device`). */
  identity: { key: string; value: DeviceKeyRow };
  /** Since v5: contacts' keys, pinned on first use. */
  pins: { key: string; value: PinRow };
  /**
   * Since v6: one key per token of each message's text or file name (search-index.ts), the
   * newest first within a token; the keys are the index, the value is a placeholder.
   */
  'search-index': { key: [token: string, minusSentAt: number, id: string]; value: 1 };
  /** Since v7: two messages one author signed for one position: the evidence of equivocation. */
  equivocations: { key: [conversation: string, author: string, seq: number]; value: Equivocation };
  /**
   * Since v8: ids of messages stored but not yet in `search-index` (a catch-up batch is indexed
   * after it is stored: search-backlog.ts), one row per batch, oldest first.
   */
  'search-pending': { key: number; value: string[] };
}

export type AccountDb = IDBPDatabase<AccountSchema>;
export type AccountStoreName = StoreNames<AccountSchema>;
export type AccountTransaction<
  Names extends AccountStoreName[],
  Mode extends IDBTransactionMode,
> = IDBPTransaction<AccountSchema, Names, Mode>;
/** The `conversations` store inside any read-write transaction that includes it. */
export type ConversationsWriter = IDBPObjectStore<
  AccountSchema,
  ArrayLike<AccountStoreName>,
  'conversations',
  'readwrite'
>;
type UpgradeTransaction = IDBPTransaction<AccountSchema, AccountStoreName[], 'versionchange'>;

/** One database per account, so two accounts in one browser never see each other's history. */
export function accountDbName(user: string): string {
  if (user.length === 0) throw new TypeError('an account database needs a user name');
  return `parley:${nameKey(user)}`;
}

/** How an open connection learns that it must stop or wait. */
export interface AccountDbEvents {
  /** Another tab runs an older version that has not let go of the database yet. */
  onBlocked(): void;
  /** The connection was closed for another tab's upgrade or deletion, or by the browser. */
  onClosed(reason: 'versionchange' | 'terminated'): void;
}

/** Opens (creating or migrating as needed) the database of `user`. */
export async function openAccountDb(user: string, events: AccountDbEvents): Promise<AccountDb> {
  const db = await openDB<AccountSchema>(accountDbName(user), ACCOUNT_DB_VERSION, {
    upgrade: (database, oldVersion, _newVersion, transaction) => upgrade(database, oldVersion, transaction),
    blocked: () => events.onBlocked(),
    // Another tab wants to upgrade or delete: let go at once, or it waits for this tab forever.
    blocking: () => {
      db.close();
      events.onClosed('versionchange');
    },
    terminated: () => events.onClosed('terminated'),
  });
  return db;
}

/** Deletes the database of `user`; open connections of this app close themselves first. */
export async function deleteAccountDb(user: string): Promise<void> {
  await deleteDB(accountDbName(user));
}

/**
 * Append-only: each step takes the database from one version to the next and is never edited once
 * released, because some browser out there still holds that older version.
 */
function upgrade(db: AccountDb, oldVersion: number, transaction: UpgradeTransaction): void {
  if (oldVersion < 1) {
    const messages = db.createObjectStore('messages', { keyPath: 'id' });
    messages.createIndex('by-conversation', ['conversation', 'sentAt', 'id']);
    messages.createIndex('by-author-seq', ['conversation', 'author', 'seq']);
    db.createObjectStore('outbox', { keyPath: ['to', 'id'] });
  }
  if (oldVersion < 2) {
    db.createObjectStore('conversations', { keyPath: 'id' });
    // A failed backfill must fail the whole upgrade: the database then stays at v1, with its data.
    backfillConversations(transaction).catch(() => abortQuietly(transaction));
  }
  if (oldVersion < 3) {
    db.createObjectStore('files', { keyPath: 'id' }).createIndex('by-status', 'status');
    // Out-of-line keys: a Blob value has no key path.
    db.createObjectStore('file-chunks');
  }
  if (oldVersion < 4) {
    backfillFileRecipients(transaction).catch(() => abortQuietly(transaction));
  }
  if (oldVersion < 5) {
    // Identity (client/storage/identity-store.ts): the device key and pinned contact keys.
    db.createObjectStore('identity');
    db.createObjectStore('pins', { keyPath: 'peer' });
  }
  // Search: the index, and every message already stored in it.
  if (oldVersion < 6) {
    db.createObjectStore('search-index');
    backfillSearchIndex(transaction).catch(() => abortQuietly(transaction));
  }
  // Signed messages (authorship-store.ts). Rows stored before have no `sig` and stay as they are:
  // they are shown as unsigned, never dropped.
  if (oldVersion < 7) {
    transaction.objectStore('messages').createIndex('by-awaiting-key', 'awaitingKey');
    db.createObjectStore('equivocations', { keyPath: ['conversation', 'author', 'seq'] });
  }
  // Search indexing after a catch-up batch is stored, not inside its transaction (search-backlog.ts).
  if (oldVersion < 8) {
    db.createObjectStore('search-pending', { autoIncrement: true });
  }
}

/**
 * v6: indexes every message already stored, as storing it would have. Damaged rows are skipped
 * (they are reported when read, and not searchable until then).
 */
async function backfillSearchIndex(transaction: UpgradeTransaction): Promise<void> {
  const index = transaction.objectStore('search-index');
  let cursor = await transaction.objectStore('messages').openCursor();
  while (cursor) {
    const message = StoredMessage.safeParse(cursor.value);
    if (message.success) await SearchIndex.addTo(index, message.data);
    cursor = await cursor.continue();
  }
}

/**
 * v2: one conversation row per conversation that already has messages, all read. Walks index keys
 * only (not whole messages), and ignores keys of damaged rows rather than failing the upgrade.
 */
async function backfillConversations(transaction: UpgradeTransaction): Promise<void> {
  const newest = new Map<string, number>();
  let cursor = await transaction.objectStore('messages').index('by-conversation').openKeyCursor();
  while (cursor) {
    const [conversation, sentAt] = cursor.key as unknown[];
    if (typeof conversation === 'string' && Number.isSafeInteger(sentAt) && (sentAt as number) >= 0) {
      newest.set(conversation, Math.max(newest.get(conversation) ?? 0, sentAt as number));
    }
    cursor = await cursor.continue();
  }
  const conversations = transaction.objectStore('conversations');
  await Promise.all(
    [...newest].map(([id, lastActivity]) =>
      // Nothing was counted before v2, so everything already stored counts as read.
      conversations.put({ id, unread: 0, lastActivity, lastReadAt: lastActivity }),
    ),
  );
}

/**
 * v4: outgoing file rows learn their recipients from the message that carries them, and those every
 * recipient already has (or declined) become `complete`: before v4 they stayed `pending` for ever
 * and were resumed on every load. Rows are validated first; a damaged row, or one whose message is
 * missing or damaged, is left exactly as it is (and reported when read), never deleted.
 */
async function backfillFileRecipients(transaction: UpgradeTransaction): Promise<void> {
  const messages = transaction.objectStore('messages');
  let cursor = await transaction.objectStore('files').openCursor();
  while (cursor) {
    const row = StoredFile.safeParse(cursor.value);
    if (row.success && row.data.role === 'outgoing' && row.data.recipients === undefined) {
      const message = StoredMessage.safeParse(await messages.get(cursor.primaryKey));
      if (message.success && message.data.author === row.data.author) {
        // The raw row, not the parsed one, is what is kept: nothing the schema does not know is lost.
        const settled = withRecipients(row.data, message.data.recipients);
        await cursor.update({ ...cursor.value, recipients: settled.recipients, status: settled.status });
      }
    }
    cursor = await cursor.continue();
  }
}

/**
 * Runs `body` in one transaction of `db` and settles when the transaction has: a read-write call
 * resolves only once its writes are committed. If `body` throws, the transaction is aborted, so
 * nothing it wrote is kept, and the body's error (not the abort) is the one reported.
 */
export async function runTransaction<
  const Names extends AccountStoreName[],
  Mode extends IDBTransactionMode,
  Result,
>(
  db: AccountDb,
  names: Names,
  mode: Mode,
  body: (tx: AccountTransaction<Names, Mode>) => Promise<Result>,
): Promise<Result> {
  // Relaxed, as in AccountStore: committed once the OS has the write, without waiting for a disk
  // flush. A crashed tab loses nothing; a power cut could lose the last moment, which the peers'
  // re-sending (and, for files, resuming from the stored `have`) covers.
  const tx = db.transaction(names, mode, { durability: 'relaxed' });
  const result = body(tx).catch((error: unknown) => {
    abortQuietly(tx);
    throw error;
  });
  // Both promises are awaited together so that neither rejection goes unhandled.
  const [value] = await Promise.all([result, tx.done]);
  return value;
}

/** Aborts a transaction unless it has already ended (a failed request aborts it by itself). */
export function abortQuietly(transaction: { abort(): void }): void {
  try {
    transaction.abort();
  } catch {
    // Already aborted or committed: nothing left to undo.
  }
}

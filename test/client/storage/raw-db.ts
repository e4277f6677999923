// The database as an older release (or damage) left it, written with the raw IndexedDB API, past
// every validation of the app: the helpers the migration and damaged-row tests share.
import { accountDbName } from '../../../client/storage/account-db.js';
import { deleteAccountStore, openAccountStore } from '../../../client/storage/account-store.js';
import type { AccountStore } from '../../../client/storage/account-store.js';
import type { ProtocolError } from '../../../shared/errors.js';

/**
 * Alice's database for the tests of one `describe`: stores opened through the app (damaged rows
 * collected in `badRows`) and raw connections, all closed and the database deleted after each test.
 */
export function aliceDatabase() {
  const opened: AccountStore[] = [];
  const raw: IDBDatabase[] = [];
  const badRows: ProtocolError[] = [];

  async function open(user = 'alice'): Promise<AccountStore> {
    const store = await openAccountStore(user, { onBadRow: (error) => badRows.push(error) });
    opened.push(store);
    return store;
  }

  async function openRaw(version: number, upgrade?: (db: IDBDatabase, tx: IDBTransaction) => void) {
    const db = await rawOpen(accountDbName('alice'), version, upgrade);
    raw.push(db);
    return db;
  }

  afterEach(async () => {
    for (const store of opened.splice(0)) store.close();
    for (const db of raw.splice(0)) db.close();
    badRows.splice(0);
    await deleteAccountStore('alice');
  });

  return { opened, badRows, open, openRaw };
}

export function messageId(n: number): string {
  return n.toString(16).padStart(32, '0');
}

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Opens `name` at `version` with the raw API, running `upgrade` if the version is new. */
export function rawOpen(
  name: string,
  version: number,
  upgrade: (db: IDBDatabase, tx: IDBTransaction) => void = () => {},
): Promise<IDBDatabase> {
  const req = indexedDB.open(name, version);
  req.onupgradeneeded = () => upgrade(req.result, req.transaction!);
  return request(req);
}

/** Writes rows as they are, past any validation, in one transaction. */
export async function rawPut(db: IDBDatabase, store: string, rows: unknown[]): Promise<void> {
  const tx = db.transaction(store, 'readwrite');
  for (const row of rows) tx.objectStore(store).put(row);
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
  });
}

export async function rawGet(db: IDBDatabase, store: string, key: IDBValidKey): Promise<unknown> {
  return request(db.transaction(store).objectStore(store).get(key));
}

/** Exactly what release 1 created. Kept here, frozen, because the app's copy only ever moves on. */
export function createVersion1(db: IDBDatabase): void {
  const messages = db.createObjectStore('messages', { keyPath: 'id' });
  messages.createIndex('by-conversation', ['conversation', 'sentAt', 'id']);
  messages.createIndex('by-author-seq', ['conversation', 'author', 'seq']);
  db.createObjectStore('outbox', { keyPath: ['to', 'id'] });
}

/** Exactly what release 2 created: release 1 plus the conversation list. Frozen, like version 1. */
export function createVersion2(db: IDBDatabase): void {
  createVersion1(db);
  db.createObjectStore('conversations', { keyPath: 'id' });
}

/** Exactly what release 3 created: release 2 plus files and their chunks. Frozen, like version 1. */
export function createVersion3(db: IDBDatabase): void {
  createVersion2(db);
  db.createObjectStore('files', { keyPath: 'id' }).createIndex('by-status', 'status');
  db.createObjectStore('file-chunks');
}

/** Exactly what release 4 created: release 3's stores (v4 only backfilled file recipients). Frozen. */
export function createVersion4(db: IDBDatabase): void {
  createVersion3(db);
}

/** Exactly what release 5 created: release 4 plus the device key and pinned contact keys. Frozen. */
export function createVersion5(db: IDBDatabase): void {
  createVersion4(db);
  db.createObjectStore('identity');
  db.createObjectStore('pins', { keyPath: 'peer' });
}

export const dm = 'dm:alice:bob';
export const group = 'g:friends';

export function ownRow(n: number, conversation: string, sentAt: number, recipients: string[], seq = n) {
  return {
    id: messageId(n),
    conversation,
    author: 'alice',
    seq,
    sentAt,
    text: `own ${n}`,
    recipients,
    deliveredTo: [],
    sent: true,
  };
}

export function incomingRow(n: number, conversation: string, sentAt: number, seq = n) {
  return {
    id: messageId(n),
    conversation,
    author: 'bob',
    seq,
    sentAt,
    text: `incoming ${n}`,
    recipients: [],
    deliveredTo: [],
    sent: false,
    receivedAt: sentAt + 5,
  };
}

/** Exactly what release 6 created: release 5 plus the search index. Frozen. */
export function createVersion6(db: IDBDatabase): void {
  createVersion5(db);
  db.createObjectStore('search-index');
}

// Upgrading a version 4 or 5 database to the current one: identity (v5) and the search index (v6)
// were developed side by side, so a v4 database must run both migrations and a v5 one only the
// search backfill, keeping the keys it already holds.
import { expect } from '@open-wc/testing';
import { ACCOUNT_DB_VERSION } from '../../../client/storage/account-db.js';
import {
  aliceDatabase,
  createVersion4,
  createVersion5,
  dm,
  incomingRow,
  messageId,
  ownRow,
  rawPut,
} from './raw-db.js';

const pinned = { peer: 'bob', alg: 'Ed25519', key: 'ab'.repeat(32), verified: true, pinnedAt: 1234 };

describe('account database: upgrading from versions 4 and 5', () => {
  const { badRows, open, openRaw } = aliceDatabase();

  afterEach(() => {
    expect(badRows.splice(0), 'no stored row should have been damaged').to.deep.equal([]);
  });

  /** The database as that release left it, with one incoming and one own message. */
  async function writeMessages(version: number, create: (db: IDBDatabase) => void): Promise<IDBDatabase> {
    const db = await openRaw(version, create);
    await rawPut(db, 'messages', [
      { ...incomingRow(1, dm, 1000), text: 'meet at the harbour' },
      { ...ownRow(2, dm, 2000, ['bob']), text: '明天的会议室' },
    ]);
    return db;
  }

  const ids = async (hits: Promise<readonly { id: string }[]>) => (await hits).map((hit) => hit.id);

  it('from version 4 adds the identity stores and indexes the messages already stored', async () => {
    (await writeMessages(4, createVersion4)).close();
    const store = await open();
    expect(await ids(store.search.search('harbour'))).to.deep.equal([messageId(1)]);
    expect(await ids(store.search.search('会议'))).to.deep.equal([messageId(2)]);
    expect(await store.identity.pin('bob')).to.equal(undefined);
    await store.identity.savePin('bob', { alg: 'Ed25519', key: pinned.key }, true, pinned.pinnedAt);
    expect(await store.identity.pin('bob')).to.deep.equal(pinned);
    store.close();
    const db = await openRaw(ACCOUNT_DB_VERSION);
    expect(db.version).to.equal(ACCOUNT_DB_VERSION);
    expect([...db.objectStoreNames].sort()).to.include.members(['identity', 'pins', 'search-index']);
  });

  it('from version 5 keeps the pinned keys and indexes the messages already stored', async () => {
    const db = await writeMessages(5, createVersion5);
    await rawPut(db, 'pins', [pinned]);
    db.close();
    const store = await open();
    expect(await store.identity.pin('bob')).to.deep.equal(pinned);
    expect(await ids(store.search.search('HARB'))).to.deep.equal([messageId(1)]);
    expect(await ids(store.search.search('会议室'))).to.deep.equal([messageId(2)]);
  });
});

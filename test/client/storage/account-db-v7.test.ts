// Upgrading a version 6 database to version 7 (signed messages): the messages stored before have no
// signature, and every one of them must still be there, readable, listed, searchable and caught up,
// with nothing marked as awaiting a key and no equivocation invented.
import { expect } from '@open-wc/testing';
import { ACCOUNT_DB_VERSION } from '../../../client/storage/account-db.js';
import {
  aliceDatabase,
  createVersion6,
  dm,
  group,
  incomingRow,
  messageId,
  ownRow,
  rawPut,
} from './raw-db.js';

describe('account database: upgrading from version 6', () => {
  const { badRows, open, openRaw } = aliceDatabase();

  afterEach(() => {
    expect(badRows.splice(0), 'no stored row should have been damaged').to.deep.equal([]);
  });

  it('keeps every unsigned message as it was, and adds the signature stores', async () => {
    const rows = [
      { ...incomingRow(1, dm, 1000), text: 'from before signing' },
      ownRow(2, dm, 2000, ['bob']),
      incomingRow(3, group, 3000, 1),
      // The field the protocol reserved, as a peer of the old version could have sent it.
      { ...incomingRow(4, group, 4000, 2), sig: 'reserved' },
    ];
    const db = await openRaw(6, createVersion6);
    await rawPut(db, 'messages', rows);
    db.close();

    const store = await open();
    const direct = await store.listConversation(dm);
    expect(direct.map((m) => [m.id, m.text, m.sig])).to.deep.equal([
      [messageId(1), 'from before signing', undefined],
      [messageId(2), 'own 2', undefined],
    ]);
    expect(await store.getMessage(messageId(1))).to.deep.equal(rows[0]);
    expect([...(await store.heads(group))]).to.deep.equal([['bob', 2]]);
    expect(await store.authorship.awaitingKeyOf('bob')).to.deep.equal([]);
    expect(await store.authorship.equivocations(dm)).to.deep.equal([]);
    expect(await store.authorship.at(dm, 'alice', 2)).to.deep.equal(rows[1]);
    store.close();

    const upgraded = await openRaw(ACCOUNT_DB_VERSION);
    expect(upgraded.version).to.be.at.least(7);
    expect([...upgraded.objectStoreNames]).to.include('equivocations');
    const indexes = upgraded.transaction('messages').objectStore('messages').indexNames;
    expect([...indexes]).to.include('by-awaiting-key');
  });
});

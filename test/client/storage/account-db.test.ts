// The database as it sits on disk: older versions written by older code, and damaged rows. These
// tests write with the raw IndexedDB API, as an older release or a damaged profile would have.
import { expect } from '@open-wc/testing';
import { ACCOUNT_DB_VERSION, accountDbName } from '../../../client/storage/account-db.js';
import { openAccountStore } from '../../../client/storage/account-store.js';
import { ErrorCode, ProtocolError } from '../../../shared/errors.js';
import {
  aliceDatabase,
  createVersion1,
  createVersion2,
  dm,
  group,
  incomingRow,
  messageId,
  ownRow,
  rawGet,
  rawPut,
} from './raw-db.js';

describe('account database', () => {
  const { opened, badRows, open, openRaw } = aliceDatabase();

  it('is named after the account, one database per case-insensitive name', () => {
    expect(accountDbName('Alice')).to.equal('parley:alice');
    expect(accountDbName('alice')).to.equal(accountDbName('ALICE'));
    expect(() => accountDbName('')).to.throw(TypeError);
  });

  describe('upgrading from version 1', () => {
    const v1Messages = [
      ownRow(1, dm, 1000, ['bob']),
      incomingRow(2, dm, 3000, 1),
      ownRow(3, dm, 2000, ['bob'], 2),
      ownRow(4, group, 1500, ['bob', 'carol'], 1),
      incomingRow(5, group, 1200, 1),
    ];

    async function writeVersion1(rows: unknown[] = v1Messages): Promise<void> {
      const db = await openRaw(1, createVersion1);
      await rawPut(db, 'messages', rows);
      await rawPut(db, 'outbox', [
        { to: 'bob', id: messageId(3) },
        { to: 'carol', id: messageId(4) },
      ]);
      db.close();
    }

    it('keeps every message and the outbox', async () => {
      await writeVersion1();
      const store = await open();
      expect((await store.listConversation(dm)).map((m) => m.id)).to.deep.equal([
        messageId(1),
        messageId(3),
        messageId(2),
      ]);
      expect(await store.listConversation(group)).to.deep.equal([v1Messages[4], v1Messages[3]]);
      expect((await store.pendingFor('bob')).map((m) => m.id)).to.deep.equal([messageId(3)]);
      expect((await store.pendingFor('carol')).map((m) => m.id)).to.deep.equal([messageId(4)]);
      expect(badRows).to.deep.equal([]);
    });

    it('backfills one conversation per conversation with messages, active at its newest message, all read', async () => {
      await writeVersion1();
      const store = await open();
      expect(await store.listConversations()).to.deep.equal([
        { id: dm, unread: 0, lastActivity: 3000, lastReadAt: 3000 },
        { id: group, unread: 0, lastActivity: 1500, lastReadAt: 1500 },
      ]);
    });

    it('reaches the current version, and then works as a new database does', async () => {
      await writeVersion1();
      const store = await open();
      store.close();
      const db = await openRaw(ACCOUNT_DB_VERSION);
      expect(db.version).to.equal(ACCOUNT_DB_VERSION);
      expect([...db.objectStoreNames].sort()).to.deep.equal([
        'conversations',
        'equivocations',
        'file-chunks',
        'files',
        'identity',
        'messages',
        'outbox',
        'pins',
        'search-index',
        'search-pending',
      ]);
      db.close();

      const reopened = await open();
      const next = await reopened.addOwnMessage(
        { id: messageId(9), conversation: dm, sentAt: 4000, text: 'after the upgrade' },
        ['bob'],
      );
      expect(next.seq).to.equal(3);
      await reopened.addIncomingMessage(
        { id: messageId(10), conversation: group, author: 'bob', seq: 2, sentAt: 5000, text: 'new' },
        { unread: true, receivedAt: 5000 },
      );
      expect(await reopened.listConversations()).to.deep.equal([
        { id: group, unread: 1, lastActivity: 5000, lastReadAt: 1500 },
        { id: dm, unread: 0, lastActivity: 4000, lastReadAt: 3000 },
      ]);
    });

    it('upgrades around a damaged row, which it keeps and reports when read', async () => {
      const damaged = { ...incomingRow(6, dm, 0), sentAt: 'yesterday' };
      await writeVersion1([...v1Messages, damaged]);
      const store = await open();
      expect((await store.listConversations()).find((c) => c.id === dm)?.lastActivity).to.equal(3000);
      expect(await store.listConversation(dm)).to.have.length(3);
      expect(badRows.map((error) => error.code)).to.deep.equal([ErrorCode.BadRow]);
      store.close();
      const db = await openRaw(ACCOUNT_DB_VERSION);
      expect(await rawGet(db, 'messages', messageId(6))).to.deep.equal(damaged);
    });

    it('backfills nothing for an empty version 1 database', async () => {
      await writeVersion1([]);
      const store = await open();
      expect(await store.listConversations()).to.deep.equal([]);
    });
  });

  describe('upgrading from version 2', () => {
    const v2Messages = [
      ownRow(1, dm, 1000, ['bob']),
      incomingRow(2, dm, 3000, 1),
      ownRow(4, group, 1500, ['bob', 'carol'], 1),
    ];
    const v2Conversations = [
      { id: dm, unread: 1, lastActivity: 3000, lastReadAt: 1000 },
      { id: group, unread: 0, lastActivity: 1500, lastReadAt: 1500 },
    ];

    async function writeVersion2(): Promise<void> {
      const db = await openRaw(2, createVersion2);
      await rawPut(db, 'messages', v2Messages);
      await rawPut(db, 'outbox', [{ to: 'carol', id: messageId(4) }]);
      await rawPut(db, 'conversations', v2Conversations);
      db.close();
    }

    it('keeps every message, the outbox and the unread counts', async () => {
      await writeVersion2();
      const store = await open();
      expect(await store.listConversation(dm)).to.deep.equal([v2Messages[0], v2Messages[1]]);
      expect(await store.listConversation(group)).to.deep.equal([v2Messages[2]]);
      expect((await store.pendingFor('carol')).map((m) => m.id)).to.deep.equal([messageId(4)]);
      expect(await store.listConversations()).to.deep.equal(v2Conversations);
      expect(badRows).to.deep.equal([]);
    });

    it('adds empty stores for files, which then work', async () => {
      await writeVersion2();
      const store = await open();
      expect(await store.files.unfinished()).to.deep.equal([]);
      const file = {
        id: messageId(7),
        conversation: dm,
        author: 'bob',
        info: { name: 'a.txt', size: 3, type: 'text/plain', hash: 'a'.repeat(64), chunkSize: 65536 },
        role: 'incoming' as const,
        status: 'pending' as const,
        have: 0,
        hashState: null,
        blob: null,
        completedBy: [],
        cancelledBy: null,
        updatedAt: 1,
      };
      await store.files.put(file);
      expect(
        await store.files.appendChunks(file.id, 0, [new Uint8Array([1, 2, 3])], new Uint8Array(1)),
      ).to.equal(1);
      await store.files.update(file.id, { status: 'complete' });
      expect(await (await store.files.blobOf(file.id))?.text()).to.equal('\u0001\u0002\u0003');
      store.close();
      const db = await openRaw(ACCOUNT_DB_VERSION);
      expect(db.version).to.equal(ACCOUNT_DB_VERSION);
      expect([...db.transaction('files').objectStore('files').indexNames]).to.deep.equal(['by-status']);
    });
  });

  describe('other tabs', () => {
    it('waits for a tab still on version 1 to let go, and says so', async () => {
      const olderTab = await openRaw(1, createVersion1);
      let blocked = 0;
      const store = await openAccountStore('alice', {
        onBlocked: () => {
          blocked += 1;
          olderTab.close();
        },
      });
      opened.push(store);
      expect(blocked).to.equal(1);
      expect(await store.listConversations()).to.deep.equal([]);
    });

    it('closes itself so that a newer version in another tab can upgrade', async () => {
      const reasons: string[] = [];
      const store = await openAccountStore('alice', { onClosed: (reason) => reasons.push(reason) });
      opened.push(store);
      const newerTab = await openRaw(ACCOUNT_DB_VERSION + 1);
      expect(newerTab.version).to.equal(ACCOUNT_DB_VERSION + 1);
      expect(reasons).to.deep.equal(['versionchange']);
    });
  });

  describe('damaged rows', () => {
    async function storeWithDamage(rows: unknown[], conversations: unknown[] = []) {
      const store = await open();
      await store.addIncomingMessage(
        { id: messageId(1), conversation: dm, author: 'bob', seq: 1, sentAt: 1000, text: 'fine' },
        { unread: false, receivedAt: 1000 },
      );
      await store.addOwnMessage({ id: messageId(2), conversation: dm, sentAt: 2000, text: 'also fine' }, [
        'bob',
      ]);
      const db = await openRaw(ACCOUNT_DB_VERSION);
      await rawPut(db, 'messages', rows);
      await rawPut(db, 'conversations', conversations);
      return { store, db };
    }

    const missingText = { ...incomingRow(3, dm, 1500), text: undefined };

    it('skips a damaged message and reports it once, while the others load', async () => {
      const { store } = await storeWithDamage([missingText]);
      expect((await store.listConversation(dm)).map((m) => m.text)).to.deep.equal(['fine', 'also fine']);
      expect(await store.listConversation(dm)).to.have.length(2);
      expect(await store.getMessage(messageId(3))).to.equal(undefined);

      expect(badRows).to.have.length(1);
      expect(badRows[0]).to.be.instanceOf(ProtocolError);
      expect(badRows[0]?.code).to.equal(ErrorCode.BadRow);
      expect(badRows[0]?.detail).to.contain(messageId(3)).and.contain('text');
    });

    it('never deletes a damaged row', async () => {
      const { store, db } = await storeWithDamage([missingText]);
      await store.listConversation(dm);
      expect(await rawGet(db, 'messages', messageId(3))).to.deep.equal(missingText);
    });

    it('does not count a damaged row against the page size', async () => {
      const { store } = await storeWithDamage([{ ...missingText, sentAt: 2500 }]);
      expect((await store.listConversation(dm, { limit: 2 })).map((m) => m.id)).to.deep.equal([
        messageId(1),
        messageId(2),
      ]);
    });

    it('leaves a damaged own message out of what is pending', async () => {
      const { store, db } = await storeWithDamage([]);
      await rawPut(db, 'outbox', [{ to: 'bob', id: messageId(3) }]);
      await rawPut(db, 'messages', [{ ...ownRow(3, dm, 500, ['bob']), recipients: 'bob' }]);
      expect((await store.pendingFor('bob')).map((m) => m.id)).to.deep.equal([messageId(2)]);
      expect(badRows).to.have.length(1);
    });

    it('skips a damaged outbox row and reports it, while the rest is still pending', async () => {
      const { store, db } = await storeWithDamage([]);
      await rawPut(db, 'outbox', [{ to: 'bob', id: 7 }]);
      expect((await store.pendingFor('bob')).map((m) => m.id)).to.deep.equal([messageId(2)]);
      expect(badRows).to.have.length(1);
      expect(badRows[0]?.detail).to.contain('outbox').and.contain('id');
    });

    it('counts no damaged index key toward the heads a catch-up sends', async () => {
      const { store } = await storeWithDamage([
        { ...incomingRow(3, dm, 1500, 1), author: 42 },
        { ...incomingRow(4, dm, 1600, 1), author: 'carol', seq: '1' },
      ]);
      expect([...(await store.heads(dm))]).to.deep.equal([
        ['alice', 1],
        ['bob', 1],
      ]);
    });

    it('skips a damaged conversation row and reports it', async () => {
      const { store } = await storeWithDamage(
        [],
        [{ id: group, unread: -3, lastActivity: 1, lastReadAt: 0 }],
      );
      expect((await store.listConversations()).map((c) => c.id)).to.deep.equal([dm]);
      expect(badRows.map((error) => error.detail)).to.have.length(1);
      expect(badRows[0]?.detail).to.contain('conversations').and.contain(group);
    });

    it('rebuilds a damaged conversation row when the next message arrives', async () => {
      const { store } = await storeWithDamage([], [{ id: group, unread: 'many' }]);
      await store.addIncomingMessage(
        { id: messageId(5), conversation: group, author: 'bob', seq: 1, sentAt: 3000, text: 'hi' },
        { unread: true, receivedAt: 3000 },
      );
      expect((await store.listConversations())[0]).to.deep.equal({
        id: group,
        unread: 1,
        lastActivity: 3000,
        lastReadAt: 0,
      });
    });
  });
});

import { expect } from '@open-wc/testing';
import { deleteAccountStore, openAccountStore } from '../../../client/storage/account-store.js';
import { SendJournal } from '../../../client/storage/send-journal.js';
import type { ProtocolError } from '../../../shared/errors.js';
import { directConversationId } from '../../../shared/peer-protocol.js';

const dm = directConversationId('alice', 'bob');
const draft = (id: string, text: string) => ({
  id,
  conversation: dm,
  sentAt: Date.now(),
  text,
  seq: 1,
  sent: true,
});

describe('SendJournal', () => {
  afterEach(async () => {
    new SendJournal('alice').pending(() => undefined).forEach((note) => localStorage.removeItem(note.key));
    await deleteAccountStore('alice');
  });

  it('stores, at the next open, a message noted but not stored when the page closed, and re-sends it', async () => {
    // The page noted the message, sent it, and closed before its transaction committed.
    expect(
      new SendJournal('alice').write({ draft: draft('a'.repeat(32), 'in flight'), recipients: ['bob'] }),
    ).to.equal(true);
    const store = await openAccountStore('alice');
    try {
      const stored = await store.getMessage('a'.repeat(32));
      expect(stored?.text).to.equal('in flight');
      expect(stored?.recipients).to.deep.equal(['bob']);
      expect((await store.pendingFor('bob')).map((message) => message.id)).to.deep.equal(['a'.repeat(32)]);
      expect(new SendJournal('alice').pending(() => undefined)).to.deep.equal([]);
    } finally {
      store.close();
    }
  });

  it('takes the text of a deleted message when the note left behind is its deletion for everyone', async () => {
    const store = await openAccountStore('alice');
    const secret = await store.addOwnMessage({ ...draft('1'.repeat(32), 'secret words'), sentAt: 1000 }, [
      'bob',
    ]);
    store.close();
    const tombstone = { target: secret.id, seq: 1, sentAt: 1000, hash: 'ab'.repeat(32) };
    new SendJournal('alice').write({
      draft: { id: '2'.repeat(32), conversation: dm, sentAt: 2000, seq: 2, sent: true, tombstone },
      recipients: ['bob'],
    });
    const again = await openAccountStore('alice');
    try {
      const target = await again.getMessage(secret.id);
      expect([target?.deleted, target?.text]).to.deep.equal([true, undefined]);
      expect(await again.search.search('secret')).to.deep.equal([]);
    } finally {
      again.close();
    }
  });

  it('leaves a message whose write did commit as it is, and drops the note', async () => {
    const store = await openAccountStore('alice');
    await store.addOwnMessage(draft('b'.repeat(32), 'stored'), ['bob']);
    await store.markDeliveredMany(['b'.repeat(32)], 'bob');
    store.close();
    new SendJournal('alice').write({ draft: draft('b'.repeat(32), 'stored'), recipients: ['bob'] });
    const again = await openAccountStore('alice');
    try {
      expect((await again.getMessage('b'.repeat(32)))?.deliveredTo).to.deep.equal(['bob']);
      expect(await again.pendingFor('bob')).to.deep.equal([]);
      expect(new SendJournal('alice').pending(() => undefined)).to.deep.equal([]);
    } finally {
      again.close();
    }
  });

  it('reports and drops a damaged note or one the store refuses, and loses nothing stored', async () => {
    const store = await openAccountStore('alice');
    await store.addOwnMessage(draft('c'.repeat(32), 'older'), []);
    store.close();
    localStorage.setItem('parley:sending:alice:x', '{not json');
    new SendJournal('alice').write({
      draft: { ...draft('d'.repeat(32), 'x'), sentAt: Number.NaN },
      recipients: [],
    });
    const bad: ProtocolError[] = [];
    const again = await openAccountStore('alice', { onBadRow: (error) => bad.push(error) });
    try {
      expect(bad.map((error) => error.code)).to.deep.equal(['ERR_BAD_ROW', 'ERR_BAD_ROW']);
      expect((await again.listConversation(dm)).map((message) => message.text)).to.deep.equal(['older']);
      expect(new SendJournal('alice').pending(() => undefined)).to.deep.equal([]);
    } finally {
      again.close();
    }
  });

  it("keeps each account's notes apart, and says when the browser keeps none", async () => {
    const journal = new SendJournal('alice');
    journal.write({ draft: draft('e'.repeat(32), 'mine'), recipients: [] });
    expect(new SendJournal('bob').pending(() => undefined)).to.deep.equal([]);
    expect(journal.pending(() => undefined)).to.have.length(1);
    expect(
      new SendJournal('alice', null).write({ draft: draft('f'.repeat(32), 'x'), recipients: [] }),
    ).to.equal(false);
    const full = {
      ...localStorage,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    expect(
      new SendJournal('alice', full as unknown as Storage).write({
        draft: draft('f'.repeat(32), 'x'),
        recipients: [],
      }),
    ).to.equal(false);
  });
});

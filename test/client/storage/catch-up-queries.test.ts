import { expect } from '@open-wc/testing';
import { deleteAccountStore, openAccountStore } from '../../../client/storage/account-store.js';
import type { AccountStore } from '../../../client/storage/account-store.js';
import type { ChatMessage } from '../../../shared/peer-protocol.js';

const group = 'group:g' + 'b'.repeat(24);

function message(author: string, seq: number, fields: Partial<ChatMessage> = {}): ChatMessage {
  const n = author.charCodeAt(0) * 10_000 + seq;
  return {
    id: n.toString(16).padStart(32, '0'),
    conversation: group,
    author,
    seq,
    sentAt: 1000 + seq,
    text: `${author} ${seq}`,
    ...fields,
  };
}

describe('AccountStore catch-up queries', () => {
  let store: AccountStore;
  beforeEach(async () => {
    store = await openAccountStore('carol');
  });
  afterEach(async () => {
    store.close();
    await deleteAccountStore('carol');
  });

  it('reports per author the highest seq up to which nothing is missing', async () => {
    for (const seq of [1, 2, 3, 5]) await store.addIncomingMessage(message('alice', seq), { unread: false });
    for (const seq of [2, 3]) await store.addIncomingMessage(message('bob', seq), { unread: false });
    await store.addIncomingMessage(message('dave', 1, { conversation: 'lobby' }), { unread: false });
    expect([...(await store.heads(group))]).to.deep.equal([['alice', 3]]);
    expect([...(await store.heads('lobby'))]).to.deep.equal([['dave', 1]]);
  });

  it('reports the highest seq held of each author asked for, past any gap, and 0 for none', async () => {
    for (const seq of [1, 2, 3, 5]) await store.addIncomingMessage(message('alice', seq), { unread: false });
    await store.addIncomingMessage(message('bob', 7, { conversation: 'lobby' }), { unread: false });
    const highest = await store.highestSeqs(group, ['alice', 'bob', 'alice']);
    expect([...highest]).to.deep.equal([
      ['alice', 5],
      ['bob', 0],
    ]);
  });

  it('lists what someone with given heads lacks, by author and seq, from a given time on', async () => {
    for (const seq of [1, 2, 3, 4]) await store.addIncomingMessage(message('alice', seq), { unread: false });
    for (const seq of [1, 2]) await store.addIncomingMessage(message('bob', seq), { unread: false });
    const lacking = await store.missingFor(group, new Map([['alice', 2]]));
    expect(lacking.map((m) => m.text)).to.deep.equal(['alice 3', 'alice 4', 'bob 1', 'bob 2']);
    const since = await store.missingFor(group, new Map([['alice', 2]]), 1002);
    expect(since.map((m) => m.text)).to.deep.equal(['alice 3', 'alice 4', 'bob 2']);
    expect(
      await store.missingFor(
        group,
        new Map([
          ['alice', 9],
          ['bob', 9],
        ]),
      ),
    ).to.deep.equal([]);
  });

  it('stores a batch in one go, skipping known ids and repeats, and counts only new ones unread', async () => {
    await store.addIncomingMessage(message('alice', 1), { unread: true });
    const stored = await store.addIncomingBatch(
      group,
      [message('alice', 1), message('alice', 2), message('alice', 2), message('alice', 3)],
      { unread: true },
    );
    expect(stored).to.deep.equal([message('alice', 2).id, message('alice', 3).id]);
    const [summary] = await store.listConversations();
    expect(summary?.unread).to.equal(3);
    expect((await store.listConversation(group)).map((m) => m.text)).to.deep.equal([
      'alice 1',
      'alice 2',
      'alice 3',
    ]);
  });

  it('drops outbox rows of a peer who no longer needs them', async () => {
    const own = await store.addOwnMessage(
      { id: 'f'.repeat(32), conversation: group, sentAt: 5, text: 'hi' },
      ['alice', 'bob'],
    );
    await store.dropFromOutbox('alice', [own.id]);
    expect(await store.pendingFor('alice')).to.deep.equal([]);
    expect((await store.pendingFor('bob')).map((m) => m.id)).to.deep.equal([own.id]);
  });
});

// A catch-up batch's search tokens are written after the batch is stored (search-backlog.ts): found
// by a search meanwhile, written in idle time, and written after a reload when the page closed first.
// The batch itself reads positions by range and ids only when an add is refused (incoming-batch.ts).
import { expect, waitUntil } from '@open-wc/testing';
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import { ACCOUNT_DB_VERSION } from '../../../client/storage/account-db.js';
import { aliceDatabase, group, messageId, request } from './raw-db.js';

function caughtUp(n: number, text: string, seq = n): ChatMessage {
  return { id: messageId(n), conversation: group, author: 'bob', seq, sentAt: 1000 * n, text };
}

describe('SearchBacklog', () => {
  const { open, openRaw, badRows } = aliceDatabase();

  afterEach(() => {
    expect(badRows.splice(0), 'no stored row should have been damaged').to.deep.equal([]);
  });

  async function count(store: 'search-index' | 'search-pending'): Promise<number> {
    const db = await openRaw(ACCOUNT_DB_VERSION);
    return request(db.transaction(store).objectStore(store).count());
  }

  /** Waits (bounded) until the backlog drained by itself, then says how many tokens are indexed. */
  async function tokensOnceDrained(): Promise<number> {
    await waitUntil(async () => (await count('search-pending')) === 0, 'the backlog drains', {
      timeout: 5000,
    });
    return count('search-index');
  }

  it('stores a batch without its tokens, and a search finds it before they are written', async () => {
    const store = await open();
    await store.addIncomingBatch(group, [caughtUp(1, 'harbour boats'), caughtUp(2, 'lunch')], {
      unread: true,
    });
    expect(await count('search-index'), 'no token written with the batch').to.equal(0);
    expect(await count('search-pending')).to.equal(1);

    const hits = await store.search.search('harbour');
    expect(hits.map((hit) => hit.id)).to.deep.equal([messageId(1)]);
    expect(await count('search-pending')).to.equal(0);
    expect(await count('search-index')).to.equal(3);
  });

  it('writes the tokens in idle time once the batches stop', async () => {
    const store = await open();
    await store.addIncomingBatch(group, [caughtUp(1, 'harbour boats')], { unread: false });
    expect(await tokensOnceDrained()).to.equal(2);
  });

  it('indexes after a reload what a page closed on before indexing it', async () => {
    const first = await open();
    await first.addIncomingBatch(group, [caughtUp(1, 'harbour boats')], { unread: false });
    first.close();
    expect(await count('search-pending')).to.equal(1);

    await open();
    expect(await tokensOnceDrained()).to.equal(2);
  });

  it('skips a copy of a stored id at another position, and stores the rest of its batch', async () => {
    const store = await open();
    await store.addIncomingBatch(group, [caughtUp(1, 'first')], { unread: false });
    // Message 1's id again, at seq 3: `add` refuses it, and the batch is stored reading each id.
    const stored = await store.addIncomingBatch(
      group,
      [caughtUp(2, 'second'), { ...caughtUp(1, 'forged'), seq: 3 }],
      { unread: false },
    );
    expect(stored).to.deep.equal([messageId(2)]);
    expect((await store.getMessage(messageId(1)))?.text).to.equal('first');
    expect((await store.listConversation(group)).map((message) => message.id)).to.deep.equal([
      messageId(1),
      messageId(2),
    ]);
  });

  it('skips what holds a position already, by the same id or another', async () => {
    const store = await open();
    await store.addIncomingBatch(group, [caughtUp(1, 'one'), caughtUp(2, 'two')], { unread: false });
    const stored = await store.addIncomingBatch(
      group,
      [caughtUp(2, 'two'), caughtUp(9, 'other at seq 1', 1), caughtUp(3, 'three')],
      { unread: false },
    );
    expect(stored).to.deep.equal([messageId(3)]);
  });
});

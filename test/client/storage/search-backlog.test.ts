// A catch-up batch's search tokens are written after the batch is stored (search-backlog.ts): found
// by a search meanwhile, written in idle time, and written after a reload when the page closed first.
// The batch itself reads positions by range and ids only when an add is refused (incoming-batch.ts).
import { expect, waitUntil } from '@open-wc/testing';
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import { ACCOUNT_DB_VERSION } from '../../../client/storage/account-db.js';
import { SEARCH_DRAIN_DELAY_MS, SEARCH_DRAIN_STEP } from '../../../client/storage/search-backlog.js';
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
    // A backlog left from the last visit waits SEARCH_RESUME_DELAY_MS (3 s) before it drains.
    await waitUntil(async () => (await count('search-pending')) === 0, 'the backlog drains', {
      timeout: 10_000,
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

  /** The ids each backlog row still holds, oldest row first. */
  async function pendingRows(): Promise<unknown[]> {
    const db = await openRaw(ACCOUNT_DB_VERSION);
    return request(db.transaction('search-pending').objectStore('search-pending').getAll());
  }

  const batchOf = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => caughtUp(from + i, `word${from + i}`));

  it('indexes a long batch in steps, keeping the rest of its row', async () => {
    const store = await open();
    const size = SEARCH_DRAIN_STEP * 2 + 5;
    await store.addIncomingBatch(group, batchOf(1, size), { unread: false });
    store.search.backlog.stop();

    expect(await store.search.backlog.indexStep()).to.equal(true);
    const rows = (await pendingRows()) as string[][];
    expect(rows.map((row) => row.length)).to.deep.equal([size - SEARCH_DRAIN_STEP]);
    expect(rows[0]![0]).to.equal(messageId(SEARCH_DRAIN_STEP + 1));
    expect(await count('search-index'), 'one token per message of the step').to.equal(SEARCH_DRAIN_STEP);

    expect(await store.search.backlog.indexStep()).to.equal(true);
    expect(await store.search.backlog.indexStep()).to.equal(true);
    expect(await pendingRows()).to.deep.equal([]);
    expect(await store.search.backlog.indexStep()).to.equal(false);
    expect(await count('search-index')).to.equal(size);
  });

  it('takes no step while batches keep arriving: a batch queued mid-drain holds the next one back', async () => {
    const store = await open();
    // Enough steps that the drain is still under way when the next batch comes.
    const size = SEARCH_DRAIN_STEP * 40;
    await store.addIncomingBatch(group, batchOf(1, size), { unread: false });
    const remaining = async () => ((await pendingRows()) as string[][]).reduce((n, row) => n + row.length, 0);
    await waitUntil(async () => (await remaining()) < size, 'the drain takes its first step', {
      timeout: 10_000,
      interval: 5,
    });

    await store.addIncomingBatch(group, batchOf(size + 1, 1), { unread: false });
    const queuedAt = performance.now();
    // Read after the batch committed: any step begun before it is in this count (transactions on
    // the same stores run in order), so a change after it is a step begun after the batch.
    const before = await remaining();
    expect(before, 'the drain was still under way').to.be.greaterThan(1);
    await waitUntil(async () => (await remaining()) !== before, 'the drain goes on', { timeout: 10_000 });
    expect(performance.now() - queuedAt).to.be.at.least(SEARCH_DRAIN_DELAY_MS * 0.9);
    expect(await tokensOnceDrained()).to.equal(size + 1);
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

// The message search: tokens (Latin words, CJK bigrams), the index kept in the message's own
// transaction, the v6 backfill of what was stored before, and the substring check that has the
// last word.
import { expect } from '@open-wc/testing';
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import { matchesQuery, queryPrefixes, snippetOf, tokenize } from '../../../client/storage/search-tokens.js';
import { aliceDatabase, createVersion1, dm, group, messageId, rawPut } from './raw-db.js';

function incoming(n: number, text: string, conversation = dm): ChatMessage {
  return { id: messageId(n), conversation, author: 'bob', seq: n, sentAt: 1000 * n, text };
}

describe('search tokens', () => {
  it('folds case and width, and splits Latin into words and CJK into bigrams and a last character', () => {
    expect([...tokenize('Hello ＷＯＲＬＤ, 会议室 at 3pm')].sort()).to.deep.equal(
      ['3pm', 'at', 'hello', 'world', '会议', '室', '议室'].sort(),
    );
    expect([...tokenize('ｶﾀｶﾅ 한국어')].sort()).to.deep.equal(
      ['カタ', 'タカ', 'カナ', 'ナ', '한국', '국어', '어'].sort(),
    );
  });

  it('looks a query up by word prefixes and bigrams', () => {
    expect(queryPrefixes('Ali 会议室')).to.deep.equal(['ali', '会议', '议室']);
    expect(queryPrefixes('室')).to.deep.equal(['室']);
    expect(queryPrefixes(' ?! ')).to.deep.equal([]);
  });

  it('confirms every part of the query as a substring, and cuts a snippet around the first', () => {
    expect(matchesQuery('The quick brown fox', 'QUICK fox')).to.equal(true);
    expect(matchesQuery('The quick brown fox', 'quick cat')).to.equal(false);
    const long = `${'a '.repeat(100)}needle${' b'.repeat(100)}`;
    const snippet = snippetOf(long, 'needle', 40);
    expect(snippet).to.contain('needle');
    expect(snippet.startsWith('…') && snippet.endsWith('…')).to.equal(true);
  });
});

describe('SearchIndex', () => {
  const { open, openRaw, badRows } = aliceDatabase();

  afterEach(() => {
    expect(badRows.splice(0), 'no stored row should have been damaged').to.deep.equal([]);
  });

  it('finds incoming, caught-up and own messages, newest first, by words, prefixes and CJK', async () => {
    const store = await open();
    await store.addIncomingMessage(incoming(1, 'Lunch at the harbour?'), { unread: false });
    await store.addIncomingBatch(
      group,
      [incoming(2, '明天的会议室改到三楼', group), incoming(3, 'harbour again, bigger boats', group)],
      { unread: false },
    );
    await store.addOwnMessage({ id: messageId(4), conversation: dm, sentAt: 4000, text: '会议 ok' }, ['bob']);

    const ids = async (query: string) => (await store.search.search(query)).map((hit) => hit.id);
    expect(await ids('harbour')).to.deep.equal([messageId(3), messageId(1)]);
    expect(await ids('HARB')).to.deep.equal([messageId(3), messageId(1)]);
    expect(await ids('harbour boats')).to.deep.equal([messageId(3)]);
    expect(await ids('会议')).to.deep.equal([messageId(4), messageId(2)]);
    expect(await ids('会议室')).to.deep.equal([messageId(2)]);
    expect(await ids('楼')).to.deep.equal([messageId(2)]);
    expect(await ids('三')).to.deep.equal([messageId(2)]);
    expect(await ids('submarine')).to.deep.equal([]);
    expect(await ids('')).to.deep.equal([]);

    const [hit] = await store.search.search('boats');
    expect(hit).to.deep.equal({
      id: messageId(3),
      conversation: group,
      author: 'bob',
      sentAt: 3000,
      snippet: 'harbour again, bigger boats',
    });
  });

  it('finds the same hits whether the common words are confirmed by text or intersected as sets', async function () {
    // 6,000 messages: "red" in half, "blue" in the other half, both together in one in 500. "red
    // blue" first confirms candidates by their text, finds hits too rare, then loads the other
    // word's keys as a set; "red" alone stops after the newest 50. Both must equal brute force.
    this.timeout(30_000);
    const store = await open();
    const texts = new Map<number, string>();
    for (let from = 1; from <= 6000; from += 500) {
      const batch = Array.from({ length: 500 }, (_, i) => {
        const n = from + i;
        const text = n % 500 === 0 ? `red and blue ${n}` : `${n % 2 === 0 ? 'red' : 'blue'} item ${n}`;
        texts.set(n, text);
        return incoming(n, text);
      });
      await store.addIncomingBatch(dm, batch, { unread: false });
    }
    const expected = (words: string[], limit: number) =>
      [...texts]
        .filter(([, text]) => words.every((word) => text.includes(word)))
        .map(([n]) => n)
        .sort((a, b) => b - a)
        .slice(0, limit)
        .map((n) => messageId(n));
    const ids = async (query: string) => (await store.search.search(query)).map((hit) => hit.id);
    expect(await ids('red blue')).to.deep.equal(expected(['red', 'blue'], 50));
    expect(await ids('blue red')).to.deep.equal(expected(['red', 'blue'], 50));
    expect(await ids('red item')).to.deep.equal(expected(['red', 'item'], 50));
    expect(await ids('red')).to.deep.equal(expected(['red'], 50));
  });

  it('shows no hit the substring check refuses, though the index holds all its tokens', async () => {
    const store = await open();
    await store.addIncomingMessage(incoming(1, '会议 室'), { unread: false });
    // Tokens 会议 and 室 are both there; "会议室" as written is not.
    expect(await store.search.search('会议室')).to.deep.equal([]);
  });

  it('finds files by name, and never a duplicate that was dropped', async () => {
    const store = await open();
    const file = { name: 'Quarterly Report.pdf', size: 10, type: 'application/pdf', chunkSize: 65536 };
    await store.addIncomingMessage(
      { id: messageId(1), conversation: dm, author: 'bob', seq: 1, sentAt: 1000, file },
      { unread: false },
    );
    await store.addIncomingMessage(incoming(1, 'quarterly'), { unread: false });
    const hits = await store.search.search('quarterly');
    expect(hits.map((hit) => hit.snippet)).to.deep.equal(['Quarterly Report.pdf']);
  });

  it('indexes the messages a database stored before version 6 when it upgrades', async () => {
    const db = await openRaw(1, createVersion1);
    await rawPut(db, 'messages', [
      { ...incoming(1, 'an old message about Zürich'), recipients: [], deliveredTo: [], sent: false },
      { ...incoming(2, '旧的消息'), recipients: [], deliveredTo: [], sent: false },
    ]);
    db.close();
    const store = await open();
    expect((await store.search.search('zurich')).length).to.equal(0);
    expect((await store.search.search('zür')).map((hit) => hit.id)).to.deep.equal([messageId(1)]);
    expect((await store.search.search('消息')).map((hit) => hit.id)).to.deep.equal([messageId(2)]);
  });
});

import { expect } from '@open-wc/testing';
import { directConversationId } from '../../../../shared/peer-protocol.js';
import type { ChatMessage } from '../../../../shared/peer-protocol.js';
import { PAGE_SIZE, VIEW_LIMIT } from '../../../../client/app/conversations/open-conversation.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';

const DM = directConversationId('alice', 'bob');

/** Bob's message `n` (1-based), one second apart: `message n`, and one old needle at n = 10. */
function fromBob(n: number): ChatMessage {
  const text = n === 10 ? 'the 鑰匙 is under the mat' : `message ${n}`;
  return {
    id: n.toString(16).padStart(32, '0'),
    conversation: DM,
    author: 'bob',
    seq: n,
    sentAt: n * 1000,
    text,
  };
}

describe('Messenger: search messages and open one', () => {
  let room: MessengerRoom;
  beforeEach(() => {
    room = new MessengerRoom();
  });
  afterEach(async () => {
    await room.close();
  });

  it('finds an old message and opens its conversation at it, though it is far older than the newest page', async () => {
    const alice = await room.join('alice', { groups: [] });
    const history = Array.from({ length: 700 }, (_, i) => fromBob(i + 1));
    await room.stores.get('alice')!.addIncomingBatch(DM, history, { unread: false });

    const [hit, ...more] = await alice.history.search('鑰匙');
    expect(more).to.deep.equal([]);
    expect(hit).to.include({ conversation: DM, title: 'bob', id: fromBob(10).id });
    expect(hit?.snippet).to.equal('the 鑰匙 is under the mat');

    await alice.selectConversation(DM);
    expect(alice.openConversation?.focus).to.equal(undefined);
    expect(alice.openConversation?.messages.some((m) => m.id === hit?.id)).to.equal(false);

    await alice.selectConversation(DM, { at: hit!.id });
    const view = alice.openConversation!;
    expect(view.focus).to.equal(hit!.id);
    const ids = view.messages.map((m) => m.id);
    // The page around it: everything older (only 9 are), and newer ones up to half a page.
    expect(ids.slice(0, 10)).to.deep.equal(history.slice(0, 10).map((m) => m.id));
    expect(ids).to.deep.equal(history.slice(0, 10 + PAGE_SIZE / 2).map((m) => m.id));
    expect([view.older, view.newer]).to.deep.equal([false, true]);

    // Scrolling down reads the pages after it, up to the newest.
    for (let i = 0; i < 20 && alice.openConversation?.newer; i += 1) await alice.loadPage('newer');
    const last = alice.openConversation!;
    expect(last.newer).to.equal(false);
    expect(last.messages.at(-1)?.id).to.equal(history.at(-1)?.id);
    expect(last.messages.length).to.be.at.most(VIEW_LIMIT);
    expect(last.older).to.equal(true);
  });

  it("shows a reply's answered message: the page around it is read when it is not held, focused when it is", async () => {
    const alice = await room.join('alice', { groups: [] });
    const history = Array.from({ length: 300 }, (_, i) => fromBob(i + 1));
    const reply = { ...fromBob(301), text: 'about that', replyTo: fromBob(10).id };
    await room.stores.get('alice')!.addIncomingBatch(DM, [...history, reply], { unread: false });
    await alice.selectConversation(DM);
    const newest = alice.openConversation!;
    expect(newest.messages.at(-1)?.replyTo).to.deep.equal({ id: fromBob(10).id, author: '', snippet: '' });

    await alice.showMessage(fromBob(10).id);
    const around = alice.openConversation!;
    expect(around.focus).to.equal(fromBob(10).id);
    expect(around.messages.map((m) => m.id)).to.include(fromBob(10).id);
    expect(around.messages.some((m) => m.id === reply.id)).to.equal(false);
    expect([around.older, around.newer]).to.deep.equal([false, true]);

    await alice.showMessage(fromBob(12).id);
    expect(alice.openConversation?.focus).to.equal(fromBob(12).id);
    // Held already: the window stays.
    expect(alice.openConversation?.messages).to.deep.equal(around.messages);
  });

  it('opens a long history at its newest page and pages back to the first message', async () => {
    const alice = await room.join('alice', { groups: [] });
    const history = Array.from({ length: 2000 }, (_, i) => fromBob(i + 1));
    await room.stores.get('alice')!.addIncomingBatch(DM, history, { unread: false });
    await alice.selectConversation(DM);
    const opened = alice.openConversation!;
    expect(opened.messages).to.have.length(PAGE_SIZE);
    expect(opened.messages.at(-1)?.text).to.equal('message 2000');
    expect([opened.older, opened.newer]).to.deep.equal([true, false]);
    let pages = 0;
    for (; pages < 40 && alice.openConversation?.older; pages += 1) await alice.loadPage('older');
    const top = alice.openConversation!;
    expect(top.messages[0]?.text).to.equal('message 1');
    expect(top.messages.length).to.equal(VIEW_LIMIT);
    // The newest were let go to keep memory bounded: storage holds them, for scrolling back down.
    expect(top.newer).to.equal(true);
    // 19 pages before the newest, and one read that finds nothing more (the last page was full).
    expect(pages).to.equal(2000 / PAGE_SIZE);
  });

  it('opens at the newest when the message is not in that conversation', async () => {
    const alice = await room.join('alice', { groups: [] });
    await room.stores.get('alice')!.addIncomingBatch(DM, [fromBob(1), fromBob(2)], { unread: false });
    await alice.selectConversation(DM, { at: 'f'.repeat(32) });
    expect(alice.openConversation?.focus).to.equal(undefined);
    expect(alice.openConversation?.messages.map((m) => m.text)).to.deep.equal(['message 1', 'message 2']);
  });
});

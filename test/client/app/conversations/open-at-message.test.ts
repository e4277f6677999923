import { expect } from '@open-wc/testing';
import { directConversationId } from '../../../../shared/peer-protocol.js';
import type { ChatMessage } from '../../../../shared/peer-protocol.js';
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
    // The page around it: everything older (only 9 are), and newer ones up to half the view.
    expect(ids.slice(0, 10)).to.deep.equal(history.slice(0, 10).map((m) => m.id));
    expect(ids.length).to.be.greaterThan(200);
    expect(ids).to.deep.equal([...ids].sort());
  });

  it('opens at the newest when the message is not in that conversation', async () => {
    const alice = await room.join('alice', { groups: [] });
    await room.stores.get('alice')!.addIncomingBatch(DM, [fromBob(1), fromBob(2)], { unread: false });
    await alice.selectConversation(DM, { at: 'f'.repeat(32) });
    expect(alice.openConversation?.focus).to.equal(undefined);
    expect(alice.openConversation?.messages.map((m) => m.text)).to.deep.equal(['message 1', 'message 2']);
  });
});

import { expect } from '@open-wc/testing';
import { OpenConversation } from '../../../../client/app/conversations/open-conversation.js';
import type { StoredMessage } from '../../../../client/storage/stored-message.js';

function text(n: number): StoredMessage {
  return {
    id: n.toString(16).padStart(32, '0'),
    conversation: 'dm:alice:bob',
    author: 'bob',
    seq: n,
    sentAt: 1000 + n,
    text: `said ${n}`,
    recipients: [],
    deliveredTo: [],
    sent: false,
  };
}

const texts = (open: OpenConversation) => open.views.map((view) => view.text);

describe('OpenConversation: a page read while messages arrive', () => {
  it('keeps a message that arrived while the page was read and is newer than all of it', () => {
    const open = new OpenConversation('dm:alice:bob', 'alice', () => null);
    // Shown the moment it arrived; the page was read before its write committed.
    open.upsert(text(3));
    open.set([text(1), text(2)]);
    expect(texts(open)).to.deep.equal(['said 1', 'said 2', 'said 3']);
  });

  it('takes the page as it is when the window does not reach the newest end, or the row is in it', () => {
    const open = new OpenConversation('dm:alice:bob', 'alice', () => null);
    open.upsert(text(9));
    open.set([text(1), text(2)], { older: false, newer: true });
    expect(texts(open)).to.deep.equal(['said 1', 'said 2']);

    open.set([text(2), text(3)]);
    open.set([text(4)]);
    // 2 and 3 are older than the page: a new window, not arrivals.
    expect(texts(open)).to.deep.equal(['said 4']);
  });
});

// MessageStore's pages: the view's limit counts the messages it shows, not the reactions under them.
import { expect } from '@open-wc/testing';
import { deleteAccountStore, openAccountStore } from '../../../client/storage/account-store.js';
import type { AccountStore } from '../../../client/storage/account-store.js';
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import type { ProtocolError } from '../../../shared/errors.js';
import { ACCOUNT_DB_VERSION } from '../../../client/storage/account-db.js';
import { aliceDatabase, dm, group, messageId, rawPut } from './raw-db.js';

function text(n: number): ChatMessage {
  return { id: messageId(n), conversation: dm, author: 'bob', seq: n, sentAt: 1000 * n, text: `hi ${n}` };
}

/** Bob's reaction number `n`, on message `target`, sent just after it. */
function reaction(n: number, target: number): ChatMessage {
  return {
    id: messageId(1000 + n),
    conversation: dm,
    author: 'bob',
    seq: 1000 + n,
    sentAt: 1000 * target + n,
    reaction: { target: messageId(target), emoji: '👍', on: n % 2 === 1 },
  };
}

describe('MessageStore.listConversation', () => {
  let store: AccountStore;
  const badRows: ProtocolError[] = [];

  beforeEach(async () => {
    store = await openAccountStore('alice', { onBadRow: (error) => badRows.push(error) });
    // Messages 1 to 4, and ten reactions after message 3 and after message 4 each.
    const reactions = [3, 4].flatMap((target) =>
      Array.from({ length: 10 }, (_, i) => reaction(target * 100 + i + 1, target)),
    );
    await store.addIncomingBatch(dm, [1, 2, 3, 4].map(text).concat(reactions), { unread: false });
  });

  afterEach(async () => {
    store.close();
    await deleteAccountStore('alice');
    expect(badRows.splice(0), 'no stored row should have been damaged').to.deep.equal([]);
  });

  function shown(page: ChatMessage[]): string[] {
    return page.filter((message) => message.reaction === undefined).map((message) => message.id);
  }

  it('counts only shown messages toward the limit, however many reactions sit among them', async () => {
    const page = await store.messages.listConversation(dm, { limit: 2 });
    expect(shown(page)).to.deep.equal([messageId(3), messageId(4)]);
    expect(page).to.have.length(22);
    expect(page[0]?.id).to.equal(messageId(3));
  });

  it('returns the reactions of the window in order, and none from before its first message', async () => {
    const page = await store.listConversation(dm, { limit: 1 });
    expect(page.map((message) => message.id)).to.deep.equal([
      messageId(4),
      ...Array.from({ length: 10 }, (_, i) => messageId(1000 + 401 + i)),
    ]);
  });

  it('pages back from the first message of a page without losing a reaction or repeating one', async () => {
    const newest = await store.listConversation(dm, { limit: 1 });
    const [first] = newest;
    const before = await store.listConversation(dm, { limit: 2, before: first });
    expect(shown(before)).to.deep.equal([messageId(2), messageId(3)]);
    expect(before.length + newest.length).to.equal(4 + 20 - 1);
    const oldest = await store.listConversation(dm, { limit: 5, before: before[0] });
    expect(oldest.map((message) => message.id)).to.deep.equal([messageId(1)]);
  });

  it('pages forward from the last message of a page, the trailing reactions with the last page', async () => {
    const [first] = await store.listConversation(dm, {
      limit: 1,
      before: { sentAt: 2000, id: messageId(2) },
    });
    if (!first) throw new Error('no first message');
    const next = await store.listConversation(dm, { limit: 2, after: first });
    expect(next.map((message) => message.id)).to.deep.equal([messageId(2), messageId(3)]);
    const last = next[next.length - 1];
    if (!last) throw new Error('no last message');
    const rest = await store.listConversation(dm, { limit: 5, after: last });
    expect(shown(rest)).to.deep.equal([messageId(4)]);
    // Fewer than the limit: the end of the conversation, with every reaction after message 3 and 4.
    expect(rest).to.have.length(1 + 20);
  });

  it('refuses a page both before and after a position', async () => {
    const at = { sentAt: 2000, id: messageId(2) };
    let error: unknown = null;
    await store.listConversation(dm, { before: at, after: at }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(TypeError);
  });
});

describe('MessageStore.markHeldUpTo', () => {
  const { open, openRaw } = aliceDatabase();
  const own = (n: number, conversation: string, seq: number, recipients = ['bob', 'carol']) => ({
    draft: { id: messageId(n), conversation, sentAt: 1000 * n, text: `own ${n}`, seq },
    recipients,
  });

  it("marks alice's messages of one conversation up to a seq delivered to a peer and drops them from its outbox", async () => {
    const store = await open();
    await store.addOwnMessages([own(1, group, 1), own(2, group, 2), own(3, group, 3), own(4, dm, 1)]);
    await store.markDeliveredMany([messageId(1)], 'bob');

    const marked = await store.messages.markHeldUpTo('bob', group, 2);
    expect(marked.map((message) => [message.id, message.deliveredTo])).to.deep.equal([
      [messageId(2), ['bob']],
    ]);
    expect((await store.pendingFor('bob')).map((message) => message.id)).to.deep.equal([
      messageId(3),
      messageId(4),
    ]);
    expect((await store.getMessage(messageId(2)))?.deliveredTo).to.deep.equal(['bob']);
    // Carol's rows are hers: untouched.
    expect(await store.pendingFor('carol')).to.have.length(4);
    expect(await store.messages.markHeldUpTo('bob', group, 2)).to.deep.equal([]);
  });

  it('marks from the first message still waiting on, past those delivered before it', async () => {
    const store = await open();
    await store.addOwnMessages([1, 2, 3, 4].map((seq) => own(seq, group, seq)));
    await store.markDeliveredMany([messageId(1), messageId(3)], 'bob');
    const marked = await store.messages.markHeldUpTo('bob', group, 4);
    expect(marked.map((message) => message.id)).to.deep.equal([messageId(2), messageId(4)]);
    expect(await store.pendingFor('bob')).to.deep.equal([]);
  });

  it('marks nothing delivered to a peer the message was never sent to, whatever its outbox holds', async () => {
    const store = await open();
    await store.addOwnMessages([own(1, group, 1, ['bob'])]);
    const db = await openRaw(ACCOUNT_DB_VERSION);
    await rawPut(db, 'outbox', [{ to: 'dave', id: messageId(1) }]);
    expect(await store.messages.markHeldUpTo('dave', group, 1)).to.deep.equal([]);
    expect((await store.getMessage(messageId(1)))?.deliveredTo).to.deep.equal([]);
  });
});

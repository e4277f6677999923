import { expect } from '@open-wc/testing';
import { deleteAccountStore, openAccountStore } from '../../../client/storage/account-store.js';
import type { AccountStore, AccountStoreOptions } from '../../../client/storage/account-store.js';
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import type { ProtocolError } from '../../../shared/errors.js';

/** A valid message id (32 hex digits) that sorts by `n`. */
function messageId(n: number): string {
  return n.toString(16).padStart(32, '0');
}

/** The rejection of `promise`, failing the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Counts the read-write transactions IndexedDB starts until `stop` (which says how many). */
function countWriteTransactions(): { stop(): number } {
  const original = IDBDatabase.prototype.transaction;
  let count = 0;
  IDBDatabase.prototype.transaction = function (
    this: IDBDatabase,
    ...args: Parameters<IDBDatabase['transaction']>
  ) {
    if (args[1] === 'readwrite') count += 1;
    return original.apply(this, args);
  } as IDBDatabase['transaction'];
  return {
    stop: () => {
      IDBDatabase.prototype.transaction = original;
      return count;
    },
  };
}

const dm = 'dm:alice:bob';
const group = 'g:friends';

function incoming(n: number, fields: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: messageId(n),
    conversation: dm,
    author: 'bob',
    seq: n,
    sentAt: 1000 + n,
    text: `hi ${n}`,
    ...fields,
  };
}

function draft(n: number, fields: Partial<{ conversation: string; sentAt: number; text: string }> = {}) {
  return { id: messageId(n), conversation: dm, sentAt: 1000 + n, text: `hello ${n}`, ...fields };
}

describe('AccountStore', () => {
  const opened: AccountStore[] = [];
  const users = new Set<string>();
  const badRows: ProtocolError[] = [];

  async function open(user: string, options: AccountStoreOptions = {}): Promise<AccountStore> {
    users.add(user);
    const store = await openAccountStore(user, { onBadRow: (error) => badRows.push(error), ...options });
    opened.push(store);
    return store;
  }

  afterEach(async () => {
    for (const store of opened.splice(0)) store.close();
    for (const user of users) await deleteAccountStore(user);
    users.clear();
    expect(badRows.splice(0), 'no stored row should have been damaged').to.deep.equal([]);
  });

  describe('addOwnMessage', () => {
    it('stores an own message as unsent and undelivered, with seq 1 in a new conversation', async () => {
      const store = await open('alice');
      const stored = await store.addOwnMessage(draft(1), ['bob']);
      expect(stored).to.deep.equal({
        id: messageId(1),
        conversation: dm,
        author: 'alice',
        seq: 1,
        sentAt: 1001,
        text: 'hello 1',
        recipients: ['bob'],
        deliveredTo: [],
        sent: false,
      });
      expect(await store.getMessage(messageId(1))).to.deep.equal(stored);
    });

    it("numbers the author's messages of each conversation from 1 without gaps", async () => {
      const store = await open('alice');
      const seqs = [
        (await store.addOwnMessage(draft(1), ['bob'])).seq,
        (await store.addOwnMessage(draft(2), ['bob'])).seq,
        (await store.addOwnMessage(draft(3, { conversation: group }), ['bob', 'carol'])).seq,
        (await store.addOwnMessage(draft(4), ['bob'])).seq,
      ];
      expect(seqs).to.deep.equal([1, 2, 1, 3]);
    });

    it('gives sends started in parallel distinct, consecutive seqs', async () => {
      const store = await open('alice');
      const sends = Array.from({ length: 20 }, (_, i) => store.addOwnMessage(draft(i + 1), ['bob']));
      const seqs = (await Promise.all(sends)).map((message) => message.seq);
      expect([...seqs].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('continues after own messages that came back from a peer (history caught up from another device)', async () => {
      const store = await open('alice');
      await store.addIncomingMessage(incoming(9, { author: 'alice', seq: 7 }), { unread: false });
      expect((await store.addOwnMessage(draft(1), ['bob'])).seq).to.equal(8);
    });

    it('takes a seq counted by the sender, and nextSeq says which seq comes next', async () => {
      const store = await open('alice');
      expect(await store.nextSeq(dm)).to.equal(1);
      await store.addOwnMessage({ ...draft(1), seq: 1 }, ['bob']);
      await store.addOwnMessage({ ...draft(2), seq: 2, sent: true }, ['bob']);
      expect(await store.nextSeq(dm)).to.equal(3);
      expect(await store.nextSeq(group)).to.equal(1);
      const second = await store.getMessage(messageId(2));
      expect([second?.seq, second?.sent]).to.deep.equal([2, true]);
      expect((await store.pendingFor('bob')).map((m) => m.seq)).to.deep.equal([1, 2]);
    });

    it('adds one outbox row per recipient, leaving out the author and repeated names', async () => {
      const store = await open('alice');
      const stored = await store.addOwnMessage(draft(1, { conversation: group }), [
        'bob',
        'carol',
        'bob',
        'Alice',
      ]);
      expect(stored.recipients).to.deep.equal(['bob', 'carol']);
      expect((await store.pendingFor('bob')).map((m) => m.id)).to.deep.equal([messageId(1)]);
      expect((await store.pendingFor('carol')).map((m) => m.id)).to.deep.equal([messageId(1)]);
      expect(await store.pendingFor('alice')).to.deep.equal([]);
    });

    it('passes over the pending messages of conversations the reader skips, reading the rest', async () => {
      const store = await open('alice');
      await store.addOwnMessage(draft(1, { conversation: group }), ['bob']);
      await store.addOwnMessage(draft(2), ['bob']);
      const asked: string[] = [];
      const skip = (conversation: string) => {
        asked.push(conversation);
        return conversation === group;
      };
      expect((await store.pendingFor('bob', skip)).map((m) => m.id)).to.deep.equal([messageId(2)]);
      expect(asked.sort(), 'told from the outbox rows').to.deep.equal([dm, group]);
    });

    it('refuses a draft that breaks the message schema and stores nothing', async () => {
      const store = await open('alice');
      const error = await rejection(store.addOwnMessage(draft(1, { text: '   ' }), ['bob']));
      expect(error).to.be.instanceOf(TypeError);
      expect(await rejection(store.addOwnMessage({ ...draft(2), id: 'not-hex' }, ['bob']))).to.be.instanceOf(
        TypeError,
      );
      expect(await store.listConversation(dm)).to.deep.equal([]);
      expect(await store.listConversations()).to.deep.equal([]);
    });

    it('refuses a reused id and keeps the first message, its outbox and its conversation unchanged', async () => {
      const store = await open('alice');
      const first = await store.addOwnMessage(draft(1), ['bob']);
      const error = await rejection(
        store.addOwnMessage(draft(1, { text: 'again', sentAt: 9000 }), ['carol']),
      );
      expect((error as DOMException).name).to.equal('ConstraintError');
      expect(await store.getMessage(first.id)).to.deep.equal(first);
      expect(await store.pendingFor('carol')).to.deep.equal([]);
      expect((await store.listConversations())[0]?.lastActivity).to.equal(first.sentAt);
    });
  });

  describe('addIncomingMessage', () => {
    it('stores a message from someone else with its arrival time and no delivery state', async () => {
      const store = await open('alice');
      const message = incoming(1, { sig: 'ab'.repeat(64), prev: 'cd'.repeat(32) });
      expect(await store.addIncomingMessage(message, { unread: false, receivedAt: 5000 })).to.equal('stored');
      expect(await store.getMessage(message.id)).to.deep.equal({
        ...message,
        recipients: [],
        deliveredTo: [],
        sent: false,
        receivedAt: 5000,
      });
    });

    it('stamps the arrival time itself when not given one', async () => {
      const store = await open('alice');
      const before = Date.now();
      await store.addIncomingMessage(incoming(1), { unread: false });
      const receivedAt = (await store.getMessage(messageId(1)))?.receivedAt ?? 0;
      expect(receivedAt).to.be.within(before, Date.now());
    });

    it('stores only the message fields of the object it is given', async () => {
      const store = await open('alice');
      const withExtra = { ...incoming(1), recipients: ['mallory'], sent: true, extra: 'x' };
      await store.addIncomingMessage(withExtra, { unread: false, receivedAt: 5000 });
      const stored = await store.getMessage(messageId(1));
      expect(stored?.recipients).to.deep.equal([]);
      expect(stored?.sent).to.equal(false);
      expect(stored).to.not.have.property('extra');
    });

    it('answers duplicate for an id it already has and changes nothing', async () => {
      const store = await open('alice');
      await store.addIncomingMessage(incoming(1), { unread: true, receivedAt: 5000 });
      const copy = incoming(1, { text: 'a different text', sentAt: 4000 });
      expect(await store.addIncomingMessage(copy, { unread: true, receivedAt: 6000 })).to.equal('duplicate');
      const stored = await store.getMessage(messageId(1));
      expect(stored?.text).to.equal('hi 1');
      expect(stored?.receivedAt).to.equal(5000);
      expect(await store.listConversations()).to.deep.equal([
        { id: dm, unread: 1, lastActivity: 1001, lastReadAt: 0 },
      ]);
    });

    it('answers duplicate for the id of an own message', async () => {
      const store = await open('alice');
      const own = await store.addOwnMessage(draft(1), ['bob']);
      const echo: ChatMessage = { ...incoming(1), author: 'alice' };
      expect(await store.addIncomingMessage(echo, { unread: true })).to.equal('duplicate');
      expect(await store.getMessage(own.id)).to.deep.equal(own);
    });

    it('caps the activity of a message dated in the future at its arrival time', async () => {
      const store = await open('alice');
      await store.addIncomingMessage(incoming(1, { sentAt: 99_999_999 }), {
        unread: false,
        receivedAt: 5000,
      });
      expect((await store.listConversations())[0]?.lastActivity).to.equal(5000);
    });
  });

  describe('unread counts', () => {
    it('counts messages that arrive unread and markRead clears the count', async () => {
      const store = await open('alice');
      await store.addIncomingMessage(incoming(1), { unread: true });
      await store.addIncomingMessage(incoming(2), { unread: false });
      await store.addIncomingMessage(incoming(3), { unread: true });
      await store.addIncomingMessage(incoming(4, { conversation: group }), { unread: true });
      expect((await store.listConversations()).map((c) => [c.id, c.unread])).to.deep.include.members([
        [dm, 2],
        [group, 1],
      ]);

      await store.markRead(dm, 7000);
      const conversations = await store.listConversations();
      expect(conversations.find((c) => c.id === dm)).to.deep.include({ unread: 0, lastReadAt: 7000 });
      expect(conversations.find((c) => c.id === group)).to.deep.include({ unread: 1, lastReadAt: 0 });
    });

    it('never moves lastReadAt backwards', async () => {
      const store = await open('alice');
      await store.addIncomingMessage(incoming(1), { unread: true });
      await store.markRead(dm, 7000);
      await store.markRead(dm, 6000);
      expect((await store.listConversations())[0]?.lastReadAt).to.equal(7000);
    });

    it('does not count own messages as unread', async () => {
      const store = await open('alice');
      await store.addOwnMessage(draft(1), ['bob']);
      expect((await store.listConversations())[0]?.unread).to.equal(0);
    });

    it('marking a conversation without messages as read creates nothing', async () => {
      const store = await open('alice');
      await store.markRead('dm:alice:nobody', 7000);
      expect(await store.listConversations()).to.deep.equal([]);
    });
  });

  describe('listConversations', () => {
    it('lists every conversation once, most recently active first', async () => {
      const store = await open('alice');
      await store.addIncomingMessage(incoming(1, { sentAt: 3000 }), { unread: false, receivedAt: 9000 });
      await store.addOwnMessage(draft(2, { conversation: group, sentAt: 5000 }), ['bob']);
      await store.addIncomingMessage(incoming(3, { conversation: 'g:other', sentAt: 4000 }), {
        unread: false,
        receivedAt: 9000,
      });
      await store.addIncomingMessage(incoming(4, { sentAt: 2000 }), { unread: false, receivedAt: 9000 });
      expect((await store.listConversations()).map((c) => [c.id, c.lastActivity])).to.deep.equal([
        [group, 5000],
        ['g:other', 4000],
        [dm, 3000],
      ]);
    });
  });

  describe('markSent', () => {
    it('marks an own message as handed to a data channel', async () => {
      const store = await open('alice');
      const own = await store.addOwnMessage(draft(1), ['bob']);
      expect(await store.markSent(own.id)).to.deep.equal({ ...own, sent: true });
      expect((await store.getMessage(own.id))?.sent).to.equal(true);
      expect(await store.markSent(own.id)).to.deep.equal({ ...own, sent: true });
    });

    it('returns undefined for an unknown id or a message someone else wrote', async () => {
      const store = await open('alice');
      await store.addIncomingMessage(incoming(1), { unread: false, receivedAt: 5000 });
      expect(await store.markSent(messageId(1))).to.equal(undefined);
      expect((await store.getMessage(messageId(1)))?.sent).to.equal(false);
      expect(await store.markSent(messageId(2))).to.equal(undefined);
    });
  });

  describe('addOwnMessages', () => {
    it('stores several own messages in one call, or none when one of them fails', async () => {
      const store = await open('alice');
      const stored = await store.addOwnMessages([
        { draft: { ...draft(1), seq: 1 }, recipients: ['bob'] },
        { draft: { ...draft(2), seq: 2 }, recipients: ['bob'] },
      ]);
      expect(stored.map((m) => [m.id, m.seq])).to.deep.equal([
        [messageId(1), 1],
        [messageId(2), 2],
      ]);
      expect((await store.pendingFor('bob')).map((m) => m.id)).to.deep.equal([messageId(1), messageId(2)]);
      await rejection(
        store.addOwnMessages([
          { draft: { ...draft(3), seq: 3 }, recipients: ['bob'] },
          { draft: { ...draft(2), seq: 4 }, recipients: ['bob'] },
        ]),
      );
      expect(await store.getMessage(messageId(3))).to.equal(undefined);
    });
  });

  describe('markSentMany', () => {
    it('marks several own messages sent and leaves out those of others', async () => {
      const store = await open('alice');
      const first = await store.addOwnMessage(draft(1), ['bob']);
      const second = await store.addOwnMessage(draft(2), ['bob']);
      await store.addIncomingMessage(incoming(3), { unread: false, receivedAt: 5000 });
      const done = await store.markSentMany([first.id, messageId(3), second.id]);
      expect(done.map((m) => [m.id, m.sent])).to.deep.equal([
        [first.id, true],
        [second.id, true],
      ]);
      expect((await store.getMessage(second.id))?.sent).to.equal(true);
      expect((await store.getMessage(messageId(3)))?.sent).to.equal(false);
    });
  });

  describe('markDelivered', () => {
    it("records each recipient's ack once and removes only that recipient's outbox row", async () => {
      const store = await open('alice');
      const own = await store.addOwnMessage(draft(1, { conversation: group }), ['bob', 'carol']);

      expect((await store.markDelivered(own.id, 'bob'))?.deliveredTo).to.deep.equal(['bob']);
      expect(await store.pendingFor('bob')).to.deep.equal([]);
      expect((await store.pendingFor('carol')).map((m) => m.id)).to.deep.equal([own.id]);

      expect((await store.markDelivered(own.id, 'bob'))?.deliveredTo).to.deep.equal(['bob']);
      expect((await store.markDelivered(own.id, 'carol'))?.deliveredTo).to.deep.equal(['bob', 'carol']);
      expect(await store.pendingFor('carol')).to.deep.equal([]);
      expect((await store.getMessage(own.id))?.deliveredTo).to.deep.equal(['bob', 'carol']);
    });

    it('ignores an ack from a user who is not a recipient', async () => {
      const store = await open('alice');
      const own = await store.addOwnMessage(draft(1), ['bob']);
      expect(await store.markDelivered(own.id, 'mallory')).to.equal(undefined);
      expect(await store.getMessage(own.id)).to.deep.equal(own);
      expect((await store.pendingFor('bob')).map((m) => m.id)).to.deep.equal([own.id]);
    });

    it('applies one ack of many ids in one call, skipping those it may not apply', async () => {
      const store = await open('alice');
      const first = await store.addOwnMessage(draft(1, { conversation: group }), ['bob']);
      const second = await store.addOwnMessage(draft(2, { conversation: group }), ['bob', 'carol']);
      await store.addIncomingMessage(incoming(3), { unread: false, receivedAt: 5000 });
      const done = await store.markDeliveredMany([first.id, messageId(3), second.id, messageId(4)], 'bob');
      expect(done.map((m) => [m.id, m.deliveredTo])).to.deep.equal([
        [first.id, ['bob']],
        [second.id, ['bob']],
      ]);
      expect(await store.pendingFor('bob')).to.deep.equal([]);
      expect((await store.pendingFor('carol')).map((m) => m.id)).to.deep.equal([second.id]);
      expect((await store.getMessage(messageId(3)))?.deliveredTo).to.deep.equal([]);
    });

    it('ignores an ack for a message someone else wrote, or an unknown one', async () => {
      const store = await open('alice');
      await store.addIncomingMessage(incoming(1), { unread: false, receivedAt: 5000 });
      expect(await store.markDelivered(messageId(1), 'bob')).to.equal(undefined);
      expect((await store.getMessage(messageId(1)))?.deliveredTo).to.deep.equal([]);
      expect(await store.markDelivered(messageId(2), 'bob')).to.equal(undefined);
    });

    it('writes the acks of several peers that come together in one transaction, each answered with the message as it ends', async () => {
      const store = await open('alice');
      const own = await store.addOwnMessage(draft(1, { conversation: group }), ['bob', 'carol', 'dave']);
      const writes = countWriteTransactions();
      const answers = await Promise.all(
        ['bob', 'carol', 'mallory'].map((peer) => store.markDeliveredMany([own.id], peer)),
      );
      expect(writes.stop(), 'read-write transactions').to.equal(1);
      expect(answers.map((answer) => answer.map((m) => m.deliveredTo))).to.deep.equal([
        [['bob', 'carol']],
        [['bob', 'carol']],
        [],
      ]);
      expect((await store.getMessage(own.id))?.deliveredTo).to.deep.equal(['bob', 'carol']);
      expect(await store.pendingFor('bob')).to.deep.equal([]);
      expect((await store.pendingFor('dave')).map((m) => m.id)).to.deep.equal([own.id]);
    });
  });

  describe('markReadBy', () => {
    it('writes the receipts of several peers that come together in one transaction, each answered with what it changed', async () => {
      const store = await open('alice');
      const own = await store.addOwnMessage(draft(1, { conversation: group }), ['bob', 'carol']);
      await store.markReadBy(group, [own.id], 'bob');
      const writes = countWriteTransactions();
      const [again, carol, elsewhere] = await Promise.all([
        store.markReadBy(group, [own.id], 'bob'),
        store.markReadBy(group, [own.id], 'carol'),
        store.markReadBy(dm, [own.id], 'carol'),
      ]);
      expect(writes.stop(), 'read-write transactions').to.equal(1);
      expect(again).to.deep.equal([]);
      expect(carol.map((m) => m.readBy)).to.deep.equal([['bob', 'carol']]);
      expect(elsewhere).to.deep.equal([]);
      expect((await store.getMessage(own.id))?.readBy).to.deep.equal(['bob', 'carol']);
    });
  });

  describe('pendingFor', () => {
    it("lists a peer's unacked own messages oldest first, by sentAt and then id", async () => {
      const store = await open('alice');
      await store.addOwnMessage(draft(3, { sentAt: 2000 }), ['bob']);
      await store.addOwnMessage(draft(2, { sentAt: 1000 }), ['bob']);
      await store.addOwnMessage(draft(1, { sentAt: 2000, conversation: group }), ['bob', 'carol']);
      await store.addOwnMessage(draft(4, { sentAt: 500, conversation: group }), ['carol']);
      expect((await store.pendingFor('bob')).map((m) => m.id)).to.deep.equal([
        messageId(2),
        messageId(1),
        messageId(3),
      ]);
    });

    it('lists nothing for a peer who has everything', async () => {
      const store = await open('alice');
      const own = await store.addOwnMessage(draft(1), ['bob']);
      await store.markDelivered(own.id, 'bob');
      expect(await store.pendingFor('bob')).to.deep.equal([]);
      expect(await store.pendingFor('nobody')).to.deep.equal([]);
    });

    it('keeps the outbox across a reopen (a reload)', async () => {
      const first = await open('alice');
      const own = await first.addOwnMessage(draft(1), ['bob']);
      first.close();
      const second = await open('alice');
      expect(await second.pendingFor('bob')).to.deep.equal([own]);
    });
  });

  describe('listConversation', () => {
    it('lists one conversation in (sentAt, id) order, own and incoming messages together', async () => {
      const store = await open('alice');
      await store.addIncomingMessage(incoming(5, { sentAt: 3000 }), { unread: false, receivedAt: 9000 });
      await store.addOwnMessage(draft(4, { sentAt: 1000 }), ['bob']);
      await store.addIncomingMessage(incoming(3, { sentAt: 2000 }), { unread: false, receivedAt: 9000 });
      await store.addOwnMessage(draft(2, { sentAt: 2000 }), ['bob']);
      await store.addOwnMessage(draft(1, { sentAt: 1500, conversation: group }), ['bob']);
      expect((await store.listConversation(dm)).map((m) => m.id)).to.deep.equal([
        messageId(4),
        messageId(2),
        messageId(3),
        messageId(5),
      ]);
      expect((await store.listConversation(group)).map((m) => m.id)).to.deep.equal([messageId(1)]);
      expect(await store.listConversation('g:empty')).to.deep.equal([]);
    });

    it('returns the latest page and pages back from its first message', async () => {
      const store = await open('alice');
      for (let n = 1; n <= 7; n++) await store.addOwnMessage(draft(n, { sentAt: 1000 + (n % 2) }), ['bob']);
      // (sentAt, id) order: 2, 4, 6 at 1000, then 1, 3, 5, 7 at 1001.
      const latest = await store.listConversation(dm, { limit: 3 });
      expect(latest.map((m) => m.id)).to.deep.equal([messageId(3), messageId(5), messageId(7)]);
      const previous = await store.listConversation(dm, { limit: 3, before: latest[0] });
      expect(previous.map((m) => m.id)).to.deep.equal([messageId(4), messageId(6), messageId(1)]);
      const oldest = await store.listConversation(dm, { limit: 3, before: previous[0] });
      expect(oldest.map((m) => m.id)).to.deep.equal([messageId(2)]);
    });

    it('returns the latest 200 messages when not given a limit', async () => {
      const store = await open('alice');
      await Promise.all(Array.from({ length: 205 }, (_, i) => store.addOwnMessage(draft(i + 1), ['bob'])));
      const page = await store.listConversation(dm);
      expect(page).to.have.length(200);
      expect(page[0]?.id).to.equal(messageId(6));
      expect(page[199]?.id).to.equal(messageId(205));
    });

    it('refuses a limit that is not a positive integer', async () => {
      const store = await open('alice');
      for (const limit of [0, -1, 1.5, Number.NaN]) {
        expect(await rejection(store.listConversation(dm, { limit }))).to.be.instanceOf(TypeError);
      }
    });
  });

  describe('accounts', () => {
    it("keeps two accounts' histories, outboxes and conversations apart in one browser", async () => {
      const alice = await open('alice');
      const carol = await open('carol');
      await alice.addOwnMessage(draft(1), ['bob']);
      await carol.addIncomingMessage(incoming(2, { conversation: 'dm:bob:carol' }), { unread: true });

      expect(await carol.getMessage(messageId(1))).to.equal(undefined);
      expect(await carol.pendingFor('bob')).to.deep.equal([]);
      expect((await carol.listConversations()).map((c) => c.id)).to.deep.equal(['dm:bob:carol']);
      expect(await alice.getMessage(messageId(2))).to.equal(undefined);
      expect((await alice.listConversations()).map((c) => c.id)).to.deep.equal([dm]);
    });

    it('opens the same history for any spelling of a name that differs only in case', async () => {
      const lower = await open('alice');
      await lower.addOwnMessage(draft(1), ['bob']);
      const upper = await open('ALICE');
      expect((await upper.listConversation(dm)).map((m) => m.id)).to.deep.equal([messageId(1)]);
    });
  });

  describe('lifecycle', () => {
    it('rejects every call after close', async () => {
      const store = await open('alice');
      store.close();
      expect(await rejection(store.getMessage(messageId(1)))).to.be.instanceOf(DOMException);
      expect(await rejection(store.addOwnMessage(draft(1), ['bob']))).to.be.instanceOf(DOMException);
    });

    it('closes itself when another tab deletes or upgrades the database, so that tab is not blocked', async () => {
      const reasons: string[] = [];
      const store = await open('alice', { onClosed: (reason) => reasons.push(reason) });
      await store.addOwnMessage(draft(1), ['bob']);
      await deleteAccountStore('alice');
      expect(reasons).to.deep.equal(['versionchange']);
      expect(await rejection(store.listConversations())).to.be.instanceOf(DOMException);
    });
  });
});

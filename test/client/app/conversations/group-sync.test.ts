import { expect } from '@open-wc/testing';
import type { Messenger } from '../../../../client/app/messenger.js';
import { openAccountStore } from '../../../../client/storage/account-store.js';
import { groupConversationId } from '../../../../shared/peer-protocol.js';
import type { Group } from '../../../../shared/protocol.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';

function group(members: Array<[string, number]>): Group {
  return {
    id: 'g' + 'a'.repeat(24),
    name: 'friends',
    creator: members[0]?.[0] ?? 'alice',
    createdAt: 1,
    members: members.map(([user, since]) => ({ user, since })),
  };
}

const conversation = groupConversationId('g' + 'a'.repeat(24));
const texts = (m: Messenger) => m.openConversation?.messages.map((message) => message.text) ?? [];

async function storedTexts(room: MessengerRoom, user: string): Promise<string[]> {
  const store = room.stores.get(user);
  if (!store) return [];
  return (await store.listConversation(conversation, { limit: 2000 })).map((message) => message.text ?? '');
}

describe('group catch-up', () => {
  let room: MessengerRoom;
  beforeEach(() => {
    room = new MessengerRoom();
  });
  afterEach(async () => {
    await room.close();
  });

  it('delivers a group message to every online member and counts who has it', async () => {
    const everyone = group([
      ['alice', 0],
      ['bob', 0],
      ['carol', 0],
    ]);
    const alice = await room.join('alice', { groups: [everyone] });
    await room.join('bob', { groups: [everyone] });
    await room.join('carol', { groups: [everyone] });
    await alice.selectConversation(conversation);
    await alice.send('hello all');
    await room.until(() => alice.openConversation?.messages[0]?.deliveredCount === 2);
    expect(alice.openConversation?.messages[0]?.state).to.equal('delivered');
    expect(await storedTexts(room, 'bob')).to.deep.equal(['hello all']);
    expect(await storedTexts(room, 'carol')).to.deep.equal(['hello all']);
  });

  it('brings a returning member what was said while away, from a member other than the author', async function () {
    // 150 messages are written to three real IndexedDBs and caught up in three batches: a second or
    // two on an idle machine, several with two busy cores. No race: mocha's 5 s default is just short.
    this.timeout(20_000);
    const everyone = group([
      ['alice', 0],
      ['bob', 0],
      ['carol', 0],
    ]);
    const alice = await room.join('alice', { groups: [everyone] });
    const bob = await room.join('bob', { groups: [everyone] });
    await alice.selectConversation(conversation);
    await bob.selectConversation(conversation);
    for (let i = 1; i <= 150; i++) await alice.send(`message ${i}`);
    // Stored, not just shown: a live message is shown as it arrives and stored once its signature
    // is checked, and alice leaving first would take the rest with her outbox.
    await room.until(
      async () => texts(bob).length === 150 && (await storedTexts(room, 'bob')).length === 150,
    );
    room.leave('alice');

    // Carol already has two of them (say, from before a reload): those must not double.
    const carolStore = await openAccountStore('carol');
    const early = await room.stores.get('bob')?.listConversation(conversation, { limit: 2 });
    for (const message of early ?? []) await carolStore.addIncomingMessage(message, { unread: true });
    carolStore.close();

    const carol = await room.join('carol', { groups: [everyone] });
    await room.until(async () => (await storedTexts(room, 'carol')).length === 150);
    const got = await storedTexts(room, 'carol');
    expect(new Set(got).size).to.equal(150);
    expect(got[0]).to.equal('message 1');
    expect(got[149]).to.equal('message 150');
    expect(carol.lists.unread(conversation)).to.equal(150);
  });

  it('gives a member added later only what was said after they joined', async () => {
    const before = group([
      ['alice', 0],
      ['bob', 0],
    ]);
    const alice = await room.join('alice', { groups: [before] });
    await room.join('bob', { groups: [before] });
    await alice.selectConversation(conversation);
    await alice.send('before dave joined');
    const joinedAt = Date.now() + 1;
    while (Date.now() < joinedAt) await new Promise((resolve) => setTimeout(resolve, 1));
    const after = group([
      ['alice', 0],
      ['bob', 0],
      ['dave', joinedAt],
    ]);
    alice.server.groupUpdated(after);
    room.messengers.get('bob')?.server.groupUpdated(after);
    await alice.send('after dave joined');
    await room.until(async () => (await storedTexts(room, 'bob')).length === 2);
    room.leave('alice');
    await room.join('dave', { groups: [after] });
    await room.until(async () => (await storedTexts(room, 'dave')).length === 1);
    expect(await storedTexts(room, 'dave')).to.deep.equal(['after dave joined']);
  });

  it("brings a returning member the author's backlog in batches and shows it delivered to the author", async () => {
    const everyone = group([
      ['alice', 0],
      ['bob', 0],
    ]);
    const alice = await room.join('alice', { groups: [everyone] });
    await alice.selectConversation(conversation);
    for (let i = 1; i <= 150; i++) await alice.send(`message ${i}`);
    const bob = await room.join('bob', { groups: [everyone] });
    await room.until(() => alice.openConversation?.messages.every((m) => m.deliveredCount === 1) ?? false);
    const got = await storedTexts(room, 'bob');
    expect(got).to.have.length(150);
    expect(got[149]).to.equal('message 150');
    expect(bob.lists.unread(conversation)).to.equal(150);
    expect(room.warnings).to.deep.equal([]);
  });
});

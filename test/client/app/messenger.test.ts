import { expect } from '@open-wc/testing';
import type { Messenger } from '../../../client/app/messenger.js';
import { openAccountStore } from '../../../client/storage/account-store.js';
import { directConversationId } from '../../../shared/peer-protocol.js';
import { MessengerRoom } from '../helpers/messenger-room.js';
import { TestKeys, signedBy } from '../helpers/signed-messages.js';
import { testKey } from '../helpers/test-gate.js';

const texts = (m: Messenger) => m.openConversation?.messages.map((message) => message.text) ?? [];
const states = (m: Messenger) => m.openConversation?.messages.map((message) => message.state) ?? [];

describe('Messenger', () => {
  let room: MessengerRoom;
  beforeEach(() => {
    room = new MessengerRoom();
  });
  afterEach(async () => {
    await room.close();
  });

  it('delivers a message both ways and marks it delivered', async () => {
    const alice = await room.join('alice');
    const bob = await room.join('bob');
    alice.server.welcome(['bob'], [], []);
    bob.server.welcome(['alice'], [], []);
    await alice.selectPerson('bob');
    await alice.send('hello bob');
    await room.until(() => states(alice).join() === 'delivered');
    expect(bob.lists.unreadFor('alice')).to.equal(1);
    await bob.selectPerson('alice');
    expect(texts(bob)).to.deep.equal(['hello bob']);
    expect(bob.lists.unreadFor('alice')).to.equal(0);
    await bob.send('hi alice');
    await room.until(() => texts(alice).length === 2);
    expect(texts(alice)).to.deep.equal(['hello bob', 'hi alice']);
    expect(alice.openConversation?.messages[1]?.own).to.equal(false);
  });

  it('keeps a message for an offline peer as sending and delivers it when the peer comes online', async () => {
    const alice = await room.join('alice');
    alice.server.welcome([], [], []);
    await alice.selectPerson('bob');
    await alice.send('are you there?');
    expect(states(alice)).to.deep.equal(['sending']);
    expect(alice.lists.offlineContacts.map((c) => c.name)).to.deep.equal(['bob']);

    const bob = await room.join('bob');
    bob.server.welcome(['alice'], [], []);
    alice.server.userOnline('bob');
    await room.until(() => states(alice).join() === 'delivered');
    expect(bob.lists.unreadFor('alice')).to.equal(1);
  });

  it('delivers the outbox after the sender reloads (a new messenger on the same store)', async () => {
    const alice = await room.join('alice');
    alice.server.welcome([], [], []);
    await alice.selectPerson('bob');
    await alice.send('first');
    await alice.send('second');
    room.leave('alice');

    const alice2 = await room.join('alice');
    const bob = await room.join('bob');
    alice2.server.welcome(['bob'], [], []);
    bob.server.welcome(['alice'], [], []);
    await bob.selectPerson('alice');
    await room.until(() => texts(bob).length === 2);
    expect(texts(bob)).to.deep.equal(['first', 'second']);
    await alice2.selectPerson('bob');
    // Bob has the conversation open, so both are read as soon as they are delivered.
    await room.until(() => states(alice2).join() === 'read,read');
  });

  it('drops duplicates by id and refuses messages a peer may not send', async () => {
    const alice = await room.join('alice');
    alice.server.welcome(['mallory'], [], []);
    await alice.selectPerson('mallory');
    // Each message signed by its author's key: what is refused here is refused for its fields.
    const keys = new TestKeys();
    const mallory = await room.rawPeer('mallory', 'alice', await keys.of('mallory'));
    const message = async (id: string, overrides: object = {}) => ({
      type: 'message' as const,
      message: (
        await keys.sign([
          {
            id: id.repeat(32),
            conversation: directConversationId('alice', 'mallory'),
            author: 'mallory',
            seq: 1,
            sentAt: Date.now(),
            text: 'hello',
            ...overrides,
          },
        ])
      )[0]!,
    });
    mallory.send('alice', await message('a'));
    mallory.send('alice', await message('a'));
    mallory.send('alice', await message('b', { author: 'bob', text: 'forged author' }));
    mallory.send(
      'alice',
      await message('c', { conversation: directConversationId('alice', 'bob'), text: 'into another chat' }),
    );
    mallory.send('alice', await message('d', { seq: 2, text: 'last' }));
    await room.until(() => texts(alice).includes('last'));
    expect(texts(alice)).to.deep.equal(['hello', 'last']);
    const store = await openAccountStore('alice');
    expect(await store.listConversation(directConversationId('alice', 'bob'))).to.deep.equal([]);
    store.close();
    mallory.closeAll();
  });

  it('does not list a conversation as active for a reaction alone', async () => {
    const alice = await room.join('alice');
    alice.server.welcome(['mallory'], [], []);
    const key = await testKey();
    const mallory = await room.rawPeer('mallory', 'alice', key);
    const id = 'e'.repeat(32);
    mallory.send('alice', {
      type: 'message',
      message: await signedBy(key, {
        id,
        conversation: directConversationId('alice', 'mallory'),
        author: 'mallory',
        seq: 1,
        sentAt: Date.now(),
        reaction: { target: 'f'.repeat(32), emoji: '👍', on: true },
      }),
    });
    // Acked: stored and counted (or not) by now.
    await room.until(() => mallory.received.some((frame) => frame.type === 'ack' && frame.ids.includes(id)));
    alice.server.userOffline('mallory');
    expect(alice.lists.offlineContacts.map((c) => c.name)).to.deep.equal([]);
    mallory.closeAll();
  });
});

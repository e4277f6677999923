import { expect } from '@open-wc/testing';
import { Messenger } from '../../../client/app/messenger.js';
import { deleteAccountStore, openAccountStore } from '../../../client/storage/account-store.js';
import type { AccountStore } from '../../../client/storage/account-store.js';
import { groupConversationId } from '../../../shared/peer-protocol.js';
import type { SignalPayload } from '../../../shared/peer-protocol.js';
import type { Group } from '../../../shared/protocol.js';

/**
 * Group members in one page: real IndexedDB stores and real RTCPeerConnections, an in-page relay in
 * place of the signaling server, and group membership handed to each messenger as the server would.
 */
class Room {
  readonly messengers = new Map<string, Messenger>();
  readonly stores = new Map<string, AccountStore>();
  readonly users = new Set<string>();
  readonly warnings: string[] = [];
  #waiters: Array<() => void> = [];

  async join(me: string, group: Group): Promise<Messenger> {
    const store = await openAccountStore(me);
    const messenger = await Messenger.open({
      me,
      store,
      sendSignal: (to: string, payload: SignalPayload) => {
        setTimeout(() => this.messengers.get(to)?.handleSignal(me, structuredClone(payload)), 0);
        return true;
      },
      onChange: () => this.#waiters.splice(0).forEach((wake) => wake()),
      warn: (message) => this.warnings.push(`${me}: ${message}`),
    });
    this.messengers.set(me, messenger);
    this.stores.set(me, store);
    this.users.add(me);
    const online = [...this.messengers.keys()].filter((user) => user !== me);
    messenger.networkUp(online, [group], []);
    for (const user of online) this.messengers.get(user)?.peerOnline(me);
    return messenger;
  }

  leave(me: string): void {
    this.messengers.get(me)?.close();
    this.messengers.delete(me);
    this.stores.delete(me);
    for (const other of this.messengers.values()) other.peerOffline(me);
  }

  async until(condition: () => boolean | Promise<boolean>): Promise<void> {
    while (!(await condition())) await new Promise<void>((wake) => this.#waiters.push(wake));
  }

  async close(): Promise<void> {
    for (const messenger of this.messengers.values()) messenger.close();
    for (const user of this.users) await deleteAccountStore(user);
  }
}

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

async function storedTexts(room: Room, user: string): Promise<string[]> {
  const store = room.stores.get(user);
  if (!store) return [];
  return (await store.listConversation(conversation, { limit: 2000 })).map((message) => message.text ?? '');
}

describe('group catch-up', () => {
  let room: Room;
  beforeEach(() => {
    room = new Room();
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
    const alice = await room.join('alice', everyone);
    await room.join('bob', everyone);
    await room.join('carol', everyone);
    await alice.selectConversation(conversation);
    await alice.send('hello all');
    await room.until(() => alice.openConversation?.messages[0]?.deliveredCount === 2);
    expect(alice.openConversation?.messages[0]?.state).to.equal('delivered');
    expect(await storedTexts(room, 'bob')).to.deep.equal(['hello all']);
    expect(await storedTexts(room, 'carol')).to.deep.equal(['hello all']);
  });

  it('brings a returning member what was said while away, from a member other than the author', async () => {
    const everyone = group([
      ['alice', 0],
      ['bob', 0],
      ['carol', 0],
    ]);
    const alice = await room.join('alice', everyone);
    const bob = await room.join('bob', everyone);
    await alice.selectConversation(conversation);
    await bob.selectConversation(conversation);
    for (let i = 1; i <= 150; i++) await alice.send(`message ${i}`);
    await room.until(() => texts(bob).length === 150);
    room.leave('alice');

    // Carol already has two of them (say, from before a reload): those must not double.
    const carolStore = await openAccountStore('carol');
    const early = await room.stores.get('bob')?.listConversation(conversation, { limit: 2 });
    for (const message of early ?? []) await carolStore.addIncomingMessage(message, { unread: true });
    carolStore.close();

    const carol = await room.join('carol', everyone);
    await room.until(async () => (await storedTexts(room, 'carol')).length === 150);
    const got = await storedTexts(room, 'carol');
    expect(new Set(got).size).to.equal(150);
    expect(got[0]).to.equal('message 1');
    expect(got[149]).to.equal('message 150');
    expect(carol.unread(conversation)).to.equal(150);
  });

  it('gives a member added later only what was said after they joined', async () => {
    const before = group([
      ['alice', 0],
      ['bob', 0],
    ]);
    const alice = await room.join('alice', before);
    await room.join('bob', before);
    await alice.selectConversation(conversation);
    await alice.send('before dave joined');
    const joinedAt = Date.now() + 1;
    while (Date.now() < joinedAt) await new Promise((resolve) => setTimeout(resolve, 1));
    const after = group([
      ['alice', 0],
      ['bob', 0],
      ['dave', joinedAt],
    ]);
    alice.groupUpdated(after);
    room.messengers.get('bob')?.groupUpdated(after);
    await alice.send('after dave joined');
    await room.until(async () => (await storedTexts(room, 'bob')).length === 2);
    room.leave('alice');
    await room.join('dave', after);
    await room.until(async () => (await storedTexts(room, 'dave')).length === 1);
    expect(await storedTexts(room, 'dave')).to.deep.equal(['after dave joined']);
  });
});

import { expect } from '@open-wc/testing';
import type { Messenger } from '../../../../client/app/messenger.js';
import { directConversationId, groupConversationId } from '../../../../shared/peer-protocol.js';
import type { Group } from '../../../../shared/protocol.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';

const GROUP_ID = 'g' + 'c'.repeat(24);
const group: Group = {
  id: GROUP_ID,
  name: 'lunch',
  creator: 'alice',
  createdAt: 1,
  members: ['alice', 'bob', 'carol'].map((user) => ({ user, since: 0 })),
};
const GROUP = groupConversationId(GROUP_ID);

/** The open conversation's messages as `text: 👍2* 🎉1` (`*`: this user's reaction is among them). */
function shown(m: Messenger): string[] {
  return (m.openConversation?.messages ?? []).map(
    (message) =>
      `${message.text}:${message.reactions.map((r) => ` ${r.emoji}${r.count}${r.mine ? '*' : ''}`).join('')}`,
  );
}

const idOf = (m: Messenger, text: string): string => {
  const id = m.openConversation?.messages.find((message) => message.text === text)?.id;
  if (!id) throw new Error(`no message ${text}`);
  return id;
};

describe('Messenger reactions', () => {
  let room: MessengerRoom;
  beforeEach(() => {
    room = new MessengerRoom();
  });
  afterEach(async () => {
    await room.close();
  });

  it('shows a reaction with its count on both sides and takes it back when toggled again', async () => {
    const alice = await room.join('alice', { groups: [] });
    const bob = await room.join('bob', { groups: [] });
    await alice.selectPerson('bob');
    await bob.selectPerson('alice');
    await alice.send('lunch at noon?');
    await room.until(() => shown(bob).length === 1);
    const target = idOf(bob, 'lunch at noon?');

    await bob.react(target, '👍');
    expect(shown(bob)).to.deep.equal(['lunch at noon?: 👍1*']);
    await room.until(() => shown(alice)[0] === 'lunch at noon?: 👍1');

    await alice.react(target, '👍');
    await alice.react(target, '🎉');
    await room.until(() => shown(bob)[0] === 'lunch at noon?: 👍2* 🎉1');
    expect(shown(alice)).to.deep.equal(['lunch at noon?: 👍2* 🎉1*']);
    expect(alice.openConversation?.messages[0]?.reactions[0]?.authors).to.deep.equal(['bob', 'alice']);

    await bob.react(target, '👍');
    await room.until(() => shown(alice)[0] === 'lunch at noon?: 👍1* 🎉1*');
    expect(shown(bob)).to.deep.equal(['lunch at noon?: 👍1 🎉1']);
    expect(shown(alice)).to.have.length(1);
    expect(room.warnings).to.deep.equal([]);
  });

  it('settles quick toggles in the order they were made', async () => {
    const alice = await room.join('alice', { groups: [] });
    const bob = await room.join('bob', { groups: [] });
    await alice.selectPerson('bob');
    await bob.selectPerson('alice');
    await alice.send('ping');
    const target = idOf(alice, 'ping');
    // Three clicks before any is stored: on, off, on.
    await Promise.all([alice.react(target, '👀'), alice.react(target, '👀'), alice.react(target, '👀')]);
    expect(shown(alice)).to.deep.equal(['ping: 👀1*']);
    await room.until(() => shown(bob)[0] === 'ping: 👀1');
  });

  it('never counts a reaction as unread', async () => {
    const alice = await room.join('alice', { groups: [] });
    const bob = await room.join('bob', { groups: [] });
    await alice.selectPerson('bob');
    await bob.selectPerson('alice');
    await alice.send('see you');
    await room.until(() => shown(bob).length === 1);
    const target = idOf(bob, 'see you');
    alice.closeConversation();

    await bob.react(target, '❤️');
    const aliceStore = room.stores.get('alice');
    await room.until(async () => {
      const stored = await aliceStore?.listConversation(directConversationId('alice', 'bob'));
      return stored?.some((message) => message.reaction !== undefined) ?? false;
    });
    expect(alice.lists.unreadFor('bob')).to.equal(0);
    expect(alice.lists.totalUnread).to.equal(0);
    const summaries = await aliceStore?.listConversations();
    expect(summaries?.find((s) => s.id === directConversationId('alice', 'bob'))?.unread).to.equal(0);

    await alice.selectPerson('bob');
    expect(shown(alice)).to.deep.equal(['see you: ❤️1']);
  });

  it('shows group reactions to every member with counts, and a member who was away catches them up', async () => {
    const alice = await room.join('alice', { groups: [group] });
    const bob = await room.join('bob', { groups: [group] });
    await alice.selectConversation(GROUP);
    await bob.selectConversation(GROUP);
    await alice.send('pizza?');
    await room.until(() => shown(bob).length === 1);
    const target = idOf(bob, 'pizza?');
    await bob.react(target, '👍');
    await alice.react(target, '👍');
    await alice.react(target, '🍕');
    await alice.react(target, '🍕');
    await room.until(() => shown(bob)[0] === 'pizza?: 👍2*');
    await room.until(() => shown(alice)[0] === 'pizza?: 👍2*');
    // Stored at alice's (shown comes first): she is the one carol will catch up from.
    await room.until(async () => (await room.stores.get('alice')?.listConversation(GROUP))?.length === 5);

    // Carol was away for all of it; bob leaves before she is back, so alice alone has it all.
    room.leave('bob');
    const carol = await room.join('carol', { groups: [group] });
    await room.until(async () => {
      const stored = await room.stores.get('carol')?.listConversation(GROUP);
      return stored?.length === 5;
    });
    expect(carol.lists.unread(GROUP)).to.equal(1);
    await carol.selectConversation(GROUP);
    expect(shown(carol)).to.deep.equal(['pizza?: 👍2']);

    await carol.react(target, '👍');
    expect(shown(carol)).to.deep.equal(['pizza?: 👍3*']);
    await room.until(() => shown(alice)[0] === 'pizza?: 👍3*');
    expect(room.warnings).to.deep.equal([]);
  });
});

import { expect } from '@open-wc/testing';
import type { Messenger } from '../../../../client/app/messenger.js';
import { previewOf } from '../../../../client/app/attention/notifier.js';
import {
  TYPING_SEND_INTERVAL_MS,
  TYPING_SHOW_MS,
  TypingIndicator,
  typingText,
} from '../../../../client/app/attention/typing-indicator.js';
import { Directory } from '../../../../client/app/roster/directory.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { PeerMesh } from '../../../../client/net/peer-mesh.js';
import { directConversationId, groupConversationId } from '../../../../shared/peer-protocol.js';
import type { Group } from '../../../../shared/protocol.js';
import type { PeerFrame } from '../../../../shared/peer-protocol.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';
import { signedBy } from '../../helpers/signed-messages.js';
import { testGate, testKey } from '../../helpers/test-gate.js';

interface Shown {
  title: string;
  body: string;
}

/** Records every notification shown while still showing it (the real constructor does the work). */
function recordNotifications(): { shown: Shown[]; restore(): void } {
  const Real = window.Notification;
  const shown: Shown[] = [];
  class Recorded extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      shown.push({ title, body: options?.body ?? '' });
    }
  }
  window.Notification = Recorded;
  return { shown, restore: () => (window.Notification = Real) };
}

const states = (m: Messenger) => m.openConversation?.messages.map((message) => message.state) ?? [];

async function pair(room: MessengerRoom): Promise<[Messenger, Messenger]> {
  const alice = await room.join('alice');
  const bob = await room.join('bob');
  alice.server.welcome(['bob'], [], []);
  bob.server.welcome(['alice'], [], []);
  return [alice, bob];
}

describe('Attention between two messengers', () => {
  let room: MessengerRoom;
  let notifications: ReturnType<typeof recordNotifications>;
  beforeEach(() => {
    room = new MessengerRoom();
    notifications = recordNotifications();
  });
  afterEach(async () => {
    notifications.restore();
    await room.close();
  });

  it('notifies of a message in a conversation that is not open, with the author and the text', async () => {
    const [alice, bob] = await pair(room);
    expect(bob.notifications.permission).to.equal('granted');
    await alice.selectPerson('bob');
    await alice.send('lunch at noon?');
    await room.until(() => bob.lists.unreadFor('alice') === 1);
    expect(notifications.shown).to.deep.equal([{ title: 'alice', body: 'lunch at noon?' }]);
  });

  it('notifies of the open conversation only while the page is hidden', async () => {
    const [alice, bob] = await pair(room);
    await alice.selectPerson('bob');
    await bob.selectPerson('alice');
    await alice.send('you are looking at this');
    await room.until(() => states(alice).join() === 'read');
    expect(notifications.shown).to.deep.equal([]);

    await bob.setVisible(false);
    await alice.send('and now you are not');
    await room.until(() => bob.lists.unreadFor('alice') === 1);
    expect(notifications.shown).to.deep.equal([{ title: 'alice', body: 'and now you are not' }]);
  });

  it('announces what a caught-up batch says, not the edit that came with it', async () => {
    const groupId = 'g' + '7'.repeat(24);
    const conversation = groupConversationId(groupId);
    const members = ['alice', 'bob', 'carol'].map((user) => ({ user, since: 0 }));
    const club: Group = { id: groupId, name: 'club', creator: 'alice', createdAt: 1, members };
    const alice = await room.join('alice', { groups: [club] });
    await room.join('bob', { groups: [club] });
    await alice.selectConversation(conversation);
    await alice.send('lunch at noon?');
    await alice.edit(alice.openConversation!.messages[0]!.id, 'lunch at one?');
    await room.until(async () => (await room.stores.get('bob')!.heads(conversation)).get('alice') === 2);
    room.leave('alice');

    // Carol catches up from bob: the text and its edit in one batch.
    await room.join('carol', { groups: [club] });
    await room.until(() => notifications.shown.length > 0);
    expect(notifications.shown.map((shown) => shown.body)).to.deep.equal(['alice: lunch at noon?']);
  });

  it('does not notify of a muted conversation, and the mute outlives a reload', async () => {
    const [alice, bob] = await pair(room);
    const conversation = directConversationId('alice', 'bob');
    await bob.notifications.setMuted(conversation, true);
    await alice.selectPerson('bob');
    await alice.send('psst');
    await room.until(() => bob.lists.unreadFor('alice') === 1);
    expect(notifications.shown).to.deep.equal([]);

    bob.close();
    const bob2 = await room.join('bob');
    expect(bob2.notifications.isMuted(conversation)).to.equal(true);
    await bob2.notifications.setMuted(conversation, false);
    bob2.close();
    const bob3 = await room.join('bob');
    expect(bob3.notifications.isMuted(conversation)).to.equal(false);
  });

  it('shows who is typing until their message arrives', async () => {
    const [alice, bob] = await pair(room);
    await alice.selectPerson('bob');
    await bob.selectPerson('alice');
    await room.until(() => alice.openConversation?.link === 'open');
    alice.typed();
    await room.until(() => bob.openConversation?.typing?.join() === 'alice');
    await alice.send('done typing');
    await room.until(() => bob.openConversation?.messages.length === 1);
    await room.until(() => (bob.openConversation?.typing ?? []).length === 0);
  });

  it('marks own messages read once the other person has the conversation on screen', async () => {
    const [alice, bob] = await pair(room);
    await alice.selectPerson('bob');
    await bob.setVisible(false);
    await bob.selectPerson('alice');
    await alice.send('one');
    await alice.send('two');
    await room.until(() => states(alice).join() === 'delivered,delivered');

    await bob.setVisible(true);
    await room.until(() => states(alice).join() === 'read,read');
    expect(alice.openConversation?.messages.map((m) => m.readCount)).to.deep.equal([1, 1]);

    // Stored: a reload still shows them read.
    alice.close();
    const alice2 = await room.join('alice');
    alice2.server.welcome(['bob'], [], []);
    await alice2.selectPerson('bob');
    expect(states(alice2)).to.deep.equal(['read', 'read']);
  });

  it('ignores typing and read frames from someone outside the conversation', async () => {
    const alice = await room.join('alice');
    const bob = await room.join('bob');
    alice.server.welcome(['bob', 'mallory'], [], []);
    bob.server.welcome(['alice'], [], []);
    await alice.selectPerson('bob');
    await alice.send('for bob only');
    await room.until(() => states(alice).join() === 'delivered');
    const sentId = alice.openConversation?.messages[0]?.id ?? '';

    // Mallory is a raw mesh, free to send anything down the data channel.
    const frames: PeerFrame[] = [];
    const key = await testKey();
    const gate = await testGate('mallory', key);
    const opened = new Promise<void>((resolve) => {
      const mallory = new PeerMesh(
        { me: 'mallory', gate, iceServers: () => [] },
        {
          sendSignal: (to, payload) => void room.relay('mallory')(to, payload),
          onOpen: () => resolve(),
          onClose: () => undefined,
          onFrame: (_peer, frame) => frames.push(frame),
          onBadInput: () => undefined,
        },
      );
      room.members.set('mallory', mallory);
      mallory.want('alice');
    });
    await opened;
    const mallory = room.members.get('mallory') as PeerMesh;
    const conversation = directConversationId('alice', 'bob');
    mallory.send('alice', { type: 'typing', conversation });
    mallory.send('alice', { type: 'read', conversation, ids: [sentId] });
    // A message of mallory's own, after the forged frames: once it is shown, they were handled.
    mallory.send('alice', {
      type: 'message',
      message: await signedBy(key, {
        id: 'e'.repeat(32),
        conversation: directConversationId('alice', 'mallory'),
        author: 'mallory',
        seq: 1,
        sentAt: Date.now(),
        text: 'hi',
      }),
    });
    await room.until(() => alice.lists.unreadFor('mallory') === 1);
    expect(alice.openConversation?.typing ?? []).to.deep.equal([]);
    expect(states(alice)).to.deep.equal(['delivered']);
    mallory.closeAll();
  });
});

describe('TypingIndicator', () => {
  function setUp() {
    const directory = new Directory('alice');
    directory.setOnline(['bob', 'carol', 'mallory']);
    directory.setGroups([
      {
        id: 'g' + '0'.repeat(24),
        name: 'Team',
        creator: 'alice',
        createdAt: 0,
        members: [
          { user: 'alice', since: 0 },
          { user: 'bob', since: 0 },
          { user: 'carol', since: 0 },
        ],
      },
    ]);
    const clock = new ManualClock();
    const sent: Array<[string, PeerFrame]> = [];
    const changes: string[] = [];
    const typing = new TypingIndicator({
      directory,
      clock,
      links: {
        send: (peer, frame) => {
          sent.push([peer, frame]);
          return true;
        },
        isOpen: (peer) => peer !== 'carol',
      },
      changed: (conversation) => changes.push(conversation),
    });
    return { typing, clock, sent, changes, group: `group:g${'0'.repeat(24)}` };
  }

  it('sends at most one frame every few seconds, to members with an open connection', () => {
    const { typing, clock, sent, group } = setUp();
    typing.typed(group);
    typing.typed(group);
    clock.advance(TYPING_SEND_INTERVAL_MS - 1);
    typing.typed(group);
    expect(sent).to.deep.equal([['bob', { type: 'typing', conversation: group }]]);
    clock.advance(1);
    typing.typed(group);
    expect(sent.length).to.equal(2);
    // After sending a message the next keystroke is told at once.
    typing.sent(group);
    typing.typed(group);
    expect(sent.length).to.equal(3);
  });

  it('shows typists by name and forgets each a while after their last frame', () => {
    const { typing, clock, group } = setUp();
    expect(typing.received('carol', group)).to.equal(true);
    clock.advance(1000);
    typing.received('bob', group);
    expect(typing.typing(group)).to.deep.equal(['bob', 'carol']);
    expect(typingText(typing.typing(group))).to.equal('bob and carol are typing…');
    clock.advance(TYPING_SHOW_MS - 1000);
    expect(typing.typing(group)).to.deep.equal(['bob']);
    typing.received('bob', group);
    clock.advance(TYPING_SHOW_MS - 1);
    expect(typingText(typing.typing(group))).to.equal('bob is typing…');
    typing.stopped(group, 'bob');
    expect(typing.typing(group)).to.deep.equal([]);
  });

  it('refuses typing from someone who is not in the conversation', () => {
    const { typing, changes, group } = setUp();
    expect(typing.received('mallory', group)).to.equal(false);
    expect(typing.received('mallory', directConversationId('bob', 'carol'))).to.equal(false);
    expect(typing.typing(group)).to.deep.equal([]);
    expect(changes).to.deep.equal([]);
  });
});

describe('previewOf', () => {
  const base = { id: 'a'.repeat(32), conversation: 'lobby', author: 'alice', seq: 1, sentAt: 0 };
  it('shows text on one line, cut to a preview', () => {
    expect(previewOf({ ...base, text: 'two\n\nlines' })).to.equal('two lines');
    const long = previewOf({ ...base, text: 'x'.repeat(500) });
    expect([...long].length).to.equal(120);
    expect(long.endsWith('…')).to.equal(true);
  });
  it('says a file was sent, by its safe name', () => {
    const file = { name: '../report.pdf', size: 3, type: 'application/pdf', chunkSize: 65536 };
    expect(previewOf({ ...base, file })).to.equal('sent a file: report.pdf');
  });
});

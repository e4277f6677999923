// A member the server slipped into a group (on its list, but no signed invitation and accept in the
// group's log): alice sends them nothing of the group, answers none of their catch-up, and takes
// none of their messages for it. Bob made the group and invited alice (his key is pinned at alice);
// alice accepts and signs it with her own device key; the server lists mallory too.
import { expect } from '@open-wc/testing';
import type { Messenger } from '../../../../client/app/messenger.js';
import { signGroupChange, groupEntryHash } from '../../../../client/app/identity/group-signing.js';
import type { GroupChange } from '../../../../shared/group-log.js';
import { directConversationId, groupConversationId } from '../../../../shared/peer-protocol.js';
import type { ClientFrame, Group } from '../../../../shared/protocol.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';
import type { RawPeer } from '../../helpers/messenger-room.js';
import { TestKeys, draft } from '../../helpers/signed-messages.js';

const groupId = 'g' + 'e'.repeat(24);
const conversation = groupConversationId(groupId);

describe('a member the server inserted into a signed group', () => {
  let room: MessengerRoom;
  let alice: Messenger;
  let mallory: RawPeer;
  let keys: TestKeys;

  beforeEach(async () => {
    room = new MessengerRoom();
    keys = new TestKeys();
    const now = Date.now();
    const toServer: ClientFrame[] = [];
    alice = await room.join('alice', {
      sendServer: (frame) => {
        toServer.push(frame);
        room.changed();
        return true;
      },
    });
    await room.stores.get('alice')?.identity.savePin('bob', (await keys.of('bob')).identity, false);
    const group: Group = {
      id: groupId,
      name: 'club',
      creator: 'bob',
      createdAt: now - 60_000,
      members: ['alice', 'bob', 'mallory'].map((user) => ({ user, since: now - 60_000 })),
    };
    alice.server.welcome(['mallory'], [group], []);
    // Bob's log: he made the group and invited alice. Alice accepted (in this session) and signs it.
    const bob = await keys.of('bob');
    const create: GroupChange = {
      group: groupId,
      kind: 'create',
      actor: 'bob',
      at: now - 60_000,
      name: 'club',
    };
    const created = await signGroupChange(bob, create);
    const invite: GroupChange = {
      group: groupId,
      kind: 'invite',
      actor: 'bob',
      subject: 'alice',
      at: now - 50_000,
      prev: await groupEntryHash(created),
    };
    alice.groupLog.accepted(groupId);
    await alice.groupLog.received(groupId, [created, await signGroupChange(bob, invite)]);
    await room.until(() => toServer.length > 0);
    // The server stores alice's accept and hands it back.
    const [frame] = toServer;
    if (frame?.type !== 'group-entry') throw new Error('alice signed no accept');
    await alice.groupLog.received(groupId, frame.entries);
    expect(alice.directory.membersOf(conversation)).to.deep.equal(['alice', 'bob']);
    mallory = await room.rawPeer('mallory', 'alice', await keys.of('mallory'));
  });
  afterEach(async () => {
    await room.close();
  });

  it('gets nothing of the group from alice, and nothing she sends into it is taken', async () => {
    const dm = directConversationId('alice', 'mallory');
    // Mallory asks to catch up, forwards bob's message and writes her own into the group …
    mallory.send('alice', { type: 'sync-heads', conversation, heads: [] });
    const [forwarded, own] = await keys.sign([
      draft(conversation, { text: 'forwarded by mallory' }),
      draft(conversation, { author: 'mallory', text: 'from mallory' }),
    ]);
    mallory.send('alice', { type: 'sync-batch', conversation, messages: [forwarded!] });
    mallory.send('alice', { type: 'message', message: own! });
    // … then writes to alice directly: once that is acked, alice has handled all of it, in order.
    const [hello] = await keys.sign([draft(dm, { author: 'mallory', text: 'hello alice' })]);
    mallory.send('alice', { type: 'message', message: hello! });
    await room.answered(mallory, [hello!.id]);
    const store = room.stores.get('alice')!;
    expect((await store.listConversation(conversation)).map((row) => row.text)).to.deep.equal([]);
    const warnings = room.warnings.join('\n');
    expect(warnings).to.match(/mallory asked to catch up on .*, which we do not share/);
    expect(warnings).to.match(/mallory forwarded messages of .*, which we do not share/);
    expect(warnings).to.match(/mallory sent a message it may not send/);

    // Alice writes into the group, then to mallory: mallory gets the second, never the first.
    await alice.selectConversation(conversation);
    await alice.send('for members only');
    await alice.selectConversation(dm);
    await alice.send('just for you');
    await room.until(() =>
      mallory.received.some((frame) => frame.type === 'message' && frame.message.text === 'just for you'),
    );
    const texts = mallory.received.flatMap((frame) => (frame.type === 'message' ? [frame.message.text] : []));
    expect(texts).to.deep.equal(['just for you']);
    const batches = mallory.received.filter(
      (frame) => frame.type === 'sync-batch' || frame.type === 'sync-heads',
    );
    expect(
      batches.filter((frame) => 'conversation' in frame && frame.conversation === conversation),
    ).to.deep.equal([]);
  });
});

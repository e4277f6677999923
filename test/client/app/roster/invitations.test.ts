import { expect } from '@open-wc/testing';
import { groupConversationId } from '../../../../shared/peer-protocol.js';
import type { Group } from '../../../../shared/protocol.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';

const id = 'g' + 'd'.repeat(24);
const conversation = groupConversationId(id);

describe('group invitations', () => {
  let room: MessengerRoom;
  beforeEach(() => {
    room = new MessengerRoom();
  });
  afterEach(async () => {
    await room.close();
  });

  it('lists an invitation marked, shares nothing for it, and makes it a group once accepted', async () => {
    const alice = await room.join('alice');
    alice.server.welcome(['bob'], [], []);
    alice.server.groupInvited({ type: 'group-invite', group: id, name: 'Trip', inviter: 'bob' });
    expect(alice.lists.groups.map((g) => [g.name, g.invitedBy])).to.deep.equal([
      ['Lobby', undefined],
      ['Trip', 'bob'],
    ]);
    // Not a conversation yet: no member, nothing to catch up, nobody to connect to for it.
    expect(alice.directory.kindOf(conversation)).to.equal(null);
    expect(alice.directory.isMember(conversation, 'bob')).to.equal(false);
    expect(alice.directory.sharedGroups('bob')).to.deep.equal([]);

    const group: Group = {
      id,
      name: 'Trip',
      creator: 'bob',
      createdAt: 1,
      members: [
        { user: 'bob', since: 1 },
        { user: 'alice', since: 2 },
      ],
    };
    alice.server.groupUpdated(group);
    expect(alice.lists.groups.map((g) => [g.name, g.invitedBy])).to.deep.equal([
      ['Lobby', undefined],
      ['Trip', undefined],
    ]);
    expect(alice.directory.sharedGroups('bob')).to.deep.equal([conversation]);
  });

  it('drops a declined invitation, and one the next welcome does not repeat', async () => {
    const alice = await room.join('alice');
    alice.server.welcome([], [], []);
    alice.server.groupInvited({ type: 'group-invite', group: id, name: 'Trip', inviter: 'bob' });
    alice.server.groupRemoved(id);
    expect(alice.lists.groups.map((g) => g.name)).to.deep.equal(['Lobby']);
    alice.server.groupInvited({ type: 'group-invite', group: id, name: 'Trip', inviter: 'bob' });
    alice.server.welcome([], [], []);
    expect(alice.lists.groups.map((g) => g.name)).to.deep.equal(['Lobby']);
  });
});

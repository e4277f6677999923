import { expect } from '@open-wc/testing';
import { GroupRequests } from '../../../../client/app/roster/group-requests.js';
import type { Group } from '../../../../shared/protocol.js';

const group = (id: string, creator: string): Group => ({
  id: 'g' + id.repeat(24),
  name: 'Team',
  creator,
  createdAt: 1,
  members: [{ user: creator, since: 1 }],
});

describe('GroupRequests', () => {
  it('settles a create only with a new group this user made, which it then opens', () => {
    const requests = new GroupRequests();
    requests.sent({ type: 'group-create', name: 'Team', members: [] }, true, 'unreachable');
    expect(requests.updated(group('a', 'bob'), true, 'alice')).to.deep.equal({ settled: false });
    expect(requests.updated(group('b', 'alice'), false, 'alice')).to.deep.equal({ settled: false });
    expect(requests.state).to.deep.equal({ kind: 'pending', command: 'group-create' });
    const made = group('c', 'alice');
    expect(requests.updated(made, true, 'alice')).to.deep.equal({
      settled: true,
      created: made,
      command: { type: 'group-create', name: 'Team', members: [] },
    });
    expect(requests.state).to.deep.equal({ kind: 'idle' });
  });

  it('settles an add with an update of that group, and a leave with its removal', () => {
    const requests = new GroupRequests();
    const team = group('a', 'bob');
    requests.sent({ type: 'group-add', group: team.id, members: ['carol'] }, true, 'unreachable');
    expect(requests.updated(group('b', 'bob'), false, 'alice').settled).to.equal(false);
    expect(requests.removed(team.id).settled).to.equal(false);
    expect(requests.updated(team, false, 'alice')).to.deep.equal({
      settled: true,
      created: null,
      command: { type: 'group-add', group: team.id, members: ['carol'] },
    });
    requests.sent({ type: 'group-leave', group: team.id }, true, 'unreachable');
    expect(requests.removed(group('b', 'bob').id).settled).to.equal(false);
    expect(requests.updated(team, false, 'alice').settled).to.equal(false);
    expect(requests.removed(team.id).settled).to.equal(true);
  });

  it('shows an error about the pending command, not about one it replaced', () => {
    const requests = new GroupRequests();
    requests.sent({ type: 'group-leave', group: group('a', 'bob').id }, true, 'unreachable');
    requests.sent({ type: 'group-create', name: 'Team', members: [] }, true, 'unreachable');
    expect(requests.failed('group-leave', 'old news')).to.equal(false);
    expect(requests.state.kind).to.equal('pending');
    expect(requests.failed('group-create', 'No such user.')).to.equal(true);
    expect(requests.state).to.deep.equal({ kind: 'error', text: 'No such user.' });
  });

  it('says so at once when the server cannot be reached', () => {
    const requests = new GroupRequests();
    requests.sent({ type: 'group-leave', group: group('a', 'bob').id }, false, 'unreachable');
    expect(requests.state).to.deep.equal({ kind: 'error', text: 'unreachable' });
    expect(requests.removed(group('a', 'bob').id).settled).to.equal(false);
  });

  it('settles an accept with the group, which it then opens, and a decline with its removal', () => {
    const requests = new GroupRequests();
    const team = group('a', 'bob');
    requests.sent({ type: 'group-accept', group: team.id }, true, 'unreachable');
    expect(requests.updated(group('b', 'bob'), true, 'alice').settled).to.equal(false);
    expect(requests.updated(team, true, 'alice')).to.deep.equal({
      settled: true,
      created: team,
      command: { type: 'group-accept', group: team.id },
    });
    requests.sent({ type: 'group-decline', group: team.id }, true, 'unreachable');
    expect(requests.removed(group('b', 'bob').id).settled).to.equal(false);
    expect(requests.removed(team.id).settled).to.equal(true);
  });
});

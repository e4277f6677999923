import { expect } from '@open-wc/testing';
import { ConnectPolicy } from '../../../../client/app/roster/connect-policy.js';
import type { ConnectPolicyDeps, ContactHistory } from '../../../../client/app/roster/connect-policy.js';
import { Directory } from '../../../../client/app/roster/directory.js';
import { directConversationId, groupConversationId } from '../../../../shared/peer-protocol.js';
import type { Group } from '../../../../shared/protocol.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const groupId = 'g' + 'c'.repeat(24);

function group(...members: string[]): Group {
  return {
    id: groupId,
    name: 'Trip',
    creator: members[0]!,
    createdAt: 1,
    members: members.map((user) => ({ user, since: 1 })),
  };
}

/** A policy for `alice` over a real directory, a stepped clock and a relay that is configured. */
function setUp(overrides: Partial<ConnectPolicyDeps> = {}) {
  const directory = new Directory('alice');
  const clock = new ManualClock();
  const warnings: string[] = [];
  const verified = new Set<string>();
  const policy = new ConnectPolicy({
    me: 'alice',
    sharesGroupWith: (peer) => directory.sharesGroupWith(peer),
    verified: (peer) => verified.has(peer),
    relayConfigured: () => true,
    warn: (message) => warnings.push(message),
    clock,
    ...overrides,
  });
  return { policy, directory, clock, warnings, verified };
}

/** Stored history: `own` maps a conversation to how many messages this user wrote in it. */
function history(own: Record<string, number>, pinned: string[] = []): ContactHistory {
  return {
    nextSeq: (id) => Promise.resolve((own[id] ?? 0) + 1),
    pinned: (peer) => {
      pinned.push(peer);
      return Promise.resolve(null);
    },
  };
}

describe('ConnectPolicy', () => {
  it('answers a stranger only through the relay, and a member of a shared group as usual', () => {
    const { policy, directory } = setUp();
    expect(policy.decide('bob')).to.equal('relay');
    directory.putGroup(group('alice', 'bob'));
    expect(policy.decide('bob')).to.equal('answer');
    expect(policy.known('bob')).to.equal(true);
  });

  it('counts an invitation, either way, as no shared group: the peer stays a stranger', () => {
    const { policy, directory } = setUp();
    // Bob invited alice: she has not accepted.
    directory.putInvitation({ type: 'group-invite', group: groupId, name: 'Trip', inviter: 'bob' });
    expect(policy.decide('bob')).to.equal('relay');
    // Alice invited carol to her group: carol has not accepted, so the server does not list her.
    directory.putGroup(group('alice', 'dave'));
    expect(policy.known('carol')).to.equal(false);
    expect(policy.decide('carol')).to.equal('relay');
    expect(directory.isMember(groupConversationId(groupId), 'dave')).to.equal(true);
    expect(policy.decide('dave')).to.equal('answer');
  });

  it('knows whom this user wrote to from stored history, not whoever wrote to them', async () => {
    const { policy } = setUp();
    const pinned: string[] = [];
    await policy.learn(
      [directConversationId('alice', 'bob'), directConversationId('alice', 'mallory'), 'lobby'],
      history({ [directConversationId('alice', 'bob')]: 2 }, pinned),
    );
    expect(policy.known('bob')).to.equal(true);
    // Mallory's conversation holds only what mallory sent.
    expect(policy.known('mallory')).to.equal(false);
    expect(policy.decide('mallory')).to.equal('relay');
    // Every direct peer's pin was read, so `verified` can answer synchronously.
    expect(pinned.sort()).to.deep.equal(['bob', 'mallory']);
  });

  it('knows a peer whose conversation this user opened, or whose key they verified', () => {
    const { policy, verified } = setUp();
    expect(policy.known('bob')).to.equal(false);
    policy.contacted('bob');
    expect(policy.decide('bob')).to.equal('answer');
    verified.add('carol');
    expect(policy.decide('carol')).to.equal('answer');
  });

  it('answers strangers directly when no relay is configured, still rate-limited', () => {
    const { policy, warnings } = setUp({ relayConfigured: () => false, perMinute: 2 });
    expect(policy.decide('s1')).to.equal('answer');
    expect(policy.decide('s2')).to.equal('answer');
    expect(policy.decide('s3')).to.equal('refuse');
    expect(warnings).to.have.length(1);
  });

  it('lets through at most 5 new strangers a minute, refilling over time, never limiting known peers', () => {
    const { policy, clock, warnings, directory } = setUp();
    for (let i = 0; i < 5; i++) {
      expect(policy.decide(`s${i}`)).to.equal('relay');
      policy.ended(`s${i}`);
    }
    expect(policy.decide('s5')).to.equal('refuse');
    expect(warnings.join()).to.match(/s5 refused: over 5 new strangers a minute/);
    directory.putGroup(group('alice', 'bob'));
    expect(policy.decide('bob')).to.equal('answer');
    // One token comes back every 12 s.
    clock.advance(11_999);
    expect(policy.decide('s5')).to.equal('refuse');
    clock.advance(1);
    expect(policy.decide('s5')).to.equal('relay');
    expect(policy.decide('s6')).to.equal('refuse');
    // The bucket holds no more than a minute's worth.
    clock.advance(10 * 60_000);
    for (let i = 0; i < 5; i++) expect(policy.decide(`t${i}`)).to.equal('relay');
    expect(policy.decide('t5')).to.equal('refuse');
  });

  it('caps strangers connected at once, and frees a place when one connection ends', () => {
    const { policy, clock, warnings } = setUp({ maxStrangers: 2, perMinute: 100 });
    expect(policy.decide('s1')).to.equal('relay');
    expect(policy.decide('s2')).to.equal('relay');
    clock.advance(60_000);
    expect(policy.decide('s3')).to.equal('refuse');
    expect(warnings.join()).to.match(/s3 refused: 2 strangers connected already/);
    policy.ended('s1');
    expect(policy.decide('s3')).to.equal('relay');
  });

  it('refuses limits below one at construction', () => {
    expect(() => setUp({ perMinute: 0 })).to.throw(TypeError);
    expect(() => setUp({ maxStrangers: 0 })).to.throw(TypeError);
  });
});

import { expect } from '@open-wc/testing';
import {
  GroupEntryVerifier,
  groupEntryHash,
  signGroupChange,
} from '../../../../client/app/identity/group-signing.js';
import { Directory } from '../../../../client/app/roster/directory.js';
import { GroupLedger } from '../../../../client/app/roster/group-ledger.js';
import { ErrorCode } from '../../../../shared/errors.js';
import type { GroupChange } from '../../../../shared/group-log.js';
import type { PublicIdentity } from '../../../../shared/identity-protocol.js';
import type { ClientFrame, Group } from '../../../../shared/protocol.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { testKey } from '../../helpers/test-gate.js';
import type { TestKey } from '../../helpers/test-gate.js';

const ID = 'g' + 'a'.repeat(24);
const CONVERSATION = `group:${ID}`;

/** The server's list: everyone named, whatever the log says. */
const listed = (...users: string[]): Group => ({
  id: ID,
  name: 'Team',
  creator: 'alice',
  createdAt: 1,
  members: users.map((user) => ({ user, since: 1 })),
});

/** One user's view: a directory, a ledger checking entries with `keys`, and what it sent. */
async function world(me: string, names: string[], clock?: ManualClock) {
  const keys = new Map<string, TestKey>();
  for (const name of names) keys.set(name, await testKey());
  const known = new Map<string, PublicIdentity>([...keys].map(([name, key]) => [name, key.identity]));
  const directory = new Directory(me);
  const sent: ClientFrame[] = [];
  const wake: Array<() => void> = [];
  /** Resolves once `count` frames were sent (signing is asynchronous). */
  const sentCount = async (count: number) => {
    while (sent.length < count) await new Promise<void>((resolve) => wake.push(resolve));
  };
  const events: string[] = [];
  const ledger = new GroupLedger({
    directory,
    ...(clock ? { clock } : {}),
    key: keys.get(me)!,
    verifier: new GroupEntryVerifier((user) => Promise.resolve(known.get(user) ?? null)),
    send: (frame) => {
      sent.push(frame);
      wake.splice(0).forEach((resolve) => resolve());
      return true;
    },
    admittedChanged: (id, added) => events.push(`admitted ${id} ${added.join(',')}`),
    forked: (id) => events.push(`forked ${id}`),
    warn: () => undefined,
  });
  /** Signed entries in chain order, each on the previous one (or on `on`). */
  const chain = async (changes: Array<[string, Partial<GroupChange>]>, on?: string) => {
    const texts: string[] = [];
    let prev = on;
    for (const [actor, fields] of changes) {
      const change = { group: ID, kind: 'create', actor, at: 5, ...fields } as GroupChange;
      const text = await signGroupChange(keys.get(actor)!, prev === undefined ? change : { ...change, prev });
      texts.push(text);
      prev = await groupEntryHash(text);
    }
    return { texts, head: prev! };
  };
  return { keys, known, directory, ledger, sent, sentCount, events, chain };
}

describe('GroupLedger: membership as the signed log admits it', () => {
  it('admits the creator and invitees who accepted; a member only the server lists is unverified and excluded', async () => {
    const { directory, ledger, chain } = await world('alice', ['alice', 'bob', 'eve']);
    directory.setGroups([listed('alice', 'bob', 'eve')]);
    // Without a log the server's list is all there is, and it is shown as such.
    expect(directory.membersOf(CONVERSATION)).to.deep.equal(['alice', 'bob', 'eve']);
    expect(directory.memberStatus(CONVERSATION, 'eve')).to.equal('unsigned');

    const log = await chain([
      ['alice', { kind: 'create', name: 'Team', at: 2 }],
      ['alice', { kind: 'invite', subject: 'BOB', at: 3 }],
      ['bob', { kind: 'accept', at: 4 }],
    ]);
    await ledger.received(ID, log.texts);
    expect(directory.membersOf(CONVERSATION)).to.deep.equal(['alice', 'bob']);
    expect(directory.memberStatus(CONVERSATION, 'bob')).to.equal('verified');
    expect(directory.memberStatus(CONVERSATION, 'eve')).to.equal('unverified');
    expect(directory.isMember(CONVERSATION, 'eve')).to.equal(false);
    expect(directory.sharedGroups('eve')).to.deep.equal([]);
    expect(directory.sharedGroups('bob')).to.deep.equal([CONVERSATION]);
    // Joined when they signed their accept.
    expect(directory.memberSince(CONVERSATION, 'bob')).to.equal(4);
  });

  it('ignores an invitation by someone who is not a member at that point, and an invitation never accepted', async () => {
    const { directory, ledger, chain } = await world('alice', ['alice', 'bob', 'carol', 'eve']);
    directory.setGroups([listed('alice', 'bob', 'carol', 'eve')]);
    const log = await chain([
      ['alice', { kind: 'create', name: 'Team' }],
      // Bob is not a member yet: his invitation of eve counts for nothing, her accept neither.
      ['bob', { kind: 'invite', subject: 'eve' }],
      ['eve', { kind: 'accept' }],
      ['alice', { kind: 'invite', subject: 'carol' }],
    ]);
    await ledger.received(ID, log.texts);
    expect(directory.membersOf(CONVERSATION)).to.deep.equal(['alice']);
    expect(ledger.replayed(ID)?.invited.has('carol')).to.equal(true);
    expect(directory.memberStatus(CONVERSATION, 'carol')).to.equal('unverified');
  });

  it('a leave removes the member; an accept after it without a new invitation does not bring them back', async () => {
    const { directory, ledger, chain } = await world('alice', ['alice', 'bob']);
    directory.setGroups([listed('alice', 'bob')]);
    const log = await chain([
      ['alice', { kind: 'create', name: 'Team' }],
      ['alice', { kind: 'invite', subject: 'bob' }],
      ['bob', { kind: 'accept' }],
      ['bob', { kind: 'leave' }],
      ['bob', { kind: 'accept' }],
    ]);
    await ledger.received(ID, log.texts);
    expect(directory.membersOf(CONVERSATION)).to.deep.equal(['alice']);
  });

  it('an entry whose signature does not verify is not part of the log, nor is anything after it', async () => {
    const { directory, ledger, chain, keys } = await world('alice', ['alice', 'bob', 'eve']);
    directory.setGroups([listed('alice', 'bob', 'eve')]);
    const start = await chain([
      ['alice', { kind: 'create', name: 'Team' }],
      ['alice', { kind: 'invite', subject: 'bob' }],
      ['bob', { kind: 'accept' }],
    ]);
    // The server forges alice's invitation of eve with a key that is not alice's (eve's).
    const forged = {
      group: ID,
      kind: 'invite',
      actor: 'alice',
      subject: 'eve',
      at: 6,
      prev: start.head,
    } as const;
    const forgery = await signGroupChange(keys.get('eve')!, forged);
    const rest = await chain([['eve', { kind: 'accept' }]], await groupEntryHash(forgery));
    await ledger.received(ID, [...start.texts, forgery, ...rest.texts]);
    expect(directory.membersOf(CONVERSATION)).to.deep.equal(['alice', 'bob']);
    expect(directory.memberStatus(CONVERSATION, 'eve')).to.equal('unverified');

    // One changed byte of a genuine entry fails it too.
    const { directory: other, ledger: second } = await world('alice', ['alice']);
    other.setGroups([listed('alice', 'bob')]);
    const altered = start.texts[0]!.replace('"Team"', '"Tean"');
    await second.received(ID, [altered]);
    expect(second.replayed(ID)).to.equal(null);
    // A log no entry of which verifies admits nobody: never the server's list instead.
    expect(other.membersOf(CONVERSATION)).to.deep.equal([]);
  });

  it('flags two signed entries on the same previous one as a fork, and follows the first', async () => {
    const { directory, ledger, chain, events } = await world('alice', ['alice', 'bob', 'carol']);
    directory.setGroups([listed('alice', 'bob', 'carol')]);
    const base = await chain([['alice', { kind: 'create', name: 'Team' }]]);
    const one = await chain([['alice', { kind: 'invite', subject: 'bob' }]], base.head);
    const two = await chain([['alice', { kind: 'invite', subject: 'carol' }]], base.head);
    await ledger.received(ID, [...base.texts, ...one.texts]);
    expect(events.filter((event) => event.startsWith('forked'))).to.deep.equal([]);
    await ledger.received(ID, two.texts);
    expect(events.filter((event) => event.startsWith('forked'))).to.deep.equal([`forked ${ID}`]);
    expect(ledger.replayed(ID)?.forks).to.deep.equal([base.head]);
    expect(ledger.replayed(ID)?.invited.has('bob')).to.equal(true);
    expect(ledger.replayed(ID)?.invited.has('carol')).to.equal(false);
  });

  it('checks again when a key is pinned that disagrees with the one an entry verified with', async () => {
    const { directory, ledger, chain, known } = await world('alice', ['alice', 'bob']);
    directory.setGroups([listed('alice', 'bob')]);
    const log = await chain([
      ['alice', { kind: 'create', name: 'Team' }],
      ['alice', { kind: 'invite', subject: 'bob' }],
      ['bob', { kind: 'accept' }],
    ]);
    await ledger.received(ID, log.texts);
    expect(directory.isMember(CONVERSATION, 'bob')).to.equal(true);
    // The key the server handed out was not bob's: the hello proved another one.
    known.set('bob', (await testKey()).identity);
    await ledger.refresh();
    expect(directory.isMember(CONVERSATION, 'bob')).to.equal(false);
  });
});

describe('GroupLedger: this user’s own changes', () => {
  it('signs the create entry and the invitations in chain order, and signs again on the new head when another came first', async () => {
    const { directory, ledger, sent, sentCount, chain } = await world('alice', ['alice', 'bob', 'carol']);
    directory.setGroups([listed('alice')]);
    ledger.created(listed('alice'), ['bob', 'alice']);
    await sentCount(1);
    const frame = sent[0] as Extract<ClientFrame, { type: 'group-entry' }>;
    expect(frame.type).to.equal('group-entry');
    // The server stores them and hands them back: both verify, bob is invited.
    await ledger.received(ID, frame.entries);
    expect(frame.entries.length).to.equal(2);
    expect(ledger.replayed(ID)?.invited.has('bob')).to.equal(true);

    // Carol's invitation loses the race to another entry: signed again on top of it.
    ledger.invite(ID, ['carol']);
    await sentCount(2);
    const other = await chain([['alice', { kind: 'invite', subject: 'dave' }]], ledger.replayed(ID)!.head);
    await ledger.received(ID, other.texts);
    ledger.failed(ErrorCode.GroupLogStale);
    await sentCount(3);
    const again = sent[2] as Extract<ClientFrame, { type: 'group-entry' }>;
    expect(JSON.parse(again.entries[0]!).prev).to.equal(await groupEntryHash(other.texts[0]!));
    await ledger.received(ID, again.entries);
    expect(ledger.replayed(ID)?.invited.has('carol')).to.equal(true);
  });

  it('sends a change again after a pause when the server refused it as too fast, instead of giving it up', async () => {
    const { directory, ledger, sent, sentCount } = await world('alice', ['alice', 'bob']);
    directory.setGroups([listed('alice')]);
    ledger.created(listed('alice'), ['bob', 'alice']);
    await sentCount(1);
    // Sent while the socket's sign-in was under way: the server refused it for now.
    ledger.failed(ErrorCode.RateLimited);
    await sentCount(2);
    const kinds = (frame: ClientFrame | undefined) =>
      (frame as Extract<ClientFrame, { type: 'group-entry' }>).entries.map((text) => JSON.parse(text).kind);
    expect(kinds(sent[1])).to.deep.equal(kinds(sent[0]));
    await ledger.received(ID, (sent[1] as Extract<ClientFrame, { type: 'group-entry' }>).entries);
    expect(ledger.replayed(ID)?.invited.has('bob')).to.equal(true);
  });

  it('sends nothing once closed, not even a change waiting out its pause', async () => {
    const clock = new ManualClock();
    const { directory, ledger, sent, sentCount, keys } = await world('alice', ['alice', 'bob'], clock);
    directory.setGroups([listed('alice')]);
    ledger.created(listed('alice'), ['bob', 'alice']);
    await sentCount(1);
    ledger.failed(ErrorCode.RateLimited);
    ledger.close();
    clock.advance(60_000);
    ledger.invite(ID, ['carol']);
    ledger.resumed();
    // Two signatures' time later (what a send would take first), still only the first frame.
    await keys.get('alice')!.sign('a');
    await keys.get('alice')!.sign('b');
    expect(sent).to.have.length(1);
  });

  it('signs an accept only for an invitation this user accepted, once the log shows it', async () => {
    const { directory, ledger, sent, sentCount, chain } = await world('bob', ['alice', 'bob']);
    directory.setGroups([listed('alice', 'bob')]);
    const log = await chain([
      ['alice', { kind: 'create', name: 'Team' }],
      ['alice', { kind: 'invite', subject: 'bob' }],
    ]);
    // The server lists bob and hands him the log, but he never accepted: nothing is signed.
    await ledger.received(ID, log.texts);
    // A change queued after it settles first unless something was signed before it.
    const settled = new Promise<void>((resolve) => ledger.leave(ID, resolve));
    await Promise.race([settled, sentCount(1)]);
    expect(sent).to.deep.equal([]);
    ledger.accepted(ID);
    await sentCount(1);
    const frame = sent[0] as Extract<ClientFrame, { type: 'group-entry' }>;
    await ledger.received(ID, frame.entries);
    expect(directory.membersOf(CONVERSATION)).to.deep.equal(['alice', 'bob']);
  });
});

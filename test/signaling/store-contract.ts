/**
 * What every `Store` must do, whatever the engine: one suite, run by store.test.ts against SQLite and
 * by postgres-store.test.ts against PostgreSQL. Each test opens its own empty store.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import { AccountService } from '../../signaling/auth/account-service.js';
import { DEFAULT_AUTH_LIMITS, LoginGuard } from '../../signaling/auth/login-guard.js';
import { DEFAULT_SCRYPT_PARAMS } from '../../signaling/auth/password-hash.js';
import type { Store } from '../../signaling/store/store.js';
import { deviceKeyContract } from './device-key-contract.js';
import { groupLogContract } from './group-log-contract.js';
import { ManualClock, PASSWORD } from './harness.js';

export interface StoreUnderTest {
  store: Store;
  /** Rows in a table, read behind the store's back: nothing may be left over. */
  countRows(
    table:
      | 'accounts'
      | 'sessions'
      | 'groups'
      | 'group_members'
      | 'group_invitations'
      | 'device_keys'
      | 'group_log',
  ): Promise<number>;
}

/** Opens an empty, migrated store that is closed after the test. */
export type OpenStore = (t: TestContext) => Promise<StoreUnderTest>;

export const account = (username: string, nameKey = username.toLowerCase()) => ({
  username,
  nameKey,
  skeleton: nameKey,
  passwordHash: '$scrypt$ln=4,r=8,p=1$c2FsdA$aGFzaA',
  createdAt: 1,
});

export const newGroup = (memberKeys: string[], id = 'g000000000000000000000001', createdAt = 10) => ({
  id,
  name: 'Group',
  creatorKey: memberKeys[0]!,
  createdAt,
  memberKeys,
});

/** Defines the contract's tests, each prefixed with `engine`. */
export function storeContract(engine: string, open: OpenStore): void {
  deviceKeyContract(engine, open);
  groupLogContract(engine, open);
  async function storeWith(t: TestContext, ...names: string[]) {
    const opened = await open(t);
    for (const name of names) await opened.store.createAccount(account(name));
    return opened;
  }

  test(`${engine}: a name key can be taken once; the registered spelling is kept`, async (t) => {
    const { store } = await open(t);
    const created = await store.createAccount(account('Alice', 'alice'));
    assert.equal(created?.username, 'Alice');
    assert.equal(await store.createAccount(account('ALICE', 'alice')), null);
    assert.deepEqual(await store.findAccount('alice'), created);
    assert.equal(await store.findAccount('bob'), null);
  });

  test(`${engine}: two registrations of one name at once: exactly one wins, the other is told it is taken`, async (t) => {
    const { store, countRows } = await open(t);
    const clock = new ManualClock();
    const service = () =>
      AccountService.create({
        store,
        guard: new LoginGuard(DEFAULT_AUTH_LIMITS, clock),
        clock,
        scrypt: { ...DEFAULT_SCRYPT_PARAMS, cost: 16 },
        sessionTtlMs: 1000,
        sessionMaxAgeMs: 5000,
      });
    const [first, second] = await Promise.all([service(), service()]);
    const results = await Promise.all([
      first.register('Zoe', PASSWORD, '127.0.0.1'),
      second.register('ZOE', PASSWORD, '127.0.0.2'),
    ]);
    assert.equal(results.filter((result) => result.ok).length, 1, JSON.stringify(results));
    const loser = results.find((result) => !result.ok);
    assert.equal(loser?.ok === false && loser.failure.code, ErrorCode.UsernameTaken);
    assert.equal(await countRows('accounts'), 1);
  });

  test(`${engine}: sessions are found until they expire, and can be extended and revoked`, async (t) => {
    const { store } = await open(t);
    const alice = (await store.createAccount(account('alice')))!;
    await store.createSession({ tokenHash: 'a', accountId: alice.id, createdAt: 0, expiresAt: 100 });
    await store.createSession({ tokenHash: 'b', accountId: alice.id, createdAt: 0, expiresAt: 100 });
    assert.deepEqual(await store.findSession('a', 99), {
      tokenHash: 'a',
      createdAt: 0,
      expiresAt: 100,
      account: alice,
    });
    assert.equal(await store.findSession('a', 100), null);
    await store.extendSession('a', 200);
    assert.equal((await store.findSession('a', 150))?.account.nameKey, 'alice');
    await store.deleteSession('a');
    assert.equal(await store.findSession('a', 0), null);
    assert.equal(await store.deleteExpiredSessions(100), 1);
    assert.equal(await store.findSession('b', 0), null);
  });

  test(`${engine}: a name whose confusable skeleton is taken is refused`, async (t) => {
    const { store, countRows } = await open(t);
    assert.ok(await store.createAccount({ ...account('halice'), skeleton: 'halice' }));
    // Cyrillic а: another name key, the same skeleton.
    assert.equal(await store.createAccount({ ...account('hаlice'), skeleton: 'halice' }), null);
    assert.equal(await countRows('accounts'), 1);
  });

  test(`${engine}: deleteSessionsOf ends every session of one account and no other`, async (t) => {
    const { store } = await open(t);
    const alice = (await store.createAccount(account('alice')))!;
    const bob = (await store.createAccount(account('bob')))!;
    for (const [hash, id] of [
      ['a1', alice.id],
      ['a2', alice.id],
      ['b1', bob.id],
    ] as const)
      await store.createSession({ tokenHash: hash, accountId: id, createdAt: 5, expiresAt: 100 });
    await store.deleteSessionsOf(alice.id);
    assert.equal(await store.findSession('a1', 0), null);
    assert.equal(await store.findSession('a2', 0), null);
    assert.equal((await store.findSession('b1', 0))?.createdAt, 5);
  });

  test(`${engine}: timestamps beyond 32 bits come back as the same numbers`, async (t) => {
    const { store } = await open(t);
    const later = Date.UTC(2040, 0, 1);
    const alice = (await store.createAccount({ ...account('alice'), createdAt: later }))!;
    await store.createSession({
      tokenHash: 't',
      accountId: alice.id,
      createdAt: later,
      expiresAt: later + 1,
    });
    assert.deepEqual(await store.findSession('t', later), {
      tokenHash: 't',
      createdAt: later,
      expiresAt: later + 1,
      account: { ...alice, createdAt: later },
    });
    assert.equal(typeof alice.id, 'number');
  });

  test(`${engine}: a password hash can be replaced`, async (t) => {
    const { store } = await open(t);
    const alice = (await store.createAccount(account('alice')))!;
    await store.updatePasswordHash(alice.id, 'new');
    assert.equal((await store.findAccount('alice'))?.passwordHash, 'new');
  });

  test(`${engine}: groups come back with members in their registered spelling, in the order they joined`, async (t) => {
    const { store } = await storeWith(t, 'Alice', 'bob', 'Carol');
    const created = await store.createGroup(newGroup(['bob', 'alice']));
    assert.deepEqual(created, {
      id: 'g000000000000000000000001',
      name: 'Group',
      creator: 'bob',
      creatorKey: 'bob',
      createdAt: 10,
      members: [
        { user: 'bob', key: 'bob', since: 10 },
        { user: 'Alice', key: 'alice', since: 10 },
      ],
    });
    const added = await store.addMembers({
      groupId: created.id,
      actorKey: 'alice',
      memberKeys: ['carol', 'bob', 'carol'],
      since: 20,
      maxMembers: 3,
    });
    const carol = { user: 'Carol', key: 'carol', since: 20 };
    const expected = { ...created, members: [...created.members, carol] };
    assert.deepEqual(added, { ok: true, group: expected, added: [carol] });
    assert.deepEqual(await store.getGroup(created.id), expected);

    const other = await store.createGroup(newGroup(['carol'], 'g000000000000000000000002', 5));
    assert.deepEqual(
      (await store.groupsOf('carol')).map((group) => group.id),
      [other.id, created.id],
    );
    assert.deepEqual(await store.groupsOf('nobody'), []);
    assert.equal(await store.getGroup('g000000000000000000000003'), null);
  });

  test(`${engine}: adding members needs a member to add them and room for them`, async (t) => {
    const { store } = await storeWith(t, 'alice', 'bob', 'carol');
    const group = await store.createGroup(newGroup(['alice', 'bob']));
    const change = { groupId: group.id, actorKey: 'alice', memberKeys: ['carol'], since: 20, maxMembers: 3 };
    assert.deepEqual(await store.addMembers({ ...change, actorKey: 'carol' }), {
      ok: false,
      reason: 'unknown-group',
    });
    assert.deepEqual(await store.addMembers({ ...change, groupId: 'g000000000000000000000009' }), {
      ok: false,
      reason: 'unknown-group',
    });
    assert.deepEqual(await store.addMembers({ ...change, maxMembers: 2 }), {
      ok: false,
      reason: 'too-large',
    });
    // Those already in it do not count against the limit.
    const result = await store.addMembers({ ...change, memberKeys: ['bob', 'carol'] });
    assert.ok(result.ok);
    assert.equal(result.group.members.length, 3);
  });

  test(`${engine}: a group naming an unknown account is not created at all`, async (t) => {
    const { store, countRows } = await storeWith(t, 'alice');
    await assert.rejects(store.createGroup(newGroup(['alice', 'ghost'])));
    assert.equal(await store.getGroup('g000000000000000000000001'), null);
    assert.equal(await countRows('groups'), 0);
    assert.equal(await countRows('group_members'), 0);
  });

  // Several groups at once, so a pooled engine runs the competing changes on connections of their own.
  const ROUNDS = 5;
  const groupId = (round: number) => `g${String(round).padStart(24, '0')}`;

  test(`${engine}: additions at the same moment cannot take a group over its limit`, async (t) => {
    const { store } = await storeWith(t, 'alice', 'bob', 'carol', 'dave');
    const rounds = Array.from({ length: ROUNDS }, (_, round) => round);
    for (const round of rounds) await store.createGroup(newGroup(['alice', 'bob'], groupId(round)));
    const add = (round: number, key: string) =>
      store.addMembers({
        groupId: groupId(round),
        actorKey: 'alice',
        memberKeys: [key],
        since: 20,
        maxMembers: 3,
      });
    const results = await Promise.all(rounds.flatMap((round) => [add(round, 'carol'), add(round, 'dave')]));
    assert.equal(results.filter((result) => result.ok).length, ROUNDS);
    for (const round of rounds) assert.equal((await store.getGroup(groupId(round)))?.members.length, 3);
  });

  test(`${engine}: removing members: the last one out deletes the group and its rows`, async (t) => {
    const { store, countRows } = await storeWith(t, 'alice', 'bob');
    const group = await store.createGroup(newGroup(['alice', 'bob']));
    assert.deepEqual(await store.removeMember(group.id, 'carol'), { removed: false });
    assert.deepEqual(await store.removeMember('g000000000000000000000009', 'alice'), { removed: false });
    const afterAlice = await store.removeMember(group.id, 'alice');
    assert.deepEqual(afterAlice, {
      removed: true,
      group: { ...group, members: [{ user: 'bob', key: 'bob', since: 10 }] },
    });
    assert.deepEqual(await store.removeMember(group.id, 'alice'), { removed: false });
    assert.deepEqual(await store.removeMember(group.id, 'bob'), { removed: true, group: null });
    assert.deepEqual(await store.removeMember(group.id, 'bob'), { removed: false });
    assert.equal(await countRows('groups'), 0);
    assert.equal(await countRows('group_members'), 0);
  });

  test(`${engine}: the last two members leaving at once delete the group exactly once`, async (t) => {
    const { store, countRows } = await storeWith(t, 'alice', 'bob');
    const rounds = Array.from({ length: ROUNDS }, (_, round) => round);
    for (const round of rounds) await store.createGroup(newGroup(['alice', 'bob'], groupId(round)));
    const results = await Promise.all(
      rounds.flatMap((round) => [
        store.removeMember(groupId(round), 'alice'),
        store.removeMember(groupId(round), 'bob'),
      ]),
    );
    assert.ok(results.every((result) => result.removed));
    assert.equal(results.filter((result) => result.removed && result.group === null).length, ROUNDS);
    assert.equal(await countRows('groups'), 0);
  });

  test(`${engine}: invitees are not members until they accept; declining drops the invitation`, async (t) => {
    const { store, countRows } = await storeWith(t, 'Alice', 'bob', 'carol', 'dave');
    const group = await store.createGroup({ ...newGroup(['alice']), inviteKeys: ['bob', 'carol'] });
    assert.deepEqual(
      group.members.map((m) => m.key),
      ['alice'],
    );
    assert.deepEqual(await store.invitationsOf('bob'), [
      { groupId: group.id, name: 'Group', inviter: 'Alice', userKey: 'bob', invitedAt: 10 },
    ]);
    assert.deepEqual(await store.groupsOf('bob'), []);

    const accepted = await store.acceptInvitation(group.id, 'bob', 30);
    assert.deepEqual(
      accepted?.members.map((m) => [m.key, m.since]),
      [
        ['alice', 10],
        ['bob', 30],
      ],
    );
    assert.equal(await store.acceptInvitation(group.id, 'bob', 31), null, 'an invitation is used once');
    assert.equal(await store.acceptInvitation(group.id, 'dave', 31), null, 'nobody joins uninvited');
    assert.deepEqual(await store.invitationsOf('bob'), []);

    assert.equal(await store.declineInvitation(group.id, 'carol'), true);
    assert.equal(await store.declineInvitation(group.id, 'carol'), false);
    assert.equal(await store.acceptInvitation(group.id, 'carol', 40), null);
    assert.equal(await countRows('group_invitations'), 0);
  });

  test(`${engine}: inviting needs a member, skips members and invitees, and counts invitations toward the limit`, async (t) => {
    const { store, countRows } = await storeWith(t, 'alice', 'bob', 'carol', 'dave');
    const group = await store.createGroup({ ...newGroup(['alice']), inviteKeys: ['bob'] });
    const change = { groupId: group.id, actorKey: 'alice', memberKeys: ['carol'], at: 20, maxMembers: 3 };
    assert.deepEqual(await store.inviteMembers({ ...change, actorKey: 'bob' }), {
      ok: false,
      reason: 'unknown-group',
    });
    assert.deepEqual(await store.inviteMembers({ ...change, maxMembers: 2 }), {
      ok: false,
      reason: 'too-large',
    });
    const result = await store.inviteMembers({ ...change, memberKeys: ['alice', 'bob', 'carol', 'carol'] });
    assert.ok(result.ok);
    assert.deepEqual(result.invited, ['carol']);
    assert.deepEqual(
      result.group.members.map((m) => m.key),
      ['alice'],
    );
    assert.equal((await store.invitationsOf('carol'))[0]?.inviter, 'alice');
    // The last member leaving takes the invitations with the group.
    await store.removeMember(group.id, 'alice');
    assert.equal(await countRows('group_invitations'), 0);
    assert.deepEqual(await store.invitationsOf('bob'), []);
  });
}

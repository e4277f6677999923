import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import {
  MAX_FRAME_BYTES,
  MAX_GROUP_MEMBERS,
  MAX_GROUPS_PER_USER,
  MAX_PENDING_INVITATIONS,
  type Group,
  type ServerFrame,
} from '../../shared/protocol.js';
import { DEMO_PASSWORD } from '../../signaling/auth/demo-accounts.js';
import { DEMO_GROUPS } from '../../signaling/groups/demo-groups.js';
import { openSqliteAccountStore } from '../../signaling/store/sqlite-account-store.js';
import type { Store } from '../../signaling/store/store.js';
import { toWireGroup } from '../../signaling/ws/group-frames.js';
import { ManualClock, startTestServer, type TestClient, type TestServer } from './harness.js';

const GROUP_ID = /^g[0-9a-f]{24}$/;
/** Well-formed, but no group has it. */
const NO_SUCH_GROUP = 'g000000000000000000000000';

/** The next frame that is not a presence delta: joins and departures are not what these tests are about. */
async function next(client: TestClient): Promise<ServerFrame> {
  for (;;) {
    const frame = await client.next();
    if (frame.type !== 'user-online' && frame.type !== 'user-offline') return frame;
  }
}

async function expectUpdate(client: TestClient): Promise<Group> {
  const frame = await next(client);
  assert.equal(frame.type, 'group-update', `expected group-update, got ${JSON.stringify(frame)}`);
  return (frame as Extract<ServerFrame, { type: 'group-update' }>).group;
}

async function expectGroupError(client: TestClient, code: string, ref: string): Promise<string> {
  const frame = await next(client);
  assert.equal(frame.type, 'error', `expected ${code}, got ${JSON.stringify(frame)}`);
  const error = frame as Extract<ServerFrame, { type: 'error' }>;
  assert.equal(error.code, code, JSON.stringify(frame));
  assert.equal(error.ref, ref);
  return error.message;
}

/**
 * A round trip that changes nothing (a relay to nobody, refused quietly): whatever the server sent this
 * client before it has arrived by now, so finding the answer next proves nothing else came.
 */
async function nothingElse(client: TestClient): Promise<void> {
  client.send({ type: 'signal', to: 'nobody.here', data: { kind: 'connect' } });
  await expectGroupError(client, ErrorCode.UnknownPeer, 'signal');
}

/** Expects the invitation to group `id`, accepts it, and resolves the group as the accepter gets it. */
async function acceptInvite(client: TestClient, id: string): Promise<Group> {
  const invite = await next(client);
  assert.equal(invite.type, 'group-invite', `expected group-invite, got ${JSON.stringify(invite)}`);
  assert.equal((invite as Extract<ServerFrame, { type: 'group-invite' }>).group, id);
  client.send({ type: 'group-accept', group: id });
  return expectUpdate(client);
}

function create(client: TestClient, name: string, members: string[]): void {
  client.send({ type: 'group-create', name, members });
}

function add(client: TestClient, group: string, members: string[]): void {
  client.send({ type: 'group-add', group, members });
}

function leave(client: TestClient, group: string): void {
  client.send({ type: 'group-leave', group });
}

/** Registers `name` and goes offline again. */
async function registerOffline(server: TestServer, name: string): Promise<void> {
  const { client } = await server.join(name);
  client.ws.close();
  await client.closed;
}

/** Logs `name` in on a new connection; resolves the client and its welcome. */
async function login(server: TestServer, name: string, password?: string) {
  const client = await server.connect();
  client.login(name, password);
  return { client, welcome: await client.expect('welcome') };
}

function names(group: Group): string[] {
  return group.members.map((member) => member.user);
}

test('creating a group makes the creator a member and invites the others, who learn only its name and inviter', async (t) => {
  const clock = new ManualClock();
  const server = await startTestServer(t, { clock });
  const alice = await server.join('alice');
  const bob = await server.join('Bob');
  const dave = await server.join('dave');
  await registerOffline(server, 'Carol');
  await registerOffline(server, 'Am\u00e9lie');

  // The creator is in it at once; names in any case or form, and repeats, are one invitee each.
  create(alice.client, '  Study  ', ['BOB', 'carol', 'ALICE', 'bob', 'AME\u0301LIE', 'am\u00e9lie']);
  const group = await expectUpdate(alice.client);
  assert.match(group.id, GROUP_ID);
  const createdAt = clock.now();
  assert.deepEqual(group, {
    id: group.id,
    name: 'Study',
    creator: 'alice',
    createdAt,
    members: [{ user: 'alice', since: createdAt }],
  });
  const invite = { type: 'group-invite', group: group.id, name: 'Study', inviter: 'alice' };
  assert.deepEqual(await next(bob.client), invite);
  // Not invited: hears nothing.
  await nothingElse(dave.client);

  // Carol was offline: her invitation follows her next welcome, which has no group.
  const carol = await login(server, 'carol');
  assert.deepEqual(carol.welcome.groups, []);
  assert.deepEqual(await next(carol.client), invite);
  assert.deepEqual(dave.welcome.groups, []);

  // Accepting makes a member from then on; every member hears of it.
  clock.advance(1000);
  bob.client.send({ type: 'group-accept', group: group.id });
  const joined = await expectUpdate(bob.client);
  assert.deepEqual(joined.members, [
    { user: 'alice', since: createdAt },
    { user: 'Bob', since: clock.now() },
  ]);
  assert.deepEqual(await expectUpdate(alice.client), joined);
  // Declining drops the invitation: only the decliner hears, as if it had left.
  carol.client.send({ type: 'group-decline', group: group.id });
  assert.deepEqual(await next(carol.client), { type: 'group-removed', group: group.id });
  await nothingElse(alice.client);
  carol.client.send({ type: 'group-accept', group: group.id });
  await expectGroupError(carol.client, ErrorCode.UnknownGroup, 'group-accept');
  server.logs.take({ code: ErrorCode.UnknownGroup });
});

test('a group of one is allowed, and names need not be unique', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  create(alice.client, 'Notes', []);
  const first = await expectUpdate(alice.client);
  create(alice.client, 'Notes', []);
  const second = await expectUpdate(alice.client);
  assert.notEqual(first.id, second.id);
  assert.deepEqual(names(first), ['alice']);
  alice.client.ws.close();
  await alice.client.closed;
  const again = await login(server, 'alice');
  assert.deepEqual(
    again.welcome.groups.map((group) => group.id),
    [first.id, second.id],
  );
});

test('a resumed session gets its groups in the welcome too', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  create(alice.client, 'Mine', []);
  const group = await expectUpdate(alice.client);
  alice.client.ws.close();
  await alice.client.closed;
  const client = await server.connect();
  client.resume(alice.welcome.token);
  assert.deepEqual((await client.expect('welcome')).groups, [group]);
});

test('any member may invite people; the group changes for everyone once they accept', async (t) => {
  const clock = new ManualClock();
  const server = await startTestServer(t, { clock });
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  const carol = await server.join('carol');
  await registerOffline(server, 'Dave');
  create(alice.client, 'Trip', ['bob']);
  const created = await expectUpdate(alice.client);
  const start = clock.now();
  const withBob = await acceptInvite(bob.client, created.id);
  assert.deepEqual(await expectUpdate(alice.client), withBob);

  clock.advance(5000);
  // Bob is not the creator; alice is in it already and is ignored.
  add(bob.client, created.id, ['CAROL', 'dave', 'Alice', 'carol']);
  // Bob's command is answered with the group as it is: invitees are not members.
  assert.deepEqual(await expectUpdate(bob.client), withBob);
  await nothingElse(alice.client);
  assert.deepEqual(await next(carol.client), {
    type: 'group-invite',
    group: created.id,
    name: 'Trip',
    inviter: 'bob',
  });
  const dave = await login(server, 'dave');
  assert.deepEqual(dave.welcome.groups, []);
  const updated = await acceptInvite(dave.client, created.id);
  assert.deepEqual(updated.members, [
    { user: 'alice', since: start },
    { user: 'bob', since: start },
    { user: 'Dave', since: clock.now() },
  ]);
  assert.deepEqual(await expectUpdate(alice.client), updated);
  assert.deepEqual(await expectUpdate(bob.client), updated);
});

test('adding only people who are already in it answers the sender and tells nobody else', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  create(alice.client, 'Pair', ['bob']);
  const created = await expectUpdate(alice.client);
  const group = await acceptInvite(bob.client, created.id);
  await expectUpdate(alice.client);
  add(bob.client, group.id, ['ALICE', 'bob']);
  assert.deepEqual(await expectUpdate(bob.client), group);
  await nothingElse(alice.client);
});

test('a non-member cannot add or leave, and cannot tell a group that exists from one that does not', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  const eve = await server.join('eve');
  create(alice.client, 'Private', []);
  const group = await expectUpdate(alice.client);

  // Nobody joins uninvited.
  eve.client.send({ type: 'group-accept', group: group.id });
  await expectGroupError(eve.client, ErrorCode.UnknownGroup, 'group-accept');
  add(eve.client, group.id, ['eve']);
  const existing = await expectGroupError(eve.client, ErrorCode.UnknownGroup, 'group-add');
  add(eve.client, NO_SUCH_GROUP, ['eve']);
  const missing = await expectGroupError(eve.client, ErrorCode.UnknownGroup, 'group-add');
  assert.equal(existing, missing);
  // Membership is checked first: naming an unknown user does not reveal more.
  add(eve.client, group.id, ['ghost']);
  await expectGroupError(eve.client, ErrorCode.UnknownGroup, 'group-add');
  leave(eve.client, group.id);
  await expectGroupError(eve.client, ErrorCode.UnknownGroup, 'group-leave');
  leave(eve.client, NO_SUCH_GROUP);
  await expectGroupError(eve.client, ErrorCode.UnknownGroup, 'group-leave');
  for (let i = 0; i < 6; i++) server.logs.take({ code: ErrorCode.UnknownGroup });

  // Nothing changed, and both go on being served.
  await nothingElse(alice.client);
  add(alice.client, group.id, ['eve']);
  assert.deepEqual(names(await expectUpdate(alice.client)), ['alice']);
  assert.deepEqual(names(await acceptInvite(eve.client, group.id)), ['alice', 'eve']);
  assert.deepEqual(names(await expectUpdate(alice.client)), ['alice', 'eve']);
});

test('naming a user who does not exist creates or adds nothing', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  await registerOffline(server, 'carol');

  create(alice.client, 'Oops', ['bob', 'Ghost', 'Phantom']);
  assert.match(await expectGroupError(alice.client, ErrorCode.UnknownUser, 'group-create'), /"Ghost"/);
  await nothingElse(bob.client);

  create(alice.client, 'Fine', ['bob']);
  const group = await expectUpdate(alice.client);
  assert.deepEqual(names(await acceptInvite(bob.client, group.id)), ['alice', 'bob']);
  await expectUpdate(alice.client);
  add(bob.client, group.id, ['carol', 'no-such-user']);
  assert.match(await expectGroupError(bob.client, ErrorCode.UnknownUser, 'group-add'), /"no-such-user"/);
  await nothingElse(alice.client);
  // Carol was not invited either.
  const carol = await login(server, 'carol');
  assert.deepEqual(carol.welcome.groups, []);
  await nothingElse(carol.client);
  server.logs.take({ level: 'info', code: ErrorCode.UnknownUser });
});

test('group names are trimmed and must have 1 to 64 characters', async (t) => {
  const server = await startTestServer(t);
  const { client } = await server.join('alice');
  for (const name of ['', '   ', '\t\n', 'a'.repeat(65), '群'.repeat(65)]) {
    create(client, name, []);
    await expectGroupError(client, ErrorCode.InvalidGroupName, 'group-create');
  }
  for (const [raw, stored] of [
    ['群'.repeat(64), '群'.repeat(64)],
    [`  ${'a'.repeat(64)}  `, 'a'.repeat(64)],
    // Characters, not UTF-16 units: 64 letters outside the BMP fit.
    ['𝒜'.repeat(64), '𝒜'.repeat(64)],
    ['Cafe\u0301', 'Caf\u00e9'],
  ]) {
    create(client, raw!, []);
    assert.equal((await expectUpdate(client)).name, stored);
  }
});

test('malformed group commands are bad frames; a well-formed unknown id is an unknown group', async (t) => {
  const server = await startTestServer(t);
  const { client } = await server.join('alice');
  const bad: Array<[string, unknown]> = [
    ['group-add', { type: 'group-add', group: 'g123', members: ['bob'] }],
    ['group-add', { type: 'group-add', group: `G${'0'.repeat(24)}`, members: ['bob'] }],
    ['group-add', { type: 'group-add', group: `g${'x'.repeat(24)}`, members: ['bob'] }],
    ['group-add', { type: 'group-add', group: NO_SUCH_GROUP, members: [] }],
    ['group-leave', { type: 'group-leave', group: `${NO_SUCH_GROUP}0` }],
    ['group-leave', { type: 'group-leave' }],
    ['group-create', { type: 'group-create', name: 'No members field' }],
    ['group-create', { type: 'group-create', name: 5, members: [] }],
    ['group-create', { type: 'group-create', name: 'x', members: [], extra: true }],
    [
      'group-create',
      {
        type: 'group-create',
        name: 'x',
        members: Array.from({ length: MAX_GROUP_MEMBERS + 1 }, (_, i) => `u${i}`),
      },
    ],
  ];
  for (const [ref, frame] of bad) {
    client.send(frame);
    await expectGroupError(client, ErrorCode.BadFrame, ref);
    server.logs.take({ code: ErrorCode.BadFrame });
  }
  add(client, NO_SUCH_GROUP, ['bob']);
  await expectGroupError(client, ErrorCode.UnknownGroup, 'group-add');
  server.logs.take({ code: ErrorCode.UnknownGroup });
  create(client, 'Still here', []);
  await expectUpdate(client);
});

test('group commands need a login', async (t) => {
  const server = await startTestServer(t);
  const client = await server.connect();
  create(client, 'Anonymous', []);
  await expectGroupError(client, ErrorCode.NotAuthenticated, 'group-create');
  leave(client, NO_SUCH_GROUP);
  await expectGroupError(client, ErrorCode.NotAuthenticated, 'group-leave');
  for (let i = 0; i < 2; i++) server.logs.take({ code: ErrorCode.NotAuthenticated });
});

test('a leaver gets group-removed and the rest the group without them; the last one out deletes it', async (t) => {
  const store = openSqliteAccountStore(':memory:');
  t.after(() => store.close());
  const server = await startTestServer(t, { store });
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  const carol = await server.join('carol');
  create(alice.client, 'Three', ['bob', 'carol']);
  const created = await expectUpdate(alice.client);
  await acceptInvite(bob.client, created.id);
  await expectUpdate(alice.client);
  const group = await acceptInvite(carol.client, created.id);
  await expectUpdate(alice.client);
  await expectUpdate(bob.client);

  leave(alice.client, group.id);
  assert.deepEqual(await next(alice.client), { type: 'group-removed', group: group.id });
  const withoutAlice = await expectUpdate(bob.client);
  assert.deepEqual(names(withoutAlice), ['bob', 'carol']);
  // The creator stays the creator after leaving.
  assert.equal(withoutAlice.creator, 'alice');
  assert.deepEqual(await expectUpdate(carol.client), withoutAlice);
  await nothingElse(alice.client);

  // A former member is a non-member like any other.
  add(alice.client, group.id, ['alice']);
  await expectGroupError(alice.client, ErrorCode.UnknownGroup, 'group-add');
  leave(alice.client, group.id);
  await expectGroupError(alice.client, ErrorCode.UnknownGroup, 'group-leave');

  leave(bob.client, group.id);
  assert.deepEqual(await next(bob.client), { type: 'group-removed', group: group.id });
  assert.deepEqual(names(await expectUpdate(carol.client)), ['carol']);
  leave(carol.client, group.id);
  assert.deepEqual(await next(carol.client), { type: 'group-removed', group: group.id });
  assert.equal(await store.getGroup(group.id), null);

  add(carol.client, group.id, ['bob']);
  await expectGroupError(carol.client, ErrorCode.UnknownGroup, 'group-add');
  for (let i = 0; i < 3; i++) server.logs.take({ code: ErrorCode.UnknownGroup });
  const again = await login(server, 'bob');
  assert.deepEqual(again.welcome.groups, []);
});

/** Creates accounts straight in the store: far faster than registering each over a socket. */
async function seedAccounts(store: Store, names: readonly string[]): Promise<void> {
  for (const username of names) {
    const created = await store.createAccount({
      username,
      nameKey: username.toLowerCase(),
      skeleton: username.toLowerCase(),
      passwordHash: 'unused',
      createdAt: 0,
    });
    assert.ok(created);
  }
}

test(`a group has at most ${MAX_GROUP_MEMBERS} members`, async (t) => {
  const store = openSqliteAccountStore(':memory:');
  t.after(() => store.close());
  const server = await startTestServer(t, { store });
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  const carol = await server.join('carol');
  await registerOffline(server, 'dave');
  const seeded = Array.from({ length: MAX_GROUP_MEMBERS - 2 }, (_, i) => `user${i}`);
  await seedAccounts(store, seeded);

  // Checked before any name is looked up: these users need not exist.
  create(
    alice.client,
    'Crowd',
    Array.from({ length: MAX_GROUP_MEMBERS }, (_, i) => `nobody${i}`),
  );
  await expectGroupError(alice.client, ErrorCode.GroupTooLarge, 'group-create');

  // The creator, listed again, still counts once; invitations count too: exactly full.
  create(alice.client, 'Full', ['bob', ...seeded, 'ALICE']);
  const created = await expectUpdate(alice.client);
  assert.equal(created.members.length, 1);
  const full = await acceptInvite(bob.client, created.id);
  assert.deepEqual(await expectUpdate(alice.client), full);
  add(bob.client, full.id, ['carol']);
  await expectGroupError(bob.client, ErrorCode.GroupTooLarge, 'group-add');
  await nothingElse(alice.client);
  await nothingElse(carol.client);

  // One place free: two more do not fit, one does.
  leave(bob.client, full.id);
  await next(bob.client);
  assert.equal((await expectUpdate(alice.client)).members.length, 1);
  add(alice.client, full.id, ['carol', 'dave']);
  await expectGroupError(alice.client, ErrorCode.GroupTooLarge, 'group-add');
  add(alice.client, full.id, ['carol']);
  await expectUpdate(alice.client);
  assert.equal((await acceptInvite(carol.client, full.id)).members.length, 2);
  server.logs.take({ level: 'info', code: ErrorCode.GroupTooLarge });
});

test('groups that do not fit in one welcome frame follow it as group updates', async (t) => {
  const store = openSqliteAccountStore(':memory:');
  t.after(() => store.close());
  const server = await startTestServer(t, { store });
  const { client } = await server.join('alice');
  // Long names make big groups: four of them are more than one frame may hold.
  const crowd = Array.from({ length: MAX_GROUP_MEMBERS - 1 }, (_, i) => `${'m'.repeat(28)}${1000 + i}`);
  await seedAccounts(store, crowd);
  // Made in the store, every member in: members join only by accepting, which 255 sockets would.
  const created: Group[] = [];
  for (let i = 0; i < 4; i++) {
    const group = await store.createGroup({
      id: `g${String(i + 1).padStart(24, '0')}`,
      name: `Big ${i}`,
      creatorKey: 'alice',
      createdAt: 1_700_000_000_000 + i,
      memberKeys: ['alice', ...crowd.map((name) => name.toLowerCase())],
    });
    created.push(toWireGroup(group));
  }
  client.ws.close();
  await client.closed;

  const again = await server.connect();
  again.login('alice');
  const welcome = await again.expect('welcome');
  assert.ok(welcome.groups.length > 0 && welcome.groups.length < created.length);
  assert.ok(JSON.stringify(welcome).length <= MAX_FRAME_BYTES);
  const received = [...welcome.groups];
  while (received.length < created.length) received.push(await expectUpdate(again));
  assert.deepEqual(received, created);
  await nothingElse(again);
});

test('group commands are rate limited like other control frames', async (t) => {
  const clock = new ManualClock();
  const server = await startTestServer(t, { clock, controlRateLimit: { perSecond: 1, burst: 3 } });
  const { client } = await server.join('alice');
  // The register frame took one token.
  create(client, 'One', []);
  create(client, 'Two', []);
  create(client, 'Three', []);
  await expectUpdate(client);
  await expectUpdate(client);
  const limited = await next(client);
  assert.deepEqual(limited, {
    type: 'error',
    code: ErrorCode.RateLimited,
    message: 'Too many frames; slow down.',
    ref: 'group-create',
    retryAfterMs: 1000,
  });
  server.logs.take({ code: ErrorCode.RateLimited });
  clock.advance(1000);
  create(client, 'Four', []);
  assert.equal((await expectUpdate(client)).name, 'Four');
});

test('demo mode creates the demo groups once, also across restarts on the same data', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-groups-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));

  const first = await startTestServer(t, { dataDir, demoAccounts: true });
  const alice = await login(first, 'alice', DEMO_PASSWORD);
  assert.deepEqual(
    alice.welcome.groups.map((group) => [group.name, group.creator, names(group)]),
    [
      ['闲聊群', 'kirito', ['kirito', 'alice']],
      ['宿舍群', 'asuna', ['asuna', 'saber', 'alice']],
    ],
  );
  const admin = await login(first, 'admin', DEMO_PASSWORD);
  assert.deepEqual(
    admin.welcome.groups.map((group) => [group.name, group.creator, names(group)]),
    [['学习群', 'admin', ['admin', 'asuna']]],
  );
  // The creator leaving does not make the group "missing": it is not made again.
  const kirito = await login(first, 'kirito', DEMO_PASSWORD);
  leave(kirito.client, kirito.welcome.groups[0]!.id);
  await next(kirito.client);
  await expectUpdate(alice.client);
  await first.close();
  assert.deepEqual(
    first.logs.take({ level: 'info', msg: 'demo groups ready' }).created,
    DEMO_GROUPS.map((group) => group.name),
  );

  const second = await startTestServer(t, { dataDir, demoAccounts: true });
  assert.deepEqual(second.logs.take({ level: 'info', msg: 'demo groups ready' }).created, []);
  const again = await login(second, 'alice', DEMO_PASSWORD);
  assert.deepEqual(
    again.welcome.groups.map((group) => [group.id, names(group)]),
    [
      [alice.welcome.groups[0]!.id, ['alice']],
      [alice.welcome.groups[1]!.id, ['asuna', 'saber', 'alice']],
    ],
  );
  assert.deepEqual((await login(second, 'kirito', DEMO_PASSWORD)).welcome.groups, []);
});

test(`a user has at most ${MAX_PENDING_INVITATIONS} invitations waiting and is in at most ${MAX_GROUPS_PER_USER} groups`, async (t) => {
  const store = openSqliteAccountStore(':memory:');
  t.after(() => store.close());
  const server = await startTestServer(t, { store });
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  // Bob is flooded with invitations (made in the store, as many strangers would).
  for (let i = 0; i < MAX_PENDING_INVITATIONS; i++) {
    const id = `g${String(i + 1).padStart(24, '0')}`;
    await store.createGroup({
      id,
      name: 'Spam',
      creatorKey: 'alice',
      createdAt: i,
      memberKeys: ['alice'],
      inviteKeys: ['bob'],
    });
  }
  create(alice.client, 'One more', ['bob']);
  assert.match(await expectGroupError(alice.client, ErrorCode.TooManyInvitations, 'group-create'), /bob/);
  // Answering one makes room again.
  bob.client.send({ type: 'group-decline', group: `g${'1'.padStart(24, '0')}` });
  assert.equal((await next(bob.client)).type, 'group-removed');
  create(alice.client, 'One more', ['bob']);
  const invitedTo = await expectUpdate(alice.client);
  assert.equal((await next(bob.client)).type, 'group-invite');

  // Alice is in as many groups as allowed: she can neither make nor join another.
  for (let i = 0; i < MAX_GROUPS_PER_USER - MAX_PENDING_INVITATIONS - 1; i++) {
    const id = `g${String(1000 + i).padStart(24, '0')}`;
    await store.createGroup({ id, name: 'Mine', creatorKey: 'alice', createdAt: i, memberKeys: ['alice'] });
  }
  create(alice.client, 'Too many', []);
  await expectGroupError(alice.client, ErrorCode.TooManyGroups, 'group-create');
  create(bob.client, 'For alice', ['alice']);
  const bobs = await expectUpdate(bob.client);
  alice.client.send({ type: 'group-accept', group: bobs.id });
  // Her invitation came first, then the refusal.
  assert.equal((await next(alice.client)).type, 'group-invite');
  await expectGroupError(alice.client, ErrorCode.TooManyGroups, 'group-accept');
  assert.ok(invitedTo.id);
  server.logs.take({ level: 'info', code: ErrorCode.TooManyInvitations });
  for (let i = 0; i < 2; i++) server.logs.take({ level: 'info', code: ErrorCode.TooManyGroups });
});

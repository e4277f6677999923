import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import { MAX_FRAME_BYTES, MAX_GROUP_MEMBERS, type Group, type ServerFrame } from '../../shared/protocol.js';
import { DEMO_PASSWORD } from '../../signaling/auth/demo-accounts.js';
import { DEMO_GROUPS } from '../../signaling/groups/demo-groups.js';
import { openSqliteAccountStore } from '../../signaling/store/sqlite-account-store.js';
import type { Store } from '../../signaling/store/store.js';
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

test('creating a group tells every online member at once, in their canonical spelling', async (t) => {
  const clock = new ManualClock();
  const server = await startTestServer(t, { clock });
  const alice = await server.join('alice');
  const bob = await server.join('Bob');
  const dave = await server.join('dave');
  await registerOffline(server, 'Carol');
  await registerOffline(server, 'Am\u00e9lie');

  // The creator is always in it; names in any case or form, and repeats, are one member each.
  create(alice.client, '  Study  ', ['BOB', 'carol', 'ALICE', 'bob', 'AME\u0301LIE', 'am\u00e9lie']);
  const group = await expectUpdate(alice.client);
  assert.match(group.id, GROUP_ID);
  assert.deepEqual(group, {
    id: group.id,
    name: 'Study',
    creator: 'alice',
    createdAt: clock.now(),
    members: [
      { user: 'alice', since: clock.now() },
      { user: 'Bob', since: clock.now() },
      { user: 'Carol', since: clock.now() },
      { user: 'Am\u00e9lie', since: clock.now() },
    ],
  });
  assert.deepEqual(await expectUpdate(bob.client), group);
  // Not a member: hears nothing.
  await nothingElse(dave.client);

  // Carol was offline: the group is in her next welcome.
  const carol = await login(server, 'carol');
  assert.deepEqual(carol.welcome.groups, [group]);
  assert.deepEqual(dave.welcome.groups, []);
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

test('any member may add people; old and new members get the group as it now is', async (t) => {
  const clock = new ManualClock();
  const server = await startTestServer(t, { clock });
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  const carol = await server.join('carol');
  await registerOffline(server, 'Dave');
  create(alice.client, 'Trip', ['bob']);
  const created = await expectUpdate(alice.client);
  await expectUpdate(bob.client);
  const start = clock.now();

  clock.advance(5000);
  // Bob is not the creator; alice is in it already and is ignored.
  add(bob.client, created.id, ['CAROL', 'dave', 'Alice', 'carol']);
  const updated = await expectUpdate(bob.client);
  assert.deepEqual(updated, {
    ...created,
    members: [
      { user: 'alice', since: start },
      { user: 'bob', since: start },
      { user: 'carol', since: clock.now() },
      { user: 'Dave', since: clock.now() },
    ],
  });
  assert.deepEqual(await expectUpdate(alice.client), updated);
  assert.deepEqual(await expectUpdate(carol.client), updated);
  const dave = await login(server, 'dave');
  assert.deepEqual(dave.welcome.groups, [updated]);
});

test('adding only people who are already in it answers the sender and tells nobody else', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  create(alice.client, 'Pair', ['bob']);
  const group = await expectUpdate(alice.client);
  await expectUpdate(bob.client);
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
  for (let i = 0; i < 5; i++) server.logs.take({ code: ErrorCode.UnknownGroup });

  // Nothing changed, and both go on being served.
  await nothingElse(alice.client);
  add(alice.client, group.id, ['eve']);
  assert.deepEqual(names(await expectUpdate(alice.client)), ['alice', 'eve']);
  assert.deepEqual(names(await expectUpdate(eve.client)), ['alice', 'eve']);
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
  assert.deepEqual(names(await expectUpdate(bob.client)), ['alice', 'bob']);
  add(bob.client, group.id, ['carol', 'no-such-user']);
  assert.match(await expectGroupError(bob.client, ErrorCode.UnknownUser, 'group-add'), /"no-such-user"/);
  await nothingElse(alice.client);
  // Carol was not added either.
  const carol = await login(server, 'carol');
  assert.deepEqual(carol.welcome.groups, []);
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
  const group = await expectUpdate(alice.client);
  await expectUpdate(bob.client);
  await expectUpdate(carol.client);

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

  // The creator, listed again, still counts once: exactly full.
  create(alice.client, 'Full', ['bob', ...seeded, 'ALICE']);
  const full = await expectUpdate(alice.client);
  assert.equal(full.members.length, MAX_GROUP_MEMBERS);
  assert.deepEqual(await expectUpdate(bob.client), full);
  add(bob.client, full.id, ['carol']);
  await expectGroupError(bob.client, ErrorCode.GroupTooLarge, 'group-add');
  await nothingElse(alice.client);
  await nothingElse(carol.client);

  // One place free: two more do not fit, one does.
  leave(bob.client, full.id);
  await next(bob.client);
  assert.equal((await expectUpdate(alice.client)).members.length, MAX_GROUP_MEMBERS - 1);
  add(alice.client, full.id, ['carol', 'dave']);
  await expectGroupError(alice.client, ErrorCode.GroupTooLarge, 'group-add');
  add(alice.client, full.id, ['carol']);
  assert.equal((await expectUpdate(alice.client)).members.length, MAX_GROUP_MEMBERS);
  assert.equal((await expectUpdate(carol.client)).members.length, MAX_GROUP_MEMBERS);
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
  const created: Group[] = [];
  for (let i = 0; i < 4; i++) {
    create(client, `Big ${i}`, crowd);
    created.push(await expectUpdate(client));
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

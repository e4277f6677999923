import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteAccountStore } from '../../signaling/store/sqlite-account-store.js';
import { SQLITE_MIGRATIONS, migrate, schemaVersion } from '../../signaling/store/sqlite-migrations.js';

async function tempFile(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'parley.sqlite');
}

const account = (username: string, nameKey = username.toLowerCase()) => ({
  username,
  nameKey,
  skeleton: nameKey,
  passwordHash: '$scrypt$ln=4,r=8,p=1$c2FsdA$aGFzaA',
  createdAt: 1,
});

test('a new database is migrated to the latest schema, in WAL mode', async (t) => {
  const file = await tempFile(t);
  const store = openSqliteAccountStore(file);
  await store.close();
  const db = new BetterSqlite3(file, { readonly: true });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), SQLITE_MIGRATIONS.length);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
});

test('opening a database of an older version migrates it and keeps its data', async (t) => {
  const file = await tempFile(t);
  const old = new BetterSqlite3(file);
  migrate(old, SQLITE_MIGRATIONS.slice(0, 1));
  old
    .prepare('INSERT INTO accounts (username, name_key, password_hash, created_at) VALUES (?, ?, ?, ?)')
    .run('Alice', 'alice', 'hash', 42);
  assert.equal(schemaVersion(old), 1);
  old.close();

  const store = openSqliteAccountStore(file);
  t.after(() => store.close());
  const alice = await store.findAccount('alice');
  assert.deepEqual(alice, {
    id: 1,
    username: 'Alice',
    nameKey: 'alice',
    passwordHash: 'hash',
    createdAt: 42,
  });
  // The newer tables work on the migrated database.
  await store.createSession({ tokenHash: 't', accountId: alice.id, createdAt: 1, expiresAt: 100 });
  assert.equal((await store.findSession('t', 50))?.account.username, 'Alice');
});

test('reopening a migrated database changes nothing', async (t) => {
  const file = await tempFile(t);
  const first = openSqliteAccountStore(file);
  await first.createAccount(account('alice'));
  await first.close();
  const second = openSqliteAccountStore(file);
  t.after(() => second.close());
  assert.equal((await second.findAccount('alice'))?.username, 'alice');
});

test('refuses a database written by a newer server', async (t) => {
  const file = await tempFile(t);
  const db = new BetterSqlite3(file);
  db.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 1}`);
  db.close();
  assert.throws(() => openSqliteAccountStore(file), /newer than this server knows/);
});

test('a name key can be taken once; the registered spelling is kept', async (t) => {
  const store = openSqliteAccountStore(':memory:');
  t.after(() => store.close());
  const created = await store.createAccount(account('Alice', 'alice'));
  assert.equal(created?.username, 'Alice');
  assert.equal(await store.createAccount(account('ALICE', 'alice')), null);
  assert.equal((await store.findAccount('alice'))?.username, 'Alice');
  assert.equal(await store.findAccount('bob'), null);
});

test('sessions are found until they expire, and can be extended and revoked', async (t) => {
  const store = openSqliteAccountStore(':memory:');
  t.after(() => store.close());
  const alice = (await store.createAccount(account('alice')))!;
  await store.createSession({ tokenHash: 'a', accountId: alice.id, createdAt: 0, expiresAt: 100 });
  await store.createSession({ tokenHash: 'b', accountId: alice.id, createdAt: 0, expiresAt: 100 });
  assert.equal((await store.findSession('a', 99))?.expiresAt, 100);
  assert.equal(await store.findSession('a', 100), null);
  await store.extendSession('a', 200);
  assert.equal((await store.findSession('a', 150))?.account.nameKey, 'alice');
  await store.deleteSession('a');
  assert.equal(await store.findSession('a', 0), null);
  assert.equal(await store.deleteExpiredSessions(100), 1);
  assert.equal(await store.findSession('b', 0), null);
});

test('a password hash can be replaced', async (t) => {
  const store = openSqliteAccountStore(':memory:');
  t.after(() => store.close());
  const alice = (await store.createAccount(account('alice')))!;
  await store.updatePasswordHash(alice.id, 'new');
  assert.equal((await store.findAccount('alice'))?.passwordHash, 'new');
});

test('migrating a database of version 2 keeps its accounts and sessions and adds groups', async (t) => {
  const file = await tempFile(t);
  const old = new BetterSqlite3(file);
  migrate(old, SQLITE_MIGRATIONS.slice(0, 2));
  old
    .prepare('INSERT INTO accounts (username, name_key, password_hash, created_at) VALUES (?, ?, ?, ?)')
    .run('Alice', 'alice', 'hash', 42);
  old
    .prepare('INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
    .run('t', 1, 1, 100);
  old.close();

  const store = openSqliteAccountStore(file);
  t.after(() => store.close());
  assert.equal((await store.findAccount('alice'))?.passwordHash, 'hash');
  assert.equal((await store.findSession('t', 50))?.account.username, 'Alice');
  await store.createAccount(account('bob'));
  const group = await store.createGroup(newGroup(['alice', 'bob']));
  assert.deepEqual(
    (await store.groupsOf('bob')).map((found) => found.id),
    [group.id],
  );
});

const newGroup = (memberKeys: string[], id = 'g000000000000000000000001', createdAt = 10) => ({
  id,
  name: 'Group',
  creatorKey: memberKeys[0]!,
  createdAt,
  memberKeys,
});

async function storeWith(t: TestContext, ...names: string[]) {
  const file = await tempFile(t);
  const store = openSqliteAccountStore(file);
  t.after(() => store.close());
  for (const name of names) await store.createAccount(account(name));
  return { store, file };
}

test('groups come back with members in their registered spelling, in the order they joined', async (t) => {
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
  const expected = { ...created, members: [...created.members, { user: 'Carol', key: 'carol', since: 20 }] };
  assert.deepEqual(added, { ok: true, group: expected, added: [{ user: 'Carol', key: 'carol', since: 20 }] });
  assert.deepEqual(await store.getGroup(created.id), expected);

  const other = await store.createGroup(newGroup(['carol'], 'g000000000000000000000002', 5));
  assert.deepEqual(
    (await store.groupsOf('carol')).map((group) => group.id),
    [other.id, created.id],
  );
  assert.deepEqual(await store.groupsOf('nobody'), []);
  assert.equal(await store.getGroup('g000000000000000000000003'), null);
});

test('adding members needs a member to add them and room for them, checked in one transaction', async (t) => {
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
  assert.deepEqual(await store.addMembers({ ...change, maxMembers: 2 }), { ok: false, reason: 'too-large' });
  // Those already in it do not count against the limit.
  const result = await store.addMembers({ ...change, memberKeys: ['bob', 'carol'] });
  assert.ok(result.ok);
  assert.equal(result.group.members.length, 3);
  await assert.rejects(store.createGroup(newGroup(['alice', 'ghost'], 'g000000000000000000000002')));
  assert.equal(await store.getGroup('g000000000000000000000002'), null);
});

test('removing members: the last one out deletes the group and its rows', async (t) => {
  const { store, file } = await storeWith(t, 'alice', 'bob');
  const group = await store.createGroup(newGroup(['alice', 'bob']));
  assert.deepEqual(await store.removeMember(group.id, 'carol'), { removed: false });
  const afterAlice = await store.removeMember(group.id, 'alice');
  assert.deepEqual(afterAlice, {
    removed: true,
    group: { ...group, members: [{ user: 'bob', key: 'bob', since: 10 }] },
  });
  assert.deepEqual(await store.removeMember(group.id, 'alice'), { removed: false });
  assert.deepEqual(await store.removeMember(group.id, 'bob'), { removed: true, group: null });
  assert.deepEqual(await store.removeMember(group.id, 'bob'), { removed: false });

  const db = new BetterSqlite3(file, { readonly: true });
  t.after(() => db.close());
  assert.equal(db.prepare('SELECT COUNT(*) FROM groups').pluck().get(), 0);
  assert.equal(db.prepare('SELECT COUNT(*) FROM group_members').pluck().get(), 0);
});

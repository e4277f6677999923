import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteAccountStore } from '../../signaling/store/sqlite-account-store.js';
import { SQLITE_MIGRATIONS, migrate, schemaVersion } from '../../signaling/store/sqlite-migrations.js';
import { account, newGroup, storeContract } from './store-contract.js';

async function tempFile(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'parley.sqlite');
}

storeContract('SQLite', async (t) => {
  const file = await tempFile(t);
  const store = openSqliteAccountStore(file);
  t.after(() => store.close());
  return {
    store,
    async countRows(table) {
      const db = new BetterSqlite3(file, { readonly: true });
      try {
        return db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
      } finally {
        db.close();
      }
    },
  };
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

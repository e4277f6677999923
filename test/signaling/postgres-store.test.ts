/**
 * The PostgreSQL store against a real PostgreSQL server (one for this whole file, see pg-harness.ts):
 * the store contract, migrations under the advisory lock, and several nodes sharing one database.
 */
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import pg from 'pg';
import { ErrorCode } from '../../shared/errors.js';
import { POSTGRES_MIGRATIONS, migratePostgres } from '../../signaling/store/postgres-migrations.js';
import { openPostgresStore } from '../../signaling/store/postgres-store.js';
import type { Store } from '../../signaling/store/store.js';
import { startTestServer } from './harness.js';
import { startPostgres, type PostgresServer } from './pg-harness.js';
import { account, storeContract } from './store-contract.js';

let postgres: PostgresServer;
before(async () => {
  postgres = await startPostgres();
});
after(() => postgres?.stop());

/** A pool on `url`, ended after the test. */
function poolOn(t: TestContext, url: string, max = 2): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  t.after(() => pool.end());
  return pool;
}

async function openStore(t: TestContext, url: string): Promise<Store> {
  const store = await openPostgresStore({ url });
  t.after(() => store.close());
  return store;
}

async function count(pool: pg.Pool, table: string): Promise<number> {
  const result = await pool.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(result.rows[0]!.n);
}

storeContract('PostgreSQL', async (t) => {
  const url = await postgres.freshDatabase();
  const store = await openStore(t, url);
  const pool = poolOn(t, url, 1);
  return { store, countRows: (table) => count(pool, table) };
});

test('two nodes migrating a fresh database at the same moment apply each migration once', async (t) => {
  const url = await postgres.freshDatabase();
  // The first migration holds its transaction open for a while, so without the lock the second node
  // would read version 0 meanwhile and apply it again (and fail on the table that already exists).
  const migrations = [`SELECT pg_sleep(0.2); ${POSTGRES_MIGRATIONS[0]!}`, ...POSTGRES_MIGRATIONS.slice(1)];
  const [first, second] = await Promise.all([
    migratePostgres(poolOn(t, url), migrations),
    migratePostgres(poolOn(t, url), migrations),
  ]);
  const all = POSTGRES_MIGRATIONS.map((_, index) => index + 1);
  assert.deepEqual([...first, ...second].sort(), all);
  assert.equal(await count(poolOn(t, url), 'schema_migrations'), all.length);
});

test('opening a migrated database again applies nothing and keeps its data', async (t) => {
  const url = await postgres.freshDatabase();
  const first = await openPostgresStore({ url });
  await first.createAccount(account('Alice'));
  await first.close();
  assert.deepEqual(await migratePostgres(poolOn(t, url)), []);
  const second = await openStore(t, url);
  assert.equal((await second.findAccount('alice'))?.username, 'Alice');
});

test('refuses a database written by a newer server', async (t) => {
  const url = await postgres.freshDatabase();
  await migratePostgres(poolOn(t, url));
  await poolOn(t, url).query('INSERT INTO schema_migrations (version) VALUES ($1)', [
    POSTGRES_MIGRATIONS.length + 1,
  ]);
  await assert.rejects(openPostgresStore({ url }), /newer than this server knows/);
});

test('an unreachable database fails at start-up, not at the first login', async () => {
  // Port 1 on loopback: nothing listens there.
  await assert.rejects(openPostgresStore({ url: 'postgres://postgres@127.0.0.1:1/none' }), /ECONNREFUSED/);
});

test('two nodes creating one name at the same moment: the unique index lets exactly one win', async (t) => {
  const url = await postgres.freshDatabase();
  const [first, second] = await Promise.all([openStore(t, url), openStore(t, url)]);
  const created = await Promise.all([
    first.createAccount(account('Bob', 'bob')),
    second.createAccount(account('BOB', 'bob')),
  ]);
  assert.equal(created.filter((row) => row !== null).length, 1);
  assert.equal(await count(poolOn(t, url), 'accounts'), 1);
});

test('two servers on one DATABASE_URL share accounts and refuse a name taken on the other', async (t) => {
  const url = await postgres.freshDatabase();
  const a = await startTestServer(t, { databaseUrl: url });
  const b = await startTestServer(t, { databaseUrl: url });
  const { welcome } = await a.join('alice');

  const onB = await b.connect();
  onB.resume(welcome.token);
  assert.equal((await onB.expect('welcome')).user, 'alice');
  const late = await b.connect();
  late.register('ALICE');
  await late.expectError(ErrorCode.UsernameTaken);

  const [left, right] = await Promise.all([a.connect(), b.connect()]);
  left.register('Carol');
  right.register('carol');
  const frames = await Promise.all([left.next(), right.next()]);
  assert.deepEqual(frames.map((frame) => frame.type).sort(), ['error', 'welcome']);
  const refused = frames.find((frame) => frame.type === 'error');
  assert.equal(refused?.type === 'error' && refused.code, ErrorCode.UsernameTaken);
});

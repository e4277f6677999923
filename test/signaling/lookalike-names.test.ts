import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { ErrorCode } from '../../shared/errors.js';
import { hashPassword } from '../../signaling/auth/password-hash.js';
import { nameSkeleton } from '../../signaling/auth/name-skeleton.js';
import { SQLITE_FILE_NAME } from '../../signaling/store/sqlite-account-store.js';
import { SQLITE_MIGRATIONS, migrate } from '../../signaling/store/sqlite-migrations.js';
import { PASSWORD, startTestServer } from './harness.js';

const lookalikes: Array<[string, string, ErrorCode]> = [
  ['h\u0430lice', 'a Cyrillic а', ErrorCode.InvalidUsername],
  ['halice\u034f', 'an invisible combining grapheme joiner', ErrorCode.InvalidUsername],
  ['halice\ufe0f', 'a variation selector', ErrorCode.InvalidUsername],
  ['ｈａｌｉｃｅ', 'fullwidth letters', ErrorCode.InvalidUsername],
  ['𝐡𝐚𝐥𝐢𝐜𝐞', 'mathematical bold letters', ErrorCode.InvalidUsername],
  ['HALICE', 'another case', ErrorCode.UsernameTaken],
];

test('names that look like a registered one are refused', async (t) => {
  const server = await startTestServer(t);
  await server.join('halice');
  await server.join('bob');
  const client = await server.connect();
  for (const [name, why, code] of lookalikes) {
    client.register(name);
    const refused = await client.expectError(code);
    assert.equal(refused.code, code, why);
  }
  // Not a script trick at all: digits that are letters' confusables.
  client.register('b0b');
  await client.expectError(ErrorCode.UsernameTaken);
});

test('names of punctuation only are refused; one script, or Latin with Han, is fine', async (t) => {
  const server = await startTestServer(t);
  const client = await server.connect();
  for (const name of ['..', '-', '_x']) {
    client.register(name);
    await client.expectError(ErrorCode.InvalidUsername);
  }
  for (const name of ['闲聊', 'alice7', 'alice张', 'Ирина']) {
    const other = await server.connect();
    other.register(name);
    assert.equal((await other.expect('welcome')).user, name);
  }
});

test('the skeleton folds case, width, style, invisibles and confusable letters together', () => {
  const key = nameSkeleton('halice');
  for (const name of ['HALICE', 'h\u0430lice', 'ｈａｌｉｃｅ', '𝐡𝐚𝐥𝐢𝐜𝐞', 'halice\u034f']) {
    assert.equal(nameSkeleton(name), key, name);
  }
  assert.notEqual(nameSkeleton('alice'), key);
  assert.equal(nameSkeleton('b0b'), nameSkeleton('bob'));
});

test('group names with text-direction controls or nothing visible are refused', async (t) => {
  const server = await startTestServer(t);
  const { client } = await server.join('alice');
  for (const name of ['\u202eevil', '\u200b', 'a\u2066b']) {
    client.send({ type: 'group-create', name, members: [] });
    await client.expectError(ErrorCode.InvalidGroupName);
  }
  client.send({ type: 'group-create', name: '👨‍👩‍👧 family', members: [] });
  assert.equal((await client.expect('group-update')).group.name, '👨‍👩‍👧 family');
});

test('existing accounts whose names collide keep working after the migration; new lookalikes are refused', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-names-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const old = new BetterSqlite3(join(dir, SQLITE_FILE_NAME));
  migrate(old, SQLITE_MIGRATIONS.slice(0, 3));
  const hash = await hashPassword(PASSWORD, { cost: 16, blockSize: 8, parallelization: 1 });
  const insert = old.prepare(
    'INSERT INTO accounts (username, name_key, password_hash, created_at) VALUES (?, ?, ?, ?)',
  );
  // Registered before the rules existed: both look like "halice".
  insert.run('halice', 'halice', hash, 1);
  insert.run('h\u0430lice', 'h\u0430lice', hash, 2);
  old.close();

  const server = await startTestServer(t, { dataDir: dir });
  for (const name of ['halice', 'h\u0430lice']) {
    const client = await server.connect();
    client.login(name);
    assert.equal((await client.expect('welcome')).user, name);
  }
  const client = await server.connect();
  client.register('zed');
  await client.expect('welcome');
  // A name key of its own, but the skeleton of both old accounts (`1` looks like `l`).
  const lookalike = await server.connect();
  lookalike.register('ha1ice');
  await lookalike.expectError(ErrorCode.UsernameTaken);
});

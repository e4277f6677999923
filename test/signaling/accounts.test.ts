import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import { CloseCode, PROTOCOL_VERSION } from '../../shared/protocol.js';
import { DEMO_PASSWORD, DEMO_USERNAMES } from '../../signaling/auth/demo-accounts.js';
import { openSqliteAccountStore } from '../../signaling/store/sqlite-account-store.js';
import { ManualClock, PASSWORD, startTestServer } from './harness.js';
import { sdp } from './signal-data.js';

const DAY = 24 * 60 * 60 * 1000;

test('registering logs the user in with a token, expiry, ICE servers and an online list', async (t) => {
  const iceServers = [{ urls: 'stun:stun.example.org' }];
  const clock = new ManualClock();
  const server = await startTestServer(t, { iceServers, clock });
  const { welcome } = await server.join('alice');
  assert.equal(welcome.version, PROTOCOL_VERSION);
  assert.equal(welcome.user, 'alice');
  assert.match(welcome.token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(welcome.expiresAt, clock.now() + 30 * DAY);
  assert.deepEqual(welcome.iceServers, iceServers);
  assert.deepEqual(welcome.online, []);
});

test('logs in with the password on a new connection', async (t) => {
  const server = await startTestServer(t);
  const { client, welcome } = await server.join('alice');
  client.ws.close();
  await client.closed;
  const again = await server.connect();
  again.login('alice');
  const second = await again.expect('welcome');
  assert.equal(second.user, 'alice');
  assert.notEqual(second.token, welcome.token);
});

test('login answers with the registered spelling, whatever case was typed', async (t) => {
  const server = await startTestServer(t);
  const { client } = await server.join('Alice');
  client.ws.close();
  const again = await server.connect();
  again.login('ALICE');
  assert.equal((await again.expect('welcome')).user, 'Alice');
});

test('resumes a session with its token, without the password', async (t) => {
  const server = await startTestServer(t);
  const { client, welcome } = await server.join('alice');
  client.ws.close();
  await client.closed;
  const again = await server.connect();
  again.resume(welcome.token);
  const resumed = await again.expect('welcome');
  assert.equal(resumed.user, 'alice');
  assert.equal(resumed.token, welcome.token);
});

test('rejects an unknown token', async (t) => {
  const server = await startTestServer(t);
  const client = await server.connect();
  client.resume('not-a-token');
  await client.expectError(ErrorCode.SessionExpired);
});

test('rejects a token after it expired, and each resume extends the expiry', async (t) => {
  const clock = new ManualClock();
  const server = await startTestServer(t, { clock, sessionTtlMs: 1000 });
  const { client, welcome } = await server.join('alice');
  client.ws.close();
  await client.closed;

  clock.advance(900);
  const second = await server.connect();
  second.resume(welcome.token);
  assert.equal((await second.expect('welcome')).expiresAt, clock.now() + 1000);
  second.ws.close();
  await second.closed;

  clock.advance(900);
  const third = await server.connect();
  third.resume(welcome.token);
  await third.expect('welcome');
  third.ws.close();
  await third.closed;

  clock.advance(1000);
  const fourth = await server.connect();
  fourth.resume(welcome.token);
  await fourth.expectError(ErrorCode.SessionExpired);
});

test('logout revokes the token, keeps the socket open and allows a new login on it', async (t) => {
  const server = await startTestServer(t);
  const { client, welcome } = await server.join('alice');
  client.send({ type: 'logout' });
  await client.expect('logged-out');

  client.resume(welcome.token);
  await client.expectError(ErrorCode.SessionExpired);
  client.login('alice');
  assert.equal((await client.expect('welcome')).user, 'alice');
});

test('rejects a wrong password and an unknown user with the same error', async (t) => {
  const server = await startTestServer(t);
  await server.join('alice');
  const client = await server.connect();
  client.login('alice', 'wrong password!');
  const wrong = await client.expectError(ErrorCode.BadCredentials);
  client.login('nobody', PASSWORD);
  const unknown = await client.expectError(ErrorCode.BadCredentials);
  assert.equal(wrong.message, unknown.message);
  assert.equal(wrong.ref, 'login');
});

test('rejects a name that is taken in any letter case', async (t) => {
  const server = await startTestServer(t);
  await server.join('Alice');
  const client = await server.connect();
  client.register('alice');
  await client.expectError(ErrorCode.UsernameTaken);
  client.register('ALICE');
  await client.expectError(ErrorCode.UsernameTaken);
});

test('stores names in NFC, so composed and decomposed spellings are one name', async (t) => {
  const server = await startTestServer(t);
  const { welcome } = await server.join('Ame\u0301lie');
  assert.equal(welcome.user, 'Am\u00e9lie');
  const client = await server.connect();
  client.register('am\u00e9lie');
  await client.expectError(ErrorCode.UsernameTaken);
});

test('accepts letters of any script, digits, dots, underscores and hyphens', async (t) => {
  const server = await startTestServer(t);
  for (const name of ['爱丽丝', 'Ирина', 'كريم', 'j.doe_1-x', '٣٤٥']) {
    assert.equal((await server.join(name)).welcome.user, name);
  }
});

test('trims surrounding spaces from a name', async (t) => {
  const server = await startTestServer(t);
  assert.equal((await server.join('  alice  ')).welcome.user, 'alice');
});

test('rejects names that break the naming rules', async (t) => {
  const server = await startTestServer(t);
  const client = await server.connect();
  for (const name of [
    '',
    '   ',
    'a'.repeat(33),
    'bad name',
    'semi;colon',
    'emoji😀',
    'slash/name',
    'zero\u200bwidth',
  ]) {
    client.register(name);
    await client.expectError(ErrorCode.InvalidUsername);
  }
  client.register('爱'.repeat(32));
  assert.equal((await client.expect('welcome')).user, '爱'.repeat(32));
});

test('rejects a password shorter than eight characters', async (t) => {
  const server = await startTestServer(t);
  const client = await server.connect();
  client.register('alice', 'short');
  await client.expectError(ErrorCode.WeakPassword);
  client.register('alice', 'x'.repeat(257));
  await client.expectError(ErrorCode.WeakPassword);
});

test('refuses register, login and resume on a connection that is logged in', async (t) => {
  const server = await startTestServer(t);
  const { client, welcome } = await server.join('alice');
  client.login('alice');
  await client.expectError(ErrorCode.AlreadyAuthenticated);
  client.register('bob');
  await client.expectError(ErrorCode.AlreadyAuthenticated);
  client.resume(welcome.token);
  await client.expectError(ErrorCode.AlreadyAuthenticated);
  for (let i = 0; i < 3; i++) server.logs.take({ code: ErrorCode.AlreadyAuthenticated });
});

test('refuses another protocol version and closes with the protocol-version code', async (t) => {
  const server = await startTestServer(t);
  const client = await server.connect();
  client.send({ type: 'login', version: PROTOCOL_VERSION + 1, username: 'alice', password: PASSWORD });
  await client.expectError(ErrorCode.ProtocolVersion);
  assert.equal((await client.closed).code, CloseCode.ProtocolVersion);
  server.logs.take({ code: ErrorCode.ProtocolVersion });
});

test('frames sent right after a login wait for it and are answered in order', async (t) => {
  const server = await startTestServer(t);
  const bob = (await server.join('bob')).client;
  const client = await server.connect();
  client.register('alice');
  client.send({ type: 'signal', to: 'bob', data: sdp(1) });
  client.send({ type: 'logout' });
  await client.expect('welcome');
  await client.expect('logged-out');
  assert.deepEqual(await bob.expect('user-online'), { type: 'user-online', user: 'alice' });
  assert.deepEqual(await bob.expect('signal'), { type: 'signal', from: 'alice', data: sdp(1) });
  assert.deepEqual(await bob.expect('user-offline'), { type: 'user-offline', user: 'alice' });
});

test('never writes passwords or tokens to the log', async (t) => {
  const server = await startTestServer(t);
  const { client, welcome } = await server.join('alice');
  client.send({ type: 'logout' });
  await client.expect('logged-out');
  client.login('alice', 'wrong password!');
  await client.expectError(ErrorCode.BadCredentials);
  const text = JSON.stringify(server.logs.records);
  assert.ok(!text.includes(PASSWORD));
  assert.ok(!text.includes('wrong password!'));
  assert.ok(!text.includes(welcome.token));
});

test('a login upgrades a password hash made with older scrypt parameters', async (t) => {
  const store = openSqliteAccountStore(':memory:');
  t.after(() => store.close());
  const before = await startTestServer(t, { store, scryptCost: 16 });
  await before.join('alice');
  await before.close();
  assert.match((await store.findAccount('alice'))!.passwordHash, /^\$scrypt\$ln=4,/);

  const after = await startTestServer(t, { store, scryptCost: 32 });
  const client = await after.connect();
  client.login('alice');
  await client.expect('welcome');
  assert.match((await store.findAccount('alice'))!.passwordHash, /^\$scrypt\$ln=5,/);
});

test('demo accounts are created once and never overwritten', async (t) => {
  const store = openSqliteAccountStore(':memory:');
  t.after(() => store.close());
  const first = await startTestServer(t, { store, demoAccounts: true });
  const client = await first.connect();
  for (const name of DEMO_USERNAMES) {
    client.login(name, DEMO_PASSWORD);
    assert.equal((await client.expect('welcome')).user, name);
    client.send({ type: 'logout' });
    await client.expect('logged-out');
  }
  await first.close();
  const second = await startTestServer(t, { store, demoAccounts: true });
  const again = await second.connect();
  again.login('kirito', DEMO_PASSWORD);
  await again.expect('welcome');
  second.logs.take({ level: 'info', msg: 'demo accounts ready' });
});

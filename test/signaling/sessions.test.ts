import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import { CloseCode } from '../../shared/protocol.js';
import { ManualClock, PASSWORD, startTestServer } from './harness.js';

const DAY = 24 * 60 * 60 * 1000;

test('resuming slides a session, but never past its absolute limit', async (t) => {
  const clock = new ManualClock();
  const server = await startTestServer(t, { clock, sessionTtlMs: 10 * DAY, sessionMaxAgeMs: 20 * DAY });
  const { welcome } = await server.join('alice');
  const start = clock.now();
  for (let day = 5; day < 20; day += 5) {
    clock.advance(5 * DAY);
    const client = await server.connect();
    client.resume(welcome.token);
    const resumed = await client.expect('welcome');
    assert.equal(resumed.expiresAt, Math.min(clock.now() + 10 * DAY, start + 20 * DAY));
    client.ws.close();
    await client.closed;
  }
  clock.advance(5 * DAY);
  const late = await server.connect();
  late.resume(welcome.token);
  await late.expectError(ErrorCode.SessionExpired);
});

test('changing the password ends every other session and answers with a fresh token', async (t) => {
  const server = await startTestServer(t);
  const first = await server.join('alice');
  const second = await server.connect();
  second.login('alice');
  const current = await second.expect('welcome');
  await first.client.expectError(ErrorCode.SessionReplaced);

  second.send({ type: 'change-password', oldPassword: 'not my password', newPassword: 'a new password' });
  await second.expectError(ErrorCode.BadCredentials);
  second.send({ type: 'change-password', oldPassword: PASSWORD, newPassword: 'short' });
  await second.expectError(ErrorCode.WeakPassword);
  second.send({ type: 'change-password', oldPassword: PASSWORD, newPassword: 'a new password' });
  const renewed = await second.expect('welcome');
  assert.equal(renewed.user, 'alice');
  assert.notEqual(renewed.token, current.token);

  for (const token of [first.welcome.token, current.token]) {
    const client = await server.connect();
    client.resume(token);
    await client.expectError(ErrorCode.SessionExpired);
  }
  const old = await server.connect();
  old.login('alice');
  await old.expectError(ErrorCode.BadCredentials);
  // The new token resumes (and takes over from the connection that changed the password).
  const resumed = await server.connect();
  resumed.resume(renewed.token);
  await resumed.expect('welcome');
  await second.expectError(ErrorCode.SessionReplaced);
  const login = await server.connect();
  login.login('alice', 'a new password');
  await login.expect('welcome');
});

test('signing out everywhere ends every session of the account', async (t) => {
  const server = await startTestServer(t);
  const first = await server.join('alice');
  const bob = await server.join('bob');
  const second = await server.connect();
  second.login('alice');
  const current = await second.expect('welcome');
  await first.client.expect('user-online');
  await first.client.expectError(ErrorCode.SessionReplaced);
  assert.equal((await first.client.closed).code, CloseCode.SessionReplaced);
  assert.deepEqual(await bob.client.expect('user-offline'), { type: 'user-offline', user: 'alice' });
  assert.deepEqual(await bob.client.expect('user-online'), { type: 'user-online', user: 'alice' });

  second.send({ type: 'logout-everywhere' });
  await second.expect('logged-out');
  assert.deepEqual(await bob.client.expect('user-offline'), { type: 'user-offline', user: 'alice' });
  for (const token of [first.welcome.token, current.token]) {
    const client = await server.connect();
    client.resume(token);
    await client.expectError(ErrorCode.SessionExpired);
  }
  second.send({ type: 'logout-everywhere' });
  await second.expectError(ErrorCode.NotAuthenticated);
  server.logs.take({ code: ErrorCode.NotAuthenticated });
});

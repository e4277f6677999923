import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import { ManualClock, PASSWORD, startTestServer } from './harness.js';

const WINDOW = 60_000;
const loginThrottle = { perName: { limit: 3, windowMs: WINDOW }, perAddress: { limit: 5, windowMs: WINDOW } };

test('after too many failed logins for one name, even the right password waits until the window passes', async (t) => {
  const clock = new ManualClock();
  const server = await startTestServer(t, { clock, loginThrottle });
  await server.join('alice');
  const client = await server.connect();
  for (let i = 0; i < 3; i++) {
    client.login('alice', 'wrong password!');
    await client.expectError(ErrorCode.BadCredentials);
    clock.advance(1000);
  }
  client.login('alice');
  const throttled = await client.expectError(ErrorCode.TooManyAttempts);
  // The first failure leaves the window 60 s after it happened, 3 s ago.
  assert.equal(throttled.retryAfterMs, WINDOW - 3000);
  assert.equal(throttled.ref, 'login');
  server.logs.take({ code: ErrorCode.TooManyAttempts });

  clock.advance(WINDOW - 3000);
  client.login('alice');
  await client.expect('welcome');
});

test('throttling one name leaves other names alone', async (t) => {
  const server = await startTestServer(t, { clock: new ManualClock(), loginThrottle });
  await server.join('alice');
  await server.join('bob');
  const client = await server.connect();
  for (let i = 0; i < 3; i++) {
    client.login('ALICE', 'wrong password!');
    await client.expectError(ErrorCode.BadCredentials);
  }
  client.login('alice');
  await client.expectError(ErrorCode.TooManyAttempts);
  server.logs.take({ code: ErrorCode.TooManyAttempts });
  client.login('bob');
  await client.expect('welcome');
});

test('throttles an address that fails on many names, with retryAfterMs', async (t) => {
  const clock = new ManualClock();
  const server = await startTestServer(t, { clock, loginThrottle });
  await server.join('zed');
  const client = await server.connect();
  for (let i = 0; i < 5; i++) {
    client.login(`user${i}`, PASSWORD);
    await client.expectError(ErrorCode.BadCredentials);
  }
  // A fresh connection from the same address is still throttled, for a name never tried.
  const other = await server.connect();
  other.login('zed');
  const throttled = await other.expectError(ErrorCode.TooManyAttempts);
  assert.equal(throttled.retryAfterMs, WINDOW);
  server.logs.take({ code: ErrorCode.TooManyAttempts });
  clock.advance(WINDOW);
  other.login('zed');
  await other.expect('welcome');
});

test('a successful login clears the failures counted against the name', async (t) => {
  const server = await startTestServer(t, { clock: new ManualClock(), loginThrottle });
  const { client } = await server.join('alice');
  client.send({ type: 'logout' });
  await client.expect('logged-out');
  for (let i = 0; i < 2; i++) {
    client.login('alice', 'wrong password!');
    await client.expectError(ErrorCode.BadCredentials);
  }
  client.login('alice');
  await client.expect('welcome');
  client.send({ type: 'logout' });
  await client.expect('logged-out');
  for (let i = 0; i < 2; i++) {
    client.login('alice', 'wrong password!');
    await client.expectError(ErrorCode.BadCredentials);
  }
  client.login('alice');
  await client.expect('welcome');
});

test('successful registrations from one address are not throttled', async (t) => {
  const server = await startTestServer(t, { clock: new ManualClock(), loginThrottle });
  for (let i = 0; i < 12; i++) await server.join(`user${i}`);
});

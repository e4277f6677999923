import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import { ManualClock, PASSWORD, startTestServer, type TestServer } from './harness.js';

const WINDOW = 60_000;
const authLimits = {
  perNameAndAddress: { points: 5, windowMs: WINDOW },
  perAddress: { points: 20, windowMs: WINDOW },
  freeFailures: 2,
  firstDelayMs: 1000,
  maxDelayMs: 30_000,
};

/** A client that claims `address` through the trusted proxy header. */
function from(server: TestServer, address: string) {
  return server.connect({ headers: { 'X-Forwarded-For': address } });
}

test('repeated failures slow one name from one address down, with a growing retryAfterMs', async (t) => {
  const clock = new ManualClock();
  const server = await startTestServer(t, {
    clock,
    authLimits: { ...authLimits, perNameAndAddress: { points: 10, windowMs: WINDOW } },
  });
  await server.join('alice');
  const client = await server.connect();
  for (let i = 0; i < 3; i++) {
    client.login('alice', 'wrong password!');
    await client.expectError(ErrorCode.BadCredentials);
  }
  client.login('alice');
  const first = await client.expectError(ErrorCode.TooManyAttempts);
  assert.equal(first.retryAfterMs, 1000);
  clock.advance(1000);
  client.login('alice', 'wrong password!');
  await client.expectError(ErrorCode.BadCredentials);
  client.login('alice');
  const second = await client.expectError(ErrorCode.TooManyAttempts);
  assert.ok(second.retryAfterMs! > first.retryAfterMs!, 'each failure waits longer');
  server.logs.take({ code: ErrorCode.TooManyAttempts });
  server.logs.take({ code: ErrorCode.TooManyAttempts });
  clock.advance(second.retryAfterMs!);
  client.login('alice');
  await client.expect('welcome');
});

test('an attacker failing on a name does not lock its owner out from another address', async (t) => {
  const server = await startTestServer(t, {
    clock: new ManualClock(),
    authLimits,
    trustProxy: ['127.0.0.1'],
  });
  await server.join('alice');
  const attacker = await from(server, '203.0.113.9');
  for (let i = 0; i < 5; i++) {
    attacker.login('alice', 'wrong password!');
    const reply = await attacker.expect('error');
    assert.ok([ErrorCode.BadCredentials, ErrorCode.TooManyAttempts].includes(reply.code as never));
  }
  attacker.login('alice');
  await attacker.expectError(ErrorCode.TooManyAttempts);
  while (server.logs.unexpected().length > 0) server.logs.take({ code: ErrorCode.TooManyAttempts });
  const owner = await from(server, '198.51.100.7');
  owner.login('alice');
  await owner.expect('welcome');
});

test('X-Forwarded-For is ignored from a peer that is not a trusted proxy', async (t) => {
  const server = await startTestServer(t, { clock: new ManualClock(), authLimits });
  await server.join('alice');
  // Each connection claims a new address; without TRUST_PROXY all count as 127.0.0.1.
  for (let i = 0; i < 3; i++) {
    const client = await from(server, `203.0.113.${i}`);
    client.login('alice', 'wrong password!');
    await client.expectError(ErrorCode.BadCredentials);
  }
  const last = await from(server, '203.0.113.99');
  last.login('alice');
  await last.expectError(ErrorCode.TooManyAttempts);
  server.logs.take({ code: ErrorCode.TooManyAttempts });
});

test('60 wrong passwords sent at once on 60 sockets: at most the limit are checked', async (t) => {
  const server = await startTestServer(t, { clock: new ManualClock(), authLimits });
  await server.join('alice');
  const clients = await Promise.all(Array.from({ length: 60 }, () => server.connect()));
  for (const client of clients) client.login('alice', 'wrong password!');
  const replies = await Promise.all(clients.map((client) => client.expect('error')));
  const checked = replies.filter((reply) => reply.code === ErrorCode.BadCredentials).length;
  assert.ok(checked >= 1 && checked <= authLimits.perNameAndAddress.points, `${checked} were checked`);
  assert.equal(replies.length - checked, replies.filter((r) => r.code === ErrorCode.TooManyAttempts).length);
  while (server.logs.unexpected().length > 0) server.logs.take({ code: ErrorCode.TooManyAttempts });
});

test('a successful login clears the failures counted against the name and address', async (t) => {
  const server = await startTestServer(t, { clock: new ManualClock(), authLimits });
  const { client } = await server.join('alice');
  for (let round = 0; round < 2; round++) {
    client.send({ type: 'logout' });
    await client.expect('logged-out');
    for (let i = 0; i < 2; i++) {
      client.login('alice', 'wrong password!');
      await client.expectError(ErrorCode.BadCredentials);
    }
    client.login('alice');
    await client.expect('welcome');
  }
});

test('registrations from one address are limited', async (t) => {
  const server = await startTestServer(t, {
    authLimits: { registrationsPerAddress: { points: 3, windowMs: WINDOW } },
  });
  for (let i = 0; i < 3; i++) await server.join(`user${i}`);
  const client = await server.connect();
  client.register('user3', PASSWORD);
  const refused = await client.expectError(ErrorCode.TooManyAttempts);
  assert.ok(refused.retryAfterMs! > 0);
  server.logs.take({ code: ErrorCode.TooManyAttempts });
});

test('scrypt runs beyond the permits and the line are refused as busy, and the server recovers', async (t) => {
  const server = await startTestServer(t, {
    scryptCost: 2 ** 14,
    authLimits: { scryptPermits: 1, scryptQueue: 1, scryptMaxWaitMs: 10_000 },
  });
  const clients = await Promise.all(Array.from({ length: 6 }, () => server.connect()));
  clients.forEach((client, i) => client.register(`burst${i}`));
  const replies = await Promise.all(clients.map((client) => client.next()));
  const busy = replies.filter((reply) => reply.type === 'error' && reply.code === ErrorCode.RateLimited);
  assert.ok(busy.length >= 1, 'some registrations were refused as busy');
  assert.ok(replies.some((reply) => reply.type === 'welcome'));
  await server.join('later');
});

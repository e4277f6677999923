import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import { CloseCode } from '../../shared/protocol.js';
import { startTestServer } from './harness.js';
import { sdp } from './signal-data.js';

test('the welcome lists everyone else online; later changes arrive as single deltas', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  assert.deepEqual(alice.welcome.online, []);
  const bob = await server.join('Bob');
  assert.deepEqual(bob.welcome.online, ['alice']);
  assert.deepEqual(await alice.client.expect('user-online'), { type: 'user-online', user: 'Bob' });

  const carol = await server.join('carol');
  assert.deepEqual(carol.welcome.online.sort(), ['Bob', 'alice']);
  assert.deepEqual(await alice.client.expect('user-online'), { type: 'user-online', user: 'carol' });
  assert.deepEqual(await bob.client.expect('user-online'), { type: 'user-online', user: 'carol' });

  bob.client.ws.close();
  assert.deepEqual(await alice.client.expect('user-offline'), { type: 'user-offline', user: 'Bob' });
  assert.deepEqual(await carol.client.expect('user-offline'), { type: 'user-offline', user: 'Bob' });
});

test('logging out announces the user offline to the others', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  await alice.client.expect('user-online');
  bob.client.send({ type: 'logout' });
  await bob.client.expect('logged-out');
  assert.deepEqual(await alice.client.expect('user-offline'), { type: 'user-offline', user: 'bob' });
  // Logged out, bob hears nothing more about others.
  const carol = await server.join('carol');
  assert.deepEqual(carol.welcome.online, ['alice']);
  await alice.client.expect('user-online');
  assert.deepEqual(bob.client.pending, []);
});

test('connections that are not logged in receive no presence', async (t) => {
  const server = await startTestServer(t);
  const anonymous = await server.connect();
  await server.join('alice');
  anonymous.register('bob');
  const welcome = await anonymous.expect('welcome');
  assert.deepEqual(welcome.online, ['alice']);
});

test('a second login of the same account replaces the first, which is told why and closed', async (t) => {
  const server = await startTestServer(t);
  const bob = await server.join('bob');
  const first = await server.join('alice');
  await bob.client.expect('user-online');

  const second = await server.connect();
  second.login('alice');
  const replaced = await first.client.expectError(ErrorCode.SessionReplaced);
  assert.equal(replaced.type, 'error');
  assert.equal((await first.client.closed).code, CloseCode.SessionReplaced);

  const welcome = await second.expect('welcome');
  assert.deepEqual(welcome.online, ['bob']);
  // The others see the old session leave and the new one arrive, so they reset their peer connections.
  assert.deepEqual(await bob.client.expect('user-offline'), { type: 'user-offline', user: 'alice' });
  assert.deepEqual(await bob.client.expect('user-online'), { type: 'user-online', user: 'alice' });
});

test('the replaced connection closing late does not take the new session offline', async (t) => {
  const server = await startTestServer(t);
  const bob = await server.join('bob');
  const first = await server.join('alice');
  await bob.client.expect('user-online');
  const second = await server.connect();
  second.resume(first.welcome.token);
  await second.expect('welcome');
  await first.client.closed;
  await bob.client.expect('user-offline');
  await bob.client.expect('user-online');
  // A relay proves alice is still online after the old socket's close was handled.
  bob.client.send({ type: 'signal', to: 'alice', data: sdp('still there?') });
  assert.deepEqual(await second.expect('signal'), { type: 'signal', from: 'bob', data: sdp('still there?') });
});

test('a client that stops answering pings is dropped and announced offline', async (t) => {
  const server = await startTestServer(t, { heartbeatIntervalMs: 150 });
  const alice = await server.join('alice');
  const silent = await server.connect({ autoPong: false });
  silent.register('ghost');
  await silent.expect('welcome');
  assert.deepEqual(await alice.client.expect('user-online'), { type: 'user-online', user: 'ghost' });

  assert.equal((await silent.closed).code, 1006);
  assert.deepEqual(await alice.client.expect('user-offline'), { type: 'user-offline', user: 'ghost' });
  // alice answers pings and stays.
  const bob = await server.join('bob');
  assert.deepEqual(bob.welcome.online, ['alice']);
  server.logs.take({ level: 'info', msg: /heartbeat missed/ });
});

test('shutting down closes every socket with 1001', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  const anonymous = await server.connect();
  await server.close();
  assert.equal((await alice.client.closed).code, CloseCode.GoingAway);
  assert.equal((await anonymous.closed).code, CloseCode.GoingAway);
  assert.deepEqual(alice.client.pending, []);
});

test('answers the client heartbeat with a pong, before and after login', async (t) => {
  const server = await startTestServer(t);
  const anonymous = await server.connect();
  anonymous.send({ type: 'ping' });
  assert.deepEqual(await anonymous.expect('pong'), { type: 'pong' });
  const alice = await server.join('alice');
  alice.client.send({ type: 'ping' });
  assert.deepEqual(await alice.client.expect('pong'), { type: 'pong' });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import { MAX_FRAME_BYTES } from '../../shared/protocol.js';
import { ManualClock, startTestServer } from './harness.js';
import { sdp } from './signal-data.js';

test('relays a signal with the sender stamped as `from` and the data untouched', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('Alice');
  const bob = await server.join('bob');
  await alice.client.expect('user-online');
  const data = {
    kind: 'sdp',
    cid: '0123456789abcdef',
    signal: { type: 'offer', sdp: 'v=0\r\n', extra: [1, null] },
  };
  bob.client.send({ type: 'signal', to: 'alice', data });
  assert.deepEqual(await alice.client.expect('signal'), { type: 'signal', from: 'bob', data });
  alice.client.send({ type: 'signal', to: 'BOB', data: sdp(null) });
  assert.deepEqual(await bob.client.expect('signal'), { type: 'signal', from: 'Alice', data: sdp(null) });
});

test('a forged `from` makes the frame bad and nothing is relayed', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  await alice.client.expect('user-online');
  bob.client.send({ type: 'signal', to: 'alice', from: 'carol', data: sdp(1) });
  const error = await bob.client.expectError(ErrorCode.BadFrame);
  assert.equal(error.ref, 'signal');
  server.logs.take({ code: ErrorCode.BadFrame });
  bob.client.send({ type: 'signal', to: 'alice', data: sdp(2) });
  assert.deepEqual(await alice.client.expect('signal'), { type: 'signal', from: 'bob', data: sdp(2) });
});

test('rejects a relay to a user who is offline, unknown, or oneself', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  await alice.client.expect('user-online');
  bob.client.ws.close();
  await alice.client.expect('user-offline');
  for (const to of ['bob', 'nobody', 'alice']) {
    alice.client.send({ type: 'signal', to, data: sdp(1) });
    const error = await alice.client.expectError(ErrorCode.UnknownPeer);
    assert.equal(error.ref, 'signal');
  }
});

test('refuses signal and logout before login', async (t) => {
  const server = await startTestServer(t);
  await server.join('alice');
  const client = await server.connect();
  client.send({ type: 'signal', to: 'alice', data: sdp(1) });
  assert.equal((await client.expectError(ErrorCode.NotAuthenticated)).ref, 'signal');
  client.send({ type: 'logout' });
  assert.equal((await client.expectError(ErrorCode.NotAuthenticated)).ref, 'logout');
  server.logs.take({ code: ErrorCode.NotAuthenticated });
  server.logs.take({ code: ErrorCode.NotAuthenticated });
});

test('limits relayed frames per connection and says when to retry', async (t) => {
  const clock = new ManualClock();
  const server = await startTestServer(t, { clock, relayRateLimit: { perSecond: 10, burst: 5 } });
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  await alice.client.expect('user-online');
  for (let i = 0; i < 7; i++) bob.client.send({ type: 'signal', to: 'alice', data: sdp(i) });
  for (let i = 0; i < 5; i++)
    assert.deepEqual(await alice.client.expect('signal'), { type: 'signal', from: 'bob', data: sdp(i) });
  for (let i = 0; i < 2; i++) {
    const error = await bob.client.expectError(ErrorCode.RateLimited);
    assert.equal(error.retryAfterMs, 100);
  }
  server.logs.take({ code: ErrorCode.RateLimited });

  clock.advance(100);
  bob.client.send({ type: 'signal', to: 'alice', data: sdp('later') });
  assert.deepEqual(await alice.client.expect('signal'), { type: 'signal', from: 'bob', data: sdp('later') });
  // The limit is per connection: alice is not affected by bob's burst.
  alice.client.send({ type: 'signal', to: 'bob', data: sdp('hi') });
  assert.deepEqual(await bob.client.expect('signal'), { type: 'signal', from: 'alice', data: sdp('hi') });
});

test('refuses to relay a signal that would exceed the frame limit once stamped', async (t) => {
  const server = await startTestServer(t);
  const al = await server.join('al');
  const sender = await server.join('a-sender-with-a-long-name');
  await al.client.expect('user-online');
  // The client frame is exactly at the limit; `from` is longer than `to`, so the relayed one is over it.
  const candidate = (text: string) => ({
    kind: 'sdp',
    cid: '0123456789abcdef',
    signal: { type: 'candidate', candidate: text },
  });
  const envelope = JSON.stringify({ type: 'signal', to: 'al', data: candidate('') }).length;
  sender.client.send({ type: 'signal', to: 'al', data: candidate('x'.repeat(MAX_FRAME_BYTES - envelope)) });
  await sender.client.expectError(ErrorCode.FrameTooLarge);
  server.logs.take({ code: ErrorCode.FrameTooLarge });
  sender.client.send({ type: 'signal', to: 'al', data: sdp('small') });
  assert.deepEqual(await al.client.expect('signal'), {
    type: 'signal',
    from: 'a-sender-with-a-long-name',
    data: sdp('small'),
  });
});

test('frames for a client that is not reading wait, then arrive complete and in order', async (t) => {
  const server = await startTestServer(t, {
    relayRateLimit: { perSecond: 1e6, burst: 1e6 },
    pairRelayRateLimit: { perSecond: 1e6, burst: 1e6 },
    maxQueuedBytes: 64 * 1024 * 1024,
  });
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  await alice.client.expect('user-online');
  bob.client.ws.pause();
  const chunk = 'x'.repeat(32 * 1024 - 8);
  // ~16 MB: far more than the kernel buffers, so the server must hold frames until the socket drains.
  for (let i = 0; i < 500; i++) alice.client.send({ type: 'signal', to: 'bob', data: sdp(`${i}:${chunk}`) });
  // A signal to herself is refused once the server has handled everything before it.
  alice.client.send({ type: 'signal', to: 'alice', data: sdp('barrier') });
  await alice.client.expectError(ErrorCode.UnknownPeer);
  const carol = await server.join('carol');
  alice.client.send({ type: 'signal', to: 'bob', data: sdp('last') });
  await alice.client.expect('user-online');
  bob.client.ws.resume();
  for (let i = 0; i < 500; i++) {
    const frame = await bob.client.expect('signal');
    const { sdp: text } = (frame.data as ReturnType<typeof sdp>).signal;
    assert.equal(text.slice(0, String(i).length + 1), `${i}:`);
  }
  assert.deepEqual(await bob.client.expect('user-online'), { type: 'user-online', user: 'carol' });
  assert.deepEqual(await bob.client.expect('signal'), { type: 'signal', from: 'alice', data: sdp('last') });
  assert.equal(carol.welcome.online.length, 2);
});

test('drops a client that falls too far behind, and keeps serving the others', async (t) => {
  const server = await startTestServer(t, {
    relayRateLimit: { perSecond: 1e6, burst: 1e6 },
    pairRelayRateLimit: { perSecond: 1e6, burst: 1e6 },
    maxQueuedBytes: 1024 * 1024,
  });
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  await alice.client.expect('user-online');
  bob.client.ws.pause();
  const chunk = 'x'.repeat(32 * 1024);
  for (let i = 0; i < 500; i++) alice.client.send({ type: 'signal', to: 'bob', data: sdp(chunk) });
  // Signals sent after bob was dropped are refused until alice hears that he left.
  for (;;) {
    const frame = await alice.client.next();
    if (frame.type === 'user-offline') break;
    assert.equal(frame.type === 'error' && frame.code, ErrorCode.UnknownPeer);
  }
  bob.client.ws.resume();
  await bob.client.closed;
  server.logs.take({ msg: 'client is not reading; dropping it' });
  const carol = await server.join('carol');
  assert.deepEqual(carol.welcome.online, ['alice']);
});

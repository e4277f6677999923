import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { ErrorCode } from '../../shared/errors.js';
import { MAX_FRAME_BYTES } from '../../shared/protocol.js';
import { ManualClock, startTestServer, type TestServer } from './harness.js';

/** Proves the server still serves others: a fresh user joins and alice sees it. */
async function stillServing(
  server: TestServer,
  alice: Awaited<ReturnType<TestServer['join']>>,
  name: string,
) {
  const other = await server.join(name);
  assert.ok(other.welcome.online.includes('alice'));
  assert.deepEqual(await alice.client.expect('user-online'), { type: 'user-online', user: name });
}

const badFrames: Array<{ name: string; raw: string; ref?: string }> = [
  { name: 'malformed JSON', raw: '{"type":"login",' },
  { name: 'a JSON array', raw: '[1,2,3]' },
  { name: 'JSON null', raw: 'null' },
  { name: 'an unknown type', raw: '{"type":"shout","text":"hi"}', ref: 'shout' },
  {
    name: 'a number where a string belongs',
    raw: '{"type":"login","version":1,"username":5,"password":"x"}',
    ref: 'login',
  },
  { name: 'a missing field', raw: '{"type":"register","version":1,"username":"alice"}', ref: 'register' },
  { name: 'an extra field', raw: '{"type":"logout","please":true}', ref: 'logout' },
  { name: 'a fractional version', raw: '{"type":"resume","version":1.5,"token":"abc"}', ref: 'resume' },
  { name: 'a signal without data', raw: '{"type":"signal","to":"bob"}', ref: 'signal' },
];

for (const { name, raw, ref } of badFrames) {
  test(`answers ${name} with ERR_BAD_FRAME and keeps serving`, async (t) => {
    const server = await startTestServer(t);
    const alice = await server.join('alice');
    const client = await server.connect();
    client.sendRaw(raw);
    const error = await client.expectError(ErrorCode.BadFrame);
    assert.equal(error.ref, ref);
    server.logs.take({ code: ErrorCode.BadFrame });
    // The same connection can still log in.
    client.register('bob');
    await client.expect('welcome');
    await alice.client.expect('user-online');
    await stillServing(server, alice, 'carol');
  });
}

test('answers a binary frame with ERR_BAD_FRAME, also when logged in', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  alice.client.sendRaw(Buffer.from('{"type":"logout"}'));
  await alice.client.expectError(ErrorCode.BadFrame);
  server.logs.take({ code: ErrorCode.BadFrame });
  await stillServing(server, alice, 'bob');
});

test('closes a connection that sends an oversized frame with 1009 and keeps serving others', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  const { client } = await server.join('bob');
  await alice.client.expect('user-online');
  client.sendRaw(JSON.stringify({ type: 'signal', to: 'alice', data: 'x'.repeat(MAX_FRAME_BYTES) }));
  assert.equal((await client.closed).code, 1009);
  assert.deepEqual(await alice.client.expect('user-offline'), { type: 'user-offline', user: 'bob' });
  server.logs.take({ msg: 'socket error', code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
  await stillServing(server, alice, 'carol');
});

test('closes a connection that sends invalid UTF-8 and keeps serving others', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  const client = await server.connect();
  // ws only sends text frames from strings, so forge one: a masked text frame holding 0xff.
  const rawSocket = (client.ws as unknown as { _socket: Socket })._socket;
  rawSocket.write(Buffer.from([0x81, 0x81, 0, 0, 0, 0, 0xff]));
  assert.equal((await client.closed).code, 1007);
  server.logs.take({ msg: 'socket error', code: 'WS_ERR_INVALID_UTF8' });
  await stillServing(server, alice, 'carol');
});

test('caps a flood of frames before login and logs it once', async (t) => {
  const server = await startTestServer(t, {
    clock: new ManualClock(),
    controlRateLimit: { perSecond: 1, burst: 3 },
  });
  const alice = await server.join('alice');
  const client = await server.connect();
  for (let i = 0; i < 10; i++) client.sendRaw('nonsense');
  for (let i = 0; i < 3; i++) await client.expectError(ErrorCode.BadFrame);
  for (let i = 0; i < 7; i++)
    assert.equal((await client.expectError(ErrorCode.RateLimited)).retryAfterMs, 1000);
  for (let i = 0; i < 3; i++) server.logs.take({ code: ErrorCode.BadFrame });
  server.logs.take({ code: ErrorCode.RateLimited });
  await stillServing(server, alice, 'bob');
});

test('bounds the frames waiting behind a login in progress, in bytes, while many small ones fit', async (t) => {
  const server = await startTestServer(t, {
    scryptCost: 2 ** 14,
    clock: new ManualClock(),
    controlRateLimit: { perSecond: 1, burst: 1000 },
  });
  const client = await server.connect();
  client.register('alice');
  // 200 small frames (a group's worth of ICE candidates) all wait; then 40 of 12 KiB each (valid
  // frames, padded with whitespace): past 256 KiB of waiting frames the rest are refused at once.
  for (let i = 0; i < 200; i++) client.send({ type: 'logout' });
  const big = `{"type":"logout"${' '.repeat(12 * 1024)}}`;
  for (let i = 0; i < 40; i++) client.sendRaw(big);
  const waiting = 200 + Math.floor((256 * 1024 - 200 * 17) / big.length);
  for (let i = 0; i < 240 - waiting; i++) await client.expectError(ErrorCode.RateLimited);
  await client.expect('welcome');
  await client.expect('logged-out');
  for (let i = 0; i < waiting - 1; i++) await client.expectError(ErrorCode.NotAuthenticated);
  server.logs.take({ code: ErrorCode.RateLimited });
  for (let i = 0; i < waiting - 1; i++) server.logs.take({ code: ErrorCode.NotAuthenticated });
});

test('answers upgrades on paths other than /ws with 404', async (t) => {
  const server = await startTestServer(t);
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/other`);
  const status = await new Promise<number | undefined>((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
    ws.on('error', () => resolve(undefined));
  });
  assert.equal(status, 404);
});

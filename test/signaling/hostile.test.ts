import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { ErrorCode } from '../../shared/errors.js';
import { CloseCode } from '../../shared/protocol.js';
import { openSqliteAccountStore } from '../../signaling/store/sqlite-account-store.js';
import type { Store } from '../../signaling/store/store.js';
import { ManualClock, startTestServer, type TestServer } from './harness.js';

const CONNECT = { kind: 'connect' } as const;

/** Resolves the HTTP status an upgrade was refused with, or 101 when it was accepted. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

async function stillServing(server: TestServer, name: string): Promise<void> {
  const { welcome } = await server.join(name);
  assert.equal(welcome.user, name);
}

test('a signal nested 30,000 deep is refused as a bad frame, and the server keeps serving', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  await server.join('bob');
  await alice.client.expect('user-online');
  const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
  alice.client.sendRaw(`{"type":"signal","to":"bob","data":${deep}}`);
  await alice.client.expectError(ErrorCode.BadFrame);
  server.logs.take({ code: ErrorCode.BadFrame });
  // Deep inside a field the relay schema would otherwise pass through unlooked-at, too.
  const candidate = `{"kind":"sdp","cid":"0123456789abcdef","signal":{"type":"candidate","candidate":${deep}}}`;
  alice.client.sendRaw(`{"type":"signal","to":"bob","data":${candidate}}`);
  await alice.client.expectError(ErrorCode.BadFrame);
  server.logs.take({ code: ErrorCode.BadFrame });
  await stillServing(server, 'carol');
});

test('a relayed signal must have the shape peers accept', async (t) => {
  const server = await startTestServer(t);
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  await alice.client.expect('user-online');
  for (const data of [{ arbitrary: 'json' }, 'text', { kind: 'connect', extra: 1 }]) {
    alice.client.send({ type: 'signal', to: 'bob', data });
    await alice.client.expectError(ErrorCode.BadFrame);
    server.logs.take({ code: ErrorCode.BadFrame });
  }
  alice.client.send({ type: 'signal', to: 'bob', data: CONNECT });
  assert.deepEqual(await bob.client.expect('signal'), { type: 'signal', from: 'alice', data: CONNECT });
});

test('a handler that fails closes its own connection with a logged error, and nobody else’s', async (t) => {
  const real = openSqliteAccountStore(':memory:');
  t.after(() => real.close());
  const store: Store = {
    ...real,
    async findAccount(key) {
      if (key === 'boom') throw new Error('the disk is on fire');
      return real.findAccount(key);
    },
  };
  const server = await startTestServer(t, { store });
  const alice = await server.join('alice');
  const victim = await server.connect();
  victim.login('boom');
  await victim.expectError(ErrorCode.Internal);
  assert.equal((await victim.closed).code, CloseCode.InternalError);
  server.logs.take({ level: 'error', msg: 'handler failed' });
  alice.client.send({ type: 'signal', to: 'alice', data: CONNECT });
  await alice.client.expectError(ErrorCode.UnknownPeer);
  await stillServing(server, 'carol');
});

test('pages of other origins may not open a socket; the own origin, listed ones and non-browsers may', async (t) => {
  const server = await startTestServer(t, { allowedOrigins: ['https://app.example'] });
  assert.equal(await upgradeStatus(server.wsUrl, { Origin: 'http://evil.example' }), 403);
  server.logs.take({ msg: 'WebSocket from a foreign origin refused' });
  assert.equal(await upgradeStatus(server.wsUrl, { Origin: `http://127.0.0.1:${server.port}` }), 101);
  assert.equal(await upgradeStatus(server.wsUrl, { Origin: `https://127.0.0.1:${server.port}` }), 101);
  assert.equal(await upgradeStatus(server.wsUrl, { Origin: 'https://app.example' }), 101);
  assert.equal(await upgradeStatus(server.wsUrl), 101);
});

test('connections per address are capped; another address is not affected', async (t) => {
  const server = await startTestServer(t, { maxConnectionsPerAddress: 3, trustProxy: ['127.0.0.1'] });
  for (let i = 0; i < 3; i++) await server.connect();
  assert.equal(await upgradeStatus(server.wsUrl), 429);
  server.logs.take({ msg: 'too many connections from one address' });
  assert.equal(await upgradeStatus(server.wsUrl, { 'X-Forwarded-For': '198.51.100.7' }), 101);
});

test('a socket that does not log in in time is closed; one that did stays', async (t) => {
  const server = await startTestServer(t, { loginTimeoutMs: 200 });
  const idle = await server.connect();
  const alice = await server.join('alice');
  assert.equal((await idle.closed).code, CloseCode.LoginTimeout);
  assert.equal(alice.client.ws.readyState, WebSocket.OPEN);
  alice.client.send({ type: 'signal', to: 'alice', data: CONNECT });
  await alice.client.expectError(ErrorCode.UnknownPeer);
});

test('signals from one sender to one recipient are rate-limited per pair', async (t) => {
  const server = await startTestServer(t, {
    clock: new ManualClock(),
    pairRelayRateLimit: { perSecond: 1, burst: 3 },
  });
  const alice = await server.join('alice');
  const bob = await server.join('bob');
  const carol = await server.join('carol');
  await alice.client.expect('user-online');
  await alice.client.expect('user-online');
  await bob.client.expect('user-online');
  for (let i = 0; i < 3; i++) alice.client.send({ type: 'signal', to: 'bob', data: CONNECT });
  for (let i = 0; i < 3; i++) await bob.client.expect('signal');
  alice.client.send({ type: 'signal', to: 'bob', data: CONNECT });
  const refused = await alice.client.expectError(ErrorCode.RateLimited);
  assert.equal(refused.retryAfterMs, 1000);
  server.logs.take({ code: ErrorCode.RateLimited });
  // Others are still reachable from the same sender.
  alice.client.send({ type: 'signal', to: 'carol', data: CONNECT });
  assert.equal((await carol.client.expect('signal')).from, 'alice');
});

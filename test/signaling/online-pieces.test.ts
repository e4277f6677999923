import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from 'redis';
import { Capability, MAX_FRAME_BYTES, PROTOCOL_VERSION, type WelcomeFrame } from '../../shared/protocol.js';
import { splitOnline } from '../../signaling/ws/online-pieces.js';
import { startTestServer } from './harness.js';
import { startRedis, type RedisServer } from './redis-harness.js';

const welcome: WelcomeFrame = {
  type: 'welcome',
  version: PROTOCOL_VERSION,
  user: 'ada',
  token: 't'.repeat(43),
  expiresAt: 1,
  iceServers: [],
  online: [],
  groups: [],
};
const names = (count: number): string[] => Array.from({ length: count }, (_, i) => `person-${i}`);

test('a short online list stays in the welcome', () => {
  assert.deepEqual(splitOnline(welcome, ['bo', 'cy'], true), [{ ...welcome, online: ['bo', 'cy'] }]);
});

test('50,000 names arrive in frames within the frame limit, in order, the last one marked', () => {
  const online = names(50_000);
  const frames = splitOnline(welcome, online, true);
  for (const frame of frames) assert.ok(JSON.stringify(frame).length <= MAX_FRAME_BYTES);
  const [first, ...rest] = frames;
  assert.equal(first?.type === 'welcome' && first.more, true);
  const users = [...(first?.type === 'welcome' ? first.online : [])];
  rest.forEach((frame, i) => {
    assert.equal(frame.type, 'online-more');
    if (frame.type !== 'online-more') return;
    assert.equal(frame.last, i === rest.length - 1);
    users.push(...frame.users);
  });
  assert.deepEqual(users, online);
});

test('a client that did not ask for pieces gets the rest as user-online frames', () => {
  const online = names(6000);
  const [first, ...rest] = splitOnline(welcome, online, false);
  assert.ok(first?.type === 'welcome' && first.more === undefined);
  assert.ok(JSON.stringify(first).length <= MAX_FRAME_BYTES);
  assert.deepEqual(
    [
      ...(first.type === 'welcome' ? first.online : []),
      ...rest.map((f) => f.type === 'user-online' && f.user),
    ],
    online,
  );
});

test('with keys, every frame stays within the limit and carries the keys of its own names', () => {
  const online = names(5000);
  const identities = new Map(
    online
      .filter((_, i) => i % 3 !== 0)
      .map((name, i) => [
        name,
        { alg: 'P-256' as const, key: `04${(i % 256).toString(16).padStart(2, '0').repeat(64)}` },
      ]),
  );
  for (const pieces of [true, false]) {
    const frames = splitOnline(welcome, online, pieces, identities);
    assert.ok(frames.length > 10, 'keys make the list span many frames');
    const users: string[] = [];
    const seen = new Map<string, unknown>();
    for (const frame of frames) {
      assert.ok(JSON.stringify(frame).length <= MAX_FRAME_BYTES);
      const list = frame.type === 'welcome' ? frame.online : frame.type === 'online-more' ? frame.users : [];
      const keys = frame.type === 'welcome' || frame.type === 'online-more' ? (frame.keys ?? []) : [];
      for (const { user, identity } of keys) {
        assert.ok(list.includes(user), `${user}'s key travels with ${user}`);
        seen.set(user, identity);
      }
      if (frame.type === 'user-online') {
        users.push(frame.user);
        if (frame.identity) seen.set(frame.user, frame.identity);
      } else users.push(...list);
    }
    assert.deepEqual(users, online);
    assert.deepEqual(seen, identities);
  }
});

test('without keys asked for, no frame has a keys field', () => {
  for (const frame of splitOnline(welcome, names(6000), true)) assert.equal('keys' in frame, false);
});

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(() => redis?.stop());

test('signing in while 50,000 are online (on another node) lists every one of them', async (t) => {
  // Another node's 50,000 sessions, written as that node would, and kept alive for the test.
  const admin = createClient({ url: redis.url });
  await admin.connect();
  const entries = Object.fromEntries(names(50_000).map((name) => [name, `0123456789ab|${name}`]));
  await admin.hSet('parley:presence', entries);
  await admin.set('parley:alive:0123456789ab', '1', { PX: 60_000 });
  await admin.close();

  const server = await startTestServer(t, { redisUrl: redis.url });
  const client = await server.connect();
  client.send({
    type: 'register',
    version: PROTOCOL_VERSION,
    username: 'ada',
    password: 'correct horse battery',
    capabilities: [Capability.OnlinePieces],
  });
  // The test client parses every frame with the client's parser, which refuses one past the limit.
  const first = await client.expect('welcome');
  assert.equal(first.more, true);
  const users = new Set(first.online);
  for (;;) {
    const piece = await client.expect('online-more');
    for (const user of piece.users) users.add(user);
    if (piece.last) break;
  }
  assert.equal(users.size, 50_000);
  assert.ok(users.has('person-0') && users.has('person-49999'));
});

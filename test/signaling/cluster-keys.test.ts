/**
 * Device keys across nodes: two Parley processes on one real Redis hand out the key a session on the
 * other node announced exactly as one node hands out its own (device-keys.test.ts): with `user-online`
 * and in the `welcome` to clients that ask (`Capability.IdentityKeys`), never to those that do not,
 * and none for a session that announced none.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { WebSocket } from 'ws';
import { Capability, PROTOCOL_VERSION } from '../../shared/protocol.js';
import { LOCAL_BUS } from '../../signaling/cluster/bus.js';
import { Presence, type PresenceMember } from '../../signaling/ws/presence.js';
import { connect, offline, online, testCluster, until } from './cluster-harness.js';
import { PASSWORD } from './harness.js';
import type { NodeProcess } from './node-process.js';

const ED25519 = { alg: 'Ed25519', key: 'ab'.repeat(32) } as const;
const P256 = { alg: 'P-256', key: `04${'cd'.repeat(64)}` } as const;
const KEYED = [Capability.IdentityKeys];

const cluster = testCluster('cluster-keys');

/** The text of a short WebSocket text frame (`encodeTextFrame`'s output, under 64 KiB). */
const decodeTextFrame = (bytes: Buffer): string => bytes.subarray(bytes[1]! < 126 ? 2 : 4).toString('utf8');

async function signUp(t: TestContext, node: NodeProcess, username: string, extra: object) {
  const client = await connect(t, node);
  client.send({ type: 'register', version: PROTOCOL_VERSION, username, password: PASSWORD, ...extra });
  return { client, welcome: await client.expect('welcome') };
}

test('a key announced on node A reaches keyed clients on node B with user-online', async (t) => {
  const { a, b } = cluster;
  const dee = await signUp(t, b, 'dee', { capabilities: KEYED });
  const old = await signUp(t, b, 'olga', {});
  await signUp(t, a, 'ada', { capabilities: KEYED, identity: ED25519 });
  await signUp(t, a, 'cy', { capabilities: KEYED });
  assert.deepEqual(await until(dee.client, online('ada')), {
    type: 'user-online',
    user: 'ada',
    identity: ED25519,
  });
  // A session that announced no key has none handed out, as on one node.
  assert.deepEqual(await until(dee.client, online('cy')), { type: 'user-online', user: 'cy' });
  // A client that did not ask gets the frame it always got.
  assert.deepEqual(await until(old.client, online('ada')), { type: 'user-online', user: 'ada' });
});

test("a welcome on node B lists the keys of node A's users to a client that asks", async (t) => {
  const { a, b } = cluster;
  const watcher = await signUp(t, b, 'wat', {});
  await signUp(t, a, 'bo', { identity: P256 });
  await signUp(t, a, 'eve', {});
  await until(watcher.client, online('eve'));
  const keyed = await signUp(t, b, 'fay', { capabilities: KEYED });
  assert.deepEqual(
    keyed.welcome.keys?.filter(({ user }) => user === 'bo' || user === 'eve'),
    [{ user: 'bo', identity: P256 }],
  );
  const plain = await signUp(t, b, 'gus', {});
  assert.equal(plain.welcome.keys, undefined);
});

test('a new login on node B with another key replaces the key node A hands out', async (t) => {
  const { a, b } = cluster;
  const hal = await signUp(t, a, 'hal', { capabilities: KEYED });
  const first = await signUp(t, a, 'ivy', { identity: ED25519 });
  await until(hal.client, online('ivy'));
  const second = await connect(t, b);
  second.send({
    type: 'login',
    version: PROTOCOL_VERSION,
    username: 'ivy',
    password: PASSWORD,
    identity: P256,
  });
  await second.expect('welcome');
  await until(hal.client, offline('ivy'));
  assert.deepEqual(await until(hal.client, online('ivy')), {
    type: 'user-online',
    user: 'ivy',
    identity: P256,
  });
  await first.client.closed;
  const late = await signUp(t, a, 'jo', { capabilities: KEYED });
  assert.deepEqual(
    late.welcome.keys?.filter(({ user }) => user === 'ivy'),
    [{ user: 'ivy', identity: P256 }],
  );
});

test("a presence reload that shows a user's session with another key hands out the new key", () => {
  // A reload follows a gap in the deltas: the missed ones may have been a new login with a new key.
  const presence = new Presence<PresenceMember>(LOCAL_BUS);
  const frames: unknown[] = [];
  const member: PresenceMember = {
    socket: { readyState: WebSocket.OPEN } as WebSocket,
    announce: (bytes) => frames.push(JSON.parse(decodeTextFrame(bytes))),
    forward: () => undefined,
    replace: () => undefined,
    wantsKeys: true,
  };
  presence.enter('kim', 'kim', member);
  presence.remoteSnapshot(new Map([['lu', { node: 'n1', user: 'lu', identity: ED25519 }]]), 1);
  presence.remoteSnapshot(new Map([['lu', { node: 'n1', user: 'lu', identity: P256 }]]), 1);
  assert.deepEqual(frames, [
    { type: 'user-online', user: 'lu', identity: ED25519 },
    { type: 'user-offline', user: 'lu' },
    { type: 'user-online', user: 'lu', identity: P256 },
  ]);
  assert.deepEqual(presence.keys(), new Map([['lu', P256]]));
});

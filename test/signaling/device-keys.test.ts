/**
 * Device keys at sign-in: checked, stored per account, and handed out with presence to the clients
 * that ask for them (`Capability.IdentityKeys`) — never to older clients, whose parsers are strict.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import { Capability, PROTOCOL_VERSION } from '../../shared/protocol.js';
import { openSqliteAccountStore } from '../../signaling/store/sqlite-account-store.js';
import { PASSWORD, startTestServer, type TestServer } from './harness.js';

const ED25519 = { alg: 'Ed25519', key: 'ab'.repeat(32) } as const;
const P256 = { alg: 'P-256', key: `04${'cd'.repeat(64)}` } as const;
const KEYED = [Capability.IdentityKeys];

async function serverWithStore(t: TestContext) {
  const store = openSqliteAccountStore(':memory:');
  t.after(() => store.close());
  return { store, server: await startTestServer(t, { store }) };
}

async function signUp(server: TestServer, username: string, extra: object) {
  const client = await server.connect();
  client.send({ type: 'register', version: PROTOCOL_VERSION, username, password: PASSWORD, ...extra });
  return { client, welcome: await client.expect('welcome') };
}

test('a key announced at sign-in is stored for the account and handed out with user-online', async (t) => {
  const { store, server } = await serverWithStore(t);
  const carol = await signUp(server, 'carol', { capabilities: KEYED });
  const old = await signUp(server, 'olga', {});
  const ada = await signUp(server, 'ada', { capabilities: KEYED, identity: ED25519 });
  assert.deepEqual(await carol.client.expect('user-online'), { type: 'user-online', user: 'olga' });
  assert.deepEqual(await carol.client.expect('user-online'), {
    type: 'user-online',
    user: 'ada',
    identity: ED25519,
  });
  // A client that did not ask gets the frame it always got: a strict parser of old still takes it.
  assert.deepEqual(await old.client.expect('user-online'), { type: 'user-online', user: 'ada' });
  assert.deepEqual(ada.welcome.keys, []);
  const account = await store.findAccount('ada');
  const keys = await store.deviceKeysOf(account!.id);
  assert.deepEqual(
    keys.map(({ alg, key }) => ({ alg, key })),
    [ED25519],
  );
});

test('a welcome lists the keys of those online to a client that asks, and not to one that does not', async (t) => {
  const { server } = await serverWithStore(t);
  await signUp(server, 'ada', { identity: ED25519 });
  await signUp(server, 'bo', { identity: P256 });
  await signUp(server, 'cy', {});
  const keyed = await signUp(server, 'dee', { capabilities: KEYED });
  assert.deepEqual(keyed.welcome.online, ['ada', 'bo', 'cy']);
  assert.deepEqual(keyed.welcome.keys, [
    { user: 'ada', identity: ED25519 },
    { user: 'bo', identity: P256 },
  ]);
  const plain = await signUp(server, 'eve', {});
  assert.equal('keys' in plain.welcome, false);
});

test('resume announces the key of the browser resuming: a new browser is a new device', async (t) => {
  const { store, server } = await serverWithStore(t);
  const first = await signUp(server, 'ada', { identity: ED25519 });
  const watcher = await signUp(server, 'bo', { capabilities: KEYED });
  first.client.ws.close();
  assert.equal((await watcher.client.expect('user-offline')).user, 'ada');
  const again = await server.connect();
  again.send({ type: 'resume', version: PROTOCOL_VERSION, token: first.welcome.token, identity: P256 });
  await again.expect('welcome');
  assert.deepEqual(await watcher.client.expect('user-online'), {
    type: 'user-online',
    user: 'ada',
    identity: P256,
  });
  const account = await store.findAccount('ada');
  assert.deepEqual((await store.deviceKeysOf(account!.id)).map((k) => k.alg).sort(), ['Ed25519', 'P-256']);
});

test('a key of the wrong size or shape is refused with ERR_BAD_FRAME, and nothing is stored', async (t) => {
  const { store, server } = await serverWithStore(t);
  const bad = [
    { alg: 'Ed25519', key: P256.key }, // 65 bytes named Ed25519
    { alg: 'P-256', key: 'ab'.repeat(65) }, // 65 bytes, not an uncompressed point
    { alg: 'P-256', key: ED25519.key }, // 32 bytes named P-256
    { alg: 'Ed25519', key: 'AB'.repeat(32) }, // not lowercase hex
    { alg: 'RSA', key: ED25519.key },
    { alg: 'Ed25519', key: ED25519.key, extra: 1 },
    'ab'.repeat(32),
  ];
  const client = await server.connect();
  for (const identity of bad) {
    client.send({
      type: 'register',
      version: PROTOCOL_VERSION,
      username: 'ada',
      password: PASSWORD,
      identity,
    });
    await client.expectError(ErrorCode.BadFrame);
    server.logs.take({ code: ErrorCode.BadFrame });
  }
  assert.equal(await store.findAccount('ada'), null);
  client.send({ type: 'register', version: PROTOCOL_VERSION, username: 'ada', password: PASSWORD });
  await client.expect('welcome');
  assert.deepEqual(await store.deviceKeysOf((await store.findAccount('ada'))!.id), []);
});

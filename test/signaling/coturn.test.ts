import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from './harness.js';
import { startTestServer } from './harness.js';
import { allocate } from './turn-allocate.js';
import { newSecret, startCoturn, type Coturn } from './turn-harness.js';
import { IceServerSource } from '../../signaling/turn/ice-servers.js';
import { signTurnCredential } from '../../signaling/turn/turn-credentials.js';

const current = newSecret();
const previous = newSecret();
let coturn: Coturn;

// One coturn for the file, started from deploy/turnserver.conf with two secrets, as during a rotation.
before(async () => {
  coturn = await startCoturn([current, previous]);
});
after(() => coturn?.stop());

const nowS = (): number => Math.floor(Date.now() / 1000);

test('coturn relays for a credential the Parley server handed out in its welcome', async (t) => {
  const server = await startTestServer(t, {
    turn: {
      urls: [`turn:${coturn.host}:${coturn.port}?transport=udp`],
      secrets: [current, previous],
      ttlS: 3600,
    },
  });
  const { client, welcome } = await server.join('alice');
  t.after(() => client.ws.terminate());
  const turn = welcome.iceServers.find((server) => String(server.urls).startsWith('turn:'));
  assert.ok(turn?.username && turn.credential, `no TURN entry in ${JSON.stringify(welcome.iceServers)}`);

  const result = await allocate(coturn.host, coturn.port, turn.username, turn.credential);
  assert.ok(result.ok, `coturn refused the credential: ${JSON.stringify(result)}\n${coturn.config}`);
  assert.equal(result.relayed.address, '127.0.0.1');
});

test('coturn refuses a credential whose time is up', async () => {
  // Issued by Parley's own source two hours ago with a one-hour TTL.
  const source = new IceServerSource(
    [],
    { urls: ['turn:x'], secrets: [current], ttlS: 3600 },
    new ManualClock(Date.now() - 2 * 3600_000),
  );
  const turn = source.grantFor('bob').iceServers[0]!;
  const result = await allocate(coturn.host, coturn.port, turn.username!, turn.credential!);
  assert.deepEqual(result.ok ? result : { ok: false, code: result.code }, { ok: false, code: 401 });
});

test('during a rotation coturn accepts both secrets, and nothing else', async () => {
  // One expiry for all three: read the clock twice and a second may tick between the reads.
  const expires = nowS() + 600;
  const user = `${expires}:carol`;
  for (const secret of [current, previous]) {
    const { username, credential } = signTurnCredential(secret, 'carol', expires);
    assert.equal(username, user);
    const result = await allocate(coturn.host, coturn.port, username, credential);
    assert.ok(result.ok, `refused with one of the two secrets: ${JSON.stringify(result)}`);
  }
  const stranger = signTurnCredential(newSecret(), 'carol', expires);
  const refused = await allocate(coturn.host, coturn.port, stranger.username, stranger.credential);
  assert.deepEqual(refused.ok ? refused : { ok: false, code: refused.code }, { ok: false, code: 401 });
});

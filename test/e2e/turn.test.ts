/**
 * Through a real coturn, started on loopback from deploy/turnserver.conf (the file docs/deploy.md
 * shows), with the real server handing out time-limited credentials from TURN_URLS/TURN_SECRET.
 * Both browsers are forced to relay-only by the test switch (client/app/session/test-ice-policy.ts):
 * on one machine they would otherwise always find the direct path.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { allocate } from '../signaling/turn-allocate.js';
import { newSecret, startCoturn } from '../signaling/turn-harness.js';
import type { Coturn } from '../signaling/turn-harness.js';
import { RECORD_ICE_GRANTS_SCRIPT, turnGrants } from './harness/ice-grants.js';
import { COUNT_PEER_CONNECTIONS_SCRIPT, peerConnectionsMade } from './harness/peer-connections.js';
import type { Person } from './harness/person.js';
import type { WorldOptions } from './harness/world.js';
import { useWorlds } from './harness/world.js';

const inWorld = useWorlds();
const secret = newSecret();
let coturn: Coturn;

before(async () => {
  coturn = await startCoturn([secret]);
});
after(() => coturn?.stop());

/** TEST_ICE_POLICY_GLOBAL of client/app/session/test-ice-policy.ts, set before the app starts. */
const RELAY_ONLY_SCRIPT = "globalThis.parleyTestIcePolicy = 'relay';";
/** A relayed connection needs TURN allocations on both sides first; a busy machine is slow. */
const RELAY_TIMEOUT_MS = 30_000;
/** Recovery: ICE notices the lost path within seconds, then restarts (or reconnects) through the relay. */
const RECOVERY_TIMEOUT_MS = 60_000;

/** TURN_TTL_S's lower bound: a credential a test can watch expire (refreshed at 80 %, after 12 s). */
const SHORT_TTL_S = 15;
/** coturn reads its clock in whole seconds: past the expiry by this much, it surely refuses. */
const COTURN_CLOCK_SLACK_S = 2;

function relayed(env: Readonly<Record<string, string>> = {}): WorldOptions {
  return {
    server: {
      env: { TURN_URLS: `turn:${coturn.host}:${coturn.port}?transport=udp`, TURN_SECRET: secret, ...env },
    },
    initScripts: [RELAY_ONLY_SCRIPT],
  };
}

function headerSays(person: Person, text: RegExp) {
  return person.page.getByRole('status').filter({ hasText: text });
}

test('forced through the relay, two people chat and move a file, and the header says relayed', () =>
  inWorld(async (world) => {
    const [alice, bob] = await world.twoInConversation('alice', 'bob');
    await headerSays(alice, /relayed/).waitFor({ timeout: RELAY_TIMEOUT_MS });
    await headerSays(bob, /relayed/).waitFor({ timeout: RELAY_TIMEOUT_MS });
    assert.equal(await headerSays(alice, /connected directly/).count(), 0);

    await alice.send('through the relay');
    await bob.expectMessage('through the relay', { author: 'alice' });
    await alice.waitForState('through the relay', 'delivered');

    const bytes = randomBytes(300 * 1024);
    const [chooser] = await Promise.all([
      bob.page.waitForEvent('filechooser'),
      bob.page.getByRole('button', { name: 'Attach file', exact: true }).click(),
    ]);
    await chooser.setFiles({ name: 'relayed.bin', mimeType: 'application/octet-stream', buffer: bytes });
    const card = alice.messageLog.getByRole('article').filter({ hasText: 'relayed.bin' });
    const save = card
      .getByRole('button', { name: 'Save', exact: true })
      .or(card.getByRole('link', { name: 'Save' }));
    await save.waitFor({ timeout: RELAY_TIMEOUT_MS });
    const [download] = await Promise.all([alice.page.waitForEvent('download'), save.click()]);
    const received = await readFile(await download.path());
    assert.equal(
      createHash('sha256').update(received).digest('hex'),
      createHash('sha256').update(bytes).digest('hex'),
      'the file arrives whole through the relay',
    );
  }, relayed()));

test('relay-only without a TURN server, the header says why no connection can be made', () =>
  inWorld(
    async (world) => {
      const [alice] = await world.twoInConversation('alice', 'bob');
      await alice.send('waits for a path');
      // After the connection timeout (15 s), in words, instead of cycling through connecting…
      await headerSays(alice, /no connection could be made: no relay server is configured/).waitFor({
        timeout: RELAY_TIMEOUT_MS,
      });
      await alice.waitForState('waits for a path', 'sending');
    },
    { initScripts: [RELAY_ONLY_SCRIPT] },
  ));

test('without the switch, two tabs on one machine are connected directly', () =>
  inWorld(async (world) => {
    const [alice, bob] = await world.twoInConversation('alice', 'bob');
    await alice.directConnection.waitFor();
    await bob.directConnection.waitFor();
    assert.equal(await headerSays(alice, /relayed/).count(), 0);
  }));

test('a credential past its expiry is refused by coturn; a tab open since got a fresh one and still connects', () =>
  inWorld(
    async (world) => {
      const alice = await world.register('alice');
      const [first] = await turnGrants(alice.page, 1, RELAY_TIMEOUT_MS);
      assert.equal(first!.frame, 'welcome');
      // The server's refresh, at 80 % of the lifetime: before the first credential expires.
      const [, fresh] = await turnGrants(alice.page, 2, SHORT_TTL_S * 1000);
      assert.equal(fresh!.frame, 'ice-servers');
      assert.ok(fresh!.receivedAt < first!.expiresAtS * 1000, 'the refresh came after the expiry');
      assert.ok(fresh!.expiresAtS > first!.expiresAtS);

      // What this test is about is time passing: wait for the wall clock, not for an event.
      await delay((first!.expiresAtS + COTURN_CLOCK_SLACK_S) * 1000 - Date.now());
      const refused = await allocate(coturn.host, coturn.port, first!.username, first!.credential);
      assert.deepEqual(refused.ok ? refused : { ok: false, code: refused.code }, { ok: false, code: 401 });

      // Bob arrives only now, so the pair's connection is made after alice's first credential
      // expired: relay-only, alice has a relay candidate only with a credential she was sent since.
      const bob = await world.register('bob');
      await alice.waitUntilOnline('bob');
      await bob.waitUntilOnline('alice');
      await alice.openChat('bob');
      await bob.openChat('alice');
      await headerSays(alice, /relayed/).waitFor({ timeout: RELAY_TIMEOUT_MS });
      await alice.send('after the first credential expired');
      await bob.expectMessage('after the first credential expired', {
        author: 'alice',
        timeout: RELAY_TIMEOUT_MS,
      });
      await alice.waitForState('after the first credential expired', 'delivered', RELAY_TIMEOUT_MS);
    },
    {
      ...relayed({ TURN_TTL_S: String(SHORT_TTL_S) }),
      initScripts: [RELAY_ONLY_SCRIPT, RECORD_ICE_GRANTS_SCRIPT],
    },
  ));

/**
 * Kills coturn like a crash (every allocation, and so the selected path, gone) and starts it again:
 * an ICE restart finds a new path through it on the same peer connection — no reconnect, which the
 * header may not show for long enough to see — and messages go both ways again.
 */
async function restartRelayAndRecover(alice: Person, bob: Person): Promise<void> {
  const before = [await peerConnectionsMade(alice.page), await peerConnectionsMade(bob.page)];
  await coturn.restart();
  await alice.send('after the relay restarted');
  await bob.expectMessage('after the relay restarted', { author: 'alice', timeout: RECOVERY_TIMEOUT_MS });
  await alice.waitForState('after the relay restarted', 'delivered', RECOVERY_TIMEOUT_MS);
  await bob.send('and back');
  await alice.expectMessage('and back', { author: 'bob', timeout: RECOVERY_TIMEOUT_MS });
  await headerSays(bob, /relayed/).waitFor({ timeout: RECOVERY_TIMEOUT_MS });
  assert.deepEqual(
    [await peerConnectionsMade(alice.page), await peerConnectionsMade(bob.page)],
    before,
    'the conversation recovered by a new connection, not by an ICE restart',
  );
}

/** Relay-only, with the peer connections counted. */
function relayedAndCounted(env: Readonly<Record<string, string>> = {}): WorldOptions {
  return { ...relayed(env), initScripts: [RELAY_ONLY_SCRIPT, COUNT_PEER_CONNECTIONS_SCRIPT] };
}

test('when the relay restarts mid-conversation, the conversation recovers without a reload', () =>
  inWorld(async (world) => {
    const [alice, bob] = await world.twoInConversation('alice', 'bob');
    await headerSays(alice, /relayed/).waitFor({ timeout: RELAY_TIMEOUT_MS });
    await alice.send('before the relay restarts');
    await alice.waitForState('before the relay restarts', 'delivered');
    await restartRelayAndRecover(alice, bob);
  }, relayedAndCounted()));

test('a connection older than its TURN credential still recovers from a relay restart', () =>
  inWorld(
    async (world) => {
      const [alice, bob] = await world.twoInConversation('alice', 'bob');
      await headerSays(alice, /relayed/).waitFor({ timeout: RELAY_TIMEOUT_MS });
      await headerSays(bob, /relayed/).waitFor({ timeout: RELAY_TIMEOUT_MS });
      await alice.send('before the credential expired');
      await alice.waitForState('before the credential expired', 'delivered');
      // Every credential either side held when the connection was made has expired after this (the
      // subject of the test is time passing); the servers have sent both fresh ones since.
      const connectedAt = Date.now();
      await delay(connectedAt + (SHORT_TTL_S + COTURN_CLOCK_SLACK_S) * 1000 - Date.now());
      // The ICE restart needs new allocations on both sides, which coturn grants only to a fresh credential.
      await restartRelayAndRecover(alice, bob);
    },
    relayedAndCounted({ TURN_TTL_S: String(SHORT_TTL_S) }),
  ));

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useWorlds } from './harness/world.js';

const inWorld = useWorlds();

/** Reconnection retries back off (0.5 s, 1 s, 2 s…): allow a few rounds on a busy machine. */
const RECONNECT_TIMEOUT_MS = 20_000;

test('an open conversation keeps working while the server is down, and everyone reconnects when it is back', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    const bob = await world.register('bob');
    await alice.openChat('bob');
    await bob.openChat('alice');
    await alice.directConnection.waitFor();
    await alice.send('before the crash');
    await bob.expectMessage('before the crash', { author: 'alice' });
    assert.equal(await alice.serverNotice.count(), 0, 'no notice while the server is up');

    await world.server.kill();
    await alice.serverNotice.waitFor();
    await bob.serverNotice.waitFor();

    // Both directions still work over the data channel, and the UI stays usable.
    await alice.send('while the server is down');
    await bob.expectMessage('while the server is down', { author: 'alice' });
    await alice.waitForState('while the server is down', 'delivered');
    await bob.send('still here without it');
    await alice.expectMessage('still here without it', { author: 'bob' });
    await bob.waitForState('still here without it', 'delivered');

    await world.server.restart();
    await alice.serverNotice.waitFor({ state: 'detached', timeout: RECONNECT_TIMEOUT_MS });
    await bob.serverNotice.waitFor({ state: 'detached', timeout: RECONNECT_TIMEOUT_MS });

    // Presence works again: both sessions were resumed, and a newcomer shows up for both.
    const carol = await world.register('carol');
    await alice.waitUntilOnline('carol');
    await bob.waitUntilOnline('carol');
    await carol.waitUntilOnline('alice');
    await carol.waitUntilOnline('bob');
    await alice.waitUntilOnline('bob');

    await alice.send('after the restart');
    await bob.expectMessage('after the restart', { author: 'alice' });
    await alice.waitForState('after the restart', 'delivered');
  }));
